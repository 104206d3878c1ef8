"""Use cases: move leads through the workflow, assign them, record suggestions; read leads."""

from collections.abc import Container
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.services import audit
from app.services.access import acts_for, org_subtree, visible_leads
from app.services.leads.steps import StepDetails, reassess_legal, take_step
from models import Lead, Organisation, Suggestion, User
from models.base import utcnow
from models.spatial import BBoxFilter
from rules.workflow import (
    OPEN_STATUSES,
    check_transition,
    is_overdue,
    local_date,
    reply_due,
    start_of,
)
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
    change |= take_step(
        session,
        lead=lead,
        to=to,
        user=user,
        note=note,
        details=details or StepDetails(),
        closed=closed,
    )
    lead.status = to
    session.flush()
    audit.append(
        session, actor=f"user:{user.id}", action="transition", lead_id=lead.id, change=change
    )
    reassess_legal(session, lead=lead, actor=f"user:{user.id}")
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
    audit.append(
        session,
        actor=f"user:{user.id}",
        action="assign",
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


def suggestions_of(session: Session, *, lead: Lead) -> list[Suggestion]:
    """Return a lead's procuratorial suggestions."""
    return list(
        session.scalars(
            select(Suggestion).where(Suggestion.lead_id == lead.id).order_by(Suggestion.id)
        )
    )


def overdue(session: Session, *, user: User) -> list[tuple[Suggestion, Lead]]:
    """Return unanswered suggestions past their reply deadline on open leads the user may
    see."""
    now = utcnow()
    rows = session.execute(
        select(Suggestion, Lead)
        .join(Lead, Suggestion.lead_id == Lead.id)
        .where(
            Suggestion.replied_at.is_(None),
            Suggestion.due_at < now,
            Lead.status.in_(OPEN_STATUSES),
            visible_leads(session, user),
        )
        .order_by(Suggestion.due_at)
    ).all()
    return [(s, lead) for s, lead in rows if is_overdue(s.due_at, s.replied_at, now, lead.status)]


def suggestion_to_act_on(session: Session, *, user: User, suggestion_id: int) -> Suggestion:
    """A suggestion on a lead the user may act on; NotFound if they cannot see the lead."""
    found = session.get(Suggestion, suggestion_id)
    if found is None:
        raise NotFound(f"no suggestion {suggestion_id}")
    lead_to_act_on(session, user=user, lead_id=found.lead_id)
    return found


def record_service(
    session: Session,
    *,
    user: User,
    suggestion_id: int,
    served_on: date,
    closed: Container[date] = CHINA,
) -> Suggestion:
    """Record the day the agency received the suggestion; its deadline runs from there."""
    sug = suggestion_to_act_on(session, user=user, suggestion_id=suggestion_id)
    if served_on < local_date(sug.issued_at):
        raise Invalid("the agency cannot have received the suggestion before it was issued")
    if served_on > local_date(utcnow()):
        raise Invalid("the receipt date is in the future")
    if sug.replied_at is not None:
        raise Invalid("the agency has already replied; its deadline no longer matters")
    sug.served_at = start_of(served_on)
    sug.due_at = reply_due(served_on, sug.urgent, closed)
    audit.append(
        session,
        actor=f"user:{user.id}",
        action="suggestion_service",
        lead_id=sug.lead_id,
        change={
            "suggestion": sug.id,
            "served_on": served_on.isoformat(),
            "due_at": sug.due_at.isoformat(),
        },
    )
    return sug


def record_reply(
    session: Session,
    *,
    user: User,
    suggestion_id: int,
    replied_on: date,
    content: str,
    complied: bool,
) -> Suggestion:
    """Record the agency's written reply: its date, what it says, whether it complied."""
    sug = suggestion_to_act_on(session, user=user, suggestion_id=suggestion_id)
    if sug.replied_at is not None:
        raise Conflict(f"suggestion {sug.id} already has a reply")
    served = local_date(sug.served_at or sug.issued_at)
    if replied_on < served:
        raise Invalid("the reply cannot predate the day the agency received the suggestion")
    if replied_on > local_date(utcnow()):
        raise Invalid("the reply date is in the future")
    if not content.strip():
        raise Invalid("record what the reply says")
    sug.replied_at, sug.reply_note, sug.complied = start_of(replied_on), content, complied
    audit.append(
        session,
        actor=f"user:{user.id}",
        action="suggestion_reply",
        lead_id=sug.lead_id,
        change={
            "suggestion": sug.id,
            "replied_on": replied_on.isoformat(),
            "late": sug.replied_at > sug.due_at,
            "complied": complied,
            "content": content,
        },
    )
    reassess_legal(
        session, lead=get_lead(session, user=user, lead_id=sug.lead_id), actor=f"user:{user.id}"
    )
    return sug


def record_follow_up(
    session: Session, *, user: User, suggestion_id: int, note: str, remedied: bool
) -> Suggestion:
    """Record a follow-up review (跟进监督) of whether the agency really acted: after its reply,
    or once the reply period has ended without one."""
    sug = suggestion_to_act_on(session, user=user, suggestion_id=suggestion_id)
    if sug.replied_at is None and utcnow() <= sug.due_at:
        raise Invalid(
            "follow-up review comes after the agency's reply or the end of the reply period "
            f"({sug.due_at.isoformat()}): record the reply, or wait for the period to end"
        )
    if not note.strip():
        raise Invalid("a follow-up review needs a note")
    entry = {"at": utcnow().isoformat(), "by": user.id, "note": note, "remedied": remedied}
    sug.follow_ups = [*(sug.follow_ups or []), entry]
    audit.append(
        session,
        actor=f"user:{user.id}",
        action="follow_up_review",
        lead_id=sug.lead_id,
        change={"suggestion": sug.id, "note": note, "remedied": remedied},
    )
    reassess_legal(
        session, lead=get_lead(session, user=user, lead_id=sug.lead_id), actor=f"user:{user.id}"
    )
    return sug
