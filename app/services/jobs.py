"""Use cases for jobs: create, read, recover after a restart."""

import uuid
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.errors import NotFound
from app.jobs.runner import enqueue_after_commit
from models import Job, User
from models.base import utcnow


def create_job(
    session: Session, *, kind: str, params: dict[str, Any], created_by: User | None = None
) -> Job:
    """Record a queued job; it is submitted to the runner when the transaction commits."""
    job = Job(
        created_by_id=created_by.id if created_by else None,
        id=str(uuid.uuid4()),
        kind=kind,
        status="queued",
        progress=0.0,
        params=params,
        message="queued",
    )
    session.add(job)
    session.flush()
    enqueue_after_commit(session, job.id)
    return job


def get_job(session: Session, *, job_id: str, user: User) -> Job:
    """Return a job its creator (or an admin) may see, or raise NotFound."""
    job = session.get(Job, job_id)
    if job is None or (user.role != "admin" and job.created_by_id != user.id):
        raise NotFound(f"job {job_id} not found")
    return job


def recover_jobs(session: Session) -> list[str]:
    """Fail jobs cut off by a restart and return the ids of queued jobs to resubmit."""
    session.execute(
        update(Job)
        .where(Job.status == "running")
        .values(
            status="failed",
            finished_at=utcnow(),
            message="interrupted by a service restart",
            error={
                "title": "Interrupted",
                "status": 500,
                "type": "interrupted",
                "detail": "the service restarted while the job ran; submit it again",
            },
        )
    )
    return list(session.scalars(select(Job.id).where(Job.status == "queued")))
