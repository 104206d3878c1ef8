"""Use cases: joint cases — a lead's lead organisation and its co-handling organisations."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import Invalid
from app.services import audit
from app.services.accounts.organisations import get_organisation
from app.services.leads.workflow import lead_to_act_on
from models import LeadOrganisation, Organisation, User

ROLES = ("lead", "co")


def set_handler(
    session: Session, *, user: User, lead_id: int, org_code: str, role: str
) -> LeadOrganisation:
    """Make an organisation the lead organisation or a co-handler of one's own lead; there is
    one lead organisation (naming another demotes the previous one to co-handler)."""
    if role not in ROLES:
        raise Invalid(f"role must be one of {', '.join(ROLES)}")
    lead = lead_to_act_on(session, user=user, lead_id=lead_id)
    org = get_organisation(session, code=org_code)
    if role == "lead":
        for row in session.scalars(
            select(LeadOrganisation).where(
                LeadOrganisation.lead_id == lead.id, LeadOrganisation.role == "lead"
            )
        ):
            row.role = "co"
    found = session.get(LeadOrganisation, (lead.id, org.id))
    if found is None:
        found = LeadOrganisation(lead_id=lead.id, org_id=org.id, role=role, added_by_id=user.id)
        session.add(found)
    found.role = role
    session.flush()
    audit.append_by(
        session,
        user,
        "joint_handling",
        lead_id=lead.id,
        change={"org": org.code, "role": role},
    )
    return found


def handlers(session: Session, *, lead_id: int) -> list[tuple[LeadOrganisation, Organisation]]:
    """The lead's handling organisations, the lead organisation first."""
    rows = session.execute(
        select(LeadOrganisation, Organisation)
        .join(Organisation, Organisation.id == LeadOrganisation.org_id)
        .where(LeadOrganisation.lead_id == lead_id)
        .order_by(LeadOrganisation.role.desc(), Organisation.code)
    ).all()
    return [(r, o) for r, o in rows]
