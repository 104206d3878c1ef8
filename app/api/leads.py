"""Leads (线索): list, read with evidence and explanation, workflow, assignment."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response
from geoalchemy2.shape import to_shape
from pydantic import BaseModel, Field
from shapely.geometry import mapping

from app.auth import Allow, Principal
from app.deps import SessionDep, SettingsDep
from app.services.audit import history
from app.services.dossier import make_dossier, now_stamp
from app.services.evidence_store import LocalEvidenceStore
from app.services.leads import evidence_of
from app.services.workflow import (
    assign,
    get_lead,
    list_leads,
    overdue,
    suggestions_of,
    transition,
)
from geo.categories import CATEGORIES
from geo.workflow import STATUS_LABELS, TRANSITIONS
from models import Lead

router = APIRouter(prefix="/api/v1", tags=["leads"])
Reader = Annotated[Principal, Depends(Allow("leads:read", "prosecutor", "admin"))]
Writer = Annotated[Principal, Depends(Allow("leads:write", "prosecutor", "admin"))]


class TransitionRequest(BaseModel):
    """Move a lead to another state."""

    to: str = Field(examples=["triaged"])
    note: str = Field(min_length=1, max_length=5000)
    agency: str | None = Field(None, description="for suggestion_issued: the agency addressed")
    urgent: bool = Field(False, description="for suggestion_issued: 15-day reply period")


class AssignRequest(BaseModel):
    """Assign a lead to a prosecutor."""

    assignee_id: int
    note: str = ""


def lead_summary(lead: Lead) -> dict[str, Any]:
    """A lead as listed."""
    zh, en = STATUS_LABELS[lead.status]
    point = to_shape(lead.geom).representative_point()
    return {
        "id": lead.id,
        "category": lead.category,
        "category_label": dict(zip(("zh", "en"), CATEGORIES[lead.category], strict=True)),
        "status": lead.status,
        "status_label": {"zh": zh, "en": en},
        "score": lead.score,
        "org_id": lead.org_id,
        "assignee_id": lead.assignee_id,
        "lon": point.x,
        "lat": point.y,
        "first_evidence_at": lead.first_evidence_at,
        "last_evidence_at": lead.last_evidence_at,
        "allowed_transitions": list(TRANSITIONS.get(lead.status, {})),
    }


@router.get("/leads", summary="List leads (filters; by score or time)")
def leads(
    session: SessionDep,
    caller: Reader,
    status: str | None = None,
    category: str | None = None,
    min_score: Annotated[float | None, Query(ge=0, le=100)] = None,
    max_score: Annotated[float | None, Query(ge=0, le=100)] = None,
    sort: Annotated[str, Query(pattern="^(score|time)$")] = "score",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[dict[str, Any]]:
    """Return a page of the leads of the caller's organisations."""
    found = list_leads(
        session,
        user=caller.user,
        status=status,
        category=category,
        min_score=min_score,
        max_score=max_score,
        sort=sort,
        limit=limit,
        offset=offset,
    )
    return [lead_summary(lead) for lead in found]


@router.get("/leads/{lead_id}", summary="A lead with evidence, score, legal bases, timeline")
def lead(lead_id: int, session: SessionDep, caller: Reader) -> dict[str, Any]:
    """Return one lead with everything a prosecutor needs to triage it."""
    found = get_lead(session, user=caller.user, lead_id=lead_id)
    return {
        **lead_summary(found),
        "geometry": mapping(to_shape(found.geom)),
        "score_breakdown": found.score_breakdown,
        "weights_version": found.weights_version,
        "legal_bases": found.legal_bases,
        "geocode": found.geocode,
        "evidence": evidence_of(session, lead=found),
        "suggestions": [
            {
                "agency": s.agency,
                "issued_at": s.issued_at,
                "urgent": s.urgent,
                "due_at": s.due_at,
                "replied_at": s.replied_at,
            }
            for s in suggestions_of(session, lead=found)
        ],
        "timeline": [
            {"at": e.at, "actor": e.actor, "action": e.action, "change": e.change, "hash": e.hash}
            for e in history(session, lead_id=found.id)
        ],
    }


@router.post("/leads/{lead_id}/transitions", summary="Move a lead through the workflow")
def move(
    lead_id: int, req: TransitionRequest, session: SessionDep, caller: Writer
) -> dict[str, Any]:
    """Apply an allowed transition with its note (logged)."""
    return lead_summary(
        transition(
            session,
            user=caller.user,
            lead_id=lead_id,
            to=req.to,
            note=req.note,
            agency=req.agency,
            urgent=req.urgent,
        )
    )


@router.post("/leads/{lead_id}/assign", summary="Assign a lead to a prosecutor")
def assign_lead(
    lead_id: int, req: AssignRequest, session: SessionDep, caller: Writer
) -> dict[str, Any]:
    """Assign the lead (logged)."""
    return lead_summary(
        assign(
            session, user=caller.user, lead_id=lead_id, assignee_id=req.assignee_id, note=req.note
        )
    )


@router.get(
    "/leads/{lead_id}/dossier",
    summary="The lead file: a signed ZIP (HTML, PDF, map, originals)",
    response_class=Response,
)
def dossier(lead_id: int, session: SessionDep, settings: SettingsDep, caller: Reader) -> Response:
    """Build the lead's dossier; verify it with `ecoleads dossier verify FILE.zip`."""
    data = make_dossier(
        session,
        user=caller.user,
        lead_id=lead_id,
        store=LocalEvidenceStore(settings.evidence_dir),
        key_path=settings.dossier_key_path,
    )
    name = f"lead-{lead_id}-dossier-{now_stamp()}.zip"
    return Response(
        data,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/suggestions/overdue", summary="Procuratorial suggestions past their deadline")
def overdue_suggestions(session: SessionDep, caller: Reader) -> list[dict[str, Any]]:
    """List suggestions whose agency has not replied in time."""
    return [
        {
            "lead_id": lead.id,
            "agency": s.agency,
            "issued_at": s.issued_at,
            "due_at": s.due_at,
            "urgent": s.urgent,
        }
        for s, lead in overdue(session, user=caller.user)
    ]
