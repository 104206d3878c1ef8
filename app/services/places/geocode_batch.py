"""Batch geocoding: many points in one pass through the same engine as a single geocode,
answered as Places and, for the CSV/GeoJSON outputs, as columns derived from them."""

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import shapely
from sqlalchemy.orm import Session

from app.services.places.reference_index import reference
from geo.locate import Found, locate
from geo.place import PLACE_COLUMNS, LayerVersionEntry, Place, place_columns
from geo.progress import Progress, no_progress

COLUMNS = ("lon_wgs84", "lat_wgs84", *PLACE_COLUMNS)

ROW_COLUMNS = ("id", "lon", "lat", *COLUMNS)


@dataclass(frozen=True)
class BatchResult:
    """Where n points lie: each point's Place, and the batch columns (one value per point)."""

    found: Found
    lons: np.ndarray
    lats: np.ndarray

    @property
    def layers(self) -> list[LayerVersionEntry]:
        """The layer versions the points were geocoded against."""
        return self.found.reference.layers

    def place(self, k: int) -> Place:
        """Point k's Place, as a single geocode of it answers."""
        return self.found.place(k)

    @cached_property
    def columns(self) -> dict[str, list[Any]]:
        """The columns of COLUMNS, derived from the Places (one per distinct answer: points
        that met the same features and organisations, with nothing measured near them,
        share it)."""
        f = self.found
        keys = list(zip(f.hits, f.containing, f.nearby, f.nearest, strict=True))
        first: dict[Any, int] = {}
        for k, key in enumerate(keys):
            first.setdefault(key, k)
        # The columns carry no geometry: any point of an answer stands for all its points.
        distinct = place_columns([f.place(k, geometry={}) for k in first.values()])
        row_of = {key: n for n, key in enumerate(first)}
        rows = [row_of[key] for key in keys]
        return {
            "lon_wgs84": np.round(self.lons, 7).tolist(),
            "lat_wgs84": np.round(self.lats, 7).tolist(),
            **{name: [values[r] for r in rows] for name, values in distinct.items()},
        }

    def rows(self, ids: list[str], xs: np.ndarray, ys: np.ndarray) -> Iterator[dict[str, Any]]:
        """Yield one row per point, in input order, led by its id and input coordinates."""
        names = list(self.columns)
        for pid, x, y, *values in zip(
            ids, xs.tolist(), ys.tolist(), *self.columns.values(), strict=True
        ):
            yield {"id": pid, "lon": x, "lat": y, **dict(zip(names, values, strict=True))}


def geocode_points(
    session: Session,
    *,
    lons: np.ndarray,
    lats: np.ndarray,
    partner_distance_m: float,
    nearest_max_m: float,
    progress: Progress = no_progress,
) -> BatchResult:
    """Geocode many WGS-84 points against the current layers and jurisdictions."""
    progress(0.05, "reading the reference layers")
    ref = reference(session)
    progress(0.1, f"locating {len(lons):,} points")
    found = locate(
        shapely.points(lons, lats),
        ref,
        partner_distance_m=partner_distance_m,
        nearest_max_m=nearest_max_m,
    )
    progress(1.0, f"{len(lons)} points geocoded")
    return BatchResult(found, lons, lats)
