"""Benchmark: one point at a time (issue 20, target 6), on both backends.

On a fresh database with the demo layers and organisations (the province-scale boundary
layers included), prints the p50 and p95 of:
- one warm `geocode_geometry` call in process (what `POST /api/v1/geocode` and each report's
  intake run), against bare shapely 2 STRtrees over the same geometries in the same run:
  answering the same question (the features and jurisdictions containing the point, the
  nearest feature of each measured kind within 5 km, the jurisdictions within 10 km, in
  metres as geo.distance measures them) and, for reference, its first part only (the
  features containing the point): target p50 <= 5 ms and <= 1.5x the same question;
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
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.services.accounts.auth import create_user
from app.services.accounts.tokens import issue_token
from app.services.places.geocode import geocode_geometry
from app.services.places.layers import current_version_ids
from app.services.places.reference_index import feature_info_select
from bench.common import demo_database
from bench.load import _free_port, _serve
from geo.distance import pair_distances_m, windows
from models import LayerFeature, Organisation
from rules.kinds import NEAREST_KINDS

PARTNER_M, NEAREST_M = 10_000.0, 5_000.0

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


def plain_trees(
    s: Session,
) -> tuple[int, Callable[[float, float], object], Callable[[float, float], object]]:
    """Bare STRtrees over the current features and the jurisdictions, whole geometries:
    (features, containment only, the same question as a geocode)."""
    versions = current_version_ids(s)
    rows = s.execute(
        feature_info_select(LayerFeature.geom).where(LayerFeature.layer_version_id.in_(versions))
    ).all()
    geoms = np.array([to_shape(r[-1]) for r in rows], dtype=object)
    kinds = np.array([r[2] for r in rows])
    jurisdictions = np.array(
        [to_shape(g) for g in s.scalars(select(Organisation.jurisdiction).where(
            Organisation.jurisdiction.is_not(None)))], dtype=object)  # fmt: skip
    tree, orgs = shapely.STRtree(geoms), shapely.STRtree(jurisdictions)

    def contained(x: float, y: float) -> object:
        return tree.query(shapely.Point(x, y), predicate="intersects")

    def question(x: float, y: float) -> object:
        point = np.array([shapely.Point(x, y)], dtype=object)
        near = tree.query(windows(point, NEAREST_M)[0])
        near = near[np.isin(kinds[near], NEAREST_KINDS)]
        metres = pair_distances_m(np.repeat(point, len(near)), geoms[near])
        nearest = {}
        for k, m in sorted(zip(near.tolist(), metres.tolist(), strict=True), key=lambda p: p[1]):
            if m <= NEAREST_M:
                nearest.setdefault(kinds[k], (k, m))
        around = orgs.query(windows(point, PARTNER_M)[0])
        metres = pair_distances_m(np.repeat(point, len(around)), jurisdictions[around])
        return (
            contained(x, y),
            orgs.query(point[0], predicate="intersects"),
            nearest,
            [
                (k, m)
                for k, m in zip(around.tolist(), metres.tolist(), strict=True)
                if m <= PARTNER_M
            ],
        )

    return len(geoms), contained, question


def run_backend(name: str, url: str, data_dir: Path, points: list[tuple[float, float]]) -> None:
    """Prepare the database, then time the baseline, the in-process and the HTTP geocode."""
    engine, sessions = demo_database(url)
    with sessions.begin() as s:
        user = create_user(s, role="prosecutor", org_code="130700", password="bench-password-2026",
                           username="bench", display_name="bench")  # fmt: skip
        token = issue_token(s, user=user, kind="session", ttl=timedelta(hours=1))[0]
    with sessions() as s:
        features, contained, question = plain_trees(s)
        base = timed(points, contained)
        same = timed(points, question)

        def one(x: float, y: float) -> object:
            point = shapely.Point(x, y)
            return geocode_geometry(
                s, geometry=point, partner_distance_m=PARTNER_M, nearest_max_m=NEAREST_M
            )

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
    mine = statistics.median(inproc)
    print(
        f"{name}: {features:,} features | STRtree, same question p50 {p(same, 50):.3f} ms, "
        f"containment only p50 {p(base, 50):.3f} ms | geocode in process p50 {mine:.2f} ms, "
        f"p95 {p(inproc, 95):.2f} ms = {mine / statistics.median(same):.2f}x the same question "
        f"(targets <= 5 ms, <= 1.5x), {mine / statistics.median(base):.1f}x containment only | "
        f"HTTP p50 {p(http, 50):.1f} ms, p95 {p(http, 95):.1f} ms (target <= 20 ms)"
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
