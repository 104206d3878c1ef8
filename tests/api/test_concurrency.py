"""Concurrent writers, overload and evidence kept by reference, on both backends, through a
real HTTP server (uvicorn in a thread) so that requests truly run at once."""

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from io import BytesIO
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from PIL import Image
from sqlalchemy import select, text

from app import migrate
from app.db import make_engine, make_sessionmaker
from app.main import create_app
from app.services.audit import verify
from app.services.files.evidence_store import LocalEvidenceStore, evidence_key
from app.settings import Settings
from models import Report, ReportPhoto, Token
from models.spatial import writer
from tests.api.helpers import wait_placed
from tests.api.test_cli import ecoleads
from tests.api.test_reports_api import ZJK, count
from tests.conftest import Backend, bearer, clear_activity, login_as, make_settings

OUTSIDE = (-73.57, 45.5)  # Montréal: refused as outside the service area


@contextmanager
def live(app: FastAPI) -> Iterator[str]:
    """Serve an app on a free loopback port for the duration; yield its base URL."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        thread.join(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def photo(seed: int) -> bytes:
    """A small distinct JPEG (no GPS: the report sends its position)."""
    img = Image.new("RGB", (64, 48), ((seed * 37) % 256, (seed * 91) % 256, (seed * 13) % 256))
    out = BytesIO()
    img.save(out, "JPEG", quality=90)
    return out.getvalue()


def post_report(base: str, token: str, data: bytes, where: tuple[float, float]) -> httpx.Response:
    return httpx.post(
        f"{base}/api/v1/reports",
        headers=bearer(token),
        files=[("photos", ("p.jpg", data))],
        data={"category": "waste_dumping", "description": "并发", "lon": where[0], "lat": where[1]},
        timeout=60,
    )


@pytest.fixture
def served(demo: Backend, tmp_path: Path) -> Iterator[tuple[str, FastAPI, Backend]]:
    # A burst of writers queues on SQLite's lock (holding pooled connections) longer than any
    # real load would (that is bench/load.py's question): here only correctness counts, so
    # writers may wait long for the lock and for a connection.
    app = create_app(
        make_settings(
            demo,
            tmp_path,
            reports_per_minute_per_token=1000,
            sqlite_busy_timeout_ms=300_000,
            db_pool_timeout_s=300,
        )
    )
    with live(app) as base:
        yield base, app, demo
    clear_activity(demo)


def test_fifty_concurrent_submissions_all_succeed_and_chain_verifies(
    served: tuple[str, FastAPI, Backend],
) -> None:
    base, _app, db = served
    tokens = [login_as(db, "volunteer") for _ in range(10)]
    with ThreadPoolExecutor(25) as pool:
        answers = list(
            pool.map(lambda n: post_report(base, tokens[n % 10], photo(n % 20), ZJK), range(50))
        )
    assert [r.status_code for r in answers] == [201] * 50, [r.text for r in answers if r.is_error]
    assert count(db, Report) == 50
    wait_placed(db.engine)  # placements (which append to the chain) follow the answers
    with db.sessions() as s:
        report = verify(s)
    assert report.ok and report.checked >= 50, report


def test_a_refused_twin_never_deletes_the_accepted_reports_files(
    served: tuple[str, FastAPI, Backend],
) -> None:
    """Pairs of requests carry the same new photo at once; one is refused (outside), one is
    accepted: every accepted report's files must still be there."""
    base, app, db = served
    token = login_as(db, "volunteer")
    with ThreadPoolExecutor(8) as pool:
        futures = [
            (pool.submit(post_report, base, token, photo(100 + n), ZJK),
             pool.submit(post_report, base, token, photo(100 + n), OUTSIDE))
            for n in range(12)
        ]  # fmt: skip
        pairs = [(a.result(), b.result()) for a, b in futures]
    assert all(a.status_code == 201 and b.status_code == 422 for a, b in pairs)
    store = LocalEvidenceStore(app.state.settings.evidence_dir)
    with db.sessions() as s:
        digests = s.scalars(select(ReportPhoto.sha256)).all()
    assert len(digests) == 12
    for sha in digests:
        for key in (
            evidence_key("originals", sha),
            evidence_key("display", sha, ".jpg"),
            evidence_key("thumbs", sha, ".jpg"),
        ):
            assert store.exists(key), key
    for a, _ in pairs:
        rid = a.json()["id"]
        assert httpx.get(f"{base}/api/v1/reports/{rid}/photos/1", headers=bearer(token)).is_success


def test_put_after_a_claim_survives_the_creators_discard(tmp_path: Path) -> None:
    store = LocalEvidenceStore(tmp_path)
    key = evidence_key("originals", "ab" * 32)
    claim = store.put(key, b"evidence")
    assert claim is not None and store.put(key, b"evidence") is None  # a second request
    assert not store.discard(key, claim) and store.exists(key)
    lone = evidence_key("originals", "cd" * 32)
    assert store.discard(lone, store.put(lone, b"x") or 0) and not store.exists(lone)


def test_sweep_removes_only_old_unreferenced_files(
    served: tuple[str, FastAPI, Backend], tmp_path: Path
) -> None:
    """Orphans (a crash between writing files and committing rows) are swept at start-up;
    referenced files, and unreferenced ones stored within the grace period, are kept."""
    base, app, db = served
    token = login_as(db, "volunteer")
    assert post_report(base, token, photo(7), ZJK).status_code == 201
    settings = app.state.settings
    store = LocalEvidenceStore(settings.evidence_dir)
    orphan = evidence_key("originals", "ef" * 32)
    store.put(orphan, b"left by a kill -9")
    kept = set(store.files())
    with live(create_app(settings.model_copy(update={"evidence_gc_grace_s": 3600}))):
        pass  # young: kept
    assert set(store.files()) == kept
    with live(create_app(settings.model_copy(update={"evidence_gc_grace_s": 0}))):
        pass
    assert set(store.files()) == kept - {orphan} and len(kept) == 4


def test_overload_is_a_503_with_retry_after_never_a_500(
    demo: Backend,
    tmp_path: Path,
) -> None:
    """No free connection within the pool timeout (both backends) is a 503 problem."""
    settings = make_settings(demo, tmp_path, db_pool_size=1, db_pool_overflow=0,
                             db_pool_timeout_s=0.2)  # fmt: skip
    app = create_app(settings)
    token = login_as(demo, "admin")
    with live(app) as base:
        engine = app.state.sessions.kw["bind"]
        with engine.connect():  # the only connection, held
            r = httpx.get(f"{base}/api/v1/layers", headers=bearer(token), timeout=30)
        assert r.status_code == 503, r.text
        assert int(r.headers["retry-after"]) > 0
        assert r.headers["content-type"].startswith("application/problem+json")
        assert httpx.get(f"{base}/api/v1/layers", headers=bearer(token)).status_code == 200
    clear_activity(demo)


@pytest.fixture
def lone_sqlite(tmp_path: Path) -> Iterator[Backend]:
    """A SQLite database of its own (SQLite's single write lock has no PostGIS twin)."""
    (tmp_path / "db").mkdir()  # the database in a directory of its own, apart from the keys
    url = f"sqlite:///{tmp_path / 'db' / 'lone.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    yield Backend("sqlite", url, engine, make_sessionmaker(engine))
    engine.dispose()


def test_sqlite_writer_waits_for_the_lock_then_answers_503(
    lone_sqlite: Backend, tmp_path: Path
) -> None:
    """Readers (and the token check) go on while another writer holds SQLite's lock; a writer
    that waits past the busy timeout gets a 503, not a 500, and changes nothing."""
    app = create_app(make_settings(lone_sqlite, tmp_path, sqlite_busy_timeout_ms=300))
    token = login_as(lone_sqlite, "volunteer")
    with live(app) as base, writer(lone_sqlite.engine).connect() as holder:
        holder.begin()  # BEGIN IMMEDIATE: this connection holds the write lock
        read = httpx.get(f"{base}/api/v1/users/me", headers=bearer(token), timeout=30)
        write = httpx.post(f"{base}/api/v1/auth/revoke", headers=bearer(token), timeout=30)
        holder.rollback()
        assert read.status_code == 200, read.text
        assert write.status_code == 503 and int(write.headers["retry-after"]) > 0, write.text
        again = httpx.get(f"{base}/api/v1/users/me", headers=bearer(token), timeout=30)
        assert again.status_code == 200  # the refused revocation changed nothing


def test_sqlite_pragmas(lone_sqlite: Backend) -> None:
    with lone_sqlite.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        busy = conn.execute(text("PRAGMA busy_timeout")).scalar()
        assert busy == Settings().sqlite_busy_timeout_ms == 10_000


def test_token_use_is_recorded_after_the_response_at_most_once_a_minute(
    served: tuple[str, FastAPI, Backend],
) -> None:
    base, _app, db = served
    token = login_as(db, "volunteer")
    assert httpx.get(f"{base}/api/v1/reports", headers=bearer(token)).status_code == 200

    def last_used() -> Any:
        with db.sessions() as s:
            return s.scalar(select(Token.last_used_at).order_by(Token.id.desc()).limit(1))

    deadline = threading.Event()
    first = last_used()
    while first is None and not deadline.wait(0.05):
        first = last_used()
    assert first is not None
    assert httpx.get(f"{base}/api/v1/reports", headers=bearer(token)).status_code == 200
    assert last_used() == first


def test_total_pixels_per_report_are_capped_before_decoding(
    served: tuple[str, FastAPI, Backend],
) -> None:
    base, app, db = served
    token = login_as(db, "volunteer")
    big = BytesIO()
    Image.new("L", (6000, 6000)).save(big, "PNG")  # 36 megapixels, small file
    files = [("photos", (f"{n}.png", big.getvalue())) for n in range(4)]
    r = httpx.post(
        f"{base}/api/v1/reports",
        headers=bearer(token),
        files=files,
        data={"category": "waste_dumping", "lon": ZJK[0], "lat": ZJK[1]},
        timeout=60,
    )
    assert r.status_code == 413, r.text
    assert "144,000,000 pixels" in r.json()["detail"]
    assert count(db, Report) == 0
    assert LocalEvidenceStore(app.state.settings.evidence_dir).files() == []


def test_evidence_gc_command_removes_only_unreferenced_files(
    served: tuple[str, FastAPI, Backend],
) -> None:
    base, app, db = served
    token = login_as(db, "volunteer")
    assert post_report(base, token, photo(8), ZJK).status_code == 201
    store = LocalEvidenceStore(app.state.settings.evidence_dir)
    orphan = evidence_key("display", "0a" * 32, ".jpg")
    store.put(orphan, b"orphan")
    data_dir = app.state.settings.data_dir
    young = ecoleads(db, data_dir, "evidence", "gc")
    assert young.returncode == 0 and orphan in store.files(), young.stderr
    done = ecoleads(db, data_dir, "evidence", "gc", "--grace-s", "0")
    assert done.returncode == 0 and f"removed {orphan}" in done.stdout, done.stderr
    assert orphan not in store.files() and len(store.files()) == 3
    bad = ecoleads(db, data_dir, "evidence", "gc", "--grace-s", "-1")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
