"""The footprint of an image: where it has valid pixels, as a lon/lat polygon.

Traced from the dataset mask (nodata, alpha or internal mask) at a decimated size, so a
drone ortho with ragged edges gets its real outline, not its bounding box.
"""

from pathlib import Path

import numpy as np
import rasterio
import shapely
from pyproj import Transformer
from rasterio.features import shapes
from shapely.geometry import MultiPolygon, Polygon, shape

from geo.imagery.inspect import RasterRefused

_HOLE_PIXELS = 4  # holes smaller than this many decimated pixels are mask noise
_DENSIFY_PIXELS = 8  # vertex spacing before reprojecting, so long edges follow the curve


def _drop_small_holes(poly: Polygon, min_area: float) -> Polygon:
    holes = [ring for ring in poly.interiors if Polygon(ring).area >= min_area]
    return Polygon(poly.exterior, holes)


def trace_footprint(path: Path, *, max_side: int = 1024) -> Polygon | MultiPolygon:
    """Return the valid-data outline of a raster in EPSG:4326 (lon, lat)."""
    with rasterio.open(path) as ds:
        factor = max(1.0, max(ds.width, ds.height) / max_side)
        rows, cols = max(1, round(ds.height / factor)), max(1, round(ds.width / factor))
        mask = ds.dataset_mask(out_shape=(rows, cols))
        transform = ds.transform @ ds.transform.scale(ds.width / cols, ds.height / rows)
        crs = ds.crs
    valid = mask > 0
    parts = [
        shape(geom) for geom, _ in shapes(valid.astype(np.uint8), mask=valid, transform=transform)
    ]
    if not parts:
        raise RasterRefused("the image has no valid pixels")
    pixel = max(abs(transform.a), abs(transform.e))
    merged = shapely.union_all(parts).simplify(pixel, preserve_topology=True)
    polygons = [
        _drop_small_holes(p, _HOLE_PIXELS * pixel * pixel)
        for p in getattr(merged, "geoms", [merged])
        if isinstance(p, Polygon) and not p.is_empty
    ]
    dense = shapely.segmentize(MultiPolygon(polygons), _DENSIFY_PIXELS * pixel)
    to_wgs84 = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    out = shapely.make_valid(
        shapely.transform(dense, lambda xy: np.column_stack(to_wgs84.transform(xy[:, 0], xy[:, 1])))
    )
    if not isinstance(out, Polygon | MultiPolygon):  # make_valid may add stray lines
        out = shapely.union_all([g for g in shapely.get_parts(out) if g.area > 0])
    if isinstance(out, MultiPolygon) and len(out.geoms) == 1:
        return out.geoms[0]
    return out
