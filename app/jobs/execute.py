"""Run one claimed job: its own session, a status thread (heartbeat and progress), and its
outcome recorded in the job's own transaction (rows and 'succeeded' commit together)."""

import logging
import threading
import time
from types import TracebackType
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from app.errors import describe
from app.jobs.registry import JOB_KINDS, JobContext
from app.services import jobs as queue
from app.services.uploads import discard_upload
from app.settings import Settings
from models import Job
from models.base import utcnow

log = logging.getLogger("ecoleads.jobs")
# Progress is written at most this often (seconds) so that a tight loop does not hammer the DB.
PROGRESS_INTERVAL_S = 0.5


class StatusWriter:
    """Writes a running job's heartbeat (every interval) and latest progress from its own
    thread, each in a short transaction. The job itself never waits: on SQLite its own
    transaction may hold the write lock while it reports progress."""

    def __init__(
        self, write_sessions: sessionmaker[Session], job_id: str, worker: str, interval_s: float
    ) -> None:
        self._write = write_sessions
        self._job_id = job_id
        self._worker = worker
        self._interval = interval_s
        self._pending: tuple[float, str] | None = None
        self._lock = threading.Lock()
        self._changed = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._loop, name=f"status-{job_id[:8]}", daemon=True
        )

    def report(self, fraction: float, message: str) -> None:
        """Note the job's progress; the status thread writes the latest one."""
        with self._lock:
            self._pending = (round(min(max(fraction, 0.0), 1.0), 4), message)
        self._changed.set()

    def __enter__(self) -> "StatusWriter":
        self._thread.start()
        return self

    def __exit__(
        self, _t: type[BaseException] | None, _e: BaseException | None, _tb: TracebackType | None
    ) -> None:
        self._stop.set()
        self._changed.set()
        self._thread.join()

    def _loop(self) -> None:
        next_beat = time.monotonic() + self._interval
        while True:
            self._changed.wait(max(0.0, next_beat - time.monotonic()))
            if self._stop.is_set():
                return
            self._changed.clear()
            with self._lock:
                pending, self._pending = self._pending, None
            if not self._write_status(pending):
                return
            next_beat = time.monotonic() + self._interval
            self._stop.wait(PROGRESS_INTERVAL_S)  # a tight loop's reports are coalesced

    def _write_status(self, pending: tuple[float, str] | None) -> bool:
        progress, message = pending or (None, None)
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
        except SQLAlchemyError as exc:  # e.g. SQLite busy for long: try again next time
            log.warning(
                "job status not recorded", extra={"job_id": self._job_id, "error": str(exc)}
            )
            with self._lock:
                self._pending = self._pending or pending
            return True


def execute_job(
    sessions: sessionmaker[Session],
    write_sessions: sessionmaker[Session],
    settings: Settings,
    job_id: str,
    worker: str,
) -> str:
    """Run a job worker has claimed; return 'succeeded', 'failed' or 'lost' (the claim was
    taken away, e.g. the worker stalled past the heartbeat timeout: nothing is committed)."""
    with sessions() as s:
        job = s.get(Job, job_id)
        if job is None or job.status != "running" or job.claimed_by != worker:
            return "lost"
        kind, params = job.kind, dict(job.params)
    with StatusWriter(write_sessions, job_id, worker, settings.job_heartbeat_s) as status:
        outcome = _run(sessions, settings, job_id, worker, kind, params, status)
    if outcome != "lost":
        for path in queue.job_inputs(params):
            discard_upload(path)
    return outcome


def _run(
    sessions: sessionmaker[Session],
    settings: Settings,
    job_id: str,
    worker: str,
    kind: str,
    params: dict[str, Any],
    status: StatusWriter,
) -> str:
    session = sessions()
    try:
        handler = JOB_KINDS[kind]
        result = handler(JobContext(session, settings, job_id, status.report), params)
        if not queue.finish_job(
            session,
            job_id=job_id,
            worker=worker,
            status="succeeded",
            progress=1.0,
            message="done",
            result=result,
        ):
            session.rollback()
            log.warning("job claim lost; its work was rolled back", extra={"job_id": job_id})
            return "lost"
        session.commit()
    except Exception as exc:
        session.rollback()
        code, title, slug, detail = describe(exc)
        if code >= 500:
            log.exception("job failed", extra={"job_id": job_id, "kind": kind})
        with sessions.begin() as s:
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
