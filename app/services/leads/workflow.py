"""Use cases: read leads, move them through the workflow, assign them."""

from collections.abc import Container
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from app.errors import Forbidden, Invalid, NotFound
from app.services import audit
from app.services.access import acts_for, org_subtree, visible_leads
from app.services.leads.steps import StepDetails, reassess_legal, take_step
from models import Lead, Organisation, User
from models.spatial import BBoxFilter
from rules.workflow import check_transition
from rules.working_days import CHINA


def get_lead(session: Session, *, user: User, lead_id: int) -> Lead:
    """Return a lead the user may see, or raise NotFound."""
    lead = session.scalar(select(Lead).where(Lead.id == lead_id, visible_leads(session, user)))
    if lead is None:
        raise NotFound(f"lead {lead_id} not found")
    return lead


def lead_to_act_on(session: Session, *, user: User, lead_id: int) -> Lead:
    """Return a lead the user may act on (see access.acts_for); NotFound if they cannot see
    it, Forbidden if it is only shared with their organisation."""
    lead = get_lead(session, user=user, lead_id=lead_id)
    if not acts_for(session, user, lead.org_id):
        raise Forbidden(
            f"lead {lead_id} belongs to another organisation: shared leads are read-only"
        )
    return lead


@dataclass
class LeadFilter:
    """Search criteria for leads (all optional)."""

    bbox: tuple[float, float, float, float] | None = None
    status: str | None = None
    category: str | None = None
    org_code: str | None = None
    assignee_id: int | None = None
    min_score: float | None = None
    max_score: float | None = None
    since: datetime | None = None
    until: datetime | None = None


def lead_conditions(session: Session, user: User, where: LeadFilter) -> list[ColumnElement[bool]]:
    """Return the SQL conditions of the leads a user may see that match a filter."""
    conds: list[ColumnElement[bool]] = [visible_leads(session, user)]
    if where.bbox is not None:
        conds.append(BBoxFilter(Lead.id, Lead.geom, where.bbox))
    for column, value in (
        (Lead.status, where.status),
        (Lead.category, where.category),
        (Lead.assignee_id, where.assignee_id),
    ):
        if value is not None:
            conds.append(column == value)
    if where.org_code is not None:
        org = session.scalar(select(Organisation.id).where(Organisation.code == where.org_code))
        conds.append(Lead.org_id.in_(org_subtree(session, org) if org else set()))
    if where.min_score is not None:
        conds.append(Lead.score >= where.min_score)
    if where.max_score is not None:
        conds.append(Lead.score <= where.max_score)
    if where.since is not None:
        conds.append(Lead.last_evidence_at >= where.since)
    if where.until is not None:
        conds.append(Lead.first_evidence_at <= where.until)
    return conds


def list_leads(
    session: Session, *, user: User, where: LeadFilter, sort: str, limit: int, offset: int
) -> tuple[list[Lead], int]:
    """Return a page of visible leads, by score (default) or newest evidence, and the total."""
    conds = lead_conditions(session, user, where)
    order = (
        (Lead.score.desc(), Lead.id) if sort == "score" else (Lead.last_evidence_at.desc(), Lead.id)
    )
    total = session.scalar(select(func.count()).select_from(Lead).where(*conds)) or 0
    page = session.scalars(select(Lead).where(*conds).order_by(*order).limit(limit).offset(offset))
    return list(page), total


def transition(
    session: Session,
    *,
    user: User,
    lead_id: int,
    to: str,
    note: str,
    details: StepDetails | None = None,
    closed: Container[date] = CHINA,
) -> Lead:
    """Move a lead to another state, with a note and what the step records (the path when
    filing, a consultation, a suggestion, a notice, the organisation whose suit is
    supported); steps waiting for a period are refused until it ends."""
    lead = lead_to_act_on(session, user=user, lead_id=lead_id)
    if not note.strip():
        raise Invalid("every transition needs a note")
    check_transition(lead.status, to, user.role, lead.path)
    change: dict[str, Any] = {"from": lead.status, "to": to, "note": note}
    step = take_step(
        session,
        lead=lead,
        to=to,
        user=user,
        note=note,
        details=details or StepDetails(),
        closed=closed,
    )
    change |= step or {}
    lead.status = to
    session.flush()
    audit.append_by(session, user, "transition", lead_id=lead.id, change=change)
    reassess_legal(session, lead=lead, actor=audit.actor_of(user))
    return lead


def assign(session: Session, *, user: User, lead_id: int, assignee_id: int, note: str) -> Lead:
    """Assign a lead to a prosecutor of the lead's organisation tree."""
    lead = lead_to_act_on(session, user=user, lead_id=lead_id)
    assignee = session.get(User, assignee_id)
    refusal = (
        f"user {assignee_id} is not an active prosecutor"
        if assignee is None
        else why_not_assignable(session, assignee, lead)
    )
    if refusal or assignee is None:
        raise Invalid(refusal or "")
    previous = lead.assignee_id
    lead.assignee_id = assignee.id
    session.flush()
    audit.append_by(
        session,
        user,
        "assign",
        lead_id=lead.id,
        change={"from": previous, "to": assignee.id, "note": note},
    )
    return lead


def why_not_assignable(session: Session, assignee: User, lead: Lead | None) -> str | None:
    """Say why a user may not be assigned a lead (None: they may)."""
    if assignee.role != "prosecutor" or not assignee.is_active:
        return f"user {assignee.id} is not an active prosecutor"
    responsible = lead is None or lead.org_id is None
    if not responsible and lead is not None:
        responsible = lead.org_id in org_subtree(session, assignee.org_id)
    return None if responsible else "the assignee's organisation is not responsible for this lead"


def assignable_users(session: Session, *, user: User, lead_id: int | None) -> list[User]:
    """Prosecutors of the caller's organisations who may be assigned (a given lead)."""
    lead = get_lead(session, user=user, lead_id=lead_id) if lead_id is not None else None
    q = select(User).where(User.role == "prosecutor").order_by(User.id)
    if user.role != "admin":
        q = q.where(User.org_id.in_(org_subtree(session, user.org_id)))
    return [u for u in session.scalars(q) if why_not_assignable(session, u, lead) is None]
