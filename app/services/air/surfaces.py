"""Use cases: estimate a PM10 surface for an hour or a local day, store it as a GeoTIFF."""

import hashlib
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import Invalid, NotFound
from app.services.air.queries import daily, hourly, station_info, stations_in
from app.services.places.geocode import widened
from app.settings import Settings
from geo.air.formats import LOCAL_TZ
from geo.air.standards import POLLUTANTS
from geo.air.surface import estimate_surface
from geo.air.surface_io import Grid, make_grid, write_geotiff
from geo.progress import Progress, no_progress
from models import AirSurface

METHODS = ("auto", "idw", "kriging")
# Stations this far outside the area still inform its edges (metres).
STATION_MARGIN_M = 30_000.0


@dataclass(frozen=True)
class SurfaceRequest:
    """What to estimate: an area, a cell size, an hour (UTC start) or a local day."""

    bbox: tuple[float, float, float, float]
    cell_m: float
    pollutant: str = "pm10"
    hour: datetime | None = None
    day: date | None = None
    method: str = "auto"

    def check(self) -> None:
        """Refuse an incomplete or contradictory request, naming the problem."""
        if (self.hour is None) == (self.day is None):
            raise Invalid("give exactly one of 'hour' (UTC start of the hour) or 'day' (local)")
        if self.hour is not None and self.hour.utcoffset() is None:
            raise Invalid("'hour' needs a time zone offset, e.g. 2017-02-01T06:00:00Z")
        if self.method not in METHODS:
            raise Invalid(f"method must be one of {', '.join(METHODS)}")
        if self.pollutant not in POLLUTANTS:
            raise Invalid(f"unknown pollutant {self.pollutant!r}")
        try:
            make_grid(self.bbox, self.cell_m)
        except ValueError as exc:
            raise Invalid(str(exc)) from exc


def _station_values(
    session: Session, req: SurfaceRequest
) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray, datetime, str]:
    """Return station codes, positions and values of the hour or valid daily means."""
    near = [station_info(s) for s in stations_in(session, widened(req.bbox, STATION_MARGIN_M))]
    if req.hour is not None:
        start = pd.Timestamp(req.hour).tz_convert("UTC").floor("h").to_pydatetime()
        frame = hourly(session, [s.id for s in near], start, start + timedelta(hours=1))
        got = dict(zip(frame["station_code"], frame[req.pollutant], strict=True))
        label = start.isoformat()
    else:
        assert req.day is not None
        days = daily(session, [s.id for s in near], req.day, req.day, req.pollutant)
        valid = days[days["valid"]]
        got = dict(zip(valid["station_code"], valid["mean"], strict=True))
        start = pd.Timestamp(req.day).tz_localize(LOCAL_TZ).tz_convert("UTC").to_pydatetime()
        label = req.day.isoformat()
    codes = [s.code for s in near]
    values = np.array([got.get(c, np.nan) for c in codes], dtype=float)
    lons = np.array([s.lon for s in near])
    lats = np.array([s.lat for s in near])
    return codes, lons, lats, values, start, label


def create_surface(
    session: Session, *, req: SurfaceRequest, settings: Settings, progress: Progress = no_progress
) -> AirSurface:
    """Estimate, cross-validate and store a surface; return its record."""
    req.check()
    progress(0.1, "station values")
    codes, lons, lats, values, start, label = _station_values(session, req)
    grid = make_grid(req.bbox, req.cell_m)
    progress(0.3, f"{int(np.isfinite(values).sum())} stations; interpolating")
    try:
        surface = estimate_surface(codes, lons, lats, values, grid, req.method)  # type: ignore[arg-type]
    except ValueError as exc:
        raise Invalid(f"{label}: {exc}") from exc
    folder = settings.data_dir / "surfaces"
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{req.pollutant}_{label.replace(':', '')}_{uuid.uuid4().hex[:8]}.tif"
    write_geotiff(surface, folder / name, {"pollutant": req.pollutant, "period": label})
    try:
        record = _record(session, req, surface, codes, values, start, label, folder / name)
    except BaseException:
        (folder / name).unlink(missing_ok=True)  # no file without its row
        raise
    progress(0.9, "stored")
    return record


def _record(
    session: Session,
    req: SurfaceRequest,
    surface: Any,
    codes: list[str],
    values: np.ndarray,
    start: datetime,
    label: str,
    path: Path,
) -> AirSurface:
    """Store the record of a surface written to path."""
    grid = surface.grid
    finite = surface.values[np.isfinite(surface.values)]

    def cv(c: Any) -> dict[str, Any]:
        return {
            "method": c.method,
            "n": c.n,
            "rmse": round(c.rmse, 2),
            "mae": round(c.mae, 2),
            "bias": round(c.bias, 2),
        }

    record = AirSurface(
        pollutant=req.pollutant,
        period="hour" if req.hour is not None else "day",
        start=start,
        label=label,
        method=surface.method,
        bbox=list(grid.bbox),
        cell_m=req.cell_m,
        width=grid.width,
        height=grid.height,
        stats={
            "min": round(float(finite.min()), 1),
            "max": round(float(finite.max()), 1),
            "mean": round(float(finite.mean()), 1),
            "stations": [
                {"code": c, "value": round(float(v), 1)}
                for c, v in zip(codes, values, strict=True)
                if np.isfinite(v)
            ],
            "cross_validation": cv(surface.cv),
            "baseline_cross_validation": cv(surface.baseline_cv),
            "notes": list(surface.notes),
        },
        file=path.name,
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
    )
    session.add(record)
    session.flush()
    return record


def get_surface(session: Session, surface_id: int) -> AirSurface:
    """Return a surface record or raise NotFound."""
    found = session.get(AirSurface, surface_id)
    if found is None:
        raise NotFound(f"no surface {surface_id}")
    return found


def list_surfaces(session: Session, limit: int = 100) -> list[AirSurface]:
    """Return the newest surfaces."""
    return list(session.scalars(select(AirSurface).order_by(AirSurface.id.desc()).limit(limit)))


def surface_path(settings: Settings, surface: AirSurface) -> Path:
    """Return the GeoTIFF of a surface."""
    return settings.data_dir / "surfaces" / surface.file


def surface_grid(surface: AirSurface) -> Grid:
    """Rebuild the grid of a stored surface."""
    lo_x, lo_y, hi_x, hi_y = surface.bbox
    return Grid(
        lo_x,
        lo_y,
        hi_x,
        hi_y,
        (hi_x - lo_x) / surface.width,
        (hi_y - lo_y) / surface.height,
        surface.width,
        surface.height,
        surface.cell_m,
    )
