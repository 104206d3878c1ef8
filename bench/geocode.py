"""Benchmark: batch geocoding of 100,000 points against 10,000 polygons, on both backends.

Prints points/second of the batch path (`geocode_points`, the same function the API, the
jobs and the CLI use: the in-memory reference index, read from SpatiaLite or PostGIS) and
its ratio to a bare shapely 2 STRtree point-in-polygon query of the same points and polygons
in the same run (tree build included). Target: ratio <= 3 on either backend. The first call
also reads and indexes the layer (the cold figure). Every hit set is checked against the
STRtree's.

Usage: `make bench` (PostGIS from ECOLEADS_TEST_POSTGIS_URL, set by scripts/with-postgis.sh).
"""

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import mapping
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import migrate
from app.db import make_engine, make_sessionmaker
from app.services.places.geocode_batch import geocode_points
from app.services.places.layers import current_version_ids, import_layer
from geo.layers import ReadOptions

# The demo extent: Zhangjiakou, northern Beijing and their neighbours (WGS-84).
EXTENT = (113.8, 39.4, 117.5, 42.2)


def make_polygons(n: int, rng: np.random.Generator) -> list[shapely.Polygon]:
    """Irregular star-shaped polygons of 12-40 vertices and 0.5-4 km radius."""
    polys = []
    for _ in range(n):
        cx, cy = rng.uniform(EXTENT[0], EXTENT[2]), rng.uniform(EXTENT[1], EXTENT[3])
        k = int(rng.integers(12, 41))
        angles = np.sort(rng.uniform(0, 2 * np.pi, k))
        radius = rng.uniform(0.005, 0.04) * rng.uniform(0.5, 1.0, k)
        xs = cx + radius * np.cos(angles) / np.cos(np.radians(cy))
        ys = cy + radius * np.sin(angles)
        polys.append(shapely.Polygon(np.column_stack([xs, ys])))
    return polys


def best_of(runs: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    """Return the best wall time of `runs` calls and the last result."""
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), result


def strtree_pairs(polys: list[shapely.Polygon], lons: np.ndarray, lats: np.ndarray) -> set:
    """The baseline: bare STRtree point-in-polygon, tree build included."""
    tree = shapely.STRtree(polys)
    ipts, ipolys = tree.query(shapely.points(lons, lats), predicate="intersects")
    return set(zip(ipts.tolist(), ipolys.tolist(), strict=True))


def run_backend(
    url: str, layer_file: Path, lons: np.ndarray, lats: np.ndarray, runs: int
) -> dict[str, Any]:
    """Load the polygons into a fresh database; time the batch path, cold then warm."""
    migrate.downgrade(url, "base")
    migrate.upgrade(url)
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    t0 = time.perf_counter()
    with sessions.begin() as s:
        options = ReadOptions(kind="wetland", code_field="code")
        import_layer(s, path=layer_file, name="bench-zones", kind="wetland", options=options)
    load_s = time.perf_counter() - t0
    with sessions() as s:
        vid = current_version_ids(s)[0]
        sql = "SELECT id, CAST(code AS INTEGER) FROM layer_features WHERE layer_version_id = :v"
        index_of = dict(s.execute(text(sql), {"v": vid}).all())  # feature id -> polygon index

        def batch() -> Any:
            return geocode_points(
                s, lons=lons, lats=lats, partner_distance_m=10_000.0, nearest_max_m=50_000.0
            )

        cold_s, _ = best_of(1, batch)
        full_s, result = best_of(runs, batch)
        pairs = {
            (k, index_of[result.found.reference.features.records[f].id])
            for k, hits in enumerate(result.found.hits)
            for f, _ in hits
        }
        s.rollback()
    engine.dispose()
    migrate.downgrade(url, "base")
    return {
        "load_s": load_s,
        "cold_s": cold_s,
        "full_s": full_s,
        "pairs": pairs,
        "with_zone": sum(1 for z in result.columns["zones"] if z),
    }


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description="batch geocoding benchmark")
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument("--polygons", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    rng = np.random.default_rng(20261125)
    polys = make_polygons(args.polygons, rng)
    lons = rng.uniform(EXTENT[0], EXTENT[2], args.points)
    lats = rng.uniform(EXTENT[1], EXTENT[3], args.points)
    with tempfile.TemporaryDirectory() as tmp:
        layer_file = Path(tmp) / "bench_zones.geojson"
        features = [
            {"type": "Feature", "properties": {"code": str(i)}, "geometry": mapping(p)}
            for i, p in enumerate(polys)
        ]
        layer_file.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
        base_s, expected = best_of(args.runs, lambda: strtree_pairs(polys, lons, lats))
        backends = [("spatialite", f"sqlite:///{Path(tmp) / 'bench.db'}")]
        if os.environ.get("ECOLEADS_TEST_POSTGIS_URL"):
            backends.append(("postgis", os.environ["ECOLEADS_TEST_POSTGIS_URL"]))
        else:
            print("ECOLEADS_TEST_POSTGIS_URL is not set: PostGIS not measured (use make bench)")
        hit_points = len({p for p, _ in expected})
        print(
            f"{args.points:,} points x {args.polygons:,} polygons: {len(expected):,} hits, "
            f"{hit_points:,} points in some polygon; best of {args.runs} runs"
        )
        print(f"baseline shapely STRtree: {base_s:.3f} s = {args.points / base_s:,.0f} points/s")
        for name, url in backends:
            r = run_backend(url, layer_file, lons, lats, args.runs)
            same = r["pairs"] == expected and r["with_zone"] == hit_points
            print(
                f"{name}: import {r['load_s']:.1f} s | first call (index read) {r['cold_s']:.3f} s "
                f"| batch geocode {r['full_s']:.3f} s = "
                f"{args.points / r['full_s']:,.0f} points/s, {r['full_s'] / base_s:.2f}x STRtree "
                f"(target <= 3) | {'same hits as STRtree' if same else 'HITS DIFFER'}"
            )


if __name__ == "__main__":
    main()
