"""Coordinate systems: WGS-84, the Chinese GCJ-02 / BD-09 offsets, and EPSG codes.

All coordinates are (lon, lat) / (x, y) order, degrees for geographic systems.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal, TypeVar

import numpy as np
import shapely
from numpy.typing import NDArray
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError as ProjCRSError
from shapely.geometry.base import BaseGeometry

FloatArray = NDArray[np.float64]
# Floats in -> floats out, arrays in -> arrays out.
Coord = TypeVar("Coord", float, FloatArray)
CoordFn = Callable[[FloatArray], FloatArray]

# Krasovsky 1940 ellipsoid, as baked into the published GCJ-02 algorithm.
_A = 6378245.0
_EE = 0.00669342162296594323
_X_PI = np.pi * 3000.0 / 180.0
# Rough bounding box of China used by every public GCJ-02 implementation.
_CHINA_LON = (72.004, 137.8347)
_CHINA_LAT = (0.8293, 55.8271)
# Fixed-point inverse: the offset changes by under ~1 cm per metre moved, so each step gains
# >2 digits and ~5 steps reach 1e-12 degrees; the cap only matters at the bounding-box edge,
# where the offset jumps and no exact inverse exists.
_INV_TOL_DEG = 1e-12
_INV_MAX_ITER = 30


class CRSError(ValueError):
    """Raised for a coordinate system value that cannot be parsed."""


def _arrays(lon: Any, lat: Any) -> tuple[FloatArray, FloatArray]:
    x, y = np.broadcast_arrays(np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64))
    return x, y


def _out(x: FloatArray, y: FloatArray) -> tuple[Any, Any]:
    # Scalar inputs broadcast to 0-d arrays; hand them back as plain floats.
    return (float(x), float(y)) if x.ndim == 0 else (x, y)


def _in_china(lon: FloatArray, lat: FloatArray) -> NDArray[np.bool_]:
    return (
        (lon >= _CHINA_LON[0])
        & (lon <= _CHINA_LON[1])
        & (lat >= _CHINA_LAT[0])
        & (lat <= _CHINA_LAT[1])
    )


def _transform_lat(x: FloatArray, y: FloatArray) -> FloatArray:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    ret += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lon(x: FloatArray, y: FloatArray) -> FloatArray:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    ret += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    return ret


def _gcj_offset(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Return the GCJ-02 (dlon, dlat) in degrees at WGS-84 (lon, lat); zero outside China."""
    dlat = _transform_lat(lon - 105.0, lat - 35.0)
    dlon = _transform_lon(lon - 105.0, lat - 35.0)
    rad = np.radians(lat)
    magic = 1.0 - _EE * np.sin(rad) ** 2
    sqrt_magic = np.sqrt(magic)
    # The polynomials give metres-like values; convert via the Krasovsky radii of curvature.
    dlat = (dlat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrt_magic * np.cos(rad) * np.pi)
    inside = _in_china(lon, lat)
    return np.where(inside, dlon, 0.0), np.where(inside, dlat, 0.0)


def wgs84_to_gcj02(lon: Coord, lat: Coord) -> tuple[Coord, Coord]:
    """Convert WGS-84 lon/lat to GCJ-02 (unchanged outside China)."""
    x, y = _arrays(lon, lat)
    dlon, dlat = _gcj_offset(x, y)
    return _out(x + dlon, y + dlat)


def gcj02_to_wgs84(lon: Coord, lat: Coord) -> tuple[Coord, Coord]:
    """Convert GCJ-02 lon/lat to WGS-84 by fixed-point inversion of the forward offset."""
    gx, gy = _arrays(lon, lat)
    # Solve w + offset(w) = g: iterate w <- g - offset(w), starting from the one-step guess.
    dlon, dlat = _gcj_offset(gx, gy)
    wx, wy = gx - dlon, gy - dlat
    for _ in range(_INV_MAX_ITER):
        dlon, dlat = _gcj_offset(wx, wy)
        nx, ny = gx - dlon, gy - dlat
        step = max(np.max(np.abs(nx - wx), initial=0.0), np.max(np.abs(ny - wy), initial=0.0))
        wx, wy = nx, ny
        if not step > _INV_TOL_DEG:  # also stops on NaN input
            break
    return _out(wx, wy)


def _gcj_to_bd(x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
    z = np.hypot(x, y) + 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def gcj02_to_bd09(lon: Coord, lat: Coord) -> tuple[Coord, Coord]:
    """Convert GCJ-02 lon/lat to Baidu BD-09."""
    bx, by = _gcj_to_bd(*_arrays(lon, lat))
    return _out(bx, by)


def bd09_to_gcj02(lon: Coord, lat: Coord) -> tuple[Coord, Coord]:
    """Convert Baidu BD-09 lon/lat to GCJ-02, refining the published closed form."""
    bx, by = _arrays(lon, lat)
    x, y = bx - 0.0065, by - 0.006
    z = np.hypot(x, y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    gx, gy = z * np.cos(theta), z * np.sin(theta)
    # The closed form is only an approximate inverse (up to ~2e-6 deg, ~0.2 m); fixed-point
    # steps on the forward function make the BD round trip exact to ~1e-13 deg.
    for _ in range(3):
        fx, fy = _gcj_to_bd(gx, gy)
        gx, gy = gx - (fx - bx), gy - (fy - by)
    return _out(gx, gy)


def wgs84_to_bd09(lon: Coord, lat: Coord) -> tuple[Coord, Coord]:
    """Convert WGS-84 lon/lat to Baidu BD-09."""
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def bd09_to_wgs84(lon: Coord, lat: Coord) -> tuple[Coord, Coord]:
    """Convert Baidu BD-09 lon/lat to WGS-84."""
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


@dataclass(frozen=True)
class CoordSystem:
    """A supported coordinate system: a named Chinese datum or an EPSG code."""

    kind: Literal["wgs84", "gcj02", "bd09", "epsg"]
    epsg: int | None = None

    def __str__(self) -> str:
        return f"EPSG:{self.epsg}" if self.kind == "epsg" else self.kind


WGS84 = CoordSystem("wgs84")
GCJ02 = CoordSystem("gcj02")
BD09 = CoordSystem("bd09")
_NAMED = {"wgs84": WGS84, "gcj02": GCJ02, "bd09": BD09}
_EPSG_RE = re.compile(r"(?:epsg:)?(\d{4,6})", re.IGNORECASE)
# EPSG:4490 (CGCS2000) and WGS-84 (EPSG:4326) agree to a few centimetres, far below the
# accuracy of our inputs, and PROJ itself only has a no-op "ballpark" operation between them;
# treat both as plain lon/lat and skip pyproj.
_LONLAT_IDENTITY = frozenset({4326, 4490})
_ACCEPTED = "'wgs84', 'gcj02', 'bd09', 'EPSG:<code>' or '<code>'"


@lru_cache(maxsize=256)
def _known_epsg(code: int) -> bool:
    try:
        CRS.from_epsg(code)
    except ProjCRSError:
        return False
    return True


def parse_crs(value: str) -> CoordSystem:
    """Parse a CRS name ('wgs84', 'gcj02', 'bd09') or EPSG code ('EPSG:4490', '4490')."""
    text = str(value).strip()
    if (named := _NAMED.get(text.lower())) is not None:
        return named
    match = _EPSG_RE.fullmatch(text)
    if match is None or not _known_epsg(int(match.group(1))):
        raise CRSError(f"unknown coordinate system {value!r}; expected {_ACCEPTED}")
    code = int(match.group(1))
    return WGS84 if code == 4326 else CoordSystem("epsg", code)


@lru_cache(maxsize=64)
def get_transformer(src_epsg: int, dst_epsg: int) -> Transformer:
    """Return a cached lon/lat-ordered transformer between two EPSG codes."""
    # Transformer is thread-safe since pyproj 3.1, so sharing cached instances is fine.
    return Transformer.from_crs(src_epsg, dst_epsg, always_xy=True)


def _as_crs(crs: CoordSystem | str) -> CoordSystem:
    return crs if isinstance(crs, CoordSystem) else parse_crs(crs)


def _convert(crs: CoordSystem | str, x: Any, y: Any, *, to_wgs84: bool) -> tuple[Any, Any]:
    cs = _as_crs(crs)
    if cs.kind == "gcj02":
        return gcj02_to_wgs84(x, y) if to_wgs84 else wgs84_to_gcj02(x, y)
    if cs.kind == "bd09":
        return bd09_to_wgs84(x, y) if to_wgs84 else wgs84_to_bd09(x, y)
    xs, ys = _arrays(x, y)
    if cs.epsg is not None and cs.epsg not in _LONLAT_IDENTITY:
        src, dst = (cs.epsg, 4326) if to_wgs84 else (4326, cs.epsg)
        xs, ys = get_transformer(src, dst).transform(xs, ys)
    return _out(np.asarray(xs, np.float64), np.asarray(ys, np.float64))


def to_wgs84_coords(crs: CoordSystem | str, x: Coord, y: Coord) -> tuple[Coord, Coord]:
    """Convert coordinates in `crs` to WGS-84 lon/lat."""
    return _convert(crs, x, y, to_wgs84=True)


def from_wgs84_coords(crs: CoordSystem | str, lon: Coord, lat: Coord) -> tuple[Coord, Coord]:
    """Convert WGS-84 lon/lat to coordinates in `crs`."""
    return _convert(crs, lon, lat, to_wgs84=False)


def transform_geometry(geom: BaseGeometry, fn: CoordFn) -> BaseGeometry:
    """Apply `fn` ((N, 2) array -> (N, 2) array) to every x/y of `geom`, keeping any Z."""
    if not shapely.has_z(geom):
        return shapely.transform(geom, fn)

    def keep_z(coords: FloatArray) -> FloatArray:
        return np.column_stack([fn(coords[:, :2]), coords[:, 2]])

    return shapely.transform(geom, keep_z, include_z=True)


def _geometry(geom: BaseGeometry, crs: CoordSystem | str, *, to_wgs84: bool) -> BaseGeometry:
    cs = _as_crs(crs)
    if cs == WGS84:
        return geom

    def fn(coords: FloatArray) -> FloatArray:
        return np.column_stack(_convert(cs, coords[:, 0], coords[:, 1], to_wgs84=to_wgs84))

    return transform_geometry(geom, fn)


def geometry_to_wgs84(geom: BaseGeometry, crs: CoordSystem | str) -> BaseGeometry:
    """Return `geom` converted from `crs` to WGS-84 lon/lat."""
    return _geometry(geom, crs, to_wgs84=True)


def geometry_from_wgs84(geom: BaseGeometry, crs: CoordSystem | str) -> BaseGeometry:
    """Return WGS-84 `geom` converted to `crs`."""
    return _geometry(geom, crs, to_wgs84=False)


def utm_epsg_for(lon: float, lat: float) -> int:
    """Return the EPSG code of the UTM zone containing (lon, lat) (326xx north, 327xx south)."""
    # Plain 6-degree zones; the Norway/Svalbard exceptions do not matter for metric work.
    zone = int((float(lon) + 180.0) // 6.0) % 60 + 1
    return (32600 if lat >= 0 else 32700) + zone
