"""What several benchmarks share: a fresh database with the demo layers."""

import sys
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import migrate
from app.db import make_engine, make_sessionmaker
from app.services.demo.base import load_demo


def demo_database(url: str) -> tuple[Engine, sessionmaker[Session]]:
    """Migrate the database at `url` from scratch and load the demo layers and
    organisations; return its engine and session factory."""
    migrate.downgrade(url, "base")
    migrate.upgrade(url)
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    with sessions.begin() as s:
        load_demo(s)
    return engine, sessions
