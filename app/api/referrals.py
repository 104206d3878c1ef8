"""Cross-region partners: referrals with receipts and progress, joint handling, sharing
agreements."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from app.api.acting import act
from app.auth import Allow, Principal
from app.deps import DbId, SessionDep, SettingsDep, lead_visible_to
from app.errors import NotFound
from app.http.routing import TransactionRoute
from app.presenters.partners import referral_read, share_read
from app.schemas.partners import (
    HandlerCreate,
    HandlerRead,
    OrgRef,
    ProgressCreate,
    ReceiptCreate,
    ReferralCreate,
    ReferralRead,
    ShareCreate,
    ShareRead,
)
from app.services.partners import joint, shares
from app.services.partners import referrals as service
from models import Lead, Organisation

router = APIRouter(prefix="/api/v1", tags=["partners"], route_class=TransactionRoute)
Referrer = Annotated[Principal, Depends(Allow("referrals:write", "prosecutor", "admin"))]
Answerer = Annotated[Principal, Depends(Allow("referrals:write", "partner", "prosecutor", "admin"))]
read = Allow("leads:read", "partner", "prosecutor", "admin")
Reader = Annotated[Principal, Depends(read)]
ReadableLead = Annotated[Lead, Depends(lead_visible_to(read))]
Admin = Annotated[Principal, Depends(Allow("users:write", "admin"))]


@router.post(
    "/leads/{lead_id}/referrals",
    status_code=201,
    summary="Refer a lead to a partner organisation (移送)",
)
def create_referral(
    lead_id: DbId,
    body: ReferralCreate,
    session: SessionDep,
    settings: SettingsDep,
    caller: Referrer,
    response: Response,
) -> ReferralRead:
    """The partner sees the lead from now on and is asked for a receipt by the due date."""
    referral = act(service.refer, session, caller, body, lead_id=lead_id, settings=settings)
    response.headers["Location"] = f"/api/v1/referrals/{referral.id}"
    return referral_read(session, referral)


@router.get("/leads/{lead_id}/referrals", summary="A lead's referrals")
def lead_referrals(lead_id: DbId, session: SessionDep, caller: Reader) -> list[ReferralRead]:
    """Every referral of the lead (a partner: those to its organisation)."""
    return [
        referral_read(session, r)
        for r in service.referrals_of_lead(session, user=caller.user, lead_id=lead_id)
    ]


@router.get("/referrals", summary="The organisation's referrals, received or sent")
def referral_box(
    session: SessionDep,
    caller: Reader,
    box: Annotated[str, Query(pattern="^(in|out|all)$")] = "all",
) -> list[ReferralRead]:
    """Referrals to (`in`) or from (`out`) the caller's organisation, newest first."""
    return [
        referral_read(session, r) for r in service.referral_box(session, user=caller.user, box=box)
    ]


@router.get("/referrals/overdue", summary="Referrals whose receipt is past due")
def overdue(session: SessionDep, caller: Reader) -> list[ReferralRead]:
    """Sent or received referrals not acknowledged by their receipt date."""
    return [referral_read(session, r) for r in service.overdue_receipts(session, user=caller.user)]


@router.get("/referrals/{referral_id}", summary="A referral")
def referral(referral_id: DbId, session: SessionDep, caller: Reader) -> ReferralRead:
    """A referral the caller's organisation sent or received."""
    return referral_read(
        session, service.get_referral(session, user=caller.user, referral_id=referral_id)
    )


@router.post("/referrals/{referral_id}/receipt", summary="Acknowledge a referral (回执)")
def receipt(
    referral_id: DbId, body: ReceiptCreate, session: SessionDep, caller: Answerer
) -> ReferralRead:
    """The receiving organisation acknowledges the referral; recorded in the lead's log."""
    return referral_read(
        session, act(service.receipt, session, caller, body, referral_id=referral_id)
    )


@router.post("/referrals/{referral_id}/progress", summary="Report progress or the outcome")
def progress(
    referral_id: DbId, body: ProgressCreate, session: SessionDep, caller: Answerer
) -> ReferralRead:
    """A progress note; with `outcome` the referral is concluded, with `declined` it ends."""
    return referral_read(
        session, act(service.report_progress, session, caller, body, referral_id=referral_id)
    )


@router.post(
    "/leads/{lead_id}/organisations",
    status_code=201,
    summary="Name the lead organisation or a co-handler of a joint case",
)
def add_handler(
    lead_id: DbId, body: HandlerCreate, session: SessionDep, caller: Referrer
) -> list[HandlerRead]:
    """Joint cases: one lead organisation, any number of co-handling organisations."""
    joint.set_handler(session, user=caller.user, lead_id=lead_id, org_code=body.org, role=body.role)
    return _handlers(session, lead_id)


@router.get("/leads/{lead_id}/organisations", summary="A lead's handling organisations")
def list_handlers(lead: ReadableLead, session: SessionDep) -> list[HandlerRead]:
    """The lead organisation first, then the co-handlers."""
    return _handlers(session, lead.id)


def _handlers(session: SessionDep, lead_id: int) -> list[HandlerRead]:
    return [
        HandlerRead(org=OrgRef(code=o.code, name=o.name), role=r.role, added_at=r.added_at)
        for r, o in joint.handlers(session, lead_id=lead_id)
    ]


@router.post(
    "/partner-shares", status_code=201, summary="Share the leads of an area with a partner"
)
def create_share(body: ShareCreate, session: SessionDep, caller: Admin) -> ShareRead:
    """The partner's jurisdiction plus `jurisdiction_buffer_m`, or a basin feature; logged."""
    share = shares.grant_share(
        session,
        user=caller.user,
        org_code=body.org,
        buffer_m=body.jurisdiction_buffer_m,
        basin=(body.basin.layer, body.basin.feature_id) if body.basin else None,
        note=body.note,
    )
    return share_read(share, body.org)


@router.get("/partner-shares", summary="Sharing agreements")
def list_shares(session: SessionDep, caller: Admin) -> list[ShareRead]:
    """Every agreement, live and revoked, newest first."""
    codes = dict(session.query(Organisation.id, Organisation.code).all())
    return [share_read(s, codes[s.org_id]) for s in shares.list_shares(session)]


@router.delete("/partner-shares/{share_id}", summary="Revoke a sharing agreement")
def revoke_share(share_id: DbId, session: SessionDep, caller: Admin) -> ShareRead:
    """The partner no longer sees the area's leads (the agreement stays on record)."""
    share = shares.revoke_share(session, user=caller.user, share_id=share_id)
    org = session.get(Organisation, share.org_id)
    if org is None:
        raise NotFound(f"no organisation {share.org_id}")
    return share_read(share, org.code)
