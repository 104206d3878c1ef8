"""What the partner use cases share: partner organisations and who acts for one."""

from sqlalchemy.orm import Session

from app.errors import Invalid, NotFound
from app.services.access import org_subtree
from app.services.accounts.organisations import get_organisation
from models import Organisation, User


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
