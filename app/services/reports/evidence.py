"""A citizen report as an evidence item, ready for the lead pipeline."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import EvidenceItem, Report, ReportPhoto


def report_evidence(session: Session, report: Report) -> EvidenceItem:
    """Record a citizen report as an evidence item (not yet placed in a lead).

    The item's time is a measured one: the photos' capture (EXIF), else when the report
    reached us. A time the volunteer typed is kept apart as their claim (据举报人陈述): it
    neither proves when the act happened nor picks the law's edition.
    """
    photos = session.scalars(select(ReportPhoto).where(ReportPhoto.report_id == report.id)).all()
    captured = [p.taken_at for p in photos if p.taken_at is not None]
    measured = min(captured) if captured else report.submitted_at
    claimed = report.observed_at if report.observed_at not in (None, *captured) else None
    item = EvidenceItem(
        kind="citizen_report",
        category=report.category,
        geom=report.location,
        observed_at=measured,
        source=f"user:{report.user_id}",
        report_id=report.id,
        provenance={
            "location_source": report.location_source,
            "flags": report.flags,
            "photos": [p.sha256 for p in photos],
            "time_source": "exif" if captured else "submitted",
            **({"claimed_at": claimed.isoformat()} if claimed else {}),
        },
    )
    session.add(item)
    return item
