"""Geocoding: one point or geometry, or a batch of points."""

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, UploadFile
from fastapi.responses import JSONResponse

from app.auth import Allow, Principal
from app.deps import SessionDep, SettingsDep
from app.errors import Invalid
from app.http.responses import accepted
from app.http.routing import TransactionRoute
from app.schemas.geocode import BatchResult, GeocodeRequest, GeocodeResult
from app.schemas.jobs import JobRead
from app.services import jobs as job_service
from app.services.files.uploads import discard_upload, save_upload
from app.services.places.geocode import geocode_geometry, resolve_input
from app.services.places.geocode_batch import geocode_points
from geo.crs import parse_crs, to_wgs84_coords
from geo.points_io import PointsFileError, read_points

router = APIRouter(prefix="/api/v1/geocode", tags=["geocode"], route_class=TransactionRoute)
Geocoder = Annotated[Principal, Depends(Allow("geocode", "admin", "prosecutor", "partner"))]


@router.post("", summary="Geocode a point or a geometry")
def geocode(
    req: GeocodeRequest, session: SessionDep, settings: SettingsDep, _: Geocoder
) -> GeocodeResult:
    """Return divisions, responsible/partner organisations, zones and nearest water."""
    geometry = resolve_input(
        **req.model_dump(include={"lon", "lat", "geometry", "crs"}),
        max_vertices=settings.geometry_max_vertices,
    )
    result = geocode_geometry(
        session,
        geometry=geometry,
        partner_distance_m=req.partner_distance_m or settings.partner_distance_m,
        nearest_max_m=settings.nearest_max_m,
    )
    return GeocodeResult.model_validate({"input_crs": str(parse_crs(req.crs)), **result})


@router.post(
    "/batch",
    summary="Geocode a CSV or GeoJSON of points",
    response_model=BatchResult,
    responses={202: {"model": JobRead, "description": "large batch: runs as a job"}},
)
def geocode_batch(
    session: SessionDep,
    caller: Geocoder,
    settings: SettingsDep,
    file: Annotated[UploadFile, File(description="CSV with lon,lat[,id] or GeoJSON points")],
    crs: Annotated[str, Form()] = "wgs84",
    partner_distance_m: Annotated[float | None, Form(ge=1, le=200_000)] = None,
) -> BatchResult | JSONResponse:
    """Answer small batches inline; larger ones (CSV result) run as a job."""
    system = parse_crs(crs)
    distance = partner_distance_m or settings.partner_distance_m
    path = save_upload(file.file, file.filename, settings.uploads_dir, settings.upload_max_bytes)
    keep = False
    try:
        try:
            points = read_points(path, settings.batch_max_points)
        except PointsFileError as exc:
            raise Invalid(str(exc)) from exc
        if len(points.ids) > settings.sync_batch_max_points:
            job = job_service.create_job(
                session,
                kind="geocode_batch",
                created_by=caller.user,
                params={
                    "path": str(path),
                    "crs": str(system),
                    "partner_distance_m": distance,
                },
            )
            keep = True
            return accepted(job)
        lons, lats = to_wgs84_coords(system, points.xs, points.ys)
        result = geocode_points(
            session,
            lons=lons,
            lats=lats,
            partner_distance_m=distance,
            nearest_max_m=settings.nearest_max_m,
        )
        rows = list(result.rows(points.ids, points.xs, points.ys))
        return BatchResult.model_validate(
            {"points": len(rows), "rows": rows, "layer_versions": result.layers}
        )
    finally:
        if not keep:
            discard_upload(path)
