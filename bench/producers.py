"""Benchmark: the producers' path into leads against bulk clustering of the same items.

Imports 10,000 FIRMS detections (inside the demo's no-burn areas, so each becomes straw-
burning evidence) with the hotspot importer, which hands its evidence to the lead pipeline
in one batch; then, in a fresh database, stores the very same evidence items without leads
and places them in bulk (`ecoleads leads cluster`'s path). Prints both times and their
ratio, on both backends.

Usage: `make bench` (PostGIS from ECOLEADS_TEST_POSTGIS_URL, set by scripts/with-postgis.sh).
"""

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from sqlalchemy import insert, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import migrate
from app.db import make_engine, make_sessionmaker
from app.services.air.hotspots import import_hotspots
from app.services.air.imports import SourceFile
from app.services.demo.base import DEMO_DIR, load_demo
from app.services.leads.pipeline import place, unassigned
from app.settings import Settings
from models import EvidenceItem, Lead

HEAD = (
    "latitude,longitude,brightness,scan,track,acq_date,acq_time,satellite,confidence,version,"
    "bright_t31,frp,daynight\n"
)


def firms_file(n: int, rng: np.random.Generator) -> bytes:
    """n MODIS detections inside the demo no-burn areas over ten days (clumped fires)."""
    manifest = json.loads((DEMO_DIR / "manifest.json").read_text(encoding="utf-8"))
    entry = next(e for e in manifest["layers"] if e["kind"] == "no_burn_area")
    features = json.loads((DEMO_DIR / entry["file"]).read_text(encoding="utf-8"))["features"]
    areas = shapely.union_all([shapely.geometry.shape(f["geometry"]) for f in features])
    minx, miny, maxx, maxy = areas.bounds
    fires: list[tuple[float, float]] = []
    while len(fires) < n // 4:  # fire sites; each burns a few times
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if areas.contains(shapely.Point(x, y)):
            fires.append((x, y))
    start = datetime(2026, 6, 1, tzinfo=UTC)
    lines = [HEAD]
    for k in range(n):
        x, y = fires[k % len(fires)]
        at = start + timedelta(minutes=int(rng.integers(0, 10 * 1440)))
        lines.append(
            f"{y + rng.normal(0, 0.002):.5f},{x + rng.normal(0, 0.002):.5f},330.0,1.0,1.0,"
            f"{at:%Y-%m-%d},{at:%H%M},{'AT'[k % 2]},80,6.1NRT,300.0,12.5,D\n"
        )
    return "".join(lines).encode()


def fresh(url: str, data_dir: str) -> tuple[Any, Any, Settings]:
    """A migrated database with the demo layers."""
    migrate.downgrade(url, "base")
    migrate.upgrade(url)
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    with sessions.begin() as s:
        load_demo(s)
    return engine, sessions, Settings(database_url=url, data_dir=Path(data_dir))


def run(url: str, data: bytes, data_dir: str) -> dict[str, float]:
    """Import through the producer, then place the same items in bulk; seconds of each."""
    engine, sessions, settings = fresh(url, data_dir)
    t0 = time.perf_counter()
    with sessions.begin() as s:
        import_hotspots(s, files=[SourceFile("bench.csv", data)], settings=settings, actor="bench")
    producer = time.perf_counter() - t0
    with sessions() as s:
        columns = ("kind", "category", "geom", "observed_at", "source", "provenance")
        items = [
            {c: getattr(i, c) for c in columns}
            for i in s.scalars(select(EvidenceItem).order_by(EvidenceItem.id))
        ]
        leads = len(s.scalars(select(Lead.id)).all())
    engine.dispose()
    engine, sessions, settings = fresh(url, data_dir)
    with sessions.begin() as s:
        s.execute(insert(EvidenceItem), items)
    t0 = time.perf_counter()
    with sessions.begin() as s:
        bulk_leads = len(place(s, unassigned(s), actor="bench", settings=settings).leads)
    bulk = time.perf_counter() - t0
    engine.dispose()
    return {
        "items": len(items),
        "leads": leads,
        "bulk_leads": bulk_leads,
        "producer": producer,
        "bulk": bulk,
    }


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description="producers' path benchmark")
    parser.add_argument("--detections", type=int, default=10_000)
    args = parser.parse_args()
    data = firms_file(args.detections, np.random.default_rng(20261207))
    backends = [("spatialite", None)]
    if os.environ.get("ECOLEADS_TEST_POSTGIS_URL"):
        backends.append(("postgis", os.environ["ECOLEADS_TEST_POSTGIS_URL"]))
    else:
        print("ECOLEADS_TEST_POSTGIS_URL is not set: PostGIS not measured (use make bench)")
    for name, url in backends:
        with tempfile.TemporaryDirectory() as tmp:
            r = run(url or f"sqlite:///{tmp}/bench.db", data, tmp)
        print(
            f"{name}: {args.detections:,} FIRMS detections -> {r['items']:,} evidence items -> "
            f"{r['leads']:,} leads | hotspot import (parse, geocode, store, place) "
            f"{r['producer']:.2f} s | bulk placing of the same items {r['bulk']:.2f} s "
            f"({r['bulk_leads']:,} leads) | ratio {r['producer'] / r['bulk']:.2f}x"
        )


if __name__ == "__main__":
    main()
