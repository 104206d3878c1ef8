"""Benchmark: the map UI with 50,000 leads, in headless Chromium against the real service.

Prints the time from navigation to the map showing leads (signed in, a fresh page load),
the time of a pan and of a zoom that each load a new view, and the bytes transferred for
the first view, on SpatiaLite (and PostGIS when ECOLEADS_TEST_POSTGIS_URL is set).

Usage: `make bench`, or `.venv/bin/python bench/map.py [--leads 50000]`.
"""

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import timedelta
from pathlib import Path
from statistics import median

from geoalchemy2.shape import from_shape
from playwright.sync_api import sync_playwright
from shapely import Point
from sqlalchemy import insert, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import migrate
from app.db import make_engine, make_sessionmaker
from app.services.demo.base import DEMO_PROSECUTOR, load_demo, load_demo_reports
from app.settings import Settings
from models import Lead, Organisation
from models.base import utcnow
from rules.categories import CATEGORIES
from tests.ui.conftest import ARGS, CHROMIUM, free_port

ROOT = Path(__file__).resolve().parents[1]
EXTENT = (113.9, 39.6, 116.3, 41.9)  # Zhangjiakou (WGS-84)
RUNS = 5


def load(url: str, data_dir: Path, n: int) -> None:
    """A fresh database with the demo and n leads of the city procuratorate."""
    migrate.downgrade(url, "base")
    migrate.upgrade(url)
    sessions = make_sessionmaker(make_engine(url))
    settings = Settings(database_url=url, data_dir=data_dir)
    rng = random.Random(20261201)
    cats = list(CATEGORIES)
    now = utcnow()
    with sessions.begin() as s:
        load_demo(s)
        load_demo_reports(s, settings=settings)
        org = s.scalar(select(Organisation.id).where(Organisation.code == "130700"))
        rows = [
            {
                "category": rng.choice(cats),
                "geom": from_shape(
                    Point(rng.uniform(EXTENT[0], EXTENT[2]), rng.uniform(EXTENT[1], EXTENT[3])),
                    4326,
                ),
                "org_id": org,
                "status": "new",
                "score": round(rng.uniform(0, 100), 1),
                "score_breakdown": [],
                "legal_bases": [],
                "geocode": {},
                "first_evidence_at": now - timedelta(days=rng.randint(0, 365)),
                "last_evidence_at": now - timedelta(days=rng.randint(0, 30)),
            }
            for _ in range(n)
        ]
        for start in range(0, n, 5000):
            s.execute(insert(Lead), rows[start : start + 5000])


# Installed before the page's own scripts: note when the map first shows leads.
READY_PROBE = """
new MutationObserver((_, obs) => {
  const map = document.querySelector("[data-testid=map][data-state=ready]");
  if (map) { window.__readyAt = performance.now(); obs.disconnect(); }
}).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-state"] });
"""
# Timed inside the page (ms): a pan or zoom until the next leads response is drawn.
MOVE = """async (op) => {
  const m = ecoleads.map, t0 = performance.now();
  const seen = new Promise((r) => {
    const o = new PerformanceObserver((list) => {
      if (list.getEntries().some((e) => e.name.includes("/api/v1/leads/map"))) {
        o.disconnect();
        r();
      }
    });
    o.observe({ type: "resource" });
  });
  if (op === "pan") m.panBy([300, 150]); else m.zoomIn();
  await seen;
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  return performance.now() - t0;
}"""
BYTES = """() => performance.getEntriesByType("navigation")
  .concat(performance.getEntriesByType("resource"))
  .reduce((n, e) => n + e.transferSize, 0)"""


def measure(base: str) -> dict[str, float]:
    """Sign in once, then time fresh loads (cache off), pans and zooms; medians."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.context.new_cdp_session(page).send("Network.setCacheDisabled", {"cacheDisabled": True})
        page.add_init_script(READY_PROBE)
        page.goto(base + "/")
        page.locator("[name=username]").fill(DEMO_PROSECUTOR[0])
        page.locator("[name=password]").fill(DEMO_PROSECUTOR[1])
        page.get_by_test_id("login-submit").click()
        page.wait_for_selector("[data-testid=map][data-state=ready]", timeout=60_000)
        loads, pans, zooms, sizes = [], [], [], []
        for _ in range(RUNS):
            page.reload()
            page.wait_for_selector("[data-testid=map][data-state=ready]", timeout=60_000)
            page.wait_for_load_state("networkidle")
            loads.append(page.evaluate("window.__readyAt") / 1000)
            sizes.append(page.evaluate(BYTES))
            pans.append(page.evaluate(MOVE, "pan") / 1000)
            page.wait_for_load_state("networkidle")
            zooms.append(page.evaluate(MOVE, "zoom") / 1000)
        browser.close()
    return {
        "load": median(loads),
        "pan": median(pans),
        "zoom": median(zooms),
        "bytes": median(sizes),
    }


def serve(url: str, data_dir: str, port: int) -> subprocess.Popen[bytes]:
    """Start `ecoleads serve` in its own process (the browser driver needs this one)."""
    env = {
        **os.environ,
        "ECOLEADS_DATABASE_URL": url,
        "ECOLEADS_DATA_DIR": data_dir,
        "ECOLEADS_PORT": str(port),
        "ECOLEADS_LOG_LEVEL": "WARNING",
    }
    proc = subprocess.Popen([sys.executable, "-m", "app.cli", "serve"], env=env, cwd=ROOT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1)
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("the service did not start")


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description="map UI benchmark")
    parser.add_argument("--leads", type=int, default=50_000)
    args = parser.parse_args()
    backends = [("spatialite", None)]
    if os.environ.get("ECOLEADS_TEST_POSTGIS_URL"):
        backends.append(("postgis", os.environ["ECOLEADS_TEST_POSTGIS_URL"]))
    for name, url in backends:
        with tempfile.TemporaryDirectory() as tmp:
            url = url or f"sqlite:///{tmp}/db/bench.db"  # keys go to {tmp}/keys, not beside it
            load(url, Path(tmp), args.leads)
            port = free_port()
            server = serve(url, tmp, port)
            try:
                r = measure(f"http://127.0.0.1:{port}")
            finally:
                server.terminate()
                server.wait(timeout=30)
        print(
            f"{name}: {args.leads:,} leads | navigation to leads shown {r['load'] * 1000:.0f} ms"
            f" | pan {r['pan'] * 1000:.0f} ms | zoom {r['zoom'] * 1000:.0f} ms"
            f" | first view {r['bytes'] / 1024:.0f} KiB transferred (median of {RUNS})"
        )


if __name__ == "__main__":
    main()
