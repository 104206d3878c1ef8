"""Benchmark: the map UI with 50,000 leads, in headless Chromium against the real service.

Prints the time from navigation to the map showing leads (signed in, a fresh page load),
the time of a pan and of a zoom that each load a new view, and the bytes transferred for
the first view, on SpatiaLite (and PostGIS when ECOLEADS_TEST_POSTGIS_URL is set).

Usage: `make bench`, or `.venv/bin/python bench/map.py [--leads 50000]`.
"""

import argparse
import os
import random
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path
from statistics import median

import uvicorn
from geoalchemy2.shape import from_shape
from playwright.sync_api import Page, sync_playwright
from shapely import Point
from sqlalchemy import insert, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import migrate
from app.db import make_engine, make_sessionmaker
from app.main import create_app
from app.services.demo import DEMO_PROSECUTOR, load_demo, load_demo_reports
from app.settings import Settings
from geo.categories import CATEGORIES
from models import Lead, Organisation
from models.base import utcnow
from tests.ui.conftest import ARGS, CHROMIUM, free_port

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


def ready_after(page: Page, action: object) -> float:
    """Seconds from an action until the next leads response is drawn."""
    t0 = time.perf_counter()
    with page.expect_response(lambda r: "/api/v1/leads/map" in r.url, timeout=60_000):
        action()  # type: ignore[operator]
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    return time.perf_counter() - t0


def measure(base: str) -> dict[str, float]:
    """Sign in once, then time fresh loads (cache off), pans and zooms; medians."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.context.new_cdp_session(page).send("Network.setCacheDisabled", {"cacheDisabled": True})
        page.goto(base + "/")
        page.locator("[name=username]").fill(DEMO_PROSECUTOR[0])
        page.locator("[name=password]").fill(DEMO_PROSECUTOR[1])
        page.get_by_test_id("login-submit").click()
        page.wait_for_selector("[data-testid=map][data-state=ready]", timeout=60_000)
        got: list[int] = []
        page.on("requestfinished", lambda r: got.append(r.sizes()["responseBodySize"]))
        loads, pans, zooms, sizes = [], [], [], []
        for _ in range(RUNS):
            got.clear()
            t0 = time.perf_counter()
            page.reload()
            page.wait_for_selector("[data-testid=map][data-state=ready]", timeout=60_000)
            loads.append(time.perf_counter() - t0)
            sizes.append(sum(got))
            pans.append(ready_after(page, lambda: page.evaluate("ecoleads.map.panBy([300, 150])")))
            zooms.append(ready_after(page, lambda: page.evaluate("ecoleads.map.zoomIn()")))
        browser.close()
    return {
        "load": median(loads),
        "pan": median(pans),
        "zoom": median(zooms),
        "bytes": median(sizes),
    }


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
            url = url or f"sqlite:///{tmp}/bench.db"
            load(url, Path(tmp), args.leads)
            settings = Settings(database_url=url, data_dir=Path(tmp), log_level="WARNING")
            port = free_port()
            server = uvicorn.Server(
                uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_config=None)
            )
            thread = threading.Thread(target=server.run, daemon=True)
            thread.start()
            while not server.started:
                time.sleep(0.05)
            r = measure(f"http://127.0.0.1:{port}")
            server.should_exit = True
            thread.join()
        print(
            f"{name}: {args.leads:,} leads | navigation to leads shown {r['load'] * 1000:.0f} ms"
            f" | pan {r['pan'] * 1000:.0f} ms | zoom {r['zoom'] * 1000:.0f} ms"
            f" | first view {r['bytes'] / 1024:.0f} KiB transferred (median of {RUNS})"
        )


if __name__ == "__main__":
    main()
