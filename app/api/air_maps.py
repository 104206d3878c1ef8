"""Air quality for the map and the leads: PM10 surfaces, fire hotspots, attribution."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import FileResponse, JSONResponse

from app.api.air import Analyst, Reader, analyse
from app.deps import BBoxDep, DbId, SessionDep, SettingsDep, lead_visible_to
from app.errors import NotFound
from app.http.responses import accepted, media
from app.http.routing import TransactionRoute
from app.presenters.air import attribution_fields, hotspot_collection, surface_read
from app.schemas.air_maps import (
    HotspotAttribution,
    HotspotCollection,
    LeadAttribution,
    SurfaceCells,
    SurfaceCreate,
    SurfaceRead,
)
from app.schemas.common import Instant
from app.schemas.jobs import JobRead
from app.services import jobs as job_service
from app.services.air.attribution import hotspot_attribution, lead_attribution
from app.services.air.hotspots import get_hotspot, list_hotspots
from app.services.air.surfaces import (
    SurfaceRequest,
    get_surface,
    list_surfaces,
    surface_grid,
    surface_path,
)
from geo.air.surface_io import grid_cells_geojson, read_values
from models import Lead

router = APIRouter(prefix="/api/v1/air", tags=["air"], route_class=TransactionRoute)
GEOTIFF = "image/tiff; application=geotiff"
AnalysedLead = Annotated[Lead, Depends(lead_visible_to(analyse))]


@router.post(
    "/surfaces", status_code=202, summary="Estimate a surface (a job)", response_model=JobRead
)
def create_surface_job(req: SurfaceCreate, session: SessionDep, caller: Analyst) -> JSONResponse:
    """Check the request, then queue the estimation; the result links the GeoTIFF."""
    SurfaceRequest(**req.model_dump()).check()
    job = job_service.create_job(
        session, kind="air_surface", created_by=caller.user, params=req.model_dump(mode="json")
    )
    return accepted(job)


@router.get("/surfaces", summary="Estimated surfaces, newest first")
def surfaces(session: SessionDep, _: Reader) -> list[SurfaceRead]:
    """List surfaces with their cross-validation."""
    return [surface_read(s) for s in list_surfaces(session)]


@router.get("/surfaces/{surface_id}", summary="A surface with its cross-validation")
def surface(surface_id: DbId, session: SessionDep, _: Reader) -> SurfaceRead:
    """Return one surface."""
    return surface_read(get_surface(session, surface_id))


@router.get(
    "/surfaces/{surface_id}/geotiff",
    summary="A surface as GeoTIFF (EPSG:4326)",
    response_class=FileResponse,
    responses=media(GEOTIFF, "the GeoTIFF (its SHA-256 in X-Content-SHA256)"),
)
def surface_geotiff(
    surface_id: DbId, session: SessionDep, settings: SettingsDep, _: Reader
) -> FileResponse:
    """Return the GeoTIFF with its SHA-256."""
    s = get_surface(session, surface_id)
    path = surface_path(settings, s)
    if not path.exists():
        raise NotFound(f"the GeoTIFF of surface {surface_id} is missing")
    return FileResponse(
        path,
        media_type=GEOTIFF,
        filename=s.file,
        headers={"X-Content-SHA256": s.sha256},
    )


@router.get(
    "/surfaces/{surface_id}/cells",
    summary="A surface as GeoJSON cells",
    response_class=JSONResponse,
    responses={200: {"model": SurfaceCells, "description": "every cell with its value"}},
)
def surface_cells(
    surface_id: DbId, session: SessionDep, settings: SettingsDep, _: Reader
) -> JSONResponse:
    """Return every cell as a polygon with its value (for the map).

    Thousands of cells: answered as built, not re-validated (tests check the schema).
    """
    s = get_surface(session, surface_id)
    cells = grid_cells_geojson(surface_grid(s), read_values(surface_path(settings, s)))
    return JSONResponse({**cells, "surface": surface_read(s).model_dump(mode="json")})


@router.get(
    "/leads/{lead_id}/attribution",
    summary="Who was upwind: the air signal of a lead",
    response_model_exclude_unset=True,  # not applicable: only lead, applicable and reason
)
def lead_air(lead: AnalysedLead, session: SessionDep, settings: SettingsDep) -> LeadAttribution:
    """Return the attribution of a lead with every evidence hour."""
    found = lead_attribution(session, lead=lead, settings=settings)
    if found is None:
        return LeadAttribution(
            lead=lead.id,
            applicable=False,
            reason="不适用：非大气污染类线索或无站点 (not an air-pollution lead, or no stations)",
        )
    return LeadAttribution.model_validate({"lead": lead.id, **attribution_fields(found)})


@router.get(
    "/hotspots",
    summary="Fire hotspots (GeoJSON)",
    response_class=JSONResponse,
    responses={200: {"model": HotspotCollection, "description": "detections as GeoJSON"}},
)
def hotspots(
    session: SessionDep,
    _: Reader,
    bbox: BBoxDep,
    start: Annotated[Instant | None, Query(alias="from")] = None,
    end: Annotated[Instant | None, Query(alias="to")] = None,
    limit: Annotated[int, Query(ge=1, le=50_000)] = 5000,
) -> JSONResponse:
    """Detections with confidence, FRP and whether they became evidence.

    Up to 50,000 features: answered as built, not re-validated (tests check the schema).
    """
    found = list_hotspots(session, bbox=bbox, start=start, end=end, limit=limit)
    return JSONResponse(hotspot_collection(found))


@router.get("/hotspots/{hotspot_id}/attribution", summary="The air signal of a hotspot")
def hotspot_air(
    hotspot_id: DbId, session: SessionDep, settings: SettingsDep, _: Reader
) -> HotspotAttribution:
    """Return the attribution of a detection as a straw-burning source."""
    h = get_hotspot(session, hotspot_id)
    found = hotspot_attribution(session, hotspot=h, settings=settings)
    return HotspotAttribution.model_validate({"hotspot": hotspot_id, **attribution_fields(found)})
