"""Background jobs: status, progress and results."""

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

from app.deps import SessionDep
from app.errors import Conflict, NotFound
from app.schemas.jobs import JobRead
from app.services.jobs import get_job

router = APIRouter(prefix="/api/v1/jobs", tags=["jobs"])


@router.get("/{job_id}", summary="A job's status, progress, result or error")
def read_job(job_id: str, session: SessionDep) -> JobRead:
    """Return a job."""
    return JobRead.model_validate(get_job(session, job_id=job_id))


@router.get("/{job_id}/result", summary="Download a job's result file")
def job_result(job_id: str, session: SessionDep) -> FileResponse:
    """Return the file a finished job produced (e.g. a batch geocode CSV)."""
    job = get_job(session, job_id=job_id)
    if job.status != "succeeded":
        raise Conflict(f"job {job_id} is {job.status}; its result is not ready")
    path = (job.result or {}).get("result_path")
    if not path or not Path(path).exists():
        raise NotFound(f"job {job_id} has no result file")
    return FileResponse(
        path, media_type="text/csv; charset=utf-8", filename=f"{job.kind}-{job_id}.csv"
    )
