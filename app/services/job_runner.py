"""The seam between the services and whatever runs their jobs.

Jobs are rows in the `jobs` table (a durable queue). A service queues one with
app.services.jobs.create_job; once the request's transaction has committed, the runner
attached to its session factory is told: the service's own worker threads wake up, while
separate `ecoleads worker` processes need no word since they poll the table. A real task
queue (Celery, RQ) could take over behind the same two methods: `submit` would enqueue the
id and its workers would claim and run it as ours do."""

from typing import Protocol

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker


class JobRunner(Protocol):
    """Something that runs queued jobs."""

    def submit(self, job_id: str) -> None:
        """Tell the runner a job was committed to the queue."""

    def shutdown(self, timeout: float) -> None:
        """Stop taking jobs and wait for running ones (at most timeout s, then give them
        back to the queue)."""


def attach_runner(sessions: sessionmaker[Session], runner: JobRunner | None) -> None:
    """Make sessions from this factory tell runner about their committed jobs."""
    sessions.kw.setdefault("info", {})["runner"] = runner


def enqueue_after_commit(session: Session, job_id: str) -> None:
    """Tell the runner about a job once the session's transaction has committed."""
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
