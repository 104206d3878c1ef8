"""Benchmark: imagery tiles and COG conversion against bare rio-tiler and `rio cogeo create`.

(a) Tile latency: the Pix4D drone ortho fixture, upsampled ×6 to ~4,100 px and converted by
`write_cog`; ~200 tiles over three zoom levels that intersect it. Each tile is rendered by
`render_tile` and by bare `Reader(cog).tile(x, y, z).render(img_format="PNG")`, interleaved
(order alternating per tile), each opening the file per call. Prints median and p95 in ms
and their ratio. Target: ratio <= 2.
(a') The same tiles through the service's endpoint (`ecoleads serve` on SQLite in its own
process, bearer token, keep-alive HTTP) against the same bare rio-tiler calls in this process.
Target: ratio <= 2 (moonshot <= 1.3).
(b) COG conversion: `write_cog` vs the `rio cogeo create -p deflate` CLI on the same
upsampled source, best of 3. The CLI time includes its interpreter start-up.

Then the change-detection figures (bench/imagery_change.py), when that module exists.

Usage: `python bench/imagery.py` from the repository root.
"""

import argparse
import importlib.util
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import morecantile
import numpy as np
import rasterio
from rasterio.enums import Resampling
from rio_tiler.io import Reader

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo.imagery.cog import write_cog
from geo.imagery.sensors import Scale
from geo.imagery.tiles import render_tile, zoom_range

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "tests" / "data" / "imagery" / "pix4d_alpha_nodata_crop.tif"
RIO = Path(sys.executable).with_name("rio")
RGB = {"red": 1, "green": 2, "blue": 3}


def upsample(src: Path, dst: Path, factor: int) -> tuple[int, int]:
    """Write `src` enlarged `factor` times (nearest, alpha kept) as a tiled GeoTIFF."""
    with rasterio.open(src) as ds:
        h, w = ds.height * factor, ds.width * factor
        data = ds.read(out_shape=(ds.count, h, w), resampling=Resampling.nearest)
        profile = ds.profile
        profile.update(width=w, height=h, transform=ds.transform @ ds.transform.scale(1 / factor))
        with rasterio.open(dst, "w", **profile) as out:
            out.write(data)
            out.colorinterp = ds.colorinterp
    return w, h


def pick_tiles(cog: Path, count: int, rng: np.random.Generator) -> list[morecantile.Tile]:
    """About `count` tiles spread over the three finest zoom levels, all touching the image."""
    tms = morecantile.tms.get("WebMercatorQuad")
    _, maxzoom = zoom_range(cog)
    with Reader(str(cog)) as src:
        bounds = src.get_geographic_bounds("EPSG:4326")
    picked: list[morecantile.Tile] = []
    zooms = (maxzoom - 2, maxzoom - 1, maxzoom)
    for i, z in enumerate(zooms):  # coarse zooms have few tiles: finer ones make up the rest
        tiles = list(tms.tiles(*bounds, zooms=[z]))
        n = min(len(tiles), (count - len(picked)) // (len(zooms) - i))
        picked += [tiles[j] for j in rng.choice(len(tiles), n, replace=False)]
    return picked


def bare(cog: Path, t: morecantile.Tile) -> bytes:
    """The baseline: bare rio-tiler."""
    with Reader(str(cog)) as src:
        return src.tile(t.x, t.y, t.z).render(img_format="PNG")


def ours(cog: Path, t: morecantile.Tile) -> bytes:
    return render_tile(cog, t.z, t.x, t.y, bands=RGB, scale=Scale(1 / 255))


def timed(fn: Callable[[], Any]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def best_of(runs: int, fn: Callable[[], Any]) -> float:
    return min(timed(fn) for _ in range(runs))


def tile_bench(cog: Path, tiles: list[morecantile.Tile]) -> None:
    for t in tiles[:5]:  # warm the GDAL block cache and imports alike for both
        ours(cog, t)
        bare(cog, t)
    mine, base = [], []
    for i, t in enumerate(tiles):
        pair = [(mine, ours), (base, bare)]
        for out, fn in pair if i % 2 == 0 else pair[::-1]:
            out.append(timed(lambda fn=fn, t=t: fn(cog, t)) * 1000)
    zooms = sorted({t.z for t in tiles})
    print(f"tiles: {len(tiles)} PNG 256 px tiles at zooms {zooms}, interleaved")
    for name, ms in (("rio-tiler Reader.tile().render()", base), ("render_tile", mine)):
        print(f"  {name:34s} median {np.median(ms):6.2f} ms | p95 {np.percentile(ms, 95):6.2f} ms")
    print(
        f"  ratio render_tile / bare rio-tiler: median {np.median(mine) / np.median(base):.2f}x, "
        f"p95 {np.percentile(mine, 95) / np.percentile(base, 95):.2f}x (target <= 2)"
    )


def _cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def endpoint_bench(src: Path, cog: Path, tiles: list[morecantile.Tile], tmp: Path) -> None:
    """The tile endpoint over HTTP (its own process) against bare rio-tiler here."""
    port = _free_port()
    env = {
        **os.environ,
        "ECOLEADS_DATA_DIR": str(tmp / "service"),
        "ECOLEADS_PORT": str(port),
        "ECOLEADS_LOG_LEVEL": "WARNING",
    }
    _cli(env, "migrate")
    _cli(
        env,
        "orgs",
        "upsert",
        "--code",
        "130700",
        "--name",
        "bench",
        "--role",
        "own",
        "--level",
        "city",
    )
    _cli(
        env,
        "users",
        "create",
        "--username",
        "bench-admin",
        "--password",
        "bench-password-2026-x",
        "--role",
        "admin",
        "--org",
        "130700",
    )
    token = _cli(env, "tokens", "create", "--username", "bench-admin", "--name", "bench")
    item = json.loads(
        _cli(env, "imagery", "import", str(src), "--sensor", "drone", "--acquired", "2019-05-01")
    )
    image_id = int(item["id"].rsplit("-", 1)[1])
    server = subprocess.Popen([sys.executable, "-m", "app.cli", "serve"], env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(headers={"Authorization": f"Bearer {token.strip()}"}) as http:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    http.get(f"{base}/health", timeout=1)
                    break
                except httpx.TransportError:
                    time.sleep(0.2)

            def get(t: morecantile.Tile) -> bytes:
                url = (
                    f"{base}/api/v1/imagery/{image_id}/tiles/WebMercatorQuad/{t.z}/{t.x}/{t.y}.png"
                )
                r = http.get(url)
                r.raise_for_status()
                return r.content

            for t in tiles[:5]:
                get(t)
                bare(cog, t)
            http_ms, base_ms = [], []
            for i, t in enumerate(tiles):
                pair = [(http_ms, lambda t=t: get(t)), (base_ms, lambda t=t: bare(cog, t))]
                for out, fn in pair if i % 2 == 0 else pair[::-1]:
                    out.append(timed(fn) * 1000)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"endpoint: the same {len(tiles)} tiles over HTTP (service in its own process)")
    for name, ms in (("bare rio-tiler, in process", base_ms), ("GET .../tiles/...png", http_ms)):
        print(f"  {name:34s} median {np.median(ms):6.2f} ms | p95 {np.percentile(ms, 95):6.2f} ms")
    print(
        f"  ratio endpoint / bare rio-tiler: median {np.median(http_ms) / np.median(base_ms):.2f}x,"
        f" p95 {np.percentile(http_ms, 95) / np.percentile(base_ms, 95):.2f}x "
        "(target <= 2, moonshot <= 1.3)"
    )


def cog_bench(src: Path, tmp: Path, runs: int) -> None:
    ours_s = best_of(runs, lambda: write_cog(src, tmp / "ours.tif"))
    cli = [str(RIO), "cogeo", "create", str(src), str(tmp / "cli.tif"), "-p", "deflate", "-q"]
    cli_s = best_of(runs, lambda: subprocess.run(cli, check=True))
    print(f"COG conversion (best of {runs}):")
    print(f"  write_cog                     {ours_s:6.2f} s")
    print(f"  rio cogeo create -p deflate   {cli_s:6.2f} s (CLI, includes interpreter start-up)")
    print(f"  ratio write_cog / CLI: {ours_s / cli_s:.2f}x")


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description="imagery tiles and COG benchmark")
    parser.add_argument("--tiles", type=int, default=200)
    parser.add_argument("--factor", type=int, default=6)
    parser.add_argument("--runs", type=int, default=3)
    args, _ = parser.parse_known_args()
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        big = tmp / "ortho_big.tif"
        w, h = upsample(SOURCE, big, args.factor)
        cog = tmp / "ortho_big_cog.tif"
        write_cog(big, cog)
        with rasterio.open(cog) as ds:
            overviews = ds.overviews(1)
        print(
            f"source: {SOURCE.name} ×{args.factor} = {w} × {h} px RGBA uint8; "
            f"COG overviews {overviews}, zooms {zoom_range(cog)}"
        )
        tiles = pick_tiles(cog, args.tiles, np.random.default_rng(20261202))
        tile_bench(cog, tiles)
        endpoint_bench(big, cog, tiles, tmp)
        cog_bench(big, tmp, args.runs)
    if importlib.util.find_spec("bench.imagery_change") is not None:
        from bench.imagery_change import main as change_main

        change_main()


if __name__ == "__main__":
    main()
