"""Air quality: stations, readings, statistics, exceedances, imports, surfaces, hotspots."""

import json
from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Query, Response, UploadFile
from fastapi.responses import FileResponse
from geoalchemy2.shape import to_shape
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth import Allow, Principal
from app.deps import BBoxDep, SessionDep, SettingsDep
from app.errors import Invalid, NotFound
from app.schemas.jobs import JobRead
from app.services import air_queries as queries
from app.services import jobs as job_service
from app.services.air_attribution import hotspot_attribution, lead_attribution
from app.services.air_stats import exceedances, records, station_statistics
from app.services.air_surfaces import (
    SurfaceRequest,
    get_surface,
    list_surfaces,
    surface_grid,
    surface_path,
)
from app.services.hotspots import get_hotspot, list_hotspots
from app.services.uploads import discard_upload, save_upload
from app.services.workflow import get_lead
from geo.air.attribution import Attribution
from geo.air.formats import parse_mapping
from geo.air.surface_io import grid_cells_geojson, read_values
from models import AirImport, AirStation, AirSurface

router = APIRouter(prefix="/api/v1/air", tags=["air"])
Reader = Annotated[Principal, Depends(Allow("air:read", "admin", "prosecutor", "partner"))]
Analyst = Annotated[Principal, Depends(Allow("air:write", "admin", "prosecutor"))]
Importer = Annotated[Principal, Depends(Allow("air:write", "admin"))]
FORMATS = ("prsa", "cnemc", "csv", "firms")


def _station(s: AirStation, value: dict[str, Any] | None = None) -> dict[str, Any]:
    p = to_shape(s.geom)
    return {
        "code": s.code,
        "name": s.name,
        "city": s.city,
        "kind": s.kind,
        "org_id": s.org_id,
        "lon": p.x,
        "lat": p.y,
        **({"pm10_day": value} if value is not None else {}),
    }


@router.get("/stations", summary="Stations, with a day's PM10 mean (GeoJSON for the map)")
def stations(
    session: SessionDep,
    _: Reader,
    bbox: BBoxDep,
    day: Annotated[date | None, Query(description="local day; default: newest data")] = None,
    format: Literal["json", "geojson"] = "json",
) -> Any:
    """List stations; each with the GB 3095-2012 daily PM10 mean of the day and its validity."""
    found = queries.stations_in(session, bbox)
    day = day or queries.latest_day(session)
    means: dict[str, dict[str, Any]] = {}
    if day is not None and found:
        rows = records(queries.daily(session, [s.id for s in found], day, day, "pm10"))
        means = {r.pop("station_code"): r for r in rows}
    items = [_station(s, means.get(s.code, {"date": str(day) if day else None})) for s in found]
    first, last = queries.day_range(session)
    span = {
        "day": day.isoformat() if day else None,
        "first_day": first.isoformat() if first else None,
        "last_day": last.isoformat() if last else None,
    }
    if format == "json":
        return {**span, "stations": items}
    return {
        "type": "FeatureCollection",
        **span,
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [i["lon"], i["lat"]]},
                "properties": {k: v for k, v in i.items() if k not in ("lon", "lat")},
            }
            for i in items
        ],
    }


@router.get("/stations/{code}", summary="One station")
def station(code: str, session: SessionDep, _: Reader) -> dict[str, Any]:
    """Return a station."""
    return _station(queries.get_station(session, code))


@router.get("/stations/{code}/readings", summary="Hourly readings with the standard's flags")
def readings(
    code: str,
    session: SessionDep,
    settings: SettingsDep,
    _: Reader,
    start: Annotated[datetime | None, Query(alias="from", description="UTC, inclusive")] = None,
    end: Annotated[datetime | None, Query(alias="to", description="UTC, exclusive")] = None,
) -> dict[str, Any]:
    """Hours as read, out-of-range and missing flags, regional baseline, local excess."""
    s = queries.get_station(session, code)
    end = end or (start + timedelta(days=2) if start else None)
    if start is None or end is None:
        raise Invalid("give 'from' (and optionally 'to'), e.g. from=2017-02-01T00:00:00Z")
    if start.utcoffset() is None or end.utcoffset() is None:
        raise Invalid("'from' and 'to' need a time zone, e.g. 2017-02-01T00:00:00Z")
    hours = queries.readings(
        session, station=s, start=start, end=end, radius_m=settings.air_baseline_radius_m
    )
    return {"station": _station(s), "hours": hours, "units": "µg/m³ (CO mg/m³)"}


@router.get("/stations/{code}/statistics", summary="Daily, monthly, annual means (GB 3095)")
def statistics(
    code: str,
    session: SessionDep,
    _: Reader,
    first: Annotated[date, Query(alias="from")],
    last: Annotated[date, Query(alias="to")],
    period: Literal["day", "month", "year"] = "day",
    pollutant: str = "pm10",
) -> dict[str, Any]:
    """Means of local days, months or years with coverage and validity."""
    s = queries.get_station(session, code)
    return station_statistics(
        session, station=s, first=first, last=last, pollutant=pollutant, period=period
    )


@router.get("/exceedances", summary="Hourly values over a limit, daily means over grade II")
def exceedances_view(
    session: SessionDep,
    settings: SettingsDep,
    _: Reader,
    bbox: BBoxDep,
    first: Annotated[date, Query(alias="from")],
    last: Annotated[date, Query(alias="to")],
    pollutant: str = "pm10",
    grade: Literal["I", "II"] = "II",
    hourly_limit: Annotated[float | None, Query(gt=0)] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> dict[str, Any]:
    """Each exceedance with its day's coverage, so the completeness of the data is known."""
    return exceedances(
        session,
        first=first,
        last=last,
        bbox=bbox,
        pollutant=pollutant,
        hourly_limit=hourly_limit or settings.air_hourly_screen_pm10,
        grade=grade,
        limit=limit,
    )


@router.post("/imports", status_code=202, summary="Import readings or hotspots (a job)")
def create_import(
    session: SessionDep,
    settings: SettingsDep,
    caller: Importer,
    response: Response,
    files: Annotated[list[UploadFile], File(description="one or more CSV files")],
    format: Annotated[Literal["prsa", "cnemc", "csv", "firms"], Form()],
    mapping: Annotated[str | None, Form(description="column mapping (JSON) for csv")] = None,
    station_kind: Annotated[Literal["national", "provincial", "micro"], Form()] = "national",
) -> JobRead:
    """Queue the import; the job's result is the import report."""
    if mapping is not None:
        try:
            parse_mapping(json.loads(mapping))
        except ValueError as exc:  # bad JSON or a ReadingsError
            raise Invalid(f"mapping: {exc}") from exc
    elif format == "csv":
        raise Invalid("format csv needs a column mapping")
    paths = []
    try:
        for f in files:
            paths.append(
                save_upload(f.file, f.filename, settings.uploads_dir, settings.upload_max_bytes)
            )
    except BaseException:
        for p in paths:
            discard_upload(p)
        raise
    return _queue(
        session,
        caller,
        response,
        "air_import",
        {
            "paths": [str(p) for p in paths],
            "names": [f.filename or p.name for f, p in zip(files, paths, strict=True)],
            "format": format,
            "mapping": mapping,
            "station_kind": station_kind,
            "actor": f"user:{caller.user.id}",
        },
    )


def _queue(
    session: Session, caller: Principal, response: Response, kind: str, params: dict[str, Any]
) -> JobRead:
    """Queue a job of the caller's and point at it (Location)."""
    job = job_service.create_job(session, kind=kind, created_by=caller.user, params=params)
    response.headers["Location"] = f"/api/v1/jobs/{job.id}"
    return JobRead.model_validate(job)


def _import(r: AirImport) -> dict[str, Any]:
    return {
        "id": r.id,
        "format": r.format,
        "files": r.files,
        "rows_read": r.rows_read,
        "rows_stored": r.rows_stored,
        "actor": r.actor,
        "created_at": r.created_at.isoformat(),
        "report": r.report,
    }


@router.get("/imports", summary="Imports with their quality reports")
def imports(session: SessionDep, _: Reader) -> list[dict[str, Any]]:
    """List imports, newest first."""
    rows = session.scalars(select(AirImport).order_by(AirImport.id.desc()).limit(200))
    return [_import(r) for r in rows]


class SurfaceCreate(BaseModel):
    """A PM10 surface to estimate: an area and an hour or a local day."""

    bbox: tuple[float, float, float, float] = Field(examples=[[115.9, 39.7, 116.8, 40.4]])
    cell_m: float = Field(1000.0, gt=0)
    hour: datetime | None = Field(None, description="UTC start of the hour")
    day: date | None = Field(None, description="local (Beijing) calendar day")
    pollutant: str = "pm10"
    method: Literal["auto", "idw", "kriging"] = "auto"


@router.post("/surfaces", status_code=202, summary="Estimate a surface (a job)")
def create_surface_job(
    req: SurfaceCreate, session: SessionDep, caller: Analyst, response: Response
) -> JobRead:
    """Check the request, then queue the estimation; the result links the GeoTIFF."""
    SurfaceRequest(**req.model_dump()).check()
    return _queue(session, caller, response, "air_surface", req.model_dump(mode="json"))


def _surface(s: AirSurface) -> dict[str, Any]:
    return {
        "id": s.id,
        "pollutant": s.pollutant,
        "period": s.period,
        "label": s.label,
        "start": s.start.isoformat(),
        "method": s.method,
        "bbox": s.bbox,
        "cell_m": s.cell_m,
        "width": s.width,
        "height": s.height,
        "stats": s.stats,
        "sha256": s.sha256,
        "geotiff": f"/api/v1/air/surfaces/{s.id}/geotiff",
        "cells": f"/api/v1/air/surfaces/{s.id}/cells",
    }


@router.get("/surfaces", summary="Estimated surfaces, newest first")
def surfaces(session: SessionDep, _: Reader) -> list[dict[str, Any]]:
    """List surfaces with their cross-validation."""
    return [_surface(s) for s in list_surfaces(session)]


@router.get("/surfaces/{surface_id}", summary="A surface with its cross-validation")
def surface(surface_id: int, session: SessionDep, _: Reader) -> dict[str, Any]:
    """Return one surface."""
    return _surface(get_surface(session, surface_id))


@router.get("/surfaces/{surface_id}/geotiff", summary="A surface as GeoTIFF (EPSG:4326)")
def surface_geotiff(
    surface_id: int, session: SessionDep, settings: SettingsDep, _: Reader
) -> FileResponse:
    """Return the GeoTIFF with its SHA-256."""
    s = get_surface(session, surface_id)
    path = surface_path(settings, s)
    if not path.exists():
        raise NotFound(f"the GeoTIFF of surface {surface_id} is missing")
    return FileResponse(
        path,
        media_type="image/tiff; application=geotiff",
        filename=s.file,
        headers={"X-Content-SHA256": s.sha256},
    )


@router.get("/surfaces/{surface_id}/cells", summary="A surface as GeoJSON cells")
def surface_cells(
    surface_id: int, session: SessionDep, settings: SettingsDep, _: Reader
) -> dict[str, Any]:
    """Return every cell as a polygon with its value (for the map)."""
    s = get_surface(session, surface_id)
    cells = grid_cells_geojson(surface_grid(s), read_values(surface_path(settings, s)))
    return {**cells, "surface": _surface(s)}


def _attribution(a: Attribution) -> dict[str, Any]:
    return {
        "value": round(a.value, 4),
        "applicable": a.applicable,
        "reason": a.reason,
        "stations": list(a.stations),
        "hours_considered": a.hours_considered,
        "mean_excess": None if a.mean_excess is None else round(a.mean_excess, 1),
        "rules": vars(a.rules),
        "hours": [h.as_dict() for h in a.hours],
    }


@router.get("/leads/{lead_id}/attribution", summary="Who was upwind: the air signal of a lead")
def lead_air(
    lead_id: int, session: SessionDep, settings: SettingsDep, caller: Analyst
) -> dict[str, Any]:
    """Return the attribution of a lead with every evidence hour."""
    lead = get_lead(session, lead_id=lead_id, user=caller.user)
    found = lead_attribution(session, lead=lead, settings=settings)
    if found is None:
        return {
            "lead": lead_id,
            "applicable": False,
            "reason": "不适用：非大气污染类线索或无站点 "
            "(not an air-pollution lead, or no stations)",
        }
    return {"lead": lead_id, **_attribution(found)}


@router.get("/hotspots", summary="Fire hotspots (GeoJSON)")
def hotspots(
    session: SessionDep,
    _: Reader,
    bbox: BBoxDep,
    start: Annotated[datetime | None, Query(alias="from")] = None,
    end: Annotated[datetime | None, Query(alias="to")] = None,
    limit: Annotated[int, Query(ge=1, le=50_000)] = 5000,
) -> dict[str, Any]:
    """Detections with confidence, FRP and whether they became evidence."""
    found = list_hotspots(session, bbox=bbox, start=start, end=end, limit=limit)
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": h.id,
                "geometry": {"type": "Point", "coordinates": list(to_shape(h.geom).coords[0])},
                "properties": {
                    "id": h.id,
                    "acquired_at": h.acquired_at.isoformat(),
                    "instrument": h.instrument,
                    "satellite": h.satellite,
                    "confidence": h.confidence_raw,
                    "confidence_class": h.confidence_class,
                    "frp_mw": h.frp,
                    "evidence_id": h.evidence_id,
                    "rule": h.properties.get("rule"),
                },
            }
            for h in found
        ],
    }


@router.get("/hotspots/{hotspot_id}/attribution", summary="The air signal of a hotspot")
def hotspot_air(
    hotspot_id: int, session: SessionDep, settings: SettingsDep, _: Reader
) -> dict[str, Any]:
    """Return the attribution of a detection as a straw-burning source."""
    h = get_hotspot(session, hotspot_id)
    return {
        "hotspot": hotspot_id,
        **_attribution(hotspot_attribution(session, hotspot=h, settings=settings)),
    }
