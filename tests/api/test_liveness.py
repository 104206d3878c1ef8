"""Liveness under concurrent writes, on both backends, through a real HTTP server: writers
that queue for the same locks (the audit chain, SQLite's write lock, a lead's row) all finish
within a bound, and none is answered 5xx."""

import contextlib
import re
import signal
import socket
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from app.main import create_app
from app.services.audit import verify
from models.audit import CHAIN_LOCK
from models.spatial import writer
from tests.api.helpers import serve_process, wait_placed, waiting_reports
from tests.api.test_concurrency import live, photo, post_report
from tests.api.test_reports_api import ZJK
from tests.conftest import Backend, bearer, clear_activity, login_as, make_settings

CATEGORIES = ("waste_dumping", "water_pollution_discharge", "sand_gravel_extraction",
              "wetland_damage", "illegal_mining")  # fmt: skip
WRITERS = 50
BOUND_S = 60.0


@pytest.fixture
def served(demo: Backend, tmp_path: Path) -> Iterator[tuple[str, FastAPI, Backend]]:
    """The service with its default timeouts (only the per-token report limit raised)."""
    app = create_app(make_settings(demo, tmp_path, reports_per_minute_per_token=1000))
    with live(app) as base:
        yield base, app, demo
    clear_activity(demo)


def _seed_leads(db: Backend, base: str, volunteer: str, prosecutor: str) -> list[int]:
    """One lead per category at one place (reports in one category share a lead)."""
    for n, category in enumerate(CATEGORIES):
        r = httpx.post(
            f"{base}/api/v1/reports",
            headers=bearer(volunteer),
            files=[("photos", ("p.jpg", photo(900 + n)))],
            data={"category": category, "description": "种子", "lon": ZJK[0], "lat": ZJK[1]},
            timeout=60,
        )
        assert r.status_code == 201, r.text
    wait_placed(db.engine)
    r = httpx.get(f"{base}/api/v1/leads", headers=bearer(prosecutor), timeout=60)
    assert r.status_code == 200, r.text
    return sorted(lead["id"] for lead in r.json())


def test_fifty_concurrent_writers_finish_in_bounded_time_without_5xx(
    served: tuple[str, FastAPI, Backend],
) -> None:
    """Half the writers move leads (new -> triaged -> investigating, racing each other: the
    losers get 409), half submit reports; all at once, against the default thread pool (40)."""
    base, _app, db = served
    volunteer = login_as(db, "volunteer")
    prosecutor = login_as(db, "prosecutor")
    leads = _seed_leads(db, base, login_as(db, "volunteer"), prosecutor)
    assert len(leads) >= 3  # some categories share a lead (rules.categories)

    def write(n: int) -> int:
        if n % 2:
            return post_report(base, volunteer, photo(n), ZJK).status_code
        lead = leads[n % len(leads)]
        to = ("triaged", "investigating")[(n // 2) % 2]
        return httpx.post(
            f"{base}/api/v1/leads/{lead}/transitions",
            headers=bearer(prosecutor),
            json={"to": to, "note": "并发"},
            timeout=BOUND_S * 2,
        ).status_code

    start = time.monotonic()
    with ThreadPoolExecutor(WRITERS) as pool:
        codes = list(pool.map(write, range(WRITERS)))
    elapsed = time.monotonic() - start
    assert elapsed < BOUND_S, f"{WRITERS} writers took {elapsed:.1f} s"
    assert all(c < 500 for c in codes), sorted(codes)[-10:]
    assert codes.count(201) == WRITERS // 2
    assert set(codes) <= {200, 201, 409}, sorted(codes)
    with db.sessions() as s:
        assert verify(s).ok


def test_simultaneous_twins_with_one_idempotency_key_get_one_report(
    served: tuple[str, FastAPI, Backend],
) -> None:
    """Pairs of identical reports under one key, sent at once: one is created, the other
    replays it (200, same id); a different report under a used key is a 409, never a 500."""
    base, _app, db = served
    volunteer = login_as(db, "volunteer")

    def send(n: int, seed: int) -> httpx.Response:
        return httpx.post(
            f"{base}/api/v1/reports",
            headers={**bearer(volunteer), "Idempotency-Key": f"twin-{n}"},
            files=[("photos", ("p.jpg", photo(seed)))],
            data={"category": "waste_dumping", "description": "双发", "lon": ZJK[0],
                  "lat": ZJK[1]},
            timeout=60,
        )  # fmt: skip

    with ThreadPoolExecutor(16) as pool:
        pairs = [(pool.submit(send, n, 500 + n), pool.submit(send, n, 500 + n)) for n in range(8)]
        answers = [(a.result(), b.result()) for a, b in pairs]
    for a, b in answers:
        assert sorted([a.status_code, b.status_code]) == [200, 201], (a.text, b.text)
        assert a.json()["id"] == b.json()["id"]
    other = send(0, 999)
    assert other.status_code == 409, other.text


def _exchange(sock: socket.socket, path: str, token: str) -> tuple[int, bytes]:
    """Send one keep-alive GET on an open connection; return its status and body."""
    sock.sendall(
        f"GET {path} HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer {token}\r\n\r\n".encode()
    )
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(65536)
        assert chunk, "the server closed the connection"
        head += chunk
    head, _, body = head.partition(b"\r\n\r\n")
    length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))  # type: ignore[union-attr]
    while len(body) < length:
        chunk = sock.recv(65536)
        assert chunk, "the server closed the connection"
        body += chunk
    return int(head.split()[1]), body


def test_a_handled_error_leaves_the_connection_usable(demo: Backend, tmp_path: Path) -> None:
    """An overload 503 (no free connection) is answered and the same keep-alive connection
    serves the next request (the error is not re-raised into the server)."""
    settings = make_settings(demo, tmp_path, db_pool_size=1, db_pool_overflow=0,
                             db_pool_timeout_s=0.2)  # fmt: skip
    app = create_app(settings)
    token = login_as(demo, "admin")
    with live(app) as base:
        host, port = base.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=30) as sock:
            with app.state.sessions.kw["bind"].connect():  # the only connection, held
                status, _ = _exchange(sock, "/api/v1/layers", token)
            assert status == 503
            assert _exchange(sock, "/api/v1/nowhere", token)[0] == 404
            assert _exchange(sock, "/api/v1/layers", token)[0] == 200
    clear_activity(demo)


def test_sigterm_stops_the_service_within_its_timeout_while_writers_wait(
    demo: Backend, tmp_path: Path
) -> None:
    """`ecoleads serve` under SIGTERM, with writers stuck on a lock held from outside for
    longer than the stop may take: it ends within ECOLEADS_SHUTDOWN_TIMEOUT_S.

    On SQLite the reports wait for the write lock and none is answered. On PostgreSQL they
    are answered (intake takes no lock held here) and their placement in a lead waits for
    the audit chain's lock: the reports stay stored, waiting, and the next start places
    them."""
    timeout_s = 4.0
    token = login_as(demo, "volunteer")
    with serve_process(demo.url, tmp_path, shutdown_timeout_s=str(timeout_s),
                       db_lock_timeout_s="120", sqlite_busy_timeout_ms="120000",
                       reports_per_minute_per_token="1000") as (base, proc):  # fmt: skip
        with _held_write_lock(demo), ThreadPoolExecutor(20) as pool:
            sent = [pool.submit(_try_report, base, token, n) for n in range(20)]
            time.sleep(2)  # every writer (or placement) is now waiting for the lock
            start = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)
            stopped_in = time.monotonic() - start
            answered = sum(f.result(timeout=60) == 201 for f in sent)
        assert stopped_in < timeout_s + 2, f"stopped in {stopped_in:.1f} s"
    assert answered == (0 if demo.name == "sqlite" else 20)
    assert waiting_reports(demo.engine) == answered
    with serve_process(demo.url, tmp_path):
        assert waiting_reports(demo.engine) == 0  # placed when the service started
    clear_activity(demo)


def _try_report(base: str, token: str, n: int) -> int:
    """Post a report; its status, or 0 when the service went away first."""
    try:
        return post_report(base, token, photo(700 + n), ZJK).status_code
    except httpx.HTTPError:
        return 0


@contextlib.contextmanager
def _held_write_lock(db: Backend) -> Iterator[None]:
    """Hold what writers wait for: SQLite's write lock, or PostgreSQL's audit chain lock."""
    with writer(db.engine).connect() as conn:
        if db.name == "postgis":
            conn.execute(select(func.pg_advisory_lock(CHAIN_LOCK)))
        else:
            conn.begin()  # BEGIN IMMEDIATE
        try:
            yield
        finally:
            conn.rollback()
            if db.name == "postgis":
                conn.execute(select(func.pg_advisory_unlock(CHAIN_LOCK)))
                conn.commit()
