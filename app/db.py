"""Database engine (SpatiaLite or PostGIS) and the request-scoped session."""

from collections.abc import Iterator
from functools import lru_cache

from fastapi import Request
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from app.services.audit_anchor import Anchor, attach_anchor
from app.settings import Settings, get_settings
from models.spatial import configure_engine, sqlite_dbapi, writer

# Methods whose requests may write: their transactions take SQLite's write lock up front.
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def make_engine(url: str, settings: Settings | None = None) -> Engine:
    """Create an engine for a SQLite (SpatiaLite) or PostgreSQL (PostGIS) URL.

    The pool holds as many connections as the request thread pool can ask for at once, and a
    request that still finds none within `db_pool_timeout_s` is answered 503 (app/errors.py).
    """
    settings = settings or Settings()
    parsed = make_url(url)
    pool = {
        "pool_size": settings.db_pool_size,
        "max_overflow": settings.db_pool_overflow,
        "pool_timeout": settings.db_pool_timeout_s,
    }
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            from pathlib import Path

            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            module=sqlite_dbapi(),
            connect_args={
                "timeout": settings.sqlite_busy_timeout_ms / 1000,
                "check_same_thread": False,
            },
            **pool,
        )
    else:
        # Every lock wait is bounded (a 503 once it expires), pg_advisory_xact_lock included.
        lock_ms = int(settings.db_lock_timeout_s * 1000)
        engine = create_engine(
            url,
            pool_pre_ping=True,
            connect_args={"options": f"-c lock_timeout={lock_ms}"},
            **pool,
        )
    configure_engine(engine, busy_timeout_ms=settings.sqlite_busy_timeout_ms)
    return engine


def make_sessionmaker(engine: Engine, *, write: bool = False) -> sessionmaker[Session]:
    """Return a session factory whose objects stay readable after commit; `write` sessions
    begin their transactions as writers (IMMEDIATE on SQLite)."""
    return sessionmaker(bind=writer(engine) if write else engine, expire_on_commit=False)


@lru_cache
def get_sessionmaker() -> sessionmaker[Session]:
    """Return the session factory of the configured database (CLI use)."""
    settings = get_settings()
    sessions = make_sessionmaker(make_engine(settings.resolved_database_url, settings), write=True)
    attach_anchor(sessions, anchor_of(settings))
    return sessions


# Job status writes (progress, heartbeats) are best effort: they wait this little (ms) for
# SQLite's write lock, which a running job may hold for long, and try again next time.
STATUS_BUSY_TIMEOUT_MS = 250


def make_status_sessions(settings: Settings) -> sessionmaker[Session]:
    """Return writer sessions for job status on a small pool of their own that waits only
    briefly for SQLite's write lock."""
    quick = settings.model_copy(
        update={
            "sqlite_busy_timeout_ms": STATUS_BUSY_TIMEOUT_MS,
            "db_pool_size": 2,
            "db_pool_overflow": 8,
        }
    )
    return make_sessionmaker(make_engine(settings.resolved_database_url, quick), write=True)


def anchor_of(settings: Settings) -> Anchor:
    """Where this deployment anchors its audit chain's head."""
    return Anchor(settings.audit_anchor_path, settings.dossier_key_path)


def get_session(request: Request) -> Iterator[Session]:
    """Yield a session for one request: commit on success, roll back on error.

    Requests that may write get a writer session. Its transaction begins at the first query,
    so work done before (decoding photos, hashing) does not hold SQLite's write lock.
    """
    state = request.app.state
    factory = state.write_sessions if request.method in WRITE_METHODS else state.sessions
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
