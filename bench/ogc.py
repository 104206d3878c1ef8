"""Benchmark: OGC API - Features over 50,000 leads in PostGIS, against tipg on the same table.

Times 1,000-feature pages at random offsets and a full read of every lead (following `next`
links) through our /ogc/collections/leads/items (`ecoleads serve`, its own process) and
through tipg (its own virtual environment, same database, same table), then GDAL's
ogr2ogr reading all leads through our endpoint. Responses are taken uncompressed.

Usage: `scripts/with-postgis.sh .venv/bin/python bench/ogc.py [--leads 50000]`; tipg is
installed in ~/.cache/ecoleads/tipg-venv (TIPG_VENV) when missing.
"""

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from statistics import median
from urllib.parse import urlsplit

import httpx
from geoalchemy2.shape import from_shape
from shapely import Point
from sqlalchemy import insert

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import migrate
from app.db import make_engine, make_sessionmaker
from app.services.accounts.auth import create_user
from app.services.accounts.organisations import upsert_organisation
from app.services.accounts.tokens import issue_token
from models import Lead
from models.base import utcnow
from rules.categories import CATEGORIES
from tests.ui.conftest import free_port

ROOT = Path(__file__).resolve().parents[1]
EXTENT = (113.9, 39.6, 116.3, 41.9)  # Zhangjiakou (WGS-84)
PAGE, PAGES = 1000, 15
TIPG_VENV = Path(os.environ.get("TIPG_VENV", Path.home() / ".cache/ecoleads/tipg-venv"))
# tipg serves table columns: the same properties as ours, the organisation by id.
TIPG_PROPS = "category,status,score,org_id,first_evidence_at,last_evidence_at"


def load(url: str, n: int) -> str:
    """A fresh database with n leads; return an ogc:read API token of an admin."""
    migrate.downgrade(url, "base")
    migrate.upgrade(url)
    rng = random.Random(20261202)
    cats, now = list(CATEGORIES), utcnow()
    with make_sessionmaker(make_engine(url)).begin() as s:
        org = upsert_organisation(s, code="130700", name="张家口市检察院", role="own", level="city")
        user = create_user(
            s,
            role="admin",
            org_code="130700",
            password="bench password",
            display_name="b",
            username="bench-admin",
        )
        raw, _ = issue_token(s, user=user, kind="api", ttl=timedelta(hours=2), scopes=["ogc:read"])
        rows = [
            {
                "category": rng.choice(cats),
                "geom": from_shape(
                    Point(rng.uniform(EXTENT[0], EXTENT[2]), rng.uniform(EXTENT[1], EXTENT[3])),
                    4326,
                ),
                "org_id": org.id,
                "status": "new",
                "score": round(rng.uniform(0, 100), 1),
                "score_breakdown": [],
                "legal_bases": [],
                "geocode": {},
                "first_evidence_at": now - timedelta(days=rng.randint(30, 365)),
                "last_evidence_at": now - timedelta(days=rng.randint(0, 30)),
            }
            for _ in range(n)
        ]
        for start in range(0, n, 5000):
            s.execute(insert(Lead), rows[start : start + 5000])
    return raw


def wait(url: str, proc: subprocess.Popen[bytes], headers: dict[str, str]) -> None:
    """Wait until a service answers 200 at url."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, headers=headers, timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    proc.kill()
    raise RuntimeError(f"{url} did not answer")


def tipg_dsn(url: str) -> str:
    """The asyncpg DSN of a SQLAlchemy PostgreSQL URL."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def start_tipg(url: str, port: int) -> subprocess.Popen[bytes]:
    """tipg on the same database, in its own virtual environment."""
    if not (TIPG_VENV / "bin" / "uvicorn").exists():
        subprocess.run([sys.executable, "-m", "venv", str(TIPG_VENV)], check=True)
        subprocess.run([TIPG_VENV / "bin" / "pip", "install", "-q", "tipg", "uvicorn"], check=True)
    parts = urlsplit(url)
    env = {
        **os.environ,
        "DATABASE_URL": tipg_dsn(url),
        "TIPG_DB_SCHEMAS": '["public"]',
        "TIPG_MAX_FEATURES_PER_QUERY": "10000",
    }
    assert parts.scheme.startswith("postgresql")
    cmd = [str(TIPG_VENV / "bin" / "uvicorn"), "tipg.main:app", "--port", str(port)]
    return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def page_times(client: httpx.Client, items: str, n: int, extra: dict[str, str]) -> float:
    """Median seconds for 1,000-feature pages at random offsets."""
    rng = random.Random(7)
    times = []
    for _ in range(PAGES):
        t0 = time.perf_counter()
        r = client.get(items, params={"limit": PAGE, "offset": rng.randrange(0, n - PAGE), **extra})
        r.raise_for_status()
        assert len(r.json()["features"]) == PAGE
        times.append(time.perf_counter() - t0)
    return median(times)


def full_read(client: httpx.Client, items: str, extra: dict[str, str]) -> tuple[float, int]:
    """Seconds to read every feature following `next` links; the count read."""
    t0, count = time.perf_counter(), 0
    url: str | None = items
    params: dict[str, str | int] | None = {"limit": PAGE, **extra}
    while url:
        body = client.get(url, params=params).raise_for_status().json()
        count += len(body["features"])
        url = next((ln["href"] for ln in body["links"] if ln["rel"] == "next"), None)
        params = None
    return time.perf_counter() - t0, count


def gdal_read(base: str, token: str) -> tuple[float, int]:
    """Seconds for ogr2ogr to read all leads through our endpoint; the features written."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "leads.geojsons"
        env = {**os.environ, "GDAL_HTTP_HEADERS": f"Authorization: Bearer {token}"}
        t0 = time.perf_counter()
        subprocess.run(
            [
                "ogr2ogr",
                "-f",
                "GeoJSONSeq",
                str(out),
                f"OAPIF:{base}/ogc",
                "leads",
                "-oo",
                f"PAGE_SIZE={PAGE}",
            ],
            env=env,
            check=True,
        )
        elapsed = time.perf_counter() - t0
        return elapsed, sum(1 for _ in out.open())


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description="OGC API - Features benchmark")
    parser.add_argument("--leads", type=int, default=50_000)
    args = parser.parse_args()
    url = os.environ["ECOLEADS_TEST_POSTGIS_URL"]
    token = load(url, args.leads)
    ours_port, tipg_port = free_port(), free_port()
    with tempfile.TemporaryDirectory() as data_dir:
        env = {
            **os.environ,
            "ECOLEADS_DATABASE_URL": url,
            "ECOLEADS_DATA_DIR": data_dir,
            "ECOLEADS_PORT": str(ours_port),
            "ECOLEADS_LOG_LEVEL": "WARNING",
        }
        ours = subprocess.Popen([sys.executable, "-m", "app.cli", "serve"], env=env, cwd=ROOT)
        tipg = start_tipg(url, tipg_port)
        try:
            auth = {"Authorization": f"Bearer {token}", "Accept-Encoding": "identity"}
            base, tbase = f"http://127.0.0.1:{ours_port}", f"http://127.0.0.1:{tipg_port}"
            wait(f"{base}/ogc/collections/leads", ours, auth)
            wait(f"{tbase}/collections/public.leads", tipg, {})
            with httpx.Client(headers=auth, timeout=120) as client:
                items = f"{base}/ogc/collections/leads/items"
                titems = f"{tbase}/collections/public.leads/items"
                tprops = {"properties": TIPG_PROPS}
                page_times(client, items, args.leads, {})  # warm both
                page_times(client, titems, args.leads, tprops)
                ours_page = page_times(client, items, args.leads, {})
                tipg_page = page_times(client, titems, args.leads, tprops)
                ours_full, n1 = full_read(client, items, {})
                tipg_full, n2 = full_read(client, titems, tprops)
            gdal_s, n3 = gdal_read(base, token)
        finally:
            for proc in (ours, tipg):
                proc.terminate()
                proc.wait(timeout=30)
    assert n1 == n2 == n3 == args.leads, (n1, n2, n3)
    print(f"OGC API - Features, {args.leads:,} leads in PostGIS (median of {PAGES} pages)")
    print(
        f"  1,000-feature page: ours {ours_page * 1000:.0f} ms, tipg {tipg_page * 1000:.0f} ms"
        f" ({ours_page / tipg_page:.2f}x)"
    )
    print(
        f"  full read ({args.leads // PAGE} pages): ours {ours_full:.2f} s, tipg "
        f"{tipg_full:.2f} s ({ours_full / tipg_full:.2f}x)"
    )
    print(f"  GDAL ogr2ogr reading all through ours: {gdal_s:.2f} s")


if __name__ == "__main__":
    main()
