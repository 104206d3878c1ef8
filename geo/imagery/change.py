"""Change between two images of one place: index difference → threshold → polygons.

Both images are warped (bilinear) onto one metric grid: their overlap, in the before
image's CRS if projected in metres (else the UTM zone of the overlap's centre), at the
coarser resolution, aligned to it. The pair is streamed in windows, so memory does not grow
with the scene: each window's change mask and difference go to tiled temporary GeoTIFFs,
its patches are polygonised in grid pixel units (exact integers), and patches cut by window
edges are re-polygonised as one from the mask. Areas are planar areas in the grid CRS.
"""

import math
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import rasterio
import shapely
from affine import Affine
from pyproj import CRS, Transformer
from rasterio import features
from rasterio.enums import Resampling
from rasterio.io import DatasetReader
from rasterio.vrt import WarpedVRT
from rasterio.warp import calculate_default_transform, transform_bounds
from rasterio.windows import Window
from shapely import affinity
from shapely.geometry import Polygon, shape
from shapely.geometry.base import BaseGeometry

from geo.crs import utm_epsg_for
from geo.imagery.indices import IndexSpec, IndexUnavailable, check_index, compute, needed_bands
from geo.imagery.sensors import Scale
from geo.progress import Progress, no_progress

DIRECTIONS = ("decrease", "increase", "either")
# GDAL block cache (MB) while a pair is open.
_CACHE_MB = 128
# Temporary rasters: 256-pixel tiles, zstd (fast; the mask compresses to almost nothing).
_TMP_PROFILE = {"driver": "GTiff", "tiled": True, "blockxsize": 256, "blockysize": 256,
                "compress": "zstd", "BIGTIFF": "IF_SAFER"}  # fmt: skip
_STREAM_SHARE = 0.8  # progress fraction spent streaming windows; the rest on polygon stats

BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Scene:
    """One image as the change detector sees it: a GeoTIFF/COG, its band map and scale."""

    path: Path
    bands: dict[str, int]
    scale: Scale


@dataclass(frozen=True)
class ChangeParams:
    """Index, absolute difference that counts as change, smallest polygon kept (m²)."""

    index: str
    threshold: float
    min_area_m2: float
    direction: str | None = None  # decrease | increase | either; None = the index's harm


@dataclass(frozen=True)
class ChangePolygon:
    """A changed patch: polygon in EPSG:4326 (lon, lat), grid-CRS area, mean after − before."""

    geom: BaseGeometry
    area_m2: float
    mean_change: float
    pixels: int


@dataclass(frozen=True)
class ChangeResult:
    """Polygons (largest first), the common grid, totals and the pixels valid in both."""

    polygons: list[ChangePolygon]
    grid: dict[str, Any]
    changed_area_m2: float
    removed_specks: int
    valid_pixels: int


class ChangeRefused(ValueError):
    """A pair or parameters change detection cannot use (one-line reason)."""


@dataclass(frozen=True)
class _Grid:
    crs: CRS
    transform: Affine
    width: int
    height: int
    res: float

    def describe(self) -> dict[str, Any]:
        left, top = self.transform.c, self.transform.f
        bounds = (left, top - self.height * self.res, left + self.width * self.res, top)
        # Densified so the outline stays true in lon/lat: 16 vertices per longer side.
        step = max(self.width, self.height) * self.res / 16
        ring = shapely.segmentize(shapely.box(*bounds), step)
        return {
            "epsg": self.crs.to_epsg(),
            "crs": self.crs.to_wkt(),
            "res_m": self.res,
            "width": self.width,
            "height": self.height,
            "bounds": bounds,
            "overlap_wgs84": _to_wgs84(ring, self.crs).wkt,
            "notes": [],
        }


@dataclass(frozen=True)
class _Reader:
    """A scene warped onto the grid; the VRT's last band is its alpha (validity)."""

    vrt: WarpedVRT
    names: list[str]
    numbers: list[int]
    scale: Scale

    def index(self, spec: IndexSpec, window: Window) -> FloatArray:
        data = self.vrt.read([*self.numbers, self.vrt.count], window=window)
        value = compute(spec, dict(zip(self.names, data[:-1], strict=True)), self.scale)
        value[data[-1] == 0] = np.nan
        return value


def check_params(params: ChangeParams) -> tuple[IndexSpec, str]:
    """The index and direction a change is read with; ChangeRefused when unusable."""
    try:
        spec = check_index(params.index)
    except IndexUnavailable as exc:
        raise ChangeRefused(str(exc)) from None
    if not (math.isfinite(params.threshold) and params.threshold > 0):
        raise ChangeRefused(f"threshold must be a number > 0, not {params.threshold}")
    if not (math.isfinite(params.min_area_m2) and params.min_area_m2 >= 0):
        raise ChangeRefused(f"min_area_m2 must be a number >= 0, not {params.min_area_m2}")
    direction = params.direction or spec.harm
    if direction not in DIRECTIONS:
        raise ChangeRefused(f"direction must be one of {', '.join(DIRECTIONS)}, not {direction!r}")
    return spec, direction


def changed_mask(diff: FloatArray, direction: str, threshold: float) -> BoolArray:
    """Where after − before is a change in `direction` (NaN is never a change)."""
    with np.errstate(invalid="ignore"):
        if direction == "decrease":
            return diff <= -threshold
        if direction == "increase":
            return diff >= threshold
        return np.abs(diff) >= threshold


def _to_wgs84(geom: BaseGeometry, crs: CRS) -> BaseGeometry:
    to = Transformer.from_crs(crs, 4326, always_xy=True)
    return shapely.transform(geom, lambda xy: np.column_stack(to.transform(xy[:, 0], xy[:, 1])))


def _grid(a: DatasetReader, b: DatasetReader) -> _Grid:
    """The common metric grid of two open images (refuse if they do not overlap)."""
    lonlat = [transform_bounds(d.crs, 4326, *d.bounds, densify_pts=21) for d in (a, b)]
    box = shapely.box(*lonlat[0]).intersection(shapely.box(*lonlat[1]))
    if box.is_empty or box.area == 0:
        raise ChangeRefused("the images do not overlap")
    crs = CRS.from_user_input(a.crs)
    if not (crs.is_projected and crs.axis_info[0].unit_name in ("metre", "meter")):
        centre = box.centroid
        crs = CRS.from_epsg(utm_epsg_for(centre.x, centre.y))
    res = 0.0
    for d in (a, b):
        if CRS.from_user_input(d.crs) == crs:
            res = max(res, abs(d.transform.a), abs(d.transform.e))
        else:
            t, _, _ = calculate_default_transform(d.crs, crs, d.width, d.height, *d.bounds)
            res = max(res, abs(t.a), abs(t.e))
    ext = [transform_bounds(d.crs, crs, *d.bounds, densify_pts=21) for d in (a, b)]
    x0, y0 = max(ext[0][0], ext[1][0]), max(ext[0][1], ext[1][1])
    x1, y1 = min(ext[0][2], ext[1][2]), min(ext[0][3], ext[1][3])
    if x1 - x0 < res or y1 - y0 < res:
        raise ChangeRefused("the images do not overlap")
    left, bottom = math.floor(x0 / res) * res, math.floor(y0 / res) * res
    width = math.ceil(x1 / res) - math.floor(x0 / res)
    height = math.ceil(y1 / res) - math.floor(y0 / res)
    top = bottom + height * res
    return _Grid(crs, Affine(res, 0.0, left, 0.0, -res, top), width, height, res)


@contextmanager
def open_pair(
    first: Scene, second: Scene, spec: IndexSpec, labels: tuple[str, str]
) -> Iterator[tuple[_Grid, _Reader, _Reader]]:
    """Open both scenes, find their grid and warp each onto it (bilinear, with alpha).

    GDAL's block cache is capped meanwhile: its default (5 % of RAM) would grow with the scene.
    """
    with ExitStack() as stack:
        stack.enter_context(rasterio.Env(GDAL_CACHEMAX=_CACHE_MB))
        dss = [stack.enter_context(rasterio.open(s.path)) for s in (first, second)]
        names = []
        for label, scene, ds in zip(labels, (first, second), dss, strict=True):
            if ds.crs is None:
                raise ChangeRefused(f"{label} image has no CRS")
            try:
                names.append(needed_bands(spec, scene.bands))
            except IndexUnavailable as exc:
                raise ChangeRefused(f"{label} image: {exc}") from None
            bad = [n for n in names[-1] if not 1 <= scene.bands[n] <= ds.count]
            if bad:
                raise ChangeRefused(f"{label} image has no band for {', '.join(bad)}")
        grid = _grid(*dss)
        readers = []
        for scene, ds, used in zip((first, second), dss, names, strict=True):
            vrt = stack.enter_context(
                WarpedVRT(ds, crs=grid.crs, transform=grid.transform, width=grid.width,
                          height=grid.height, resampling=Resampling.bilinear, add_alpha=True)
            )  # fmt: skip
            readers.append(_Reader(vrt, used, [scene.bands[n] for n in used], scene.scale))
        yield grid, readers[0], readers[1]


def _windows(grid: _Grid, size: int) -> list[Window]:
    return [
        Window(c, r, min(size, grid.width - c), min(size, grid.height - r))
        for r in range(0, grid.height, size)
        for c in range(0, grid.width, size)
    ]


def _touches_inner_edge(poly: Polygon, win: Window, grid: _Grid) -> bool:
    """True if a pixel-unit polygon reaches an edge its window shares with another window."""
    x0, y0, x1, y1 = poly.bounds
    c0, r0, c1, r1 = win.col_off, win.row_off, win.col_off + win.width, win.row_off + win.height
    return (
        (x0 == c0 and c0 > 0)
        or (y0 == r0 and r0 > 0)
        or (x1 == c1 and c1 < grid.width)
        or (y1 == r1 and r1 < grid.height)
    )


def _shapes(changed: BoolArray, col: int, row: int) -> list[Polygon]:
    """8-connected patches of `changed` in grid pixel units (its top-left is col, row)."""
    polys = features.shapes(changed.astype(np.uint8), mask=changed, connectivity=8,
                            transform=Affine.translation(col, row))  # fmt: skip
    return [shape(g) for g, _ in polys]


def _merge(pieces: list[Polygon], mask: DatasetReader) -> list[Polygon]:
    """Join pieces that touch across window edges: re-polygonise each group from the mask."""
    parent = list(range(len(pieces)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # Pieces of different windows touch (even at a corner) iff their pixels are 8-adjacent.
    left, right = shapely.STRtree(pieces).query(pieces, predicate="intersects")
    for i, j in zip(left.tolist(), right.tolist(), strict=True):
        parent[root(i)] = root(j)
    groups: dict[int, list[Polygon]] = {}
    for i, piece in enumerate(pieces):
        groups.setdefault(root(i), []).append(piece)
    merged: list[Polygon] = []
    for group in groups.values():
        if len(group) == 1:
            merged.extend(group)
            continue
        b = shapely.bounds(group)
        c0, r0 = int(b[:, 0].min()), int(b[:, 1].min())
        c1, r1 = int(b[:, 2].max()), int(b[:, 3].max())
        changed = mask.read(1, window=Window(c0, r0, c1 - c0, r1 - r0)).astype(bool)
        inside = features.geometry_mask(group, changed.shape, Affine.translation(c0, r0),
                                        invert=True)  # fmt: skip
        merged.extend(_shapes(changed & inside, c0, r0))
    return merged


def _stats(poly: Polygon, mask: DatasetReader, diff: DatasetReader) -> tuple[int, float]:
    """Changed pixels inside a pixel-unit polygon and their mean difference."""
    x0, y0, x1, y1 = (int(v) for v in poly.bounds)
    win = Window(x0, y0, x1 - x0, y1 - y0)
    inside = features.geometry_mask([poly], (y1 - y0, x1 - x0), Affine.translation(x0, y0),
                                    invert=True)  # fmt: skip
    sel = inside & mask.read(1, window=win).astype(bool)
    values = diff.read(1, window=win)[sel]
    return int(sel.sum()), float(values.mean()) if values.size else math.nan


def _stream(
    pair: tuple[_Grid, _Reader, _Reader],
    spec: IndexSpec,
    direction: str,
    params: ChangeParams,
    tmp: Path,
    size: int,
    progress: Progress,
) -> tuple[list[Polygon], list[Polygon], int, int]:
    """Write mask.tif and diff.tif window by window; polygonise each window's patches.

    Return the patches kept, those cut by window edges, the specks dropped and the pixels
    valid in both images.
    """
    grid, first, second = pair
    profile = {**_TMP_PROFILE, "width": grid.width, "height": grid.height, "count": 1,
               "crs": grid.crs, "transform": grid.transform}  # fmt: skip
    kept: list[Polygon] = []
    edge: list[Polygon] = []
    specks = valid = 0
    wins = _windows(grid, size)
    with (
        rasterio.open(tmp / "mask.tif", "w", dtype="uint8", **profile) as mask_out,
        rasterio.open(tmp / "diff.tif", "w", dtype="float32", nodata=np.nan, **profile) as diff_out,
    ):
        for n, win in enumerate(wins, 1):
            diff = second.index(spec, win) - first.index(spec, win)
            changed = changed_mask(diff, direction, params.threshold)
            valid += int(np.isfinite(diff).sum())
            mask_out.write(changed.astype(np.uint8), 1, window=win)
            diff_out.write(diff, 1, window=win)
            for poly in _shapes(changed, win.col_off, win.row_off):
                if _touches_inner_edge(poly, win, grid):
                    edge.append(poly)
                elif poly.area * grid.res**2 < params.min_area_m2:
                    specks += 1
                else:
                    kept.append(poly)
            progress(_STREAM_SHARE * n / len(wins), f"window {n}/{len(wins)}")
    return kept, edge, specks, valid


def _describe(
    polys: list[Polygon], grid: _Grid, mask: DatasetReader, diff: DatasetReader, progress: Progress
) -> list[ChangePolygon]:
    """Pixel-unit polygons → ChangePolygons in EPSG:4326 with their pixel counts and means."""
    g = grid.transform
    out = []
    for n, poly in enumerate(polys, 1):
        pixels, mean = _stats(poly, mask, diff)
        metric = affinity.affine_transform(poly, [g.a, g.b, g.d, g.e, g.c, g.f])
        geom = _to_wgs84(metric, grid.crs)
        out.append(ChangePolygon(geom, poly.area * grid.res**2, mean, pixels))
        if n % 100 == 0:
            progress(_STREAM_SHARE + (1 - _STREAM_SHARE) * n / len(polys), f"polygon {n}")
    return out


def detect_change(
    before: Scene,
    after: Scene,
    params: ChangeParams,
    *,
    workdir: Path,
    progress: Progress = no_progress,
    window: int = 1024,
    max_polygons: int = 5000,
) -> ChangeResult:
    """Polygons where the index changed by at least the threshold from before to after.

    Temporary rasters live in a fresh directory under `workdir`, removed on return or error.
    """
    spec, direction = check_params(params)
    if window < 1 or max_polygons < 1:
        raise ChangeRefused("window and max_polygons must be at least 1")
    tmp = Path(tempfile.mkdtemp(prefix="change-", dir=workdir))
    try:
        with open_pair(before, after, spec, ("before", "after")) as pair:
            grid = pair[0]
            streamed = _stream(pair, spec, direction, params, tmp, window, progress)
            kept, edge, specks, valid = streamed
            with rasterio.open(tmp / "mask.tif") as mask, rasterio.open(tmp / "diff.tif") as diff:
                for poly in _merge(edge, mask) if edge else []:
                    if poly.area * grid.res**2 < params.min_area_m2:
                        specks += 1
                    else:
                        kept.append(poly)
                # Largest first; ties top-left first, so the order does not depend on windows.
                kept.sort(key=lambda p: (-p.area, p.bounds[1], p.bounds[0]))
                out = _describe(kept[:max_polygons], grid, mask, diff, progress)
        info = grid.describe()
        if len(kept) > max_polygons:
            info["notes"].append(
                f"{len(kept)} polygons found; only the largest {max_polygons} are returned"
            )
        progress(1.0, f"{len(out)} polygons")
        return ChangeResult(out, info, sum(p.area for p in kept) * grid.res**2, specks, valid)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
