"""Change detections between two images, and remediation re-checks of a lead's changed
areas."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from app.auth import Allow, Principal
from app.deps import DbId, Offset, SessionDep, lead_visible_to
from app.errors import NotFound
from app.http.responses import accepted
from app.http.routing import TransactionRoute
from app.presenters.imagery import detection_read
from app.schemas.imagery import (
    ChangeDetectionCreate,
    ChangeDetectionRead,
    RecheckCreate,
    RecheckRead,
)
from app.schemas.jobs import JobRead
from app.services import jobs as job_service
from app.services.imagery.change import ChangeRequest, check_request
from app.services.imagery.rechecks import check_recheck, list_rechecks
from models import ChangeDetection, Lead

router = APIRouter(prefix="/api/v1", tags=["imagery"], route_class=TransactionRoute)
read = Allow("imagery:read", "admin", "prosecutor")
Reader = Annotated[Principal, Depends(read)]
ReadableLead = Annotated[Lead, Depends(lead_visible_to(read))]
Writer = Annotated[Principal, Depends(Allow("imagery:write", "admin", "prosecutor"))]


@router.post(
    "/change-detections",
    status_code=202,
    summary="Detect change between two images (a job); changes in protected zones become evidence",
    response_model=JobRead,
)
def create_change_detection(
    body: ChangeDetectionCreate, session: SessionDep, caller: Writer
) -> JSONResponse:
    """Check the pair (same area, later after image, index available) and queue the job."""
    req = ChangeRequest(**body.model_dump())
    check_request(session, req)
    job = job_service.create_job(
        session,
        kind="change_detection",
        created_by=caller.user,
        params={"request": body.model_dump(), "user_id": caller.user.id},
    )
    return accepted(job)


@router.get(
    "/change-detections",
    summary="Change detections, newest first",
    response_model=list[ChangeDetectionRead],
)
def list_change_detections(
    session: SessionDep,
    caller: Reader,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Offset = 0,
) -> list[ChangeDetectionRead]:
    """Each detection with its polygons."""
    rows = (
        session.query(ChangeDetection)
        .order_by(ChangeDetection.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [detection_read(session, d, caller.user) for d in rows]


@router.get(
    "/change-detections/{detection_id}",
    summary="A change detection and its polygons",
    response_model=ChangeDetectionRead,
)
def get_change_detection(
    detection_id: DbId, session: SessionDep, caller: Reader
) -> ChangeDetectionRead:
    """Parameters, grid, summary and every change polygon with what it became."""
    detection = session.get(ChangeDetection, detection_id)
    if detection is None:
        raise NotFound(f"no change detection {detection_id}")
    return detection_read(session, detection, caller.user)


@router.post(
    "/leads/{lead_id}/rechecks",
    status_code=202,
    summary="Re-check a lead's changed areas on a newer image (a job)",
    response_model=JobRead,
)
def create_recheck(
    lead_id: DbId, body: RecheckCreate, session: SessionDep, caller: Writer
) -> JSONResponse:
    """Check the lead has change polygons the image covers, then queue the re-check."""
    check_recheck(session, user=caller.user, lead_id=lead_id, after_id=body.after)
    job = job_service.create_job(
        session,
        kind="imagery_recheck",
        created_by=caller.user,
        params={"lead_id": lead_id, "after": body.after, "user_id": caller.user.id},
    )
    return accepted(job)


@router.get(
    "/leads/{lead_id}/rechecks",
    summary="A lead's remediation re-checks, newest first",
    response_model=list[RecheckRead],
)
def get_rechecks(lead: ReadableLead, session: SessionDep) -> list[RecheckRead]:
    """Each re-check with the restored fraction overall and per changed area."""
    return [RecheckRead.model_validate(r) for r in list_rechecks(session, lead.id)]
