"""Who may see which rows: reports, leads, jobs, and other volunteers' duplicates.

One module for row visibility, so a rule is stated once and every query uses it: volunteers
see their own reports; prosecutors the reports and leads of their organisation and those
below it, and leads shared with it; partners (other regions' procuratorates and agencies)
only the leads shared with them; admins everything; a job is seen by whoever created it
(and admins). Acting on a lead is narrower than seeing it (`acts_for`): only its own
organisation's prosecutors (and those above) and admins act; shared leads are read-only.
"""

from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, exists, func, or_, select, true
from sqlalchemy.orm import Session

from app.errors import Forbidden
from models import (
    EvidenceItem,
    Job,
    Lead,
    LeadOrganisation,
    Organisation,
    PartnerShare,
    Referral,
    Report,
    ReportPhoto,
    User,
)

# Roles that review reports and so may follow a duplicate to the earlier report or photo.
REVIEWERS = ("prosecutor", "admin")


def org_subtree(session: Session, org_id: int) -> set[int]:
    """Return an organisation and every organisation below it."""
    found, frontier = {org_id}, {org_id}
    while frontier:
        frontier = (
            set(
                session.scalars(select(Organisation.id).where(Organisation.parent_id.in_(frontier)))
            )
            - found
        )
        found |= frontier
    return found


def visible_reports(session: Session, user: User) -> ColumnElement[bool]:
    """Volunteers see their own reports; prosecutors their jurisdiction's; partners those of
    leads referred to them with the originals granted; admins all."""
    if user.role == "volunteer":
        return Report.user_id == user.id
    if user.role == "prosecutor":
        return Report.org_id.in_(org_subtree(session, user.org_id))
    if user.role == "admin":
        return true()
    if user.role == "partner":  # only the reports of leads referred with their originals
        granted = (
            select(EvidenceItem.report_id)
            .join(Referral, Referral.lead_id == EvidenceItem.lead_id)
            .where(
                Referral.to_org_id.in_(org_subtree(session, user.org_id)),
                Referral.grants_originals.is_(True),
                EvidenceItem.report_id.is_not(None),
            )
        )
        return Report.id.in_(granted)
    raise Forbidden(f"a {user.role} may not read reports")


def shared_with(org_ids: set[int]) -> ColumnElement[bool]:
    """Leads shared with these organisations: referred to them, handled jointly with them,
    or lying in an area agreed with them (a live sharing agreement)."""
    referred = exists().where(Referral.lead_id == Lead.id, Referral.to_org_id.in_(org_ids))
    joint = exists().where(
        LeadOrganisation.lead_id == Lead.id, LeadOrganisation.org_id.in_(org_ids)
    )
    in_area = exists().where(
        PartnerShare.org_id.in_(org_ids),
        PartnerShare.revoked_at.is_(None),
        func.ST_Intersects(PartnerShare.geom, Lead.geom),
    )
    return or_(referred, joint, in_area)


def visible_leads(session: Session, user: User) -> ColumnElement[bool]:
    """Prosecutors see their organisation's leads and those below it, and what is shared with
    it; partners only what is shared with theirs; admins all."""
    if user.role == "admin":
        return true()
    if user.role == "prosecutor":
        own = org_subtree(session, user.org_id)
        return or_(Lead.org_id.in_(own), shared_with(own))
    if user.role == "partner":
        return shared_with(org_subtree(session, user.org_id))
    raise Forbidden(f"a {user.role} may not read leads")


def acts_for(session: Session, user: User, org_id: int | None) -> bool:
    """Whether the user may act on what belongs to this organisation (a lead's workflow,
    merging, splitting, assignment, dossier, referral): admins for all; prosecutors for their
    organisation and those below it. Leads shared or referred with anyone else are read-only
    to them."""
    if user.role == "admin":
        return True
    if user.role != "prosecutor" or org_id is None:
        return False
    return org_id in org_subtree(session, user.org_id)


def visible_referrals(session: Session, user: User) -> ColumnElement[bool]:
    """Referrals sent or received by the caller's organisation (and those below it); admins
    all."""
    if user.role == "admin":
        return true()
    orgs = org_subtree(session, user.org_id)
    return or_(Referral.from_org_id.in_(orgs), Referral.to_org_id.in_(orgs))


# Roles that may download original evidence files of the reports they can see (a partner
# sees a report only through a referral that grants its originals).
ORIGINALS_ROLES = ("prosecutor", "admin", "partner")


def may_see_job(user: User, job: Job) -> bool:
    """A job is seen by the user who created it, and by admins."""
    return user.role == "admin" or job.created_by_id == user.id


@dataclass(frozen=True)
class DuplicateIds:
    """The duplicate ids a caller may see for one report (the rest are shown as unnamed)."""

    report_id: int | None
    photo_ids: dict[int, int] = field(default_factory=dict)  # photo id -> earlier photo id


def visible_duplicates(
    session: Session, *, user: User, report: Report, photos: list[ReportPhoto]
) -> DuplicateIds:
    """Return the duplicate ids a caller may see: all for reviewers, else only their own."""
    earlier = {p.id: p.duplicate_of_id for p in photos if p.duplicate_of_id is not None}
    if user.role in REVIEWERS:
        return DuplicateIds(report.duplicate_of_id, earlier)
    own_report = None
    if report.duplicate_of_id is not None:
        own_report = session.scalar(
            select(Report.id).where(Report.id == report.duplicate_of_id, Report.user_id == user.id)
        )
    own_photos: set[int] = set()
    if earlier:
        own_photos = set(
            session.scalars(
                select(ReportPhoto.id)
                .join(Report, Report.id == ReportPhoto.report_id)
                .where(ReportPhoto.id.in_(set(earlier.values())), Report.user_id == user.id)
            )
        )
    return DuplicateIds(own_report, {k: v for k, v in earlier.items() if v in own_photos})
