"""Background jobs: status, progress and results."""

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import FileResponse

from app.auth import Allow, Principal
from app.deps import SessionDep
from app.errors import Conflict, NotFound
from app.http.routing import TransactionRoute
from app.schemas.jobs import JobRead
from app.services.jobs import get_job

router = APIRouter(prefix="/api/v1/jobs", tags=["jobs"], route_class=TransactionRoute)
JobReader = Annotated[Principal, Depends(Allow("jobs:read", "admin", "prosecutor", "partner"))]


@router.get("/{job_id}", summary="A job's status, progress, result or error")
def read_job(job_id: str, session: SessionDep, caller: JobReader) -> JobRead:
    """Return a job (its creator's or, for an admin, any)."""
    return JobRead.model_validate(get_job(session, job_id=job_id, user=caller.user))


@router.get(
    "/{job_id}/result",
    summary="Download a job's result file",
    response_class=FileResponse,
    responses={200: {"content": {"text/csv": {}}, "description": "the result file (CSV)"}},
)
def job_result(job_id: str, session: SessionDep, caller: JobReader) -> FileResponse:
    """Return the file a finished job produced (e.g. a batch geocode CSV)."""
    job = get_job(session, job_id=job_id, user=caller.user)
    if job.status != "succeeded":
        raise Conflict(f"job {job_id} is {job.status}; its result is not ready")
    path = (job.result or {}).get("result_path")
    if not path or not Path(path).exists():
        raise NotFound(f"job {job_id} has no result file")
    return FileResponse(
        path, media_type="text/csv; charset=utf-8", filename=f"{job.kind}-{job_id}.csv"
    )
