"""Referrals and sharing agreements as answered: organisations by code and name."""

from sqlalchemy import select
from sqlalchemy.orm import Session

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
    return ReferralRead(
        id=referral.id,
        lead_id=referral.lead_id,
        kind=referral.kind,
        kind_label=Label(zh=zh, en=en),
        from_org=OrgRef(code=frm.code, name=frm.name),
        to_org=None if to is None else OrgRef(code=to.code, name=to.name),
        receiver=to.name if to is not None else referral.receiver,
        basis=referral.basis,
        note=referral.note,
        grants_originals=referral.grants_originals,
        status=referral.status,
        receipt_due_at=referral.receipt_due_at,
        received_at=referral.received_at,
        receipt_note=referral.receipt_note,
        overdue=referral.status == "sent" and referral.receipt_due_at < utcnow(),
        progress=referral.progress,
        outcome=referral.outcome,
        concluded_at=referral.concluded_at,
        created_at=referral.created_at,
    )


def share_read(share: PartnerShare, org_code: str) -> ShareRead:
    """Render a sharing agreement with its partner's code."""
    return ShareRead(
        id=share.id,
        org=org_code,
        area_kind=share.area_kind,
        buffer_m=share.buffer_m,
        layer_feature_id=share.layer_feature_id,
        granted_at=share.granted_at,
        revoked_at=share.revoked_at,
        note=share.note,
    )
