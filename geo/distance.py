"""Metric distances and buffers for WGS-84 lon/lat geometries (metres, never degrees)."""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import shapely
from numpy.typing import NDArray
from pyproj import Geod, Transformer
from shapely.geometry.base import BaseGeometry

from geo.crs import get_transformer, transform_geometry

FloatArray = NDArray[np.float64]
ObjectArray = NDArray[np.object_]

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
    return float(pair_distances_m(np.array([a], dtype=object), np.array([b], dtype=object))[0])


def pair_distances_m(items: ObjectArray, targets: ObjectArray) -> FloatArray:
    """Return metres between items[k] and targets[k], WGS-84 geometries, for every k.

    Each pair is measured as geodesic_distance_m measures it (nearest points in the UTM zone
    of the item's centroid, then the geodesic between them), without its intersection test:
    callers know which pairs meet. The work is vectorised: one projection per zone.
    """
    out = np.zeros(len(items))
    if not len(items):
        return out
    centres = shapely.get_coordinates(shapely.centroid(items))
    zones = (centres[:, 0] + 180.0) // 6.0 % 60 + 1
    epsgs = np.where(centres[:, 1] >= 0, 32600, 32700) + zones.astype(np.int64)
    for epsg in np.unique(epsgs).tolist():
        sel = np.flatnonzero(epsgs == epsg)
        forward = get_transformer(4326, epsg)

        def project(coords: FloatArray, fwd: Transformer = forward) -> FloatArray:
            return np.column_stack(fwd.transform(coords[:, 0], coords[:, 1]))

        lines = shapely.shortest_line(
            shapely.transform(items[sel], project), shapely.transform(targets[sel], project)
        )
        ends = shapely.get_coordinates(lines)  # two per line: item side, target side
        lons, lats = get_transformer(epsg, 4326).transform(ends[:, 0], ends[:, 1])
        _, _, out[sel] = _GEOD.inv(lons[0::2], lats[0::2], lons[1::2], lats[1::2])
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


def degree_margins(lats: FloatArray, metres: float) -> tuple[FloatArray, FloatArray]:
    """degree_margin for many latitudes at once, as (dlon, dlat) arrays."""
    dlat = degree_margin(0.0, metres)[1]  # the same bound at every latitude
    east = _metres_per_degree_array(np.minimum(np.abs(lats) + dlat, _MAX_MARGIN_LAT))[0]
    return np.minimum(metres / east * _MARGIN_WIDEN, 180.0), np.full(np.shape(lats), dlat)


def metre_factors(
    miny: FloatArray, maxy: FloatArray, metres: float, scale: float
) -> tuple[FloatArray, FloatArray]:
    """Per latitude range (miny..maxy widened by `metres`), factors (lo, hi) that bound the
    metres between two points in it by their planar distance s in degrees with longitudes
    multiplied by `scale`: lo * s <= metres <= hi * s (on the ellipsoid, locally flat).

    A metre of displacement (dlon, dlat) is sqrt((kE dlon)^2 + (kN dlat)^2) with kE the
    east and kN the north metres per degree; kE shrinks and kN grows poleward, so their
    extremes over the range bound the ratio.
    """
    dlat = degree_margin(0.0, metres)[1]
    lo_lat, hi_lat = miny - dlat, maxy + dlat
    straddles = (lo_lat <= 0) & (hi_lat >= 0)
    near = np.where(straddles, 0.0, np.minimum(np.abs(lo_lat), np.abs(hi_lat)))
    far = np.minimum(np.maximum(np.abs(lo_lat), np.abs(hi_lat)), _MAX_MARGIN_LAT)
    east, north = _metres_per_degree_array(np.stack([near, far]))
    (east_near, east_far), (north_near, north_far) = east, north
    lo = np.minimum(east_far / scale, north_near)
    hi = np.maximum(east_near / scale, north_far)
    return lo, hi


def _metres_per_degree_array(lat_deg: FloatArray) -> tuple[FloatArray, FloatArray]:
    """_metres_per_degree for many latitudes."""
    phi = np.radians(lat_deg)
    w = np.sqrt(1.0 - _WGS84_E2 * np.sin(phi) ** 2)
    east = math.radians(1.0) * _WGS84_A / w * np.cos(phi)
    north = math.radians(1.0) * _WGS84_A * (1.0 - _WGS84_E2) / w**3
    return east, north


def windows(items: ObjectArray, metres: float) -> ObjectArray:
    """Each item's bounds grown by at least `metres` on every side, as boxes."""
    minx, miny, maxx, maxy = shapely.bounds(items).T
    dlon, dlat = degree_margins(np.maximum(np.abs(miny), np.abs(maxy)), metres)
    return shapely.box(minx - dlon, miny - dlat, maxx + dlon, maxy + dlat)


@lru_cache(maxsize=128)
def aeqd(lon0: float, lat0: float) -> tuple[Transformer, Transformer]:
    """Transformers to and from an azimuthal equidistant plane centred at (lon0, lat0)
    (cached: callers may round the centre to share them)."""
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
    to_local, to_lonlat = aeqd(float(centre.x), float(centre.y))
    buffered = _project(geom, to_local).buffer(metres, quad_segs=quad_segs)
    return _project(buffered, to_lonlat)
