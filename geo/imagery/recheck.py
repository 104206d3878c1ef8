"""Re-checks of a change: how much of each earlier change polygon is restored in a later
image of the same place (the same index, direction and threshold as the detection)."""

import math
from collections.abc import Sequence

import numpy as np
import shapely
from affine import Affine
from pyproj import Transformer
from rasterio import features
from rasterio.windows import Window
from shapely.geometry.base import BaseGeometry

from geo.imagery.change import ChangeParams, Scene, changed_mask, check_params, open_pair


def restored_fraction(
    before: Scene, recheck: Scene, polygons: Sequence[BaseGeometry], params: ChangeParams
) -> list[float | None]:
    """Per EPSG:4326 polygon, the share of its valid pixels where the change is gone.

    A pixel is restored when recheck − before is no longer a change in the params'
    direction; None where the polygon has no pixel valid in both images.
    """
    spec, direction = check_params(params)
    out: list[float | None] = []
    with open_pair(before, recheck, spec, ("before", "recheck")) as (grid, first, second):
        to_grid = Transformer.from_crs(4326, grid.crs, always_xy=True)
        for geom in polygons:
            local = shapely.transform(
                geom, lambda xy: np.column_stack(to_grid.transform(xy[:, 0], xy[:, 1]))
            )
            if local.is_empty:
                out.append(None)
                continue
            x0, y0, x1, y1 = local.bounds
            left, top = grid.transform.c, grid.transform.f
            c0 = max(0, math.floor((x0 - left) / grid.res))
            c1 = min(grid.width, math.ceil((x1 - left) / grid.res))
            r0 = max(0, math.floor((top - y1) / grid.res))
            r1 = min(grid.height, math.ceil((top - y0) / grid.res))
            if c1 <= c0 or r1 <= r0:
                out.append(None)
                continue
            win = Window(c0, r0, c1 - c0, r1 - r0)
            tr = grid.transform @ Affine.translation(c0, r0)
            inside = features.geometry_mask([local], (win.height, win.width), tr, invert=True)
            diff = second.index(spec, win) - first.index(spec, win)
            sel = inside & np.isfinite(diff)
            if not sel.any():
                out.append(None)
                continue
            out.append(float((~changed_mask(diff[sel], direction, params.threshold)).mean()))
    return out
