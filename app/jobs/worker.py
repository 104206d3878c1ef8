"""Workers of the durable job queue: claim a queued job, run it with a heartbeat, recover
jobs whose worker stopped. The same loop runs as threads in the service
(`ECOLEADS_JOB_RUNNER=thread`) or in `ecoleads worker` processes beside it."""

import logging
import threading
import time

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from app.db import make_status_sessions
from app.jobs.execute import execute_job
from app.services import jobs as queue
from app.services.files.scratch import sweep_scratch
from app.services.files.uploads import discard_upload
from app.services.job_runner import JobRunner
from app.settings import Settings
from models.base import utcnow
from models.queue import claim_next

log = logging.getLogger("ecoleads.jobs")


class Worker:
    """One loop that claims and runs jobs until stopped (or, with once, the queue is empty)."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        write_sessions: sessionmaker[Session],
        settings: Settings,
        stop: threading.Event,
        status_sessions: sessionmaker[Session] | None = None,
    ) -> None:
        self.name = queue.worker_name()
        self._status = status_sessions
        self.current: str | None = None
        self.wake = threading.Event()
        self._sessions = sessions
        self._write = write_sessions
        self._settings = settings
        self._stop = stop

    def recover(self) -> queue.Recovered:
        """Re-queue or fail jobs whose worker stopped sending heartbeats, and remove the
        scratch files of processes that ended."""
        s = self._settings
        sweep_scratch(s.scratch_dir)
        now = utcnow()
        with self._sessions() as session:  # a read first: most of the time nothing is stale
            if not queue.stale_jobs(session, now=now, timeout_s=s.job_heartbeat_timeout_s):
                return queue.Recovered()
        with self._write.begin() as session:
            found = queue.recover_jobs(
                session,
                now=now,
                timeout_s=s.job_heartbeat_timeout_s,
                max_attempts=s.job_max_attempts,
            )
        if found.failed:  # their inputs are of no more use
            with self._sessions() as session:
                for path in queue.inputs_of(session, found.failed):
                    discard_upload(path)
        if found.requeued or found.failed:
            log.warning(
                "jobs cut off by a stopped worker",
                extra={"requeued": found.requeued, "failed": found.failed},
            )
        return found

    def claim(self) -> str | None:
        """Claim the oldest queued job, if any."""
        with self._sessions() as session:  # a read first: no writer's lock while idle
            if not queue.has_queued(session):
                return None
        with self._write.begin() as session:
            return claim_next(session, worker=self.name, now=utcnow())

    def run(self, *, once: bool = False) -> None:
        """Claim and run jobs until stopped; with once, return when none is queued."""
        next_recovery = 0.0
        while not self._stop.is_set():
            try:
                if time.monotonic() >= next_recovery:
                    self.recover()
                    next_recovery = time.monotonic() + self._settings.job_heartbeat_s
                job_id = self.claim()
            except SQLAlchemyError as exc:  # database away or busy: try again later
                log.warning("job queue unavailable", extra={"error": str(exc)})
                job_id = None
            if job_id is not None:
                self.current = job_id
                try:
                    outcome = execute_job(
                        self._sessions,
                        self._write,
                        self._settings,
                        job_id,
                        self.name,
                        status_sessions=self._status,
                    )
                except Exception:  # its outcome could not be recorded: recovery will see to it
                    log.exception("job outcome not recorded", extra={"job_id": job_id})
                    outcome = "unknown"
                finally:
                    self.current = None
                log.info("job ended", extra={"job_id": job_id, "outcome": outcome})
                continue
            if once:
                return
            self.wake.wait(self._settings.job_poll_s)
            self.wake.clear()

    def release(self) -> None:
        """Give the current job back to the queue (the process is about to exit)."""
        job_id = self.current
        if job_id is None:
            return
        with self._write.begin() as session:
            if queue.release_job(session, job_id=job_id, worker=self.name):
                log.warning("job released to the queue", extra={"job_id": job_id})


class WorkerPool:
    """Some worker threads sharing one stop signal."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        write_sessions: sessionmaker[Session],
        settings: Settings,
        size: int,
        *,
        once: bool = False,
    ) -> None:
        self._stop = threading.Event()
        self._status = make_status_sessions(settings)
        self.workers = [
            Worker(sessions, write_sessions, settings, self._stop, self._status)
            for _ in range(size)
        ]
        self._threads = [
            threading.Thread(target=w.run, kwargs={"once": once}, name=f"job-{i}", daemon=True)
            for i, w in enumerate(self.workers)
        ]

    def start(self) -> None:
        """Start the worker threads."""
        for t in self._threads:
            t.start()

    def wake(self) -> None:
        """Make idle workers look for a job now."""
        for w in self.workers:
            w.wake.set()

    def stop(self) -> None:
        """Take no more jobs; running ones finish."""
        self._stop.set()
        self.wake()

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the threads (at most timeout s in all); return whether all have ended."""
        deadline = None if timeout is None else time.monotonic() + timeout
        for t in self._threads:
            t.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
        ended = not any(t.is_alive() for t in self._threads)
        if ended:
            self._status.kw["bind"].dispose()
        return ended

    def release(self) -> None:
        """Give every running job back to the queue (best effort: the heartbeat timeout
        recovers whatever cannot be released)."""
        for w in self.workers:
            try:
                w.release()
            except SQLAlchemyError as exc:
                log.warning("job not released", extra={"job_id": w.current, "error": str(exc)})


class ExternalJobRunner:
    """The service only enqueues; separate `ecoleads worker` processes run the jobs."""

    def submit(self, job_id: str) -> None:
        """Nothing to do: the job waits in the table until a worker claims it."""

    def shutdown(self, timeout: float) -> None:
        """Nothing runs here."""


class ThreadJobRunner:
    """Runs the worker loop in job_workers threads of the service process."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        write_sessions: sessionmaker[Session],
        settings: Settings,
    ) -> None:
        self._pool = WorkerPool(sessions, write_sessions, settings, settings.job_workers)
        self._pool.start()

    def submit(self, job_id: str) -> None:
        """A job was committed: wake the workers instead of waiting for their next poll."""
        self._pool.wake()

    def shutdown(self, timeout: float) -> None:
        """Take no more jobs and wait for running ones, at most timeout s; then give them
        back to the queue (another worker, or this service restarted, runs them again)."""
        self._pool.stop()
        if not self._pool.join(timeout):
            self._pool.release()


def make_runner(
    settings: Settings, sessions: sessionmaker[Session], write_sessions: sessionmaker[Session]
) -> JobRunner:
    """Return the runner the settings ask for (threads here, or external workers)."""
    if settings.job_runner == "external":
        return ExternalJobRunner()
    return ThreadJobRunner(sessions, write_sessions, settings)
