"""`ecoleads geocode` and `ecoleads geocode-batch`: places of points and geometries."""

import json
from pathlib import Path
from typing import Annotated

import typer

from app.cli.support import dump, fails_cleanly, progress_bar, transaction
from app.settings import get_settings


@fails_cleanly
def geocode_cmd(
    lon: Annotated[float | None, typer.Option(help="longitude")] = None,
    lat: Annotated[float | None, typer.Option(help="latitude")] = None,
    geometry: Annotated[str | None, typer.Option(help="GeoJSON geometry text or @file")] = None,
    crs: Annotated[str, typer.Option(help="wgs84, gcj02, bd09 or EPSG:<code>")] = "wgs84",
    partner_distance_m: Annotated[float | None, typer.Option()] = None,
) -> None:
    """Geocode a point or a GeoJSON geometry; print the result as JSON."""
    from app.services.places.geocode import geocode_geometry, resolve_input

    geo_json = None
    if geometry is not None:
        text = Path(geometry[1:]).read_text("utf-8") if geometry.startswith("@") else geometry
        try:
            geo_json = json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise typer.BadParameter(f"--geometry is not JSON: {exc}") from exc
    item = resolve_input(
        lon=lon,
        lat=lat,
        geometry=geo_json,
        crs=crs,
        max_vertices=get_settings().geometry_max_vertices,
    )
    settings = get_settings()
    with transaction() as session:
        result = geocode_geometry(
            session,
            geometry=item,
            partner_distance_m=partner_distance_m or settings.partner_distance_m,
            nearest_max_m=settings.nearest_max_m,
        )
    dump(result)


@fails_cleanly
def geocode_batch_cmd(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    out: Annotated[Path, typer.Option("--out", "-o", help="CSV to write")],
    crs: Annotated[str, typer.Option(help="wgs84, gcj02, bd09 or EPSG:<code>")] = "wgs84",
    partner_distance_m: Annotated[float | None, typer.Option()] = None,
) -> None:
    """Geocode a CSV (lon,lat[,id]) or GeoJSON of points into a CSV, one row per point."""
    from app.jobs.kinds import batch_geocode_file
    from app.jobs.registry import JobContext
    from geo.crs import parse_crs

    settings = get_settings()
    parse_crs(crs)
    with progress_bar(f"geocoding {path.name}") as report, transaction() as session:
        summary = batch_geocode_file(
            JobContext(session, settings, "cli", report),
            path,
            crs,
            partner_distance_m or settings.partner_distance_m,
            out,
        )
    typer.echo(f"{summary['points']} points geocoded into {out}", err=True)
