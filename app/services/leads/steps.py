"""Use cases: the steps of a filed case on its path (filing with a path, consultation, the
suggestion, the public notice, supporting a suit), which steps a lead may take next and
from when, and re-matching the legal elements a step proves."""

from collections.abc import Container
from dataclasses import dataclass
from datetime import date
from typing import NotRequired, TypedDict

from geoalchemy2.shape import to_shape
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import Invalid
from app.services import audit
from app.services.leads.assess import lead_items, match_bases
from app.services.leads.facts import Subject, gather
from app.services.leads.legal import legal_rows
from models import Lead, Organisation, Referral, Suggestion, User
from models.base import utcnow
from rules.referrals import HANDING_OVER, jurisdiction_note
from rules.workflow import (
    PATHS,
    CaseClock,
    TooEarly,
    allowed_from,
    check_timing,
    local_date,
    notice_end,
    possible_from,
    reply_due,
    start_of,
)


@dataclass(frozen=True)
class StepDetails:
    """What some steps record besides their note."""

    agency: str | None = None  # suggestion_issued: the agency addressed
    agency_level: str | None = None  # suggestion_issued: its level (rules/referrals.py)
    urgent: bool = False  # suggestion_issued: 15-day reply period
    served_on: date | None = None  # suggestion_issued: the day the agency received it
    path: str | None = None  # case_filed: administrative or civil
    on: date | None = None  # consultation: its day; public_notice: the day published
    plaintiff: str | None = None  # support_suit: the organisation that sued


class Filing(TypedDict):
    """What filing a case logs: its path."""

    path: str


class Consultation(TypedDict):
    """What a consultation logs."""

    consulted_on: str


class Notice(TypedDict):
    """What a public notice logs: the day published and the end of its period."""

    published_on: str
    notice_end: str


class Support(TypedDict):
    """What supporting a suit logs: the organisation that sued."""

    plaintiff: str


class SuggestionIssued(TypedDict):
    """What issuing a suggestion logs: the agency, its reply period and deadline."""

    agency: str
    agency_level: str | None
    jurisdiction_note: NotRequired[str]
    urgent: bool
    served_on: str
    due_at: str


class _JurisdictionNote(TypedDict, total=False):
    jurisdiction_note: str


class Handover(TypedDict):
    """What a transfer logs: the referral that hands the lead over, and to whom."""

    referral: int
    referral_kind: str
    receiver: str | None


StepLog = Filing | Consultation | Notice | Support | SuggestionIssued | Handover


@dataclass(frozen=True)
class NextStep:
    """A state the lead may move to, from when, and why not yet."""

    to: str
    possible_from: date | None  # CST day from which it is possible, when it waits for one
    ready: bool
    reason: str | None


def case_clock(session: Session, lead: Lead) -> CaseClock:
    """What the lead's time-dependent steps wait for: its latest suggestion and its notice."""
    latest = session.scalar(
        select(Suggestion)
        .where(Suggestion.lead_id == lead.id)
        .order_by(Suggestion.id.desc())
        .limit(1)
    )
    if latest is None:
        return CaseClock(notice_end=lead.notice_end)
    return CaseClock(
        reply_due=latest.due_at,
        replied=latest.replied_at is not None,
        complied=latest.complied,
        remedied=latest.follow_ups[-1]["remedied"] if latest.follow_ups else None,
        notice_end=lead.notice_end,
    )


def next_steps(session: Session, *, lead: Lead, role: str) -> list[NextStep]:
    """The steps `role` may take on the lead, with the day each becomes possible."""
    clock, now = case_clock(session, lead), utcnow()
    out = []
    for to, roles in allowed_from(lead.status, lead.path).items():
        if role not in roles:
            continue
        start = possible_from(to, lead.path, clock)
        reason = None
        try:
            check_timing(to, lead.path, clock, now)
        except TooEarly as refused:
            reason = str(refused)
        out.append(NextStep(to, local_date(start) if start else None, reason is None, reason))
    return out


def take_step(
    session: Session,
    *,
    lead: Lead,
    to: str,
    user: User,
    note: str,
    details: StepDetails,
    closed: Container[date],
) -> StepLog | None:
    """Check a step's timing and record what it needs on the lead; return what to log."""
    if details.path is not None and to != "case_filed":
        raise Invalid("the path is chosen when the case is filed")
    check_timing(to, lead.path, case_clock(session, lead), utcnow())
    today = local_date(utcnow())
    if details.on is not None and details.on > today:
        raise Invalid("the date is in the future")
    if details.on is not None and details.on < local_date(lead.created_at):
        raise Invalid("the date precedes the lead: a case's steps come after it was recorded")
    if to == "case_filed":
        if details.path not in PATHS:
            raise Invalid(f"filing a case chooses its path: one of {', '.join(PATHS)}")
        lead.path = details.path
        return {"path": details.path}
    if to == "consultation":
        on = details.on or today
        lead.consultation = {"on": on.isoformat(), "note": note, "by": user.id}
        return {"consulted_on": on.isoformat()}
    if to == "public_notice":
        on = details.on or today
        lead.notice_start, lead.notice_end = start_of(on), notice_end(on, closed)
        return {"published_on": on.isoformat(), "notice_end": lead.notice_end.isoformat()}
    if to == "support_suit":
        if details.plaintiff is None or not details.plaintiff.strip():
            raise Invalid("supporting a suit names the organisation that sued")
        lead.notice_plaintiff = details.plaintiff
        return {"plaintiff": details.plaintiff}
    if to == "suggestion_issued":
        return issue_suggestion(session, lead=lead, details=details, closed=closed)
    if to == "transferred":
        return handed_over(session, lead)
    return None


def handed_over(session: Session, lead: Lead) -> Handover:
    """A lead closes as transferred only once a referral that hands it over is recorded: to
    the competent procuratorate, an agency or the police (type and receiving body)."""
    referral = session.scalar(
        select(Referral)
        .where(
            Referral.lead_id == lead.id,
            Referral.kind.in_(HANDING_OVER),
            Referral.status != "declined",
        )
        .order_by(Referral.id.desc())
        .limit(1)
    )
    if referral is None:
        raise Invalid(
            "record the referral first (POST /api/v1/leads/{id}/referrals with its kind and "
            "receiving body): a transferred lead says to whom"
        )
    receiver = referral.receiver
    if referral.to_org_id is not None:
        receiver = session.get_one(Organisation, referral.to_org_id).name
    return {"referral": referral.id, "referral_kind": referral.kind, "receiver": receiver}


def issue_suggestion(
    session: Session, *, lead: Lead, details: StepDetails, closed: Container[date]
) -> SuggestionIssued:
    """Record a suggestion with its agency and the day the agency received it (default:
    today), from which its reply period runs."""
    if not details.agency:
        raise Invalid("a procuratorial suggestion names the agency it is addressed to")
    issued = utcnow()
    served = details.served_on or local_date(issued)
    if served != local_date(issued):
        raise Invalid(
            "a suggestion issued today is received today at the earliest: record a later "
            "receipt with POST /api/v1/suggestions/{id}/service when it happens"
        )
    sug = Suggestion(
        lead_id=lead.id,
        agency=details.agency,
        agency_level=details.agency_level,
        issued_at=issued,
        urgent=details.urgent,
        served_at=start_of(served),
        due_at=reply_due(served, details.urgent, closed),
        follow_ups=[],
    )
    session.add(sug)
    org = session.get(Organisation, lead.org_id) if lead.org_id else None
    note = jurisdiction_note(org.level, details.agency_level) if org is not None else None
    noted: _JurisdictionNote = {"jurisdiction_note": note} if note else {}
    return {
        "agency": details.agency,
        "agency_level": details.agency_level,
        **noted,
        "urgent": details.urgent,
        "served_on": served.isoformat(),
        "due_at": sug.due_at.isoformat(),
    }


def current_bases(session: Session, lead: Lead) -> list[dict[str, object]]:
    """The lead's legal bases as of now, without storing them: periods that ran out since the
    last assessment (a reply period, the civil notice) and a continuing violation's day count
    at once. The lead's stored bases when it has no evidence."""
    items = lead_items(session, lead)
    if not items:
        return list(lead.legal_bases)
    subject = Subject(
        lead,
        items,
        to_shape(lead.geom),
        min(i.observed_at for i in items),
        max(i.observed_at for i in items),
    )
    now = utcnow()
    (facts,) = gather(session, [subject], now=now)
    return match_bases(facts, legal_rows(session), now)


def reassess_legal(session: Session, *, lead: Lead, actor: str) -> None:
    """Re-match the legal elements after a step of the case (a reply, a review, a notice,
    a finding) changed what is proven; store and log them when they change."""
    session.flush()
    bases = current_bases(session, lead)
    if bases == lead.legal_bases:
        return
    lead.legal_bases = bases
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="legal_elements",
        lead_id=lead.id,
        change={"missing": {f"{b['law']} {b['article']}": b["missing"] for b in bases}},
    )
