"""Air quality: stations, readings, statistics, exceedances, imports, surfaces, hotspots."""

import json
from datetime import timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Form, Query, UploadFile
from fastapi.responses import JSONResponse
from sqlalchemy import select

from app.auth import Allow, Principal
from app.deps import BBoxDep, SessionDep, SettingsDep
from app.errors import Invalid
from app.http.responses import accepted
from app.http.routing import TransactionRoute
from app.presenters.air import import_read, station_feature, station_read
from app.schemas.air import (
    AirImportRead,
    DayMean,
    ExceedancesRead,
    HourReading,
    ReadingsRead,
    StationCollection,
    StationDay,
    StationRead,
    StationsRead,
    StationUpdate,
    StatisticsRead,
)
from app.schemas.air_standards import AnnualRead, EditionUsed, IndicativeLabel
from app.schemas.common import Day, Instant
from app.schemas.jobs import JobRead
from app.services import jobs as job_service
from app.services.air import queries as queries
from app.services.air.annual import station_annual
from app.services.air.stats import exceedances, records, station_statistics
from app.services.files.uploads import discard_upload, save_upload
from geo.air.editions import editions_between
from geo.air.formats import ReadingsError, parse_mapping
from geo.air.iaqi import HOURLY_PM_LABEL
from models import AirImport

router = APIRouter(prefix="/api/v1/air", tags=["air"], route_class=TransactionRoute)
Reader = Annotated[Principal, Depends(Allow("air:read", "admin", "prosecutor", "partner"))]
analyse = Allow("air:write", "admin", "prosecutor")
Analyst = Annotated[Principal, Depends(analyse)]
Importer = Annotated[Principal, Depends(Allow("air:write", "admin"))]
FORMATS = ("prsa", "cnemc", "csv", "firms")
DustDaysQuery = Annotated[
    list[Day] | None,
    Query(description="dust-storm days to leave out (exceptional events; repeat the parameter)"),
]


@router.get(
    "/stations",
    summary="Stations, with a day's PM10 mean (GeoJSON for the map)",
    response_model_exclude_unset=True,  # a day without data has only its date
)
def stations(
    session: SessionDep,
    _: Reader,
    bbox: BBoxDep,
    day: Annotated[Day | None, Query(description="local day; default: newest data")] = None,
    format: Literal["json", "geojson"] = "json",
) -> StationsRead | StationCollection:
    """List stations; each with the GB 3095-2012 daily PM10 mean of the day and its validity."""
    found = queries.stations_in(session, bbox)
    day = day or queries.latest_day(session)
    means: dict[str, DayMean] = {}
    if day is not None and found:
        rows = records(queries.daily(session, [s.id for s in found], day, day, "pm10"))
        means = {r.pop("station_code"): DayMean.model_validate(r) for r in rows}
    items = [
        StationDay(
            **station_read(s).model_dump(),
            pm10_day=means.get(s.code) or DayMean(date=str(day) if day else None),
        )
        for s in found
    ]
    first, last = queries.day_range(session)
    span = {
        "day": day.isoformat() if day else None,
        "first_day": first.isoformat() if first else None,
        "last_day": last.isoformat() if last else None,
    }
    edition = EditionUsed.model_validate(editions_between(day, day)[0]) if day else None
    if format == "json":
        return StationsRead(**span, edition=edition, stations=items)
    return StationCollection(
        type="FeatureCollection",
        **span,
        edition=edition,
        features=[station_feature(i) for i in items],
    )


@router.get("/stations/{code}", summary="One station")
def station(code: str, session: SessionDep, _: Reader) -> StationRead:
    """Return a station."""
    return station_read(queries.get_station(session, code))


@router.patch("/stations/{code}", summary="Record a station's area class")
def update_station(code: str, body: StationUpdate, session: SessionDep, _: Importer) -> StationRead:
    """Set the GB 3095-2012 area class (1 一类区: grade I limits; 2 二类区: grade II)."""
    s = queries.get_station(session, code)
    return station_read(queries.set_area_class(session, s, body.area_class))


@router.get("/stations/{code}/readings", summary="Hourly readings with the standard's flags")
def readings(
    code: str,
    session: SessionDep,
    settings: SettingsDep,
    _: Reader,
    start: Annotated[Instant | None, Query(alias="from", description="UTC, inclusive")] = None,
    end: Annotated[Instant | None, Query(alias="to", description="UTC, exclusive")] = None,
) -> ReadingsRead:
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
    return ReadingsRead(
        station=station_read(s),
        hours=[HourReading.model_validate(h) for h in hours],
        units="µg/m³ (CO mg/m³)",
        pm10_iaqi_label=IndicativeLabel.model_validate(HOURLY_PM_LABEL),
    )


@router.get(
    "/stations/{code}/statistics",
    summary="Daily, monthly, annual means (GB 3095)",
    response_model_exclude_unset=True,  # days (+ summary) or periods; iaqi where HJ 633 has one
)
def statistics(
    code: str,
    session: SessionDep,
    _: Reader,
    first: Annotated[Day, Query(alias="from")],
    last: Annotated[Day, Query(alias="to")],
    period: Literal["day", "month", "year"] = "day",
    pollutant: str = "pm10",
) -> StatisticsRead:
    """Means of local days, months or years with coverage and validity."""
    s = queries.get_station(session, code)
    return StatisticsRead.model_validate(
        station_statistics(
            session, station=s, first=first, last=last, pollutant=pollutant, period=period
        )
    )


@router.get("/exceedances", summary="Hourly values over a limit, daily means over the grade's")
def exceedances_view(
    session: SessionDep,
    settings: SettingsDep,
    _: Reader,
    bbox: BBoxDep,
    first: Annotated[Day, Query(alias="from")],
    last: Annotated[Day, Query(alias="to")],
    pollutant: str = "pm10",
    grade: Annotated[
        Literal["I", "II"] | None,
        Query(description="default: each station's area class (1: grade I, 2: grade II)"),
    ] = None,
    hourly_limit: Annotated[float | None, Query(gt=0)] = None,
    daily_limit: Annotated[float | None, Query(gt=0, description="default: the grade's")] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
    exclude_dust_days: DustDaysQuery = None,
) -> ExceedancesRead:
    """Each exceedance with its day's coverage and edition; dust days left out if named."""
    found = exceedances(
        session,
        first=first,
        last=last,
        bbox=bbox,
        pollutant=pollutant,
        hourly_limit=hourly_limit or settings.air_hourly_screen_pm10,
        grade=grade,
        limit=limit,
        daily_limit=daily_limit,
        dust_days=exclude_dust_days or [],
    )
    return ExceedancesRead.model_validate(found)


@router.get("/stations/{code}/annual", summary="Annual evaluation (HJ 663), 95th percentiles")
def annual(
    code: str,
    session: SessionDep,
    _: Reader,
    year: Annotated[int, Query(ge=2000, le=2100)],
    exclude_dust_days: DustDaysQuery = None,
) -> AnnualRead:
    """PM10 and PM2.5 annual means and 95th percentiles against the grade I and II limits."""
    s = queries.get_station(session, code)
    found = station_annual(session, station=s, year=year, dust_days=exclude_dust_days or [])
    return AnnualRead.model_validate(found)


@router.post(
    "/imports",
    status_code=202,
    summary="Import readings or hotspots (a job)",
    response_model=JobRead,
)
def create_import(
    session: SessionDep,
    settings: SettingsDep,
    caller: Importer,
    files: Annotated[list[UploadFile], File(description="one or more CSV files")],
    format: Annotated[Literal["prsa", "cnemc", "csv", "firms"], Form()],
    mapping: Annotated[str | None, Form(description="column mapping (JSON) for csv")] = None,
    station_kind: Annotated[Literal["national", "provincial", "micro"], Form()] = "national",
    station_area_class: Annotated[
        int,
        Form(ge=1, le=2, description="GB 3095-2012 area class (1 or 2) of stations it creates"),
    ] = 2,
) -> JSONResponse:
    """Queue the import; the job's result is the import report."""
    if mapping is not None:
        try:
            spec = json.loads(mapping)
        except (ValueError, RecursionError) as exc:
            raise Invalid(f"mapping: not JSON: {exc}") from exc
        try:
            parse_mapping(spec)
        except ReadingsError as exc:
            raise Invalid(str(exc)) from exc
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
    job = job_service.create_job(
        session,
        kind="air_import",
        created_by=caller.user,
        params={
            "paths": [str(p) for p in paths],
            "names": [f.filename or p.name for f, p in zip(files, paths, strict=True)],
            "format": format,
            "mapping": mapping,
            "station_kind": station_kind,
            "station_area_class": station_area_class,
            "actor": f"user:{caller.user.id}",
        },
    )
    return accepted(job)


@router.get("/imports", summary="Imports with their quality reports")
def imports(session: SessionDep, _: Reader) -> list[AirImportRead]:
    """List imports, newest first."""
    rows = session.scalars(select(AirImport).order_by(AirImport.id.desc()).limit(200))
    return [import_read(r) for r in rows]
