"""The photo facts of leads, provided to the lead core (`leads.facts`)."""

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.leads.assess import PhotoFacts
from app.services.leads.facts import PHOTOS, Subject, provides
from app.settings import Settings
from models import Report, ReportPhoto


@provides(PHOTOS)
def photo_facts(
    session: Session, subjects: Sequence[Subject], settings: Settings | None
) -> list[PhotoFacts]:
    """Each lead's photos: how many, how many with EXIF GPS agreeing with the device,
    duplicates, reports with a capture time. Two queries for all leads."""
    report_ids = {i.report_id for s in subjects for i in s.items if i.report_id is not None}
    if not report_ids:
        return [PhotoFacts() for _ in subjects]
    # Columns, not whole rows: a lead of many reports would decode each one's stored place.
    flags = session.execute(select(Report.id, Report.flags).where(Report.id.in_(report_ids)))
    flagged = {rid: "exif_device_disagree" in f for rid, f in flags}
    timed: set[int] = set()  # reports with a measured time: a photo's capture time (EXIF)
    per_report: dict[int, list[int]] = {}
    photos = select(
        ReportPhoto.report_id, ReportPhoto.taken_at, ReportPhoto.exif, ReportPhoto.duplicate_of_id
    ).where(ReportPhoto.report_id.in_(report_ids))
    for rid, taken_at, exif, duplicate_of in session.execute(photos):
        if taken_at is not None:
            timed.add(rid)
        counts = per_report.setdefault(rid, [0, 0, 0])
        counts[0] += 1
        counts[1] += exif.get("lat") is not None and not flagged[rid]
        counts[2] += duplicate_of is not None
    out = []
    for s in subjects:
        total = [0, 0, 0]
        ids = {i.report_id for i in s.items if i.report_id is not None}
        for rid in ids:
            for k, v in enumerate(per_report.get(rid, (0, 0, 0))):
                total[k] += v
        out.append(PhotoFacts(total[0], total[1], total[2], len(ids & timed)))
    return out
