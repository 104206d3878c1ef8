"""Leads as answered: the summary, the full lead a prosecutor triages, a GeoJSON page, and
the scoring weights."""

from typing import Any

from fastapi.encoders import jsonable_encoder
from geoalchemy2.shape import to_shape
from shapely.geometry import mapping
from sqlalchemy.orm import Session

from app.presenters.rows import from_row
from app.schemas.labels import Label
from app.schemas.leads import (
    EvidenceRead,
    FindingRead,
    LeadRead,
    LeadSummary,
    NextStepRead,
    SuggestionRead,
    TimelineEntry,
    WeightsRead,
)
from app.services.access import acts_for
from app.services.audit import history
from app.services.leads.build import evidence_of
from app.services.leads.findings import findings_of
from app.services.leads.steps import current_bases, next_steps
from app.services.leads.suggestions import suggestions_of
from models import Lead, ScoreWeights, User
from rules.categories import CATEGORIES
from rules.workflow import STATUS_LABELS, allowed_from


def lead_summary(lead: Lead) -> LeadSummary:
    """A lead as listed."""
    zh, en = STATUS_LABELS[lead.status]
    cat = CATEGORIES[lead.category]
    point = to_shape(lead.geom).representative_point()
    return LeadSummary(
        id=lead.id,
        category=lead.category,
        category_label=Label(zh=cat.zh, en=cat.en),
        status=lead.status,
        status_label=Label(zh=zh, en=en),
        score=lead.score,
        org_id=lead.org_id,
        assignee_id=lead.assignee_id,
        lon=point.x,
        lat=point.y,
        first_evidence_at=lead.first_evidence_at,
        last_evidence_at=lead.last_evidence_at,
        path=lead.path,
        allowed_transitions=list(allowed_from(lead.status, lead.path)),
    )


def lead_collection(leads: list[Lead], total: int) -> dict[str, Any]:
    """A page of leads as a GeoJSON FeatureCollection (`total`: every match)."""
    features = [
        {
            "type": "Feature",
            "id": lead.id,
            "geometry": mapping(to_shape(lead.geom)),
            # model_dump, then the encoder: the times as before (isoformat, +00:00)
            "properties": jsonable_encoder(lead_summary(lead).model_dump()),
        }
        for lead in leads
    ]
    return {
        "type": "FeatureCollection",
        "numberMatched": total,
        "numberReturned": len(features),
        "features": features,
    }


def lead_read(session: Session, lead: Lead, user: User) -> LeadRead:
    """A lead with everything a prosecutor needs to triage it, as `user` may act on it."""
    return LeadRead.model_validate(
        {
            **lead_summary(lead).model_dump(),
            "geometry": mapping(to_shape(lead.geom)),
            "score_breakdown": lead.score_breakdown,
            "weights_version": lead.weights_version,
            "merged_into_id": lead.merged_into_id,
            "legal_bases": current_bases(session, lead),
            "geocode": lead.geocode,
            "consultation": lead.consultation,
            "notice_start": lead.notice_start,
            "notice_end": lead.notice_end,
            "notice_plaintiff": lead.notice_plaintiff,
            "next_steps": [
                NextStepRead(
                    to=n.to,
                    label=Label(zh=STATUS_LABELS[n.to][0], en=STATUS_LABELS[n.to][1]),
                    possible_from=n.possible_from,
                    ready=n.ready,
                    reason=n.reason,
                )
                for n in next_steps(session, lead=lead, role=user.role)
            ],
            "evidence": [EvidenceRead(**e) for e in evidence_of(session, lead=lead)],
            "suggestions": [
                SuggestionRead.model_validate(s) for s in suggestions_of(session, lead=lead)
            ],
            "findings": [
                FindingRead.model_validate(f) for f in findings_of(session, lead_id=lead.id)
            ],
            "may_act": acts_for(session, user, lead.org_id),
            "timeline": [
                TimelineEntry(at=e.at, actor=e.actor, action=e.action, change=e.change, hash=e.hash)
                for e in history(session, lead_id=lead.id)
            ],
        }
    )


def weights_read(weights: ScoreWeights) -> WeightsRead:
    """A version of the scoring weights."""
    return from_row(WeightsRead, weights, version=weights.id)
