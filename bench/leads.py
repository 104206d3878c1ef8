"""Benchmark: 100,000 evidence items -> leads (clustering + geocoding + scoring), both backends.

Prints items/second of `pipeline.place` on unassigned items (`ecoleads leads cluster`'s
path), the pure clustering time and its ratio to a bare shapely STRtree neighbour query (200 m) over
the same points in the same run, and p50/p99 of a bbox + minimum-score query returning one
page of leads (`list_leads`, what GET /api/v1/leads runs).

Usage: `make bench` (PostGIS from ECOLEADS_TEST_POSTGIS_URL, set by scripts/with-postgis.sh).
"""

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import shapely
from geoalchemy2.shape import from_shape
from pyproj import Transformer
from sqlalchemy import insert, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import migrate
from app.db import make_engine, make_sessionmaker
from app.services.accounts.auth import create_user
from app.services.demo.base import load_demo
from app.services.leads.pipeline import GROUPS, RULES, evidence_point, place, unassigned
from app.services.leads.workflow import LeadFilter, list_leads
from app.settings import Settings
from geo.clustering import cluster
from models import EvidenceItem, Lead
from rules.categories import CATEGORIES

EXTENT = (113.9, 39.6, 116.3, 41.9)  # Zhangjiakou (WGS-84)


def make_items(n: int, rng: np.random.Generator) -> list[dict[str, object]]:
    """Evidence rows: half around 2,000 hotspots, half scattered, over one year."""
    hot = np.column_stack(
        [rng.uniform(EXTENT[0], EXTENT[2], 2000), rng.uniform(EXTENT[1], EXTENT[3], 2000)]
    )
    k = n // 2
    near = hot[rng.integers(0, 2000, k)] + rng.normal(0, 0.001, (k, 2))
    far = np.column_stack(
        [rng.uniform(EXTENT[0], EXTENT[2], n - k), rng.uniform(EXTENT[1], EXTENT[3], n - k)]
    )
    xy = np.vstack([near, far])
    cats = list(CATEGORIES)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    return [
        {
            "kind": "citizen_report",
            "category": cats[int(rng.integers(0, len(cats)))],
            "geom": from_shape(shapely.Point(x, y), srid=4326),
            "observed_at": start + timedelta(minutes=int(rng.integers(0, 525_600))),
            "source": f"user:{int(rng.integers(0, 20_000))}",
            "provenance": {},
        }
        for x, y in xy.tolist()
    ]


def strtree_neighbours(lons: np.ndarray, lats: np.ndarray) -> float:
    """Seconds for a bare STRtree 200 m neighbour query of the points (projected first)."""
    t0 = time.perf_counter()
    x, y = Transformer.from_crs(4326, 32650, always_xy=True).transform(lons, lats)
    pts = shapely.points(x, y)
    shapely.STRtree(pts).query(pts, predicate="dwithin", distance=200.0)
    return time.perf_counter() - t0


def run(url: str, items: list[dict[str, object]], data_dir: str) -> dict[str, float]:
    """Load, cluster and query on one backend."""
    migrate.downgrade(url, "base")
    migrate.upgrade(url)
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    settings = Settings(database_url=url, data_dir=Path(data_dir))
    with sessions.begin() as s:
        load_demo(s)
        user = create_user(
            s,
            role="prosecutor",
            org_code="130700",
            username="bench",
            password="bench-password",
            display_name="bench",
        )
        for start in range(0, len(items), 5000):
            s.execute(insert(EvidenceItem), items[start : start + 5000])
    with sessions() as s:
        loaded = list(s.scalars(select(EvidenceItem).order_by(EvidenceItem.id)))
        points = [evidence_point(i) for i in loaded]
        t0 = time.perf_counter()
        cluster(points, rules=RULES, groups=GROUPS)
        pure = time.perf_counter() - t0
        lons = np.array([p.lon for p in points])
        lats = np.array([p.lat for p in points])
        base = strtree_neighbours(lons, lats)
    t0 = time.perf_counter()
    with sessions.begin() as s:
        leads = len(place(s, unassigned(s), actor="bench", settings=settings).created)
    full = time.perf_counter() - t0
    rng = np.random.default_rng(1)
    times = []
    with sessions() as s:
        owner = s.get(type(user), user.id)
        for _ in range(200):
            x, y = rng.uniform(EXTENT[0], EXTENT[2] - 0.3), rng.uniform(EXTENT[1], EXTENT[3] - 0.3)
            where = LeadFilter(bbox=(x, y, x + 0.3, y + 0.3), min_score=30.0)
            t0 = time.perf_counter()
            list_leads(s, user=owner, where=where, sort="score", limit=50, offset=0)
            times.append(time.perf_counter() - t0)
        assert s.scalar(select(Lead.id).limit(1)) is not None
    engine.dispose()  # the database is thrown away: no downgrade of 100,000 rows
    times.sort()
    return {
        "leads": leads,
        "full": full,
        "pure": pure,
        "base": base,
        "p50": times[len(times) // 2],
        "p99": times[int(len(times) * 0.99) - 1],
    }


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description="leads benchmark")
    parser.add_argument("--items", type=int, default=100_000)
    args = parser.parse_args()
    items = make_items(args.items, np.random.default_rng(20261125))
    backends = [("spatialite", None)]
    if os.environ.get("ECOLEADS_TEST_POSTGIS_URL"):
        backends.append(("postgis", os.environ["ECOLEADS_TEST_POSTGIS_URL"]))
    else:
        print("ECOLEADS_TEST_POSTGIS_URL is not set: PostGIS not measured (use make bench)")
    print(f"{args.items:,} evidence items over Zhangjiakou (half around 2,000 hotspots), 1 year")
    for name, url in backends:
        with tempfile.TemporaryDirectory() as tmp:
            r = run(url or f"sqlite:///{tmp}/bench.db", items, tmp)
        print(
            f"{name}: {r['leads']:,} leads | clustering + geocoding + scoring + storing "
            f"{r['full']:.1f} s = {args.items / r['full']:,.0f} items/s | pure clustering "
            f"{r['pure']:.2f} s = {r['pure'] / r['base']:.1f}x a bare STRtree 200 m neighbour "
            f"query ({r['base']:.2f} s) | bbox+score page query p50 {r['p50'] * 1000:.1f} ms, "
            f"p99 {r['p99'] * 1000:.1f} ms"
        )


if __name__ == "__main__":
    main()
