"""Test harness: every database test runs on SpatiaLite and on a real PostGIS.

PostGIS comes from ECOLEADS_TEST_POSTGIS_URL (set by `make test`, see
scripts/with-postgis.sh). Without it the PostGIS tests fail: skipping them is not a pass.
"""

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from app import migrate
from app.db import make_engine, make_sessionmaker
from app.main import create_app
from app.settings import Settings
from models import Base

DATA = Path(__file__).parent / "data"
BACKENDS = ("sqlite", "postgis")


@dataclass
class Backend:
    """A migrated test database."""

    name: str
    url: str
    engine: Engine
    sessions: sessionmaker[Session]


def _url(name: str, tmp: Path) -> str:
    if name == "sqlite":
        return f"sqlite:///{tmp / 'test.db'}"
    url = os.environ.get("ECOLEADS_TEST_POSTGIS_URL")
    if not url:
        pytest.fail(
            "ECOLEADS_TEST_POSTGIS_URL is not set: run the suite with `make test`, "
            "which provides a PostGIS database; PostGIS tests may not be skipped"
        )
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return _worker_database(url, worker) if worker else url


def _worker_database(url: str, worker: str) -> str:
    """A PostGIS database of this xdist worker's own, beside the given one (made afresh)."""
    base = make_url(url)
    name = f"{base.database}_{worker}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    mine = base.set(database=name)
    engine = create_engine(mine, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
    engine.dispose()
    return mine.render_as_string(hide_password=False)


@pytest.fixture(scope="session", params=BACKENDS)
def backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Backend]:
    """A database of each backend, migrated to head once per test session."""
    url = _url(request.param, tmp_path_factory.mktemp(request.param))
    migrate.downgrade(url, "base")
    migrate.upgrade(url)
    engine = make_engine(url)
    yield Backend(request.param, url, engine, make_sessionmaker(engine))
    engine.dispose()


def remigrate(backend: Backend, down_to: str | None = None) -> None:
    """Migrate to head (after going down to `down_to`, if given), then drop the backend's
    pooled connections: on SQLite a connection opened before tables were dropped and
    created again can go on missing them ("no such table")."""
    if down_to is not None:
        migrate.downgrade(backend.url, down_to)
    migrate.upgrade(backend.url)
    backend.engine.dispose()


def wipe(backend: Backend) -> None:
    """Delete every row of every table (the schema stays)."""
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with backend.engine.begin() as conn:
        if backend.name == "postgis":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                conn.execute(text(f"DELETE FROM {name}"))


REFERENCE_TABLES = {"organisations", "layers", "layer_versions", "layer_features"}


def clear_activity(backend: Backend) -> None:
    """Delete everything but the reference data (layers and organisations)."""
    with backend.engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            if table.name not in REFERENCE_TABLES:
                conn.execute(table.delete())


@pytest.fixture
def db(backend: Backend) -> Iterator[Backend]:
    """The backend, emptied after the test."""
    yield backend
    wipe(backend)


def make_settings(backend: Backend, data_dir: Path, **overrides: object) -> Settings:
    """Settings for an app on a test backend."""
    return Settings(
        database_url=backend.url,
        data_dir=data_dir,
        log_json=False,
        log_level="WARNING",
        **overrides,
    )  # type: ignore[arg-type]


def login_as(
    backend: Backend, role: str, org_code: str = "130700", username: str | None = None
) -> str:
    """Create a user of a role (and its organisation if missing); return a bearer token."""
    from app.services.accounts.auth import create_user
    from app.services.accounts.organisations import upsert_organisation
    from app.services.accounts.tokens import issue_token
    from models import Organisation

    with backend.sessions.begin() as s:
        if s.scalar(select(Organisation.id).where(Organisation.code == org_code)) is None:
            upsert_organisation(
                s, code=org_code, name=f"测试检察院 {org_code}", role="own", level="city"
            )
        name = username or f"{role}-{uuid.uuid4().hex[:8]}"
        user = create_user(
            s,
            role=role,
            org_code=org_code,
            password="correct horse",
            username=name,
            display_name=name,
        )
        raw, _ = issue_token(s, user=user, kind="session", ttl=timedelta(hours=1))
    return raw


def bearer(token: str) -> dict[str, str]:
    """Authorization header for a token."""
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def client(db: Backend, tmp_path: Path) -> Iterator[TestClient]:
    """An admin's HTTP client of the real app on the test backend (lifespan and jobs on)."""
    with TestClient(create_app(make_settings(db, tmp_path))) as c:
        c.headers.update(bearer(login_as(db, "admin")))
        yield c


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print how many tests ran on each backend."""
    counts: dict[str, dict[str, int]] = {b: {} for b in BACKENDS}
    for outcome in ("passed", "failed", "error", "skipped", "xfailed"):
        for report in terminalreporter.stats.get(outcome, []):
            if getattr(report, "when", "call") != "call" and outcome != "error":
                continue
            for b in BACKENDS:
                if (
                    f"[{b}" in report.nodeid
                    or f"-{b}]" in report.nodeid
                    or f"-{b}-" in report.nodeid
                ):
                    counts[b][outcome] = counts[b].get(outcome, 0) + 1
    terminalreporter.write_sep("=", "tests per database backend")
    for b, c in counts.items():
        detail = ", ".join(f"{n} {k}" for k, n in sorted(c.items())) or "none"
        terminalreporter.write_line(f"{b}: {detail}")
    if counts["postgis"].get("skipped"):
        terminalreporter.write_line("PostGIS tests were skipped: this run is a failure")


@pytest.fixture(scope="module")
def demo(backend: Backend) -> Iterator[Backend]:
    """The demo layers and organisations (with the partner procuratorates), loaded once per
    backend for the module that asks, removed after it."""
    from app.services.demo.base import load_demo

    with backend.sessions.begin() as session:
        load_demo(session)
    yield backend
    wipe(backend)


@pytest.fixture(scope="module")
def demo_client(demo: Backend, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """A client on a database holding the demo dataset; read-only tests share it."""
    data_dir = tmp_path_factory.mktemp("demo")
    with TestClient(create_app(make_settings(demo, data_dir, sync_batch_max_points=50))) as c:
        c.headers.update(bearer(login_as(demo, "prosecutor")))
        yield c
