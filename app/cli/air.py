"""`ecoleads air ...`: import readings and hotspots, statistics, exceedances, surfaces."""

import json
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from app.cli.support import dump, fails_cleanly, progress_bar, transaction
from app.errors import Invalid
from app.settings import get_settings

air_cli = typer.Typer(
    help="Air quality: readings, hotspots, statistics, surfaces.", no_args_is_help=True
)
FORMATS = ("prsa", "cnemc", "csv", "firms")


def _bbox(text: str) -> tuple[float, float, float, float]:
    try:
        a, b, c, d = (float(v) for v in text.split(","))
    except ValueError as exc:
        raise Invalid("bbox must be minLon,minLat,maxLon,maxLat") from exc
    return a, b, c, d


def _mapping_json(path: Path) -> object:
    """Read a --mapping file as JSON, or raise Invalid naming the problem."""
    try:
        return json.loads(path.read_text("utf-8"))
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise Invalid(f"--mapping {path.name} is not JSON: {exc}") from exc


@air_cli.command("import")
@fails_cleanly
def air_import(
    paths: Annotated[list[Path], typer.Argument(exists=True, dir_okay=False, readable=True)],
    format: Annotated[str, typer.Option("--format", help="prsa | cnemc | firms | csv")],
    mapping: Annotated[
        Path | None, typer.Option(exists=True, dir_okay=False, help="column mapping (JSON)")
    ] = None,
    stations: Annotated[
        Path | None,
        typer.Option(
            exists=True,
            dir_okay=False,
            help="prsa: prsa_station,cnemc_code,cnemc_name,longitude,latitude CSV",
        ),
    ] = None,
    station_kind: Annotated[str, typer.Option(help="national | provincial | micro")] = "national",
    station_area_class: Annotated[
        int, typer.Option(help="GB 3095-2012 area class of new stations: 1 (grade I) | 2")
    ] = 2,
) -> None:
    """Import hourly readings or FIRMS hotspots; print the quality report."""
    from app.services.air.hotspots import import_hotspots
    from app.services.air.imports import SourceFile, import_readings
    from geo.air.formats import parse_mapping, prsa_stations

    if format not in FORMATS:
        raise Invalid(f"--format must be one of {', '.join(FORMATS)}")
    if station_kind not in ("national", "provincial", "micro"):
        raise Invalid("--station-kind must be national, provincial or micro")
    settings = get_settings()
    files = [SourceFile(p.name, p.read_bytes()) for p in paths]
    label = f"importing {len(files)} file(s)"
    with progress_bar(label) as report, transaction() as session:
        if format == "firms":
            record = import_hotspots(
                session, files=files, settings=settings, actor="cli", progress=report
            )
        else:
            spec = parse_mapping(_mapping_json(mapping)) if mapping else None
            record = import_readings(
                session,
                files=files,
                fmt=format,
                settings=settings,
                actor="cli",
                mapping=spec,
                stations=prsa_stations(stations) if stations else None,
                station_kind=station_kind,
                station_area_class=station_area_class,
                progress=report,
            )
        out = {"import_id": record.id, **record.report}
    dump(out)


@air_cli.command("stats")
@fails_cleanly
def air_stats(
    station: Annotated[str, typer.Option(help="station code, e.g. 1003A")],
    first: Annotated[datetime, typer.Option("--from", formats=["%Y-%m-%d"])],
    last: Annotated[datetime, typer.Option("--to", formats=["%Y-%m-%d"])],
    period: Annotated[str, typer.Option(help="day | month | year")] = "month",
    pollutant: str = "pm10",
) -> None:
    """Print GB 3095-2012 means of a station with coverage and validity."""
    from app.services.air.queries import get_station
    from app.services.air.stats import station_statistics

    with transaction() as session:
        s = get_station(session, station)
        dump(
            station_statistics(
                session,
                station=s,
                first=first.date(),
                last=last.date(),
                pollutant=pollutant,
                period=period,
            )
        )


@air_cli.command("exceedances")
@fails_cleanly
def air_exceedances(
    first: Annotated[datetime, typer.Option("--from", formats=["%Y-%m-%d"])],
    last: Annotated[datetime, typer.Option("--to", formats=["%Y-%m-%d"])],
    bbox: Annotated[str | None, typer.Option(help="minLon,minLat,maxLon,maxLat")] = None,
    grade: Annotated[
        str | None, typer.Option(help="I | II; default: each station's area class")
    ] = None,
    limit: int = 50,
) -> None:
    """Print daily means above the grade's limit and single hours above the screening limit."""
    from app.services.air.stats import exceedances

    with transaction() as session:
        dump(
            exceedances(
                session,
                first=first.date(),
                last=last.date(),
                bbox=_bbox(bbox) if bbox else None,
                pollutant="pm10",
                hourly_limit=get_settings().air_hourly_screen_pm10,
                grade=grade,
                limit=limit,
            )
        )


@air_cli.command("surface")
@fails_cleanly
def air_surface(
    bbox: Annotated[str, typer.Option(help="minLon,minLat,maxLon,maxLat")],
    day: Annotated[datetime | None, typer.Option(formats=["%Y-%m-%d"], help="local day")] = None,
    hour: Annotated[str | None, typer.Option(help="UTC hour start, e.g. 2017-02-01T06:00Z")] = None,
    cell_m: float = 1000.0,
    method: Annotated[str, typer.Option(help="auto | idw | kriging")] = "auto",
) -> None:
    """Estimate a PM10 surface, store its GeoTIFF and print its cross-validation."""
    from app.services.air.surfaces import SurfaceRequest, create_surface, surface_path

    req = SurfaceRequest(
        bbox=_bbox(bbox),
        cell_m=cell_m,
        hour=datetime.fromisoformat(hour) if hour else None,
        day=date(day.year, day.month, day.day) if day else None,
        method=method,
    )
    settings = get_settings()
    with progress_bar("estimating") as report, transaction() as session:
        record = create_surface(session, req=req, settings=settings, progress=report)
        dump(
            {
                "surface_id": record.id,
                "method": record.method,
                "geotiff": str(surface_path(settings, record)),
                **record.stats,
            }
        )
