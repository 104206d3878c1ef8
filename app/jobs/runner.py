"""Execute queued jobs. The in-process thread runner sits behind a small interface so that a
real task queue (e.g. Celery or RQ workers calling `execute_job`) can take over."""

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

from sqlalchemy import event, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from app.errors import describe
from app.jobs.registry import JOB_KINDS, JobContext
from app.settings import Settings
from models import Job
from models.base import utcnow
from models.spatial import impatient

log = logging.getLogger("ecoleads.jobs")
# Progress is written at most this often (seconds) so that a tight loop does not hammer the DB.
PROGRESS_INTERVAL_S = 0.5


class JobRunner(Protocol):
    """Something that runs queued jobs by id."""

    def submit(self, job_id: str) -> None:
        """Schedule a committed job for execution."""

    def shutdown(self) -> None:
        """Stop accepting work and wait for running jobs."""


class ThreadJobRunner:
    """Runs jobs in a thread pool inside the service process."""

    def __init__(self, sessions: sessionmaker[Session], settings: Settings) -> None:
        self._sessions = sessions
        self._settings = settings
        self._pool = ThreadPoolExecutor(settings.job_workers, thread_name_prefix="job")

    def submit(self, job_id: str) -> None:
        """Schedule a committed job for execution."""
        self._pool.submit(execute_job, self._sessions, self._settings, job_id)

    def shutdown(self) -> None:
        """Wait for running jobs, then stop."""
        self._pool.shutdown(wait=True, cancel_futures=False)


def _set(sessions: sessionmaker[Session], job_id: str, **values: object) -> None:
    with sessions.begin() as s:
        s.execute(update(Job).where(Job.id == job_id).values(**values))


def _progress(sessions: sessionmaker[Session], job_id: str, fraction: float, message: str) -> None:
    """Record progress unless the database is busy: on SQLite the job's own transaction may
    hold the write lock, and waiting for it from here would deadlock the job with itself."""
    try:
        with sessions.kw["bind"].connect() as conn, impatient(conn):
            conn.execute(
                update(Job).where(Job.id == job_id).values(progress=fraction, message=message)
            )
            conn.commit()
    except OperationalError as exc:
        log.debug("progress not recorded: %s", exc.orig)


def execute_job(sessions: sessionmaker[Session], settings: Settings, job_id: str) -> None:
    """Run one job in its own session, recording status, progress, result or error."""
    with sessions() as s:
        job = s.get(Job, job_id)
        if job is None or job.status != "queued":
            return
        kind, params = job.kind, dict(job.params)
    _set(sessions, job_id, status="running", started_at=utcnow(), message="started")
    last = [0.0]

    def report(fraction: float, message: str) -> None:
        now = time.monotonic()
        if now - last[0] >= PROGRESS_INTERVAL_S:
            last[0] = now
            _progress(sessions, job_id, round(min(max(fraction, 0.0), 1.0), 4), message)

    session = sessions()
    try:
        handler = JOB_KINDS[kind]
        result = handler(JobContext(session, settings, job_id, report), params)
        session.commit()
    except Exception as exc:
        session.rollback()
        status, title, slug, detail = describe(exc)
        if status >= 500:
            log.exception("job failed", extra={"job_id": job_id, "kind": kind})
        _set(
            sessions,
            job_id,
            status="failed",
            finished_at=utcnow(),
            message=detail,
            error={"title": title, "status": status, "detail": detail, "type": slug},
        )
        return
    finally:
        session.close()
    _set(
        sessions,
        job_id,
        status="succeeded",
        progress=1.0,
        finished_at=utcnow(),
        message="done",
        result=result,
    )
    log.info("job succeeded", extra={"job_id": job_id, "kind": kind})


def attach_runner(sessions: sessionmaker[Session], runner: JobRunner | None) -> None:
    """Make sessions from this factory submit their committed jobs to runner."""
    sessions.kw.setdefault("info", {})["runner"] = runner


def enqueue_after_commit(session: Session, job_id: str) -> None:
    """Submit a job to the runner once the session's transaction has committed."""
    session.info.setdefault("jobs_to_submit", []).append(job_id)


@event.listens_for(Session, "after_commit")
def _submit_committed(session: Session) -> None:
    pending = session.info.pop("jobs_to_submit", [])
    runner = session.info.get("runner")
    if runner is not None:
        for job_id in pending:
            runner.submit(job_id)


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop("jobs_to_submit", None)
