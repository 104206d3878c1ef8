"""Use cases: refer a lead to a partner organisation, and follow the referral — receipt
(回执), progress reports and the outcome. Each step is in the audit log (so in the lead's
timeline); receipts not given by their due date show as overdue."""

from datetime import datetime

from dateutil.relativedelta import relativedelta
from geoalchemy2.shape import to_shape
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.services import audit
from app.services.access import org_subtree, visible_leads, visible_referrals
from app.services.leads.workflow import lead_to_act_on
from app.services.partners.common import member_of, partner_org
from app.services.webhooks import emit
from app.settings import Settings
from models import Lead, Organisation, Referral, User
from models.base import utcnow
from rules.referrals import REFERRAL_KINDS, TO_PROCURATORATE
from rules.workflow import local_date, period_end

# sent → received → in_progress → concluded; the receiving side may also decline.
OPEN = ("sent", "received", "in_progress")


def receipt_due(sent: datetime, settings: Settings) -> datetime:
    """When a referral sent at `sent` must be acknowledged: the receipt period counted from the
    next day, to 24:00 China Standard Time of its last day, rolled past non-working days as
    the procedure periods are (rules/workflow.py: period_end)."""
    period = relativedelta(days=settings.referral_receipt_days)
    return period_end(local_date(sent), period, settings.non_working_days())


def refer(
    session: Session,
    *,
    user: User,
    lead_id: int,
    basis: str,
    note: str | None,
    grants_originals: bool,
    settings: Settings,
    kind: str = "jurisdiction",
    to_org: str | None = None,
    receiver: str | None = None,
) -> Referral:
    """Refer one of the caller's own leads: to a partner procuratorate (移送管辖, 协作), or to a
    body outside the platform named as `receiver` (an agency, the police: rules/referrals.py)."""
    lead = lead_to_act_on(session, user=user, lead_id=lead_id)
    if kind not in REFERRAL_KINDS:
        raise Invalid(f"unknown referral kind {kind!r}; use one of {', '.join(REFERRAL_KINDS)}")
    if not basis.strip():
        raise Invalid("a referral needs its basis (the legal or factual ground)")
    target: Organisation | None = None
    if kind in TO_PROCURATORATE:
        if not to_org:
            raise Invalid(f"a {kind} referral goes to a partner procuratorate: give to_org")
        target = partner_org(session, to_org)
        receiver = None
        same = Referral.to_org_id == target.id
        named = target.code
    else:
        if to_org:
            raise Invalid(f"a {kind} referral goes to a body outside the platform: give receiver")
        receiver = (receiver or "").strip()
        if not receiver:
            raise Invalid(f"name the body that receives the {kind} referral (receiver)")
        if grants_originals:
            raise Invalid("originals are granted only to procuratorates on the platform")
        same = (Referral.kind == kind) & (Referral.receiver == receiver)
        named = receiver
    twin = session.scalar(
        select(Referral.id).where(Referral.lead_id == lead.id, same, Referral.status.in_(OPEN))
    )
    if twin is not None:
        raise Conflict(f"lead {lead.id} is already referred to {named} (referral {twin})")
    referral = Referral(
        lead_id=lead.id,
        from_org_id=lead.org_id or user.org_id,
        to_org_id=None if target is None else target.id,
        kind=kind,
        receiver=receiver,
        basis=basis.strip(),
        note=note,
        grants_originals=grants_originals,
        status="sent",
        receipt_due_at=receipt_due(utcnow(), settings),
        progress=[],
        created_by_id=user.id,
    )
    session.add(referral)
    session.flush()
    audit.append_by(
        session,
        user,
        "refer",
        lead_id=lead.id,
        change={
            "referral": referral.id,
            "kind": kind,
            "to_org": None if target is None else target.code,
            "receiver": receiver,
            "basis": referral.basis,
            "note": note,
            "grants_originals": grants_originals,
            "receipt_due_at": referral.receipt_due_at.isoformat(),
        },
    )
    if target is not None:  # partners hear of what is sent to them
        emit(
            session,
            "lead.referred",
            {
                "referral_id": referral.id,
                "lead_id": lead.id,
                "from_org": _code(session, referral.from_org_id),
                "to_org": target.code,
                "receipt_due_at": referral.receipt_due_at.isoformat(),
            },
            to_shape(lead.geom),
            lead_id=lead.id,
        )
    return referral


def _code(session: Session, org_id: int) -> str:
    return session.get_one(Organisation, org_id).code


def get_referral(session: Session, *, user: User, referral_id: int) -> Referral:
    """A referral the caller's organisation sent or received (admins: any)."""
    referral = session.get(Referral, referral_id)
    if referral is None or not (
        (referral.to_org_id is not None and member_of(session, user, referral.to_org_id))
        or member_of(session, user, referral.from_org_id)
    ):
        raise NotFound(f"no referral {referral_id}")
    return referral


def _receiving(session: Session, user: User, referral_id: int) -> Referral:
    """The referral, if the caller answers it: the receiving procuratorate, or for a body
    outside the platform the sender, who records what that body answered."""
    referral = get_referral(session, user=user, referral_id=referral_id)
    if referral.to_org_id is None:
        lead_to_act_on(session, user=user, lead_id=referral.lead_id)
        return referral
    if user.role != "admin" and referral.to_org_id not in org_subtree(session, user.org_id):
        raise Forbidden("only the receiving organisation answers a referral")
    return referral


def receipt(session: Session, *, user: User, referral_id: int, note: str | None) -> Referral:
    """The receiving organisation acknowledges the referral (once)."""
    referral = _receiving(session, user, referral_id)
    if referral.status != "sent":
        raise Conflict(f"referral {referral.id} was already acknowledged ({referral.status})")
    referral.status = "received"
    referral.received_at = utcnow()
    referral.received_by_id = user.id
    referral.receipt_note = note
    audit.append_by(
        session,
        user,
        "referral_receipt",
        lead_id=referral.lead_id,
        change={"referral": referral.id, "note": note},
    )
    lead = session.get_one(Lead, referral.lead_id)
    if referral.to_org_id is not None:
        emit(
            session,
            "referral.receipted",
            {
                "referral_id": referral.id,
                "lead_id": lead.id,
                "to_org": _code(session, referral.to_org_id),
                "received_at": referral.received_at.isoformat(),
                "receipt_note": note,
            },
            to_shape(lead.geom),
            lead_id=lead.id,
        )
    return referral


def report_progress(
    session: Session,
    *,
    user: User,
    referral_id: int,
    note: str,
    outcome: str | None,
    declined: bool = False,
) -> Referral:
    """The receiving organisation reports progress; an outcome concludes the referral, a
    decline ends it. A referral not yet acknowledged is acknowledged by its first report."""
    referral = _receiving(session, user, referral_id)
    if referral.status not in OPEN:
        raise Conflict(f"referral {referral.id} is {referral.status}: nothing more to report")
    if not note.strip():
        raise Invalid("a progress report needs a note")
    now = utcnow()
    if referral.received_at is None:
        referral.received_at, referral.received_by_id = now, user.id
    referral.progress = [
        *referral.progress,
        {"at": now.isoformat(), "by": user.id, "note": note, "outcome": outcome},
    ]
    if declined:
        referral.status, referral.concluded_at = "declined", now
    elif outcome:
        referral.status, referral.outcome, referral.concluded_at = "concluded", outcome, now
    else:
        referral.status = "in_progress"
    audit.append_by(
        session,
        user,
        "referral_progress",
        lead_id=referral.lead_id,
        change={
            "referral": referral.id,
            "note": note,
            "outcome": outcome,
            "status": referral.status,
        },
    )
    return referral


def referrals_of_lead(session: Session, *, user: User, lead_id: int) -> list[Referral]:
    """A visible lead's referrals the caller may see, oldest first."""
    lead = session.scalar(select(Lead).where(Lead.id == lead_id, visible_leads(session, user)))
    if lead is None:
        raise NotFound(f"lead {lead_id} not found")
    mine = org_subtree(session, user.org_id)
    q = select(Referral).where(Referral.lead_id == lead.id).order_by(Referral.id)
    if user.role == "partner":
        q = q.where(Referral.to_org_id.in_(mine))
    return list(session.scalars(q))


def referral_box(session: Session, *, user: User, box: str) -> list[Referral]:
    """The caller's organisation's referrals: `in` (received), `out` (sent) or `all`."""
    mine = org_subtree(session, user.org_id)
    where = {
        "in": Referral.to_org_id.in_(mine),
        "out": Referral.from_org_id.in_(mine),
        "all": visible_referrals(session, user),
    }[box]
    return list(session.scalars(select(Referral).where(where).order_by(Referral.id.desc())))


def overdue_receipts(session: Session, *, user: User) -> list[Referral]:
    """Referrals the caller's organisation sent or received whose receipt is past due."""
    rows = referral_box(session, user=user, box="all")
    now = utcnow()
    return [r for r in rows if r.status == "sent" and r.receipt_due_at < now]
