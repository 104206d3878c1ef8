"""Referrals and sharing agreements as answered: organisations by code and name."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.presenters.rows import from_row
from app.schemas.labels import Label
from app.schemas.partners import OrgRef, ReferralRead, ShareRead
from models import Organisation, PartnerShare, Referral
from models.base import utcnow
from rules.referrals import REFERRAL_KINDS


def referral_read(session: Session, referral: Referral) -> ReferralRead:
    """Render a referral with its organisations by code and name."""
    orgs = {
        o.id: o
        for o in session.scalars(
            select(Organisation).where(
                Organisation.id.in_((referral.from_org_id, referral.to_org_id))
            )
        )
    }
    frm, to = orgs[referral.from_org_id], orgs.get(referral.to_org_id or 0)
    zh, en = REFERRAL_KINDS[referral.kind]
    return from_row(
        ReferralRead,
        referral,
        kind_label=Label(zh=zh, en=en),
        from_org=OrgRef(code=frm.code, name=frm.name),
        to_org=None if to is None else OrgRef(code=to.code, name=to.name),
        receiver=to.name if to is not None else referral.receiver,
        overdue=referral.status == "sent" and referral.receipt_due_at < utcnow(),
    )


def share_read(share: PartnerShare, org_code: str) -> ShareRead:
    """Render a sharing agreement with its partner's code."""
    return from_row(ShareRead, share, org=org_code)
