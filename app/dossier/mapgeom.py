"""Geometry helpers for the dossier map: GeoJSON walking, projection, label placement."""

import math
from collections.abc import Iterator
from typing import Any

from pyproj import Geod

from app.dossier.model import MapFeature

GEOD = Geod(ellps="WGS84")
MIN_SPAN_DEG = 0.005  # about 550 m: the extent shown around a single point
XY = tuple[float, float]
Box = tuple[float, float, float, float]


def parts(geometry: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """Yield (kind, coordinates) with kind "polygon", "line" or "point"."""
    kind = geometry.get("type")
    coords = geometry.get("coordinates")
    if kind == "Polygon":
        yield "polygon", coords
    elif kind == "MultiPolygon":
        yield from (("polygon", p) for p in coords or [])
    elif kind == "LineString":
        yield "line", coords
    elif kind == "MultiLineString":
        yield from (("line", p) for p in coords or [])
    elif kind == "Point":
        yield "point", coords
    elif kind == "MultiPoint":
        yield from (("point", p) for p in coords or [])
    elif kind == "GeometryCollection":
        for sub in geometry.get("geometries", []):
            yield from parts(sub)
    else:
        raise ValueError(f"unsupported GeoJSON geometry type {kind!r}")


def positions(kind: str, coords: Any) -> Iterator[XY]:
    """Every lon/lat position in one part."""
    if kind == "point":
        yield float(coords[0]), float(coords[1])
    elif kind == "line":
        yield from ((float(c[0]), float(c[1])) for c in coords)
    else:
        for ring in coords:
            yield from ((float(c[0]), float(c[1])) for c in ring)


class Frame:
    """Local equirectangular projection from lon/lat to canvas pixels, fitted to features.

    x = lon·cos(mid-latitude), y = lat, one scale for both, north up. `metres_per_px` is the
    geodesic length (WGS-84 ellipsoid) of the map's centre line divided by its pixel width.
    """

    def __init__(
        self, features: list[MapFeature], width: int, height: int, margin: float, ss: int
    ) -> None:
        pts = [p for f in features for k, c in parts(f.geometry) for p in positions(k, c)]
        if not pts:
            raise ValueError("the map has no features to draw")
        lons, lats = [p[0] for p in pts], [p[1] for p in pts]
        self.lon_c = (min(lons) + max(lons)) / 2
        self.lat_c = (min(lats) + max(lats)) / 2
        self.kx = math.cos(math.radians(self.lat_c))
        span_x = max((max(lons) - min(lons)) * self.kx, MIN_SPAN_DEG)
        span_y = max(max(lats) - min(lats), MIN_SPAN_DEG)
        self.w, self.h = width * ss, height * ss
        # canvas pixels per degree of latitude
        self.scale = min(self.w * (1 - 2 * margin) / span_x, self.h * (1 - 2 * margin) / span_y)
        half_lon = self.w / 2 / self.scale / self.kx
        _, _, across = GEOD.inv(
            self.lon_c - half_lon, self.lat_c, self.lon_c + half_lon, self.lat_c
        )
        self.metres_per_px = across / width  # per output pixel

    def xy(self, lon: float, lat: float) -> XY:
        """Pixel position of a lon/lat point."""
        return (
            self.w / 2 + (lon - self.lon_c) * self.kx * self.scale,
            self.h / 2 - (lat - self.lat_c) * self.scale,
        )

    def lonlat(self, x: float, y: float) -> XY:
        """Lon/lat of a pixel position."""
        return (
            self.lon_c + (x - self.w / 2) / self.scale / self.kx,
            self.lat_c - (y - self.h / 2) / self.scale,
        )


def centroid(ring: list[XY]) -> XY:
    """Area centroid of a ring (its vertex mean when it has no area)."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(area) < 1e-9:
        return sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring)
    return cx / (3 * area), cy / (3 * area)


def _in_ring(pt: XY, ring: list[XY]) -> bool:
    x, y = pt
    inside = False
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def in_polygon(pt: XY, rings: list[list[XY]]) -> bool:
    """Whether a point lies in a polygon's outer ring and in none of its holes."""
    return _in_ring(pt, rings[0]) and not any(_in_ring(pt, hole) for hole in rings[1:])


def overlaps(a: Box, b: Box) -> bool:
    """Whether two boxes (x0, y0, x1, y1) overlap."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def label_spot(rings: list[list[XY]], size: XY, taken: list[Box]) -> XY | None:
    """A point inside the polygon where a label of `size` fits without touching `taken`.

    Tries the centroid, then spots near the top, bottom, left and right of the polygon's
    bounding box, so nested zones (I inside II inside quasi) get their names apart.
    """
    xs, ys = [p[0] for p in rings[0]], [p[1] for p in rings[0]]
    x0, y0, x1, y1 = min(xs), min(ys), max(xs), max(ys)
    w, h = size
    spots = [centroid(rings[0])]
    spots += [((x0 + x1) / 2, y0 + (y1 - y0) * f) for f in (0.06, 0.94, 0.18, 0.82, 0.3, 0.7)]
    spots += [(x0 + (x1 - x0) * f, (y0 + y1) / 2) for f in (0.2, 0.8)]
    for cx, cy in spots:
        box = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
        corners = [(box[0], box[1]), (box[2], box[1]), (box[0], box[3]), (box[2], box[3])]
        if all(in_polygon(c, rings) for c in corners) and not any(overlaps(box, t) for t in taken):
            taken.append(box)
            return cx, cy
    return None
