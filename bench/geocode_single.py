"""Benchmark: one point at a time (issue 20, target 6), on both backends.

On a fresh database with the demo layers and organisations (the province-scale boundary
layers included), prints the p50 and p95 of:
- one warm `geocode_geometry` call in process (what `POST /api/v1/geocode` and each report's
  intake run), against a bare shapely 2 STRtree answering the same question (the features
  containing the point) in the same run: target p50 <= 5 ms and <= 1.5x the STRtree;
- `POST /api/v1/geocode` through HTTP (a real `ecoleads serve`, a token, JSON, keep-alive):
  target p50 <= 20 ms.

Usage: `make bench` (PostGIS from ECOLEADS_TEST_POSTGIS_URL, set by scripts/with-postgis.sh),
or `python bench/geocode_single.py --points 300`.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import httpx
import numpy as np
import shapely
from geoalchemy2.shape import to_shape
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import migrate
from app.db import make_engine, make_sessionmaker
from app.services.accounts.auth import create_user
from app.services.accounts.tokens import issue_token
from app.services.demo.base import load_demo
from app.services.places.geocode import geocode_geometry
from app.services.places.layers import current_version_ids
from bench.load import _free_port, _serve
from models import LayerFeature

EXTENT = (113.8, 39.6, 116.6, 42.2)  # the demo area (WGS-84)


def timed(points: list[tuple[float, float]], fn: Callable[[float, float], object]) -> list[float]:
    """Milliseconds of one call per point (after one warm-up call)."""
    fn(*points[0])
    out = []
    for x, y in points:
        t0 = time.perf_counter()
        fn(x, y)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def p(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def run_backend(name: str, url: str, data_dir: Path, points: list[tuple[float, float]]) -> None:
    """Prepare the database, then time the baseline, the in-process and the HTTP geocode."""
    migrate.downgrade(url, "base")
    migrate.upgrade(url)
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    with sessions.begin() as s:
        load_demo(s)
        user = create_user(s, role="prosecutor", org_code="130700", password="bench-password-2026",
                           username="bench", display_name="bench")  # fmt: skip
        token = issue_token(s, user=user, kind="session", ttl=timedelta(hours=1))[0]
    with sessions() as s:
        versions = current_version_ids(s)
        current = select(LayerFeature.geom).where(LayerFeature.layer_version_id.in_(versions))
        geoms = [to_shape(g) for g in s.scalars(current)]
        tree = shapely.STRtree(geoms)
        base = timed(points, lambda x, y: tree.query(shapely.Point(x, y), predicate="intersects"))
        def one(x: float, y: float) -> object:
            return geocode_geometry(s, geometry=shapely.Point(x, y), partner_distance_m=10_000.0,
                                    nearest_max_m=5_000.0)  # fmt: skip

        inproc = timed(points, one)
    engine.dispose()
    port = _free_port()
    proc = _serve(url, data_dir, port)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}",
                          headers={"Authorization": f"Bearer {token}"}) as client:  # fmt: skip
            def call(x: float, y: float) -> None:
                client.post("/api/v1/geocode", json={"lon": x, "lat": y}).raise_for_status()

            http = timed(points, call)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    ratio = statistics.median(inproc) / statistics.median(base)
    print(
        f"{name}: {len(geoms):,} features | STRtree p50 {p(base, 50):.3f} ms | geocode in process "
        f"p50 {p(inproc, 50):.2f} ms, p95 {p(inproc, 95):.2f} ms, {ratio:.1f}x STRtree (targets "
        f"<= 5 ms, <= 1.5x) | HTTP p50 {p(http, 50):.1f} ms, p95 {p(http, 95):.1f} ms "
        "(target <= 20 ms)"
    )


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description="single-point geocoding benchmark")
    parser.add_argument("--points", type=int, default=300)
    args = parser.parse_args()
    rng = np.random.default_rng(20261207)
    lons = rng.uniform(EXTENT[0], EXTENT[2], args.points).tolist()
    lats = rng.uniform(EXTENT[1], EXTENT[3], args.points).tolist()
    points = list(zip(lons, lats, strict=True))
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "db").mkdir()  # the database in a directory of its own, keys outside it
        backends = [("spatialite", f"sqlite:///{Path(tmp) / 'db' / 'bench.db'}")]
        if os.environ.get("ECOLEADS_TEST_POSTGIS_URL"):
            backends.append(("postgis", os.environ["ECOLEADS_TEST_POSTGIS_URL"]))
        else:
            print("ECOLEADS_TEST_POSTGIS_URL is not set: PostGIS not measured (use make bench)")
        print(f"{args.points} random points over the demo area, one call each")
        for name, url in backends:
            run_backend(name, url, Path(tmp) / name, points)


if __name__ == "__main__":
    main()
