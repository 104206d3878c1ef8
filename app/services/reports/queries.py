"""Use cases for reading reports: who sees what, and the files behind them."""

from typing import TypedDict

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import Forbidden, NotFound
from app.services.access import ORIGINALS_ROLES, visible_reports
from app.services.files.evidence_store import EvidenceStore, evidence_key
from models import EvidenceItem, Lead, Organisation, Report, ReportPhoto, User
from rules.categories import REPORT_STATUS_OF_LEAD

MEDIA_TYPES = {"jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp", "heic": "image/heic"}


def list_reports(
    session: Session,
    *,
    user: User,
    status: str | None,
    category: str | None,
    limit: int,
    offset: int,
) -> tuple[list[Report], dict[int, list[ReportPhoto]]]:
    """Return a page of the reports the user may see, newest first, with their photos."""
    conds = [visible_reports(session, user)]
    if status:
        conds.append(Report.status == status)
    if category:
        conds.append(Report.category == category)
    reports = list(
        session.scalars(
            select(Report).where(*conds).order_by(Report.id.desc()).limit(limit).offset(offset)
        )
    )
    return reports, _photos(session, [r.id for r in reports])


def _photos(session: Session, report_ids: list[int]) -> dict[int, list[ReportPhoto]]:
    out: dict[int, list[ReportPhoto]] = {i: [] for i in report_ids}
    for photo in session.scalars(
        select(ReportPhoto)
        .where(ReportPhoto.report_id.in_(report_ids))
        .order_by(ReportPhoto.report_id, ReportPhoto.position)
    ):
        out[photo.report_id].append(photo)
    return out


def get_report(session: Session, *, user: User, report_id: int) -> tuple[Report, list[ReportPhoto]]:
    """Return a report the user may see (404 otherwise, not revealing that it exists)."""
    visible = visible_reports(session, user)
    report = session.scalar(select(Report).where(Report.id == report_id, visible))
    if report is None:
        raise NotFound(f"report {report_id} not found")
    return report, _photos(session, [report.id])[report.id]


def photo_file(
    session: Session,
    *,
    user: User,
    store: EvidenceStore,
    report_id: int,
    position: int,
    variant: str,
) -> tuple[bytes, str, ReportPhoto]:
    """Return the bytes and media type of a report photo: display, thumb or original."""
    _, photos = get_report(session, user=user, report_id=report_id)
    photo = next((p for p in photos if p.position == position), None)
    if photo is None:
        raise NotFound(f"report {report_id} has no photo {position}")
    if variant == "original":
        if user.role not in ORIGINALS_ROLES:
            raise Forbidden("only prosecutors may download original evidence files")
        return store.get(evidence_key("originals", photo.sha256)), MEDIA_TYPES[photo.format], photo
    kind = "thumbs" if variant == "thumb" else "display"
    return store.get(evidence_key(kind, photo.sha256, ".jpg")), "image/jpeg", photo


def report_status(session: Session, report: Report) -> str:
    """What became of a report: the state of its lead (followed through merges)."""
    lead_id = session.scalar(
        select(EvidenceItem.lead_id).where(EvidenceItem.report_id == report.id)
    )
    for _ in range(10):  # merges chain a few steps at most
        # Two columns, not the lead: its geometry and scores would be read for nothing.
        found = (
            session.execute(
                select(Lead.status, Lead.merged_into_id).where(Lead.id == lead_id)
            ).first()
            if lead_id
            else None
        )
        if found is None:
            return report.status
        status, merged_into = found
        if status != "duplicate" or merged_into is None:
            return REPORT_STATUS_OF_LEAD.get(status, report.status)
        lead_id = merged_into
    return report.status


class OrgName(TypedDict):
    """An organisation's code and name."""

    code: str
    name: str


def organisation_of(session: Session, report: Report) -> OrgName | None:
    """Return code and name of a report's responsible organisation."""
    # Code and name only: the jurisdiction polygon would be read for nothing.
    org = session.execute(
        select(Organisation.code, Organisation.name).where(Organisation.id == report.org_id)
    ).first()
    return {"code": org.code, "name": org.name} if org else None
