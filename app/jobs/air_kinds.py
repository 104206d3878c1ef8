"""The job kinds of the air model: readings and hotspot imports, PM10 surfaces."""

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

from app.jobs.registry import JobContext, job_kind
from app.services.air.hotspots import import_hotspots
from app.services.air.imports import SourceFile, import_readings
from app.services.air.surfaces import SurfaceRequest, create_surface
from geo.air.formats import parse_mapping


@job_kind("air_import")
def run_air_import(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    """Import uploaded readings (prsa, cnemc, csv) or FIRMS hotspots."""
    paths = [Path(p) for p in params["paths"]]  # removed by the worker after the job
    files = [
        SourceFile(name, path.read_bytes())
        for name, path in zip(params["names"], paths, strict=True)
    ]
    if params["format"] == "firms":
        record = import_hotspots(
            ctx.session,
            files=files,
            settings=ctx.settings,
            actor=params["actor"],
            progress=ctx.report,
        )
    else:
        mapping = params.get("mapping")
        record = import_readings(
            ctx.session,
            files=files,
            fmt=params["format"],
            settings=ctx.settings,
            actor=params["actor"],
            mapping=parse_mapping(json.loads(mapping)) if mapping else None,
            station_kind=params.get("station_kind", "national"),
            station_area_class=params.get("station_area_class", 2),
            progress=ctx.report,
        )
    return {"import_id": record.id, **record.report}


@job_kind("air_surface")
def run_air_surface(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    """Estimate and store a PM10 surface."""
    req = SurfaceRequest(
        bbox=tuple(params["bbox"]),  # type: ignore[arg-type]
        cell_m=params["cell_m"],
        pollutant=params["pollutant"],
        hour=datetime.fromisoformat(params["hour"]) if params.get("hour") else None,
        day=date.fromisoformat(params["day"]) if params.get("day") else None,
        method=params["method"],
    )
    record = create_surface(ctx.session, req=req, settings=ctx.settings, progress=ctx.report)
    return {
        "surface_id": record.id,
        "method": record.method,
        "cross_validation": record.stats["cross_validation"],
        "baseline_cross_validation": record.stats["baseline_cross_validation"],
        "geotiff": f"/api/v1/air/surfaces/{record.id}/geotiff",
        "cells": f"/api/v1/air/surfaces/{record.id}/cells",
    }
