"""The job kinds of the spine: layer import and batch geocoding."""

import csv
from pathlib import Path
from typing import Any

import app.jobs.air_kinds
import app.jobs.imagery_kinds  # noqa: F401  (registers the imagery job kinds)
from app.jobs.registry import JobContext, job_kind
from app.services.places.geocode_batch import ROW_COLUMNS, geocode_points
from app.services.places.layers import import_layer
from geo.crs import parse_crs, to_wgs84_coords
from geo.layers import ReadOptions
from geo.points_io import read_points


@job_kind("layer_import")
def run_layer_import(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    """Import an uploaded layer file as a new layer version."""
    path = Path(params["path"])  # removed by the worker once the job has finished
    version = import_layer(
        ctx.session,
        path=path,
        name=params["name"],
        kind=params["kind"],
        title=params.get("title"),
        filename=params.get("filename"),
        options=ReadOptions(**params["options"]),
        progress=ctx.report,
    )
    return {
        "layer": params["name"],
        "layer_version_id": version.id,
        "version": version.version,
        "feature_count": version.feature_count,
        "repaired_count": version.repaired_count,
        "source_sha256": version.source_sha256,
    }


def batch_geocode_file(
    ctx: JobContext, path: Path, crs: str, partner_distance_m: float, out: Path
) -> dict[str, Any]:
    """Geocode every point of a CSV/GeoJSON file and write one CSV row per point."""
    points = read_points(path, ctx.settings.batch_max_points)
    lons, lats = to_wgs84_coords(parse_crs(crs), points.xs, points.ys)
    result = geocode_points(
        ctx.session,
        lons=lons,
        lats=lats,
        partner_distance_m=partner_distance_m,
        nearest_max_m=ctx.settings.nearest_max_m,
        progress=ctx.report,
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".part")
    with tmp.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=ROW_COLUMNS)
        writer.writeheader()
        writer.writerows(result.rows(points.ids, points.xs, points.ys))
    tmp.replace(out)
    return {"points": len(points.ids), "layer_versions": result.layers}


@job_kind("geocode_batch")
def run_geocode_batch(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    """Batch-geocode an uploaded point file; the CSV result is downloadable from the job."""
    path = Path(params["path"])  # removed by the worker once the job has finished
    out = ctx.settings.results_dir / f"{ctx.job_id}.csv"
    try:
        summary = batch_geocode_file(ctx, path, params["crs"], params["partner_distance_m"], out)
    except BaseException:
        out.unlink(missing_ok=True)
        raise
    return {**summary, "result_path": str(out), "download": f"/api/v1/jobs/{ctx.job_id}/result"}
