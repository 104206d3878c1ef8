"""Geocoding: one point or geometry, or a batch of points."""

from typing import Annotated, Any

import shapely
from fastapi import APIRouter, File, Form, Response, UploadFile
from shapely.geometry import shape

from app.deps import SessionDep, SettingsDep
from app.errors import Invalid
from app.jobs.kinds import BATCH_COLUMNS
from app.schemas.geocode import BatchResult, GeocodeRequest, GeocodeResult
from app.schemas.jobs import JobRead
from app.services import jobs as job_service
from app.services.geocode import geocode_geometry, geocode_points
from app.services.uploads import discard_upload, save_upload
from geo.crs import geometry_to_wgs84, parse_crs, to_wgs84_coords
from geo.geocode import as_point
from geo.points_io import PointsFileError, read_points

router = APIRouter(prefix="/api/v1/geocode", tags=["geocode"])


def _input_geometry(req: GeocodeRequest) -> shapely.Geometry:
    crs = parse_crs(req.crs)
    if req.geometry is not None:
        try:
            geom = shape(req.geometry)
        except (ValueError, TypeError, AttributeError, KeyError) as exc:
            raise Invalid(f"geometry is not valid GeoJSON: {exc}") from exc
        if geom.is_empty:
            raise Invalid("geometry is empty")
        if not geom.is_valid:
            raise Invalid(f"geometry is invalid: {shapely.is_valid_reason(geom)}")
        wgs = geometry_to_wgs84(geom, crs)
    else:
        assert req.lon is not None and req.lat is not None
        lon, lat = to_wgs84_coords(crs, req.lon, req.lat)
        try:
            wgs = as_point(float(lon), float(lat))
        except ValueError as exc:
            raise Invalid(str(exc)) from exc
    minx, miny, maxx, maxy = wgs.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise Invalid(f"coordinates are not longitude/latitude in {req.crs}")
    return wgs


@router.post("", summary="Geocode a point or a geometry")
def geocode(req: GeocodeRequest, session: SessionDep, settings: SettingsDep) -> GeocodeResult:
    """Return divisions, responsible/partner organisations, zones and nearest water."""
    geometry = _input_geometry(req)
    result = geocode_geometry(
        session,
        geometry=geometry,
        partner_distance_m=req.partner_distance_m or settings.partner_distance_m,
    )
    return GeocodeResult(input_crs=str(parse_crs(req.crs)), **result)


@router.post(
    "/batch",
    summary="Geocode a CSV or GeoJSON of points",
    responses={202: {"model": JobRead, "description": "large batch: runs as a job"}},
)
def geocode_batch(
    session: SessionDep,
    settings: SettingsDep,
    response: Response,
    file: Annotated[UploadFile, File(description="CSV with lon,lat[,id] or GeoJSON points")],
    crs: Annotated[str, Form()] = "wgs84",
    partner_distance_m: Annotated[float | None, Form(gt=0, le=200_000)] = None,
) -> Any:
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
                params={
                    "path": str(path),
                    "crs": str(system),
                    "partner_distance_m": distance,
                },
            )
            keep = True
            response.status_code = 202
            response.headers["Location"] = f"/api/v1/jobs/{job.id}"
            return JobRead.model_validate(job)
        lons, lats = to_wgs84_coords(system, points.xs, points.ys)
        rows, ctx = geocode_points(session, lons=lons, lats=lats, partner_distance_m=distance)
        out = [
            {
                k: v
                for k, v in {"id": pid, "lon": float(x), "lat": float(y), **row}.items()
                if k in BATCH_COLUMNS
            }
            for pid, x, y, row in zip(points.ids, points.xs, points.ys, rows, strict=True)
        ]
        return BatchResult(points=len(out), rows=out, layer_versions=ctx.versions)  # type: ignore[arg-type]
    finally:
        if not keep:
            discard_upload(path)
