"""Database engine (SpatiaLite or PostGIS) and the request-scoped session."""

from collections.abc import Iterator
from functools import lru_cache

from fastapi import Request
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from app.settings import get_settings
from models.spatial import configure_engine, sqlite_dbapi


def make_engine(url: str) -> Engine:
    """Create an engine for a SQLite (SpatiaLite) or PostgreSQL (PostGIS) URL."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            from pathlib import Path

            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, module=sqlite_dbapi(), connect_args={"timeout": 30})
    else:
        engine = create_engine(url, pool_pre_ping=True)
    configure_engine(engine)
    return engine


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Return a session factory whose objects stay readable after commit."""
    return sessionmaker(bind=engine, expire_on_commit=False)


@lru_cache
def get_sessionmaker() -> sessionmaker[Session]:
    """Return the session factory of the configured database (CLI use)."""
    return make_sessionmaker(make_engine(get_settings().resolved_database_url))


def get_session(request: Request) -> Iterator[Session]:
    """Yield a session for one request: commit on success, roll back on error."""
    session = request.app.state.sessions()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
