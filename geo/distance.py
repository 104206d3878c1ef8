"""Metric distances and buffers for WGS-84 lon/lat geometries (metres, never degrees)."""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray
from pyproj import Geod, Transformer
from shapely.geometry.base import BaseGeometry

from geo.crs import get_transformer, transform_geometry, utm_epsg_for

FloatArray = NDArray[np.float64]

_GEOD = Geod(ellps="WGS84")
_WGS84_A = 6378137.0
_WGS84_E2 = 0.00669437999014
# Safety factor on degree margins so rounding and ellipsoid details never shrink the box.
_MARGIN_WIDEN = 1.01
_MAX_MARGIN_LAT = 89.0


def _project(geom: BaseGeometry, transformer: Transformer) -> BaseGeometry:
    def fn(coords: FloatArray) -> FloatArray:
        return np.column_stack(transformer.transform(coords[:, 0], coords[:, 1]))

    return transform_geometry(geom, fn)


def _require_nonempty(*geoms: BaseGeometry) -> None:
    if any(g is None or g.is_empty for g in geoms):
        raise ValueError("distance needs non-empty geometries")


def geodesic_distance_m(a: BaseGeometry, b: BaseGeometry) -> float:
    """Return the distance in metres between two WGS-84 lon/lat geometries.

    UTM is conformal, so nearest points found there are (to well under a metre over local
    distances) the true nearest points; the distance itself is then measured as a geodesic on
    the WGS-84 ellipsoid, which removes the projection's scale error (up to ~0.1 %). Intended
    for geometries within a few hundred kilometres of each other; not antimeridian-aware.
    """
    _require_nonempty(a, b)
    if a.intersects(b):
        return 0.0
    centre = a.centroid
    epsg = utm_epsg_for(centre.x, centre.y)
    line = shapely.shortest_line(
        _project(a, get_transformer(4326, epsg)), _project(b, get_transformer(4326, epsg))
    )
    xs, ys = shapely.get_coordinates(line).T
    lons, lats = get_transformer(epsg, 4326).transform(xs, ys)
    _, _, dist = _GEOD.inv(lons[0], lats[0], lons[1], lats[1])
    return float(dist)


def distances_m(point_lons: Any, point_lats: Any, geom: BaseGeometry) -> FloatArray:
    """Return metres from each WGS-84 point to `geom` (0 inside, NaN for non-finite points)."""
    _require_nonempty(geom)
    lons, lats = np.broadcast_arrays(
        np.asarray(point_lons, dtype=np.float64), np.asarray(point_lats, dtype=np.float64)
    )
    out = np.full(lons.shape, np.nan)
    valid = np.isfinite(lons) & np.isfinite(lats)
    if not valid.any():
        return out
    vlons, vlats = lons[valid], lats[valid]
    # Containment is tested in lon/lat, exactly as geodesic_distance_m does.
    inside = shapely.intersects(shapely.points(vlons, vlats), geom)
    dist = np.zeros(vlons.shape)
    if not inside.all():
        centre = geom.centroid
        epsg = utm_epsg_for(centre.x, centre.y)
        olons, olats = vlons[~inside], vlats[~inside]
        xs, ys = get_transformer(4326, epsg).transform(olons, olats)
        lines = shapely.shortest_line(
            shapely.points(xs, ys), _project(geom, get_transformer(4326, epsg))
        )
        # Each line is (point, nearest point on geom); only the far ends need unprojecting.
        ends = shapely.get_coordinates(shapely.get_point(lines, 1))
        elons, elats = get_transformer(epsg, 4326).transform(ends[:, 0], ends[:, 1])
        _, _, dist[~inside] = _GEOD.inv(olons, olats, elons, elats)
    out[valid] = dist
    return out


def _metres_per_degree(lat_deg: float) -> tuple[float, float]:
    """Return (east, north) metres per degree at `lat_deg` on the WGS-84 ellipsoid."""
    phi = math.radians(lat_deg)
    w = math.sqrt(1.0 - _WGS84_E2 * math.sin(phi) ** 2)
    prime_vertical = _WGS84_A / w  # N: radius of curvature east-west
    meridional = _WGS84_A * (1.0 - _WGS84_E2) / w**3  # M: radius of curvature north-south
    return math.radians(1.0) * prime_vertical * math.cos(phi), math.radians(1.0) * meridional


def degree_margin(lat: float, metres: float) -> tuple[float, float]:
    """Return a conservative (dlon, dlat) in degrees covering `metres` around latitude `lat`."""
    if metres < 0 or not math.isfinite(metres):
        raise ValueError(f"metres must be a finite non-negative number, got {metres!r}")
    # A degree of latitude is shortest at the equator (~110.57 km), so that bound is safe anywhere.
    dlat = min(metres / _metres_per_degree(0.0)[1] * _MARGIN_WIDEN, 90.0)
    # A degree of longitude shrinks poleward: use the most poleward latitude the box can reach.
    far_lat = min(abs(lat) + dlat, _MAX_MARGIN_LAT)
    dlon = min(metres / _metres_per_degree(far_lat)[0] * _MARGIN_WIDEN, 180.0)
    return dlon, dlat


@lru_cache(maxsize=128)
def _aeqd(lon0: float, lat0: float) -> tuple[Transformer, Transformer]:
    proj = f"+proj=aeqd +lat_0={lat0!r} +lon_0={lon0!r} +datum=WGS84 +units=m"
    return (
        Transformer.from_crs("EPSG:4326", proj, always_xy=True),
        Transformer.from_crs(proj, "EPSG:4326", always_xy=True),
    )


def buffer_m(geom: BaseGeometry, metres: float, quad_segs: int = 16) -> BaseGeometry:
    """Buffer a WGS-84 lon/lat geometry by `metres`, returning lon/lat."""
    # Azimuthal equidistant keeps distances from the centroid true, so a local buffer is
    # accurate to millimetres within tens of kilometres; very large extents will distort.
    _require_nonempty(geom)
    centre = geom.centroid
    to_local, to_lonlat = _aeqd(float(centre.x), float(centre.y))
    buffered = _project(geom, to_local).buffer(metres, quad_segs=quad_segs)
    return _project(buffered, to_lonlat)
