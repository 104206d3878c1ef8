"""Benchmark: streamed change detection on a 10,000 x 10,000 pair, and a 2,500 x 2,500 one.

Writes two 2-band red/nir uint16 Landsat-8-scaled GeoTIFFs (10 m, tiled, deflate) window by
window, with non-touching patches of vegetation loss planted in the "after" image, runs
`detect_change` in a child process and prints its wall time, the polygons found against
the patches planted, and the child's peak RSS. Target: peak RSS well under 1 GiB at
10,000 x 10,000, and time growing with the pixel count (ratio per megapixel near 1).

Usage: `python bench/imagery_change.py [--sizes 2500 10000] [--patches-per-mpx 4]`.
"""

import argparse
import math
import resource
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import numpy as np
import rasterio
from rasterio.transform import from_origin
from rasterio.windows import Window

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo.imagery.change import ChangeParams, Scene, detect_change
from geo.imagery.sensors import SENSORS

RES, X0, Y0, CRS = 10.0, 400_000.0, 4_480_000.0, "EPSG:32650"  # UTM 50N, Hebei
VEG, BARE = (9091, 23636), (14545, 16364)  # Landsat 8 C2 DN (red, nir): NDVI 0.8 vs 0.11
BLOCK = 1024  # generation window
PARAMS = ChangeParams("ndvi", threshold=0.3, min_area_m2=1000)  # 10 px at 10 m

Patch = tuple[int, int, int, int, bool]  # row, col, height, width, elliptical


def plan_patches(size: int, count: int, rng: np.random.Generator) -> list[Patch]:
    """Patches of 4-150 px across, one per cell of a jittered grid, never 8-adjacent."""
    per_side = math.ceil(math.sqrt(count))
    cell = size // per_side
    patches = []
    for i in range(count):
        r_cell, c_cell = divmod(i, per_side)
        h, w = (int(v) for v in rng.integers(4, min(150, cell - 2), 2))
        r = r_cell * cell + int(rng.integers(1, cell - h))
        c = c_cell * cell + int(rng.integers(1, cell - w))
        patches.append((r, c, h, w, bool(rng.integers(0, 2)) and min(h, w) >= 8))
    return patches


def paint(tile: np.ndarray, win: Window, patches: list[Patch]) -> None:
    """Turn the patches' pixels inside this window to bare soil."""
    for r, c, h, w, ellipse in patches:
        r0, c0 = max(r, win.row_off), max(c, win.col_off)
        r1, c1 = min(r + h, win.row_off + win.height), min(c + w, win.col_off + win.width)
        if r0 >= r1 or c0 >= c1:
            continue
        rows, cols = np.ogrid[r0:r1, c0:c1]
        inside = np.ones((r1 - r0, c1 - c0), bool)
        if ellipse:
            inside = ((rows + 0.5 - r - h / 2) / (h / 2)) ** 2 + (
                (cols + 0.5 - c - w / 2) / (w / 2)
            ) ** 2 <= 1
        rows_in = slice(r0 - win.row_off, r1 - win.row_off)
        cols_in = slice(c0 - win.col_off, c1 - win.col_off)
        for band in range(2):
            tile[band, rows_in, cols_in][inside] = BARE[band]


def write_scene(path: Path, size: int, patches: list[Patch], rng: np.random.Generator) -> None:
    """A vegetated scene with a little noise (one noise tile reused), written by window."""
    noise = rng.integers(-100, 100, (2, BLOCK, BLOCK)).astype(np.int32)
    profile = {"driver": "GTiff", "width": size, "height": size, "count": 2, "dtype": "uint16",
               "crs": CRS, "transform": from_origin(X0, Y0, RES, RES), "tiled": True,
               "blockxsize": 256, "blockysize": 256, "compress": "deflate"}  # fmt: skip
    veg = np.array(VEG, np.int32)[:, None, None]
    with rasterio.open(path, "w", **profile) as dst:
        for r in range(0, size, BLOCK):
            for c in range(0, size, BLOCK):
                win = Window(c, r, min(BLOCK, size - c), min(BLOCK, size - r))
                tile = (veg + noise)[:, : win.height, : win.width].astype(np.uint16)
                paint(tile, win, patches)
                dst.write(tile, window=win)


def run_child(before: Path, after: Path, workdir: Path) -> tuple[float, int, float, float]:
    """In the child: time detect_change; return seconds, polygons, area, own peak RSS (MiB)."""
    scale = SENSORS["landsat8"].integer_scale
    assert scale is not None
    bands = {"red": 1, "nir": 2}
    t0 = time.perf_counter()
    result = detect_change(Scene(before, bands, scale), Scene(after, bands, scale), PARAMS,
                           workdir=workdir)  # fmt: skip
    seconds = time.perf_counter() - t0
    own_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return seconds, len(result.polygons), result.changed_area_m2, own_rss


def bench(size: int, per_mpx: float, tmp: Path) -> dict[str, float]:
    """Generate one pair, detect change in a child process, clean up; return the figures."""
    rng = np.random.default_rng(size)
    count = max(1, round(per_mpx * size * size / 1e6))
    patches = plan_patches(size, count, rng)
    before, after = tmp / f"before_{size}.tif", tmp / f"after_{size}.tif"
    t0 = time.perf_counter()
    write_scene(before, size, [], rng)
    write_scene(after, size, patches, rng)
    gen_s = time.perf_counter() - t0
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
        seconds, found, area, own_rss = pool.submit(run_child, before, after, tmp).result()
    # The peak over every child waited for so far (so sizes run smallest first); the
    # child's own figure separates this size from the ones before it.
    rss_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    before.unlink()
    after.unlink()
    return {"size": size, "planted": count, "found": found, "area_km2": area / 1e6,
            "gen_s": gen_s, "seconds": seconds, "rss_mib": rss_mib, "own_rss": own_rss}  # fmt: skip


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description="streamed change detection benchmark")
    parser.add_argument("--sizes", type=int, nargs="+", default=[2500, 10_000])
    parser.add_argument("--patches-per-mpx", type=float, default=4.0)
    args, _ = parser.parse_known_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-change-") as tmp:
        for size in sorted(args.sizes):
            r = bench(size, args.patches_per_mpx, Path(tmp))
            rows.append(r)
            print(
                f"{size:,} x {size:,} px ({size * RES / 1000:.0f} km square): generated in "
                f"{r['gen_s']:.1f} s | detect_change {r['seconds']:.1f} s "
                f"({r['seconds'] / (size * size / 1e6):.3f} s/Mpx) | {r['found']} polygons for "
                f"{r['planted']} planted, {r['area_km2']:.3f} km² | child peak RSS "
                f"{r['own_rss']:.0f} MiB (RUSAGE_CHILDREN max so far {r['rss_mib']:.0f} MiB)"
            )
    if len(rows) > 1:
        small, big = rows[0], rows[-1]
        px = (big["size"] / small["size"]) ** 2
        print(
            f"scaling: {px:.0f}x the pixels took {big['seconds'] / small['seconds']:.1f}x the time "
            f"and {big['own_rss'] / small['own_rss']:.2f}x the peak RSS (target RSS < 1024 MiB)"
        )


if __name__ == "__main__":
    main()
