"""Run one claimed job: its own session, a status thread (heartbeat and progress), and its
outcome recorded in the job's own transaction (rows and 'succeeded' commit together)."""

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from app.errors import describe
from app.jobs.registry import JOB_KINDS, JobContext
from app.services import jobs as queue
from app.services.files.uploads import discard_upload
from app.settings import Settings
from models import Job
from models.base import utcnow
from models.queue import write_window_probe, wrote_nothing

log = logging.getLogger("ecoleads.jobs")
# Progress is written at most this often (seconds) so that a tight loop does not hammer the DB.
PROGRESS_INTERVAL_S = 0.5


class StatusWriter:
    """Records a running job's progress (from the job's thread, at most every 0.5 s) and its
    heartbeat (from its own thread, every interval), each in a short transaction on a
    connection that waits little for SQLite's lock: both are best effort. The heartbeat skips
    its turn while the job's own connection is inside a transaction (models/queue.py): there
    its commit could leave the job with a snapshot it cannot write from, and a job holding
    SQLite's write lock cannot be recovered by anyone meanwhile. Progress reports also count
    as heartbeats."""

    def __init__(
        self,
        status_sessions: sessionmaker[Session],
        job_id: str,
        worker: str,
        interval_s: float,
    ) -> None:
        self._write = status_sessions
        self._job_id = job_id
        self._worker = worker
        self._interval = interval_s
        self._last_report = 0.0
        self._job_busy: Callable[[], bool] = lambda: False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"beat-{job_id[:8]}", daemon=True)

    def watch(self, job_session: Session) -> None:
        """Beat (from now on), keeping out of the way of the job's own transaction."""
        self._job_busy = write_window_probe(job_session)
        if not self._thread.is_alive():
            self._thread.start()

    def report(self, fraction: float, message: str) -> None:
        """Record the job's progress (called by the job itself)."""
        now = time.monotonic()
        if now - self._last_report >= PROGRESS_INTERVAL_S:
            self._last_report = now
            self._record(round(min(max(fraction, 0.0), 1.0), 4), message)

    def close(self) -> None:
        """Stop beating."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _beat(self) -> None:
        while not self._stop.wait(self._interval):
            if not self._job_busy() and not self._record(None, None):
                return  # the job is no longer ours to run

    def _record(self, progress: float | None, message: str | None) -> bool:
        try:
            with self._write.begin() as s:
                return queue.record_status(
                    s,
                    job_id=self._job_id,
                    worker=self._worker,
                    now=utcnow(),
                    progress=progress,
                    message=message,
                )
        except SQLAlchemyError as exc:  # e.g. SQLite's lock held by the job: next time
            log.debug("job status not recorded", extra={"job_id": self._job_id, "error": str(exc)})
            return True


def execute_job(
    sessions: sessionmaker[Session],
    write_sessions: sessionmaker[Session],
    settings: Settings,
    job_id: str,
    worker: str,
    status_sessions: sessionmaker[Session] | None = None,
) -> str:
    """Run a job worker has claimed; return 'succeeded', 'failed' or 'lost' (the claim was
    taken away, e.g. the worker stalled past the heartbeat timeout: nothing is committed)."""
    with sessions() as s:
        job = s.get(Job, job_id)
        if job is None or job.status != "running" or job.claimed_by != worker:
            return "lost"
        kind, params = job.kind, dict(job.params)
    status_sessions = status_sessions or write_sessions
    status = StatusWriter(status_sessions, job_id, worker, settings.job_heartbeat_s)
    try:
        outcome = _run(sessions, write_sessions, settings, job_id, worker, kind, params, status)
    finally:
        status.close()
    if outcome != "lost":
        for path in queue.job_inputs(params):
            discard_upload(path)
    return outcome


# How often a job whose SQLite snapshot went stale before its first write runs again.
STALE_RUNS = 3


def _handle(
    session: Session,
    settings: Settings,
    job_id: str,
    handler: Callable[[JobContext, dict[str, Any]], Any],
    params: dict[str, Any],
    status: StatusWriter,
) -> Any:
    """Run the job's handler. On SQLite a job reads before it first writes; when another
    connection commits meanwhile (a request's write), its snapshot can no longer write and
    SQLite answers "database is locked" at once. It had written nothing, so its transaction
    is rolled back and the job runs again (a few times) instead of failing."""
    run = 1
    while True:
        status.watch(session)
        try:
            return handler(JobContext(session, settings, job_id, status.report), params)
        except OperationalError as exc:
            if run == STALE_RUNS or not wrote_nothing(session, exc):
                raise
            session.rollback()
            log.warning("job met a stale snapshot; running it again", extra={"job_id": job_id})
            time.sleep(0.1 * run)
            run += 1


def _run(
    sessions: sessionmaker[Session],
    write_sessions: sessionmaker[Session],
    settings: Settings,
    job_id: str,
    worker: str,
    kind: str,
    params: dict[str, Any],
    status: StatusWriter,
) -> str:
    session = sessions()
    try:
        result = _handle(session, settings, job_id, JOB_KINDS[kind], params, status)
        done = {"status": "succeeded", "progress": 1.0, "message": "done", "result": result}
        try:
            # The job's rows and its 'succeeded' commit together, or not at all.
            held = queue.finish_job(session, job_id=job_id, worker=worker, **done)
        except OperationalError as exc:
            if not wrote_nothing(session, exc):
                raise
            session.rollback()  # a stale SQLite reader: nothing of the job's to keep
            with write_sessions.begin() as s:
                held = queue.finish_job(s, job_id=job_id, worker=worker, **done)
        if not held:
            session.rollback()
            log.warning("job claim lost; its work was rolled back", extra={"job_id": job_id})
            return "lost"
        session.commit()
    except Exception as exc:
        session.rollback()
        code, title, slug, detail = describe(exc)
        if code >= 500:
            log.exception("job failed", extra={"job_id": job_id, "kind": kind})
        with write_sessions.begin() as s:
            held = queue.finish_job(
                s,
                job_id=job_id,
                worker=worker,
                status="failed",
                message=detail,
                error={"title": title, "status": code, "detail": detail, "type": slug},
            )
        return "failed" if held else "lost"
    finally:
        session.close()
    log.info("job succeeded", extra={"job_id": job_id, "kind": kind})
    return "succeeded"
