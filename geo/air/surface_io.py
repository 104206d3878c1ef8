"""The grid and result types of a PM10 surface, and its GeoTIFF and GeoJSON-cell outputs.

Grids are EPSG:4326 with rows north to south, covering the requested bbox exactly; metric
work happens in the UTM zone of the grid centre (see `project_metric`).
"""

from __future__ import annotations

import contextlib
import math
import os
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import rasterio
from affine import Affine
from numpy.typing import ArrayLike, NDArray
from pyproj import Geod

from geo.crs import get_transformer, utm_epsg_for

FloatArray = NDArray[np.float64]
SurfaceMethod = Literal["idw", "kriging"]

_GEOD = Geod(ellps="WGS84")
# 500 x 500 cells: ~1 MB of float32 GeoTIFF, seconds of kriging, ~50 MB of GeoJSON cells.
DEFAULT_MAX_CELLS = 250_000
# GeoTIFF nodata; PM10 concentrations are never negative, so it cannot clash with data.
NODATA = -9999.0
# GeoJSON corner coordinates to 1e-6 degree (~0.1 m): far below any cell size, and the
# precision RFC 7946 section 11.2 suggests.
COORD_DECIMALS = 6
# Random bytes in a temporary file name: 64 bits make collisions between writers negligible.
TEMP_TOKEN_BYTES = 8
# Tags this module writes itself; a caller's tag with one of these names is refused.
RESERVED_TAGS = frozenset(
    {"method", "rmse", "mae", "bias", "n_stations", "baseline_rmse", "stations", "notes"}
)


@dataclass(frozen=True)
class Grid:
    """A regular EPSG:4326 grid over a bbox, rows north to south, cells of about cell_m."""

    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float
    dlon: float
    dlat: float
    width: int
    height: int
    cell_m: float

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        """Return (minLon, minLat, maxLon, maxLat)."""
        return (self.min_lon, self.min_lat, self.max_lon, self.max_lat)

    @property
    def transform(self) -> Affine:
        """Return the rasterio affine transform (origin at the north-west corner)."""
        # Built directly: rasterio's from_origin multiplies Affines with the deprecated `*`.
        return Affine(self.dlon, 0.0, self.min_lon, 0.0, -self.dlat, self.max_lat)

    @property
    def utm_epsg(self) -> int:
        """Return the EPSG code of the UTM zone of the grid centre."""
        return utm_epsg_for((self.min_lon + self.max_lon) / 2, (self.min_lat + self.max_lat) / 2)

    def centres(self) -> tuple[FloatArray, FloatArray]:
        """Return (lons, lats) of the cell centres as (height, width) arrays."""
        lons = self.min_lon + (np.arange(self.width) + 0.5) * self.dlon
        lats = self.max_lat - (np.arange(self.height) + 0.5) * self.dlat
        lon2d, lat2d = np.meshgrid(lons, lats)
        return lon2d, lat2d


@dataclass(frozen=True)
class CrossValidation:
    """Leave-one-station-out errors of one method (bias = mean of predicted - observed)."""

    method: str
    n: int
    rmse: float
    mae: float
    bias: float
    observed: tuple[float, ...]
    predicted: tuple[float, ...]


@dataclass(frozen=True, eq=False)
class Surface:
    """An estimated surface: (height, width) values on `grid`, rows north to south."""

    grid: Grid
    values: FloatArray
    method: SurfaceMethod
    cv: CrossValidation
    baseline_cv: CrossValidation
    codes: tuple[str, ...]
    notes: tuple[str, ...]
    variance: FloatArray | None = None  # kriging variance (value units squared); None for IDW


def _metres_per_degree(lat_deg: float) -> tuple[float, float]:
    """Return (east, north) metres per degree at `lat_deg` on the WGS-84 ellipsoid."""
    phi = math.radians(lat_deg)
    w = math.sqrt(1.0 - _GEOD.es * math.sin(phi) ** 2)
    east = math.radians(1.0) * _GEOD.a / w * math.cos(phi)  # prime-vertical radius
    north = math.radians(1.0) * _GEOD.a * (1.0 - _GEOD.es) / w**3  # meridional radius
    return east, north


def make_grid(bbox: Sequence[float], cell_m: float, max_cells: int = DEFAULT_MAX_CELLS) -> Grid:
    """Build a grid covering `bbox` exactly with cells of about `cell_m` metres."""
    if len(bbox) != 4:
        raise ValueError(f"bbox must be (minLon, minLat, maxLon, maxLat), got {bbox!r}")
    min_lon, min_lat, max_lon, max_lat = (float(v) for v in bbox)
    if not all(math.isfinite(v) for v in (min_lon, min_lat, max_lon, max_lat)):
        raise ValueError(f"bbox must be four finite numbers, got {bbox!r}")
    if not (-180.0 <= min_lon < max_lon <= 180.0 and -90.0 <= min_lat < max_lat <= 90.0):
        raise ValueError(
            "bbox must satisfy -180 <= minLon < maxLon <= 180 and -90 <= minLat < maxLat <= 90"
            f" (no antimeridian crossing), got {bbox!r}"
        )
    if not (math.isfinite(cell_m) and cell_m > 0):
        raise ValueError(f"cell_m must be a positive number of metres, got {cell_m!r}")
    # dlat from metres per degree of latitude, dlon from the bbox's centre latitude.
    east, north = _metres_per_degree((min_lat + max_lat) / 2)
    # Round the cell counts and stretch the cells slightly so the grid ends on the bbox edge.
    width = max(1, round((max_lon - min_lon) * east / cell_m))
    height = max(1, round((max_lat - min_lat) * north / cell_m))
    if width * height > max_cells:
        raise ValueError(
            f"a {width} x {height} grid ({width * height} cells) exceeds max_cells={max_cells};"
            " use a larger cell_m or a smaller bbox"
        )
    return Grid(
        min_lon=min_lon,
        min_lat=min_lat,
        max_lon=max_lon,
        max_lat=max_lat,
        dlon=(max_lon - min_lon) / width,
        dlat=(max_lat - min_lat) / height,
        width=width,
        height=height,
        cell_m=float(cell_m),
    )


def project_metric(grid: Grid, lons: ArrayLike, lats: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Project WGS-84 lon/lat to metres in the UTM zone of the grid centre."""
    x, y = get_transformer(4326, grid.utm_epsg).transform(
        np.asarray(lons, dtype=np.float64), np.asarray(lats, dtype=np.float64)
    )
    return np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)


def _tags(surface: Surface, extra: Mapping[str, str]) -> dict[str, str]:
    clash = RESERVED_TAGS.intersection(extra)
    if clash:
        raise ValueError(f"tags {sorted(clash)} are written by write_geotiff itself")
    cv = surface.cv
    return {
        **{str(k): str(v) for k, v in extra.items()},
        "method": surface.method,
        "rmse": f"{cv.rmse:.6g}",
        "mae": f"{cv.mae:.6g}",
        "bias": f"{cv.bias:.6g}",
        "n_stations": str(cv.n),
        "baseline_rmse": f"{surface.baseline_cv.rmse:.6g}",
        "stations": ",".join(surface.codes),
        "notes": "; ".join(surface.notes),
    }


def write_geotiff(surface: Surface, path: str | os.PathLike[str], tags: Mapping[str, str]) -> None:
    """Write the surface as a float32 EPSG:4326 GeoTIFF, atomically (temp file + rename)."""
    target = Path(path)
    grid = surface.grid
    if surface.values.shape != (grid.height, grid.width):
        # rasterio would silently write a smaller array into a corner of the raster.
        raise ValueError(
            f"values of shape {surface.values.shape} do not match the"
            f" {grid.height} x {grid.width} grid"
        )
    data = np.where(np.isfinite(surface.values), surface.values, NODATA).astype(np.float32)
    all_tags = _tags(surface, tags)
    # A random hidden name beside the target: same filesystem, so os.replace is atomic; not
    # mkstemp, whose 0600 mode would survive the rename.
    tmp_name = target.with_name(f".{target.name}.{secrets.token_hex(TEMP_TOKEN_BYTES)}.tmp")
    try:
        with rasterio.open(
            tmp_name,
            "w",
            driver="GTiff",
            width=grid.width,
            height=grid.height,
            count=1,
            dtype="float32",
            crs="EPSG:4326",
            transform=grid.transform,
            nodata=NODATA,
            compress="deflate",
        ) as dst:
            dst.write(data, 1)
            dst.update_tags(**all_tags)
        os.replace(tmp_name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise


def cells_geojson(surface: Surface, decimals: int = 1) -> dict[str, Any]:
    """Return the cells as a WGS-84 GeoJSON FeatureCollection with value, row and col."""
    return grid_cells_geojson(surface.grid, surface.values, decimals)


def read_values(path: str | os.PathLike[str]) -> FloatArray:
    """Read a surface GeoTIFF's values back, nodata as NaN."""
    with rasterio.open(path) as src:
        data = src.read(1).astype(np.float64)
        if src.nodata is not None:
            data[data == src.nodata] = np.nan
    return data


def grid_cells_geojson(grid: Grid, values: FloatArray, decimals: int = 1) -> dict[str, Any]:
    """Return a grid's cells and values as a WGS-84 GeoJSON FeatureCollection."""
    west = np.round(grid.min_lon + np.arange(grid.width + 1) * grid.dlon, COORD_DECIMALS)
    north = np.round(grid.max_lat - np.arange(grid.height + 1) * grid.dlat, COORD_DECIMALS)
    xs, ys = west.tolist(), north.tolist()
    features: list[dict[str, Any]] = []
    for row in range(grid.height):
        n, s = ys[row], ys[row + 1]
        for col in range(grid.width):
            w, e = xs[col], xs[col + 1]
            value = float(values[row, col])
            features.append(
                {
                    "type": "Feature",
                    # Counter-clockwise exterior ring, as RFC 7946 section 3.1.6 asks.
                    "geometry": {
                        "type": "Polygon",
                        "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]],
                    },
                    "properties": {
                        "value": round(value, decimals) if math.isfinite(value) else None,
                        "row": row,
                        "col": col,
                    },
                }
            )
    return {"type": "FeatureCollection", "features": features}
