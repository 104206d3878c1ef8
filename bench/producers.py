"""Benchmark: the producers' path into leads against bulk clustering of the same items.

Imports 10,000 FIRMS detections (inside the demo's no-burn areas, so each becomes straw-
burning evidence) with the hotspot importer, which hands its evidence to the lead pipeline
in one batch; then, in a fresh database, stores the very same evidence items without leads
and places them in bulk (`ecoleads leads cluster`'s path). Then the same for a change
detection of 400 polygons: two NDVI scenes inside a drinking-water source zone, 400 patches
of vegetation lost between them, detected (raster analysis, geocoding, confirmations,
evidence, placing) against bulk placing of the same 400 evidence items. Prints the times
and their ratios (target <= 1.5x), on both backends: medians of `--repeat` runs (default 3).

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
import rasterio
import shapely
from pyproj import Transformer
from rasterio.transform import from_origin
from sqlalchemy import insert, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.services.air.hotspots import import_hotspots
from app.services.air.imports import SourceFile
from app.services.demo.base import DEMO_DIR
from app.services.files.evidence_store import LocalEvidenceStore
from app.services.imagery.change import ChangeRequest, detect
from app.services.imagery.ingest import ImageUpload, import_image
from app.services.leads.pipeline import place, unassigned
from app.settings import Settings
from bench.common import demo_database
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


# 400 square patches of 5 x 5 pixels (10 m), 12 pixels apart, inside the Guanting level-II
# drinking-water source zone of the demo layers.
PATCHES, SIDE, STEP, RES = 20, 5, 12, 10.0
CENTRE = (115.6855, 40.3242)  # WGS-84, well inside that zone


def ndvi_pair(folder: Path) -> tuple[Path, Path]:
    """Before and after NDVI scenes (UTM 50N): vegetation, then 400 patches of bare soil."""
    x, y = Transformer.from_crs(4326, 32650, always_xy=True).transform(*CENTRE)
    size = PATCHES * STEP
    transform = from_origin(x - size * RES / 2, y + size * RES / 2, RES, RES)
    rng = np.random.default_rng(20261207)
    before = (0.8 + rng.normal(0, 0.02, (size, size))).astype(np.float32)
    after = before.copy()
    for row in range(PATCHES):
        for col in range(PATCHES):
            r, c = row * STEP + 3, col * STEP + 3
            after[r : r + SIDE, c : c + SIDE] = 0.1
    paths = []
    for name, band in (("before", before), ("after", after)):
        path = folder / f"ndvi_{name}.tif"
        with rasterio.open(
            path,
            "w",
            driver="GTiff",
            width=size,
            height=size,
            count=1,
            dtype="float32",
            crs="EPSG:32650",
            transform=transform,
        ) as out:
            out.write(band, 1)
        paths.append(path)
    return paths[0], paths[1]


def change_run(url: str, data_dir: str) -> dict[str, float]:
    """A 400-polygon change detection, then bulk placing of its evidence; seconds of each."""
    engine, sessions, settings = fresh(url, data_dir)
    store = LocalEvidenceStore(settings.evidence_dir)
    before, after = ndvi_pair(Path(data_dir))
    with sessions.begin() as s:
        images = [
            import_image(
                s,
                upload=ImageUpload(
                    path=path,
                    name=path.name,
                    sensor="sentinel2",
                    acquired=datetime(2025 + k, 8, 4, tzinfo=UTC),
                ),
                store=store,
                settings=settings,
                user_id=None,
            ).id
            for k, path in enumerate((before, after))
        ]
    analysed: list[float] = []  # when the raster analysis ended (the job's progress says)

    def progress(fraction: float, _message: str) -> None:
        if fraction >= 0.85 and not analysed:
            analysed.append(time.perf_counter())

    t0 = time.perf_counter()
    with sessions.begin() as s:
        request = ChangeRequest(images[0], images[1], "ndvi", 0.3, 500.0)
        found = detect(
            s, req=request, store=store, settings=settings, user_id=None, progress=progress
        )
        polygons = found.summary["polygons"]
    producer = time.perf_counter() - t0
    rasters = analysed[0] - t0
    items, leads = _stored_evidence(sessions)
    engine.dispose()
    bulk, bulk_leads = _bulk(url, data_dir, items)
    return {
        "polygons": polygons,
        "rasters": rasters,
        "items": len(items),
        "leads": leads,
        "bulk_leads": bulk_leads,
        "producer": producer,
        "bulk": bulk,
    }


def _stored_evidence(sessions: Any) -> tuple[list[dict[str, Any]], int]:
    """The evidence items stored (as rows to insert again) and how many leads there are."""
    with sessions() as s:
        columns = ("kind", "category", "geom", "observed_at", "source", "provenance")
        items = [
            {c: getattr(i, c) for c in columns}
            for i in s.scalars(select(EvidenceItem).order_by(EvidenceItem.id))
        ]
        return items, len(s.scalars(select(Lead.id)).all())


def _bulk(url: str, data_dir: str, items: list[dict[str, Any]]) -> tuple[float, int]:
    """Seconds to place these items in bulk in a fresh database, and the leads made."""
    engine, sessions, settings = fresh(url, data_dir)
    with sessions.begin() as s:
        s.execute(insert(EvidenceItem), items)
    t0 = time.perf_counter()
    with sessions.begin() as s:
        leads = len(place(s, unassigned(s), actor="bench", settings=settings).leads)
    bulk = time.perf_counter() - t0
    engine.dispose()
    return bulk, leads


def fresh(url: str, data_dir: str) -> tuple[Any, Any, Settings]:
    """A migrated database with the demo layers."""
    engine, sessions = demo_database(url)
    return engine, sessions, Settings(database_url=url, data_dir=Path(data_dir))


def run(url: str, data: bytes, data_dir: str) -> dict[str, float]:
    """Import through the producer, then place the same items in bulk; seconds of each."""
    engine, sessions, settings = fresh(url, data_dir)
    t0 = time.perf_counter()
    with sessions.begin() as s:
        import_hotspots(s, files=[SourceFile("bench.csv", data)], settings=settings, actor="bench")
    producer = time.perf_counter() - t0
    items, leads = _stored_evidence(sessions)
    engine.dispose()
    bulk, bulk_leads = _bulk(url, data_dir, items)
    return {
        "items": len(items),
        "leads": leads,
        "bulk_leads": bulk_leads,
        "producer": producer,
        "bulk": bulk,
    }


def _median(runs: list[dict[str, float]], key: str) -> float:
    """The median of one figure over the runs."""
    return float(np.median([r[key] for r in runs]))


def main() -> None:
    """Run the benchmark and print its figures (each pair run `--repeat` times, producer
    and baseline back to back, medians printed: this machine's timings vary by a third)."""
    parser = argparse.ArgumentParser(description="producers' path benchmark")
    parser.add_argument("--detections", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    data = firms_file(args.detections, np.random.default_rng(20261207))
    backends: list[tuple[str, str | None]] = [("spatialite", None)]
    if os.environ.get("ECOLEADS_TEST_POSTGIS_URL"):
        backends.append(("postgis", os.environ["ECOLEADS_TEST_POSTGIS_URL"]))
    else:
        print("ECOLEADS_TEST_POSTGIS_URL is not set: PostGIS not measured (use make bench)")
    for name, url in backends:
        runs, changes = [], []
        for _ in range(args.repeat):
            with tempfile.TemporaryDirectory() as tmp:
                runs.append(run(url or f"sqlite:///{tmp}/bench.db", data, tmp))
            with tempfile.TemporaryDirectory() as tmp:
                changes.append(change_run(url or f"sqlite:///{tmp}/bench.db", tmp))
        for r in runs:
            r["ratio"] = r["producer"] / r["bulk"]
        for c in changes:
            c["ratio"] = c["producer"] / c["bulk"]
            c["after"] = c["producer"] - c["rasters"]
            c["after_ratio"] = c["after"] / c["bulk"]
        r, c = runs[0], changes[0]
        print(
            f"{name}: {args.detections:,} FIRMS detections -> {r['items']:,} evidence items -> "
            f"{r['leads']:,} leads ({r['bulk_leads']:,} in bulk) | medians of {args.repeat} "
            f"runs: hotspot import (parse, geocode, store, place) {_median(runs, 'producer'):.2f}"
            f" s | bulk placing of the same items {_median(runs, 'bulk'):.2f} s | ratio "
            f"{_median(runs, 'ratio'):.2f}x (runs: "
            + ", ".join(f"{x['ratio']:.2f}x" for x in runs)
            + ")"
        )
        print(
            f"{name}: change detection, {c['polygons']:,} polygons -> {c['items']:,} evidence "
            f"items -> {c['leads']:,} leads ({c['bulk_leads']:,} in bulk) | medians: detection "
            f"{_median(changes, 'producer'):.2f} s (raster analysis "
            f"{_median(changes, 'rasters'):.2f} s, then geocode, confirm, store, place "
            f"{_median(changes, 'after'):.2f} s) | bulk placing of the same items "
            f"{_median(changes, 'bulk'):.2f} s | ratio {_median(changes, 'ratio'):.2f}x, after "
            f"the raster analysis {_median(changes, 'after_ratio'):.2f}x (runs: "
            + ", ".join(f"{x['after_ratio']:.2f}x" for x in changes)
            + ")"
        )


if __name__ == "__main__":
    main()
