"""Load: volunteers submitting reports at once (60 by default) for 2 minutes, on SpatiaLite
and PostGIS, then SIGTERM under load.

The service runs as its own process (`ecoleads serve`) on a fresh database with the demo
layers; each volunteer is a client thread with its own account and token that submits a
report (one or two distinct 2-megapixel JPEGs, a place around Zhangjiakou) every
`--interval` seconds on average (±50 %; 30 s: a busy volunteer; the per-token limit allows 6
a minute), reading their own reports after each submission, on one keep-alive connection.
After `--seconds` the service gets SIGTERM while the volunteers go on. Prints, per backend:
requests, uploads, status counts, 500s, the share of uploads answered 503 (and any 503
without Retry-After), connection errors (resets), upload latency p50/p95/p99 (under load,
before the SIGTERM), how long the stop took, and how many acknowledged (201) reports are not
in the database (the target: 0 × 500, no resets, p99 ≤ 3 s on PostGIS and ≤ 5 s with at
most 1 % 503 on SpatiaLite, the stop within ECOLEADS_SHUTDOWN_TIMEOUT_S, nothing lost).

    scripts/with-postgis.sh .venv/bin/python bench/load.py [--volunteers 60] [--seconds 120]
        [--interval 30]
"""

import argparse
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import timedelta
from io import BytesIO
from pathlib import Path

import httpx
from PIL import Image
from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app import migrate  # noqa: E402
from app.db import make_engine, make_sessionmaker  # noqa: E402
from app.services.accounts.auth import create_user  # noqa: E402
from app.services.accounts.tokens import issue_token  # noqa: E402
from app.services.demo.base import load_demo  # noqa: E402
from models import Report  # noqa: E402
from tests.conftest import wipe  # noqa: E402

BASE_PHOTO = ROOT / "tests" / "data" / "photos" / "DSCN0010.jpg"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _photo(seed: int) -> bytes:
    """A distinct 2-megapixel JPEG made from a real camera photo (~300 KB)."""
    img = Image.open(BASE_PHOTO).convert("RGB").resize((1632, 1224))
    img.putpixel((seed % 1632, (seed // 1632) % 1224), (seed % 256, 7, 99))
    out = BytesIO()
    img.save(out, "JPEG", quality=85)
    return out.getvalue()


def _prepare(url: str, volunteers: int) -> list[str]:
    migrate.upgrade(url)
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    tokens = []
    with sessions.begin() as s:
        load_demo(s)
        for n in range(volunteers):
            user = create_user(
                s,
                role="volunteer",
                org_code="130700",
                password="load-test-password",
                username=f"load-{n}",
                display_name=f"志愿者{n}",
            )
            tokens.append(issue_token(s, user=user, kind="session", ttl=timedelta(hours=2))[0])
    engine.dispose()
    return tokens


def _serve(url: str, data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "ECOLEADS_DATABASE_URL": url,
        "ECOLEADS_DATA_DIR": str(data_dir),
        "ECOLEADS_PORT": str(port),
        "ECOLEADS_LOG_LEVEL": "WARNING",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL
    )
    for _ in range(300):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).is_success:
                return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the service did not start")


def _volunteer(
    base: str,
    token: str,
    n: int,
    until: float,
    interval: float,
    photos: list[bytes],
    out: list[tuple],
) -> None:
    """Submit and list until `until`; record (kind, status, seconds, report id or None,
    Retry-After given); status 0 is a connection error (reset, refused, timeout)."""
    rng = random.Random(n)
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, headers=headers, timeout=120) as c:
        time.sleep(rng.uniform(0, interval))  # volunteers do not all press "send" at once
        while time.monotonic() < until:
            files = [("photos", (f"{k}.jpg", rng.choice(photos))) for k in range(rng.randint(1, 2))]
            data = {
                "category": rng.choice(["waste_dumping", "water_pollution_discharge"]),
                "description": "负载测试",
                "lon": f"{rng.uniform(114.80, 115.00):.6f}",
                "lat": f"{rng.uniform(40.70, 40.85):.6f}",
            }
            for kind in ("upload", "list"):
                t0 = time.perf_counter()
                try:
                    r = (
                        c.post("/api/v1/reports", files=files, data=data)
                        if kind == "upload"
                        else c.get("/api/v1/reports", params={"limit": 20})
                    )
                except httpx.HTTPError:
                    out.append((kind, 0, time.perf_counter() - t0, None, False))
                    continue
                made = r.json()["id"] if kind == "upload" and r.status_code == 201 else None
                retry = "retry-after" in r.headers
                out.append((kind, r.status_code, time.perf_counter() - t0, made, retry))
            time.sleep(max(10.2, rng.uniform(0.5, 1.5) * interval))  # ≤ 6 a minute per token


def _stored(url: str, ids: list[int]) -> int:
    """How many of these report ids the database holds."""
    engine = make_engine(url)
    with engine.connect() as conn:
        found = conn.execute(select(func.count()).where(Report.id.in_(ids))).scalar() or 0
    engine.dispose()
    return int(found)


def run(name: str, url: str, volunteers: int, seconds: float, interval: float) -> dict[str, object]:
    """Load one backend for `seconds`, then send SIGTERM while the volunteers go on; return
    its figures."""
    with tempfile.TemporaryDirectory() as tmp:
        tokens = _prepare(url, volunteers)
        port = _free_port()
        proc = _serve(url, Path(tmp), port)
        photos = [_photo(seed) for seed in range(40)]
        results: list[tuple] = []
        until = time.monotonic() + seconds + 15
        threads = [
            threading.Thread(
                target=_volunteer,
                args=(f"http://127.0.0.1:{port}", t, n, until, interval, photos, results),
            )
            for n, t in enumerate(tokens)
        ]
        for t in threads:
            t.start()
        time.sleep(seconds)
        under_load = len(results)
        stop = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        proc.wait(120)
        stopped_s = time.monotonic() - stop
        for t in threads:
            t.join()
    loaded = results[:under_load]  # the figures under load; answers after SIGTERM are not
    uploads = sorted(d for kind, status, d, *_ in loaded if kind == "upload" and status < 300)
    q = statistics.quantiles(uploads, n=100) if len(uploads) > 1 else [float("nan")] * 99
    acknowledged = [made for *_, made, _ in results if made is not None]
    tried = sum(1 for kind, *_ in loaded if kind == "upload")
    busy = [r for r in loaded if r[0] == "upload" and r[1] == 503]
    return {
        "backend": name,
        "volunteers": volunteers,
        "requests": len(loaded),
        "uploads": tried,
        "status": dict(sorted(Counter(s for _, s, *_ in loaded).items())),
        "500": sum(1 for _, s, *_ in loaded if s >= 500 and s != 503),
        "upload_503_pct": round(100 * len(busy) / max(1, tried), 2),
        "503_without_retry_after": sum(1 for r in loaded if r[1] == 503 and not r[4]),
        "connection_errors": sum(1 for _, s, *_ in loaded if s == 0),
        "upload_p50_s": round(q[49], 2),
        "upload_p95_s": round(q[94], 2),
        "upload_p99_s": round(q[98], 2),
        "sigterm_stop_s": round(stopped_s, 1),
        "acknowledged_lost": len(acknowledged) - _stored(url, acknowledged),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--volunteers", type=int, default=60)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--interval", type=float, default=30)
    args = parser.parse_args()
    backends = [("spatialite", None), ("postgis", os.environ.get("ECOLEADS_TEST_POSTGIS_URL"))]
    for name, url in backends:
        if name == "postgis" and not url:
            print("postgis: skipped (run under scripts/with-postgis.sh)")
            continue
        with tempfile.TemporaryDirectory() as tmp:
            db_url = url or f"sqlite:///{Path(tmp) / 'load.db'}"
            figures = run(name, db_url, args.volunteers, args.seconds, args.interval)
            if url:
                from tests.conftest import Backend

                engine = make_engine(url)
                wipe(Backend(name, url, engine, make_sessionmaker(engine)))
                engine.dispose()
        print(figures, flush=True)


if __name__ == "__main__":
    main()
