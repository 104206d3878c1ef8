"""Use cases: procuratorial suggestions (检察建议): list them, find the overdue ones, record
their service, the agency's reply and follow-up reviews."""

from collections.abc import Container
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import Conflict, Invalid, NotFound
from app.services import audit
from app.services.access import visible_leads
from app.services.leads.steps import reassess_legal
from app.services.leads.workflow import get_lead, lead_to_act_on
from models import Lead, Suggestion, User
from models.base import utcnow
from rules.workflow import OPEN_STATUSES, is_overdue, local_date, reply_due, start_of
from rules.working_days import CHINA


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
    audit.append_by(
        session,
        user,
        "suggestion_service",
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
    audit.append_by(
        session,
        user,
        "suggestion_reply",
        lead_id=sug.lead_id,
        change={
            "suggestion": sug.id,
            "replied_on": replied_on.isoformat(),
            "late": sug.replied_at > sug.due_at,
            "complied": complied,
            "content": content,
        },
    )
    _reassess(session, user, sug)
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
    audit.append_by(
        session,
        user,
        "follow_up_review",
        lead_id=sug.lead_id,
        change={"suggestion": sug.id, "note": note, "remedied": remedied},
    )
    _reassess(session, user, sug)
    return sug


def _reassess(session: Session, user: User, sug: Suggestion) -> None:
    lead = get_lead(session, user=user, lead_id=sug.lead_id)
    reassess_legal(session, lead=lead, actor=audit.actor_of(user))
