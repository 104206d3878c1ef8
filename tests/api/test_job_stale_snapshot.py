"""A job whose SQLite snapshot goes stale before its first write (a request committed in
between) runs again instead of failing with "database is locked"; on PostgreSQL the same
interleaving never fails. Both backends, real connections."""

from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text

from app.db import make_sessionmaker
from app.jobs.execute import StatusWriter, _handle
from app.jobs.registry import JobContext
from models import ScoreWeights
from tests.conftest import Backend, make_settings


def test_a_job_whose_snapshot_went_stale_runs_again(db: Backend, tmp_path: Path) -> None:
    job_sessions = make_sessionmaker(db.engine)  # a job's own sessions: not IMMEDIATE
    runs: list[int] = []

    def handler(ctx: JobContext, _params: dict[str, Any]) -> int:
        s = ctx.session
        runs.append(len(runs) + 1)
        # Scratch work first (as the batch geocode does), which opens the transaction, then a
        # read: the snapshot the job's first write must come from.
        s.execute(text("CREATE TEMP TABLE IF NOT EXISTS scratch (x INTEGER)"))
        s.execute(text("INSERT INTO scratch VALUES (1)"))
        seen = s.scalar(select(func.count()).select_from(ScoreWeights)) or 0
        if len(runs) == 1:
            with db.sessions.begin() as other:  # a request commits meanwhile
                other.add(ScoreWeights(weights={}, note="a request's write"))
        s.add(ScoreWeights(weights={}, note=f"the job's write, run {len(runs)}"))
        s.flush()
        return seen

    status = StatusWriter(db.sessions, "no-such-job", "test-worker", 3600.0)
    session = job_sessions()
    try:
        seen = _handle(session, make_settings(db, tmp_path), "no-such-job", handler, {}, status)
        session.commit()
    finally:
        status.close()
        session.close()
    with db.sessions() as s:
        notes = set(s.scalars(select(ScoreWeights.note)))
    if db.name == "sqlite":
        assert runs == [1, 2] and seen == 1  # the second run saw the request's row
        assert "the job's write, run 2" in notes and "the job's write, run 1" not in notes
    else:
        assert runs == [1] and "the job's write, run 1" in notes
    assert "a request's write" in notes
