"""What a caller may learn about duplicates: other volunteers' reports stay unnamed."""

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Report, ReportPhoto, User

# Roles that review reports and so may follow a duplicate to the earlier report or photo.
REVIEWERS = ("prosecutor", "admin")


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
