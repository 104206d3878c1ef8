"""Use cases: record what investigation found on an evidence element, and list the findings."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import Invalid
from app.services import audit
from app.services.leads.steps import reassess_legal
from app.services.leads.workflow import lead_to_act_on
from models import EvidenceItem, LeadFinding, User
from rules.legal import ELEMENTS


def record_finding(
    session: Session,
    *,
    user: User,
    lead_id: int,
    element: str,
    proven: bool,
    note: str,
    evidence_ids: list[int],
) -> LeadFinding:
    """Record a finding on one element of a lead the user acts on (logged), then re-match
    the lead's bases: the finding proves or refutes the element from now on."""
    lead = lead_to_act_on(session, user=user, lead_id=lead_id)
    if element not in ELEMENTS:
        raise Invalid(f"unknown element {element!r}; use one of {', '.join(ELEMENTS)}")
    if not note.strip():
        raise Invalid("say what the finding rests on (note)")
    wanted = set(evidence_ids)
    own = set(
        session.scalars(
            select(EvidenceItem.id).where(
                EvidenceItem.lead_id == lead.id, EvidenceItem.id.in_(wanted)
            )
        )
    )
    if wanted - own:
        raise Invalid(f"evidence {sorted(wanted - own)} is not this lead's")
    finding = LeadFinding(
        lead_id=lead.id,
        element=element,
        proven=proven,
        note=note,
        evidence_ids=sorted(wanted),
        created_by_id=user.id,
    )
    session.add(finding)
    session.flush()
    audit.append_by(
        session,
        user,
        "finding",
        lead_id=lead.id,
        change={"element": element, "proven": proven, "note": note, "evidence": sorted(wanted)},
    )
    reassess_legal(session, lead=lead, actor=audit.actor_of(user))
    return finding


def findings_of(session: Session, *, lead_id: int) -> list[LeadFinding]:
    """A lead's findings, oldest first (the newest per element is the one that counts)."""
    return list(
        session.scalars(
            select(LeadFinding).where(LeadFinding.lead_id == lead_id).order_by(LeadFinding.id)
        )
    )
