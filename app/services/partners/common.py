"""What the partner use cases share: finding organisations and the leads one may act on."""

from sqlalchemy.orm import Session

from app.errors import Forbidden, Invalid, NotFound
from app.services.access import org_subtree
from app.services.accounts.organisations import get_organisation
from app.services.leads.workflow import get_lead
from models import Lead, Organisation, User


def own_lead(session: Session, *, user: User, lead_id: int) -> Lead:
    """A lead of the caller's own procuratorate (or any, for admins); shared leads are not
    the caller's to refer or to share on."""
    lead = get_lead(session, user=user, lead_id=lead_id)
    if user.role != "admin" and lead.org_id not in org_subtree(session, user.org_id):
        raise Forbidden(f"lead {lead_id} is shared with your organisation, not its own")
    return lead


def partner_org(session: Session, code: str) -> Organisation:
    """An organisation that is a partner (another region's procuratorate or an agency)."""
    try:
        org = get_organisation(session, code=code)
    except NotFound:
        raise Invalid(f"no organisation {code!r}") from None
    if org.role != "partner":
        raise Invalid(f"organisation {code} ({org.name}) is not a partner organisation")
    return org


def member_of(session: Session, user: User, org_id: int) -> bool:
    """Whether the user acts for this organisation (or one above it); admins act for all."""
    if user.role == "admin":
        return True
    return org_id in org_subtree(session, user.org_id)
