"""Use cases for jobs: create (the one way to queue one), read; and the durable queue's
bookkeeping (worker names, heartbeat, finish, release, recovery of jobs whose worker stopped)."""

import os
import socket
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypedDict

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.orm import Session

from app.errors import NotFound
from app.services.access import may_see_job
from app.services.job_runner import enqueue_after_commit
from models import Job, User
from models.base import utcnow

PENDING = ("queued", "running")


def create_job(
    session: Session, *, kind: str, params: dict[str, Any], created_by: User | None = None
) -> Job:
    """Record a queued job; workers are woken when the transaction commits."""
    job = Job(
        created_by_id=created_by.id if created_by else None,
        id=str(uuid.uuid4()),
        kind=kind,
        status="queued",
        progress=0.0,
        params=params,
        message="queued",
        attempts=0,
    )
    session.add(job)
    session.flush()
    enqueue_after_commit(session, job.id)
    return job


def get_job(session: Session, *, job_id: str, user: User) -> Job:
    """Return a job its creator (or an admin) may see, or raise NotFound."""
    job = session.get(Job, job_id)
    if job is None or not may_see_job(user, job):
        raise NotFound(f"job {job_id} not found")
    return job


def job_inputs(params: dict[str, Any]) -> list[Path]:
    """Return the uploaded files a job reads (kept until the job has finished)."""
    return [Path(p) for p in [params.get("path"), *params.get("paths", [])] if p]


def pending_inputs(session: Session) -> set[Path]:
    """Return the uploaded files of every queued or running job."""
    params = session.scalars(select(Job.params).where(Job.status.in_(PENDING)))
    return {p for ps in params for p in job_inputs(ps)}


def inputs_of(session: Session, job_ids: list[str]) -> list[Path]:
    """Return the uploaded files of some jobs."""
    params = session.scalars(select(Job.params).where(Job.id.in_(job_ids)))
    return [p for ps in params for p in job_inputs(ps)]


def has_queued(session: Session) -> bool:
    """Tell whether any job waits (a cheap read before taking a writer's lock)."""
    return session.scalar(select(Job.id).where(Job.status == "queued").limit(1)) is not None


def worker_name() -> str:
    """Name a worker uniquely across hosts and restarts: host:pid:random."""
    return f"{socket.gethostname()[:80]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _held(job_id: str, worker: str) -> ColumnElement[bool]:
    return (Job.id == job_id) & (Job.claimed_by == worker) & (Job.status == "running")


def _update_held(session: Session, job_id: str, worker: str, **values: object) -> bool:
    done = session.execute(
        update(Job)
        .where(_held(job_id, worker))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(done.rowcount == 1)  # type: ignore[attr-defined]


def record_status(
    session: Session,
    *,
    job_id: str,
    worker: str,
    now: datetime,
    progress: float | None = None,
    message: str | None = None,
) -> bool:
    """Record that worker still runs the job (and its progress); False if the job is no
    longer worker's to run (finished, or taken back by recovery)."""
    values: dict[str, object] = {"heartbeat_at": now}
    if progress is not None:
        values.update(progress=progress, message=message)
    return _update_held(session, job_id, worker, **values)


def finish_job(session: Session, *, job_id: str, worker: str, **values: object) -> bool:
    """Record a job's outcome if worker still holds it; in the job's own transaction this
    makes its rows and its 'succeeded' commit together or not at all."""
    return _update_held(session, job_id, worker, finished_at=utcnow(), **values)


def release_job(session: Session, *, job_id: str, worker: str) -> bool:
    """Give a job back to the queue (a worker stopping before it finished); the attempt is
    not counted."""
    return _update_held(
        session,
        job_id,
        worker,
        status="queued",
        claimed_by=None,
        heartbeat_at=None,
        started_at=None,
        progress=0.0,
        attempts=Job.attempts - 1,
        message="released by a stopping worker; queued again",
    )


class Problem(TypedDict):
    """RFC 9457 problem details as a failed job stores them."""

    title: str
    status: int
    type: str
    detail: str


def interrupted_problem(attempts: int) -> Problem:
    """The problem details of a job whose worker stopped too often while it ran."""
    return {
        "title": "Interrupted",
        "status": 500,
        "type": "interrupted",
        "detail": f"the job's worker stopped while it ran ({attempts} attempts); submit it again",
    }


@dataclass
class Recovered:
    """Jobs found cut off: put back in the queue, or failed after their last attempt."""

    requeued: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def stale_jobs(session: Session, *, now: datetime, timeout_s: float) -> list[tuple[str, int]]:
    """Return (id, attempts) of running jobs whose heartbeat is older than the timeout."""
    return [
        (r.id, r.attempts)
        for r in session.execute(select(Job.id, Job.attempts).where(_stale(now, timeout_s)))
    ]


def _stale(now: datetime, timeout_s: float) -> ColumnElement[bool]:
    cutoff = now - timedelta(seconds=timeout_s)
    # A job left running by a version without heartbeats has none: it is stale.
    return (Job.status == "running") & or_(Job.heartbeat_at.is_(None), Job.heartbeat_at < cutoff)


def recover_jobs(
    session: Session, *, now: datetime, timeout_s: float, max_attempts: int
) -> Recovered:
    """Re-queue running jobs whose worker stopped (no heartbeat within the timeout), or fail
    them once they have had max_attempts; each update re-checks staleness, so recovering
    workers never undo a claim made in between. Jobs commit their rows only at the end, so
    running one again is safe."""
    out = Recovered()
    for job_id, attempts in stale_jobs(session, now=now, timeout_s=timeout_s):
        still = (Job.id == job_id) & _stale(now, timeout_s)
        if attempts < max_attempts:
            values: dict[str, Any] = {
                "status": "queued",
                "claimed_by": None,
                "heartbeat_at": None,
                "progress": 0.0,
                "message": f"its worker stopped; queued again (attempt {attempts + 1} "
                f"of {max_attempts})",
            }
            target = out.requeued
        else:
            problem = interrupted_problem(attempts)
            values = {
                "status": "failed",
                "finished_at": now,
                "message": problem["detail"],
                "error": problem,
            }
            target = out.failed
        done = session.execute(
            update(Job).where(still).values(**values).execution_options(synchronize_session=False)
        )
        if done.rowcount == 1:  # type: ignore[attr-defined]
            target.append(job_id)
    return out
