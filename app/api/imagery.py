"""Imagery: upload (a job), STAC Items, originals and COGs, tiles, statistics."""

import os
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse, Response, StreamingResponse
from geoalchemy2.shape import to_shape

from app.auth import Allow, Principal
from app.deps import BBoxDep, DbId, Offset, SessionDep, SettingsDep
from app.errors import Invalid, NotFound
from app.http.responses import GEOJSON, accepted, media
from app.http.routing import TransactionRoute
from app.schemas.common import Instant
from app.schemas.imagery import (
    IndexName,
    StacItem,
    StacItemCollection,
    Statistics,
    StatisticsRequest,
    TileJSON,
)
from app.schemas.jobs import JobRead
from app.services import jobs as job_service
from app.services.files.archive import chunks
from app.services.files.archived_store import evidence_store
from app.services.files.evidence_store import EvidenceStore
from app.services.files.uploads import discard_upload, save_upload
from app.services.imagery import catalog
from app.services.imagery.ingest import ImageUpload, precheck
from app.services.places.geocode import resolve_input
from app.settings import Settings
from geo.imagery.tiles import TileOutside, render_tile, statistics, tilejson, zoom_range

router = APIRouter(prefix="/api/v1", tags=["imagery"], route_class=TransactionRoute)
Reader = Annotated[Principal, Depends(Allow("imagery:read", "admin", "prosecutor"))]
Writer = Annotated[Principal, Depends(Allow("imagery:write", "admin", "prosecutor"))]
PNG = "image/png"
TILE_CACHE = "private, max-age=86400, immutable"


def _store(settings: Settings) -> EvidenceStore:
    return evidence_store(settings)


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


@router.post(
    "/imagery",
    status_code=202,
    summary="Upload a GeoTIFF scene or orthomosaic, or a drone photo (imported as a job)",
    response_model=JobRead,
)
def upload_image(
    session: SessionDep,
    caller: Writer,
    settings: SettingsDep,
    file: Annotated[UploadFile, File(description="GeoTIFF (scene, orthomosaic) or drone JPEG")],
    sensor: Annotated[str, Form(description="sentinel2, landsat8, landsat7, drone or rgb")],
    acquired: Annotated[
        str | None, Form(description="ISO 8601; default: the file's own time tag")
    ] = None,
    bands: Annotated[
        str | None, Form(description='band map as JSON, e.g. {"red": 3, "nir": 4}')
    ] = None,
    title: Annotated[str | None, Form(max_length=200)] = None,
    illustrative: Annotated[
        bool, Form(description="real pixels placed elsewhere, for demonstration only")
    ] = False,
    category: Annotated[
        str | None, Form(description="drone photos: what they show (joins or starts a lead)")
    ] = None,
) -> JSONResponse:
    """Check the file and queue its import; follow the job (Location) for the image id."""
    path = save_upload(file.file, file.filename, settings.uploads_dir, settings.upload_max_bytes)
    try:
        upload = ImageUpload.from_text(
            path=path,
            name=file.filename or path.name,
            sensor=sensor,
            acquired=acquired,
            bands=bands,
            title=title,
            illustrative=illustrative,
            category=category,
        )
        precheck(upload, settings)
        job = job_service.create_job(
            session,
            kind="imagery_import",
            created_by=caller.user,
            params={**upload.params(), "user_id": caller.user.id},
        )
    except BaseException:
        discard_upload(path)
        raise
    return accepted(job)


@router.get(
    "/imagery",
    summary="Images as a STAC ItemCollection (newest acquisition first)",
    response_model=StacItemCollection,
)
def list_images(
    request: Request,
    session: SessionDep,
    _: Reader,
    bbox: BBoxDep,
    start: Instant | None = None,
    end: Instant | None = None,
    sensor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Offset = 0,
) -> JSONResponse:
    """Images whose footprint meets the bbox, acquired in [start, end)."""
    images = catalog.list_images(
        session, bbox=bbox, start=start, end=end, sensor=sensor, limit=limit, offset=offset
    )
    base = _base(request)
    body = {
        "type": "FeatureCollection",
        "features": [catalog.stac_item(i, base) for i in images],
        "numberReturned": len(images),
        "links": [{"rel": "self", "href": str(request.url)}],
    }
    return JSONResponse(body, media_type=GEOJSON)


@router.get(
    "/imagery/{image_id}",
    summary="An image as a STAC Item",
    response_model=StacItem,
    responses=media(GEOJSON, "a STAC Item", StacItem),
)
def get_image(request: Request, image_id: DbId, session: SessionDep, _: Reader) -> JSONResponse:
    """The image's STAC Item: footprint, time, sensor, bands, checksums of its files."""
    image = catalog.get_image(session, image_id)
    return JSONResponse(catalog.stac_item(image, _base(request)), media_type=GEOJSON)


@router.get(
    "/imagery/{image_id}/original",
    summary="The original file, byte for byte",
    response_class=FileResponse,
)
def get_original(image_id: DbId, session: SessionDep, _: Reader, settings: SettingsDep) -> Response:
    """The file as uploaded; its SHA-256 is the STAC Item's `file:checksum`. Streamed from
    the archive once its staged copy is dropped."""
    image = catalog.get_image(session, image_id)
    media_type = "image/jpeg" if image.kind == "drone_photo" else catalog.GEOTIFF
    store = _store(settings)
    staged = store.local_path(image.original_key)
    if os.path.exists(staged):
        return FileResponse(staged, media_type=media_type, filename=image.original_name)
    disposition = f"attachment; filename*=UTF-8''{quote(image.original_name)}"
    return StreamingResponse(
        chunks(store.open(image.original_key)),
        media_type=media_type,
        headers={"Content-Disposition": disposition},
    )


@router.get(
    "/imagery/{image_id}/cog",
    summary="The Cloud-Optimized GeoTIFF derived from the original",
    response_class=FileResponse,
)
def get_cog(image_id: DbId, session: SessionDep, _: Reader, settings: SettingsDep) -> FileResponse:
    """The COG (deflate, internal mask, overviews) tiles and change detection read."""
    image = catalog.get_raster(session, image_id)
    return FileResponse(
        catalog.cog_path(image, _store(settings)),
        media_type=catalog.COG,
        filename=f"image-{image.id}.cog.tif",
    )


@router.get(
    "/imagery/{image_id}/tiles/WebMercatorQuad/{z}/{x}/{y}.png",
    summary="A map tile (true colour, or an index with a colour map)",
    response_class=Response,
    responses={200: {"content": {PNG: {}}, "description": "a 256 × 256 PNG tile"}},
)
def get_tile(
    image_id: DbId,
    z: Annotated[int, Path(ge=0, le=24)],
    x: Annotated[int, Path(ge=0, le=2**24)],
    y: Annotated[int, Path(ge=0, le=2**24)],
    session: SessionDep,
    _: Reader,
    settings: SettingsDep,
    index: IndexName | None = None,
    rescale: Annotated[str | None, Query(description="min,max of the values shown")] = None,
    colormap: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    """A PNG tile of the image in Web Mercator; 404 outside the image."""
    image = catalog.get_raster(session, image_id)
    if index is not None:
        catalog.check_index_of(image, index)
    if not (0 <= x < 2**z and 0 <= y < 2**z):
        raise Invalid(f"tile {z}/{x}/{y} does not exist")
    try:
        png = render_tile(
            catalog.cog_path(image, _store(settings)),
            z,
            x,
            y,
            bands=image.bands,
            scale=catalog.scale_of(image),
            index=index,
            rescale=_rescale(rescale),
            colormap=colormap,
        )
    except TileOutside as exc:
        raise NotFound(f"tile {z}/{x}/{y} is outside image {image_id}") from exc
    except ValueError as exc:
        raise Invalid(str(exc)) from exc
    return Response(png, media_type=PNG, headers={"Cache-Control": TILE_CACHE})


def _rescale(raw: str | None) -> tuple[float, float] | None:
    if raw is None:
        return None
    try:
        lo, hi = (float(v) for v in raw.split(","))
    except ValueError:
        raise Invalid("rescale must be two numbers: min,max") from None
    if not lo < hi:
        raise Invalid("rescale needs min < max")
    return lo, hi


@router.get(
    "/imagery/{image_id}/tilejson.json",
    summary="TileJSON of the image's tiles (same query as the tiles)",
    response_model=TileJSON,
)
def get_tilejson(
    request: Request,
    image_id: DbId,
    session: SessionDep,
    _: Reader,
    settings: SettingsDep,
    index: IndexName | None = None,
) -> dict[str, Any]:
    """Where the tiles are, their bounds and zoom range (add `?index=` for an index)."""
    image = catalog.get_raster(session, image_id)
    if index is not None:
        catalog.check_index_of(image, index)
    minzoom, maxzoom = zoom_range(catalog.cog_path(image, _store(settings)))
    return tilejson(
        image.id,
        _base(request),
        to_shape(image.footprint).bounds,
        minzoom,
        maxzoom,
        query=f"?index={index}" if index else "",
    )


@router.post(
    "/imagery/{image_id}/statistics",
    summary="Statistics of the image (or an index) within a GeoJSON geometry",
    response_model=Statistics,
)
def post_statistics(
    image_id: DbId,
    body: StatisticsRequest,
    session: SessionDep,
    _: Reader,
    settings: SettingsDep,
) -> Statistics:
    """Counts, min/max/mean/std, percentiles and a histogram inside the geometry."""
    image = catalog.get_raster(session, image_id)
    if body.index is not None:
        catalog.check_index_of(image, body.index)
    geometry = resolve_input(
        lon=None,
        lat=None,
        geometry=body.geometry,
        crs="EPSG:4326",
        max_vertices=settings.geometry_max_vertices,
    )
    if geometry.geom_type not in ("Polygon", "MultiPolygon"):
        raise Invalid("statistics need a Polygon or MultiPolygon")
    try:
        stats = statistics(
            catalog.cog_path(image, _store(settings)),
            geometry,
            bands=image.bands,
            scale=catalog.scale_of(image),
            index=body.index,
        )
    except TileOutside as exc:
        raise Invalid(f"the geometry does not meet image {image_id}") from exc
    return Statistics(image_id=image.id, index=body.index, bands=stats)
