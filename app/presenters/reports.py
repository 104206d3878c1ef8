"""Reports as answered: with their photos' links, naming only the duplicates a user may see."""

from geoalchemy2.shape import to_shape
from sqlalchemy.orm import Session

from app.presenters.rows import from_row
from app.schemas.reports import LocationRead, PhotoRead, ReportRead
from app.services.access import visible_duplicates
from app.services.reports.queries import organisation_of, report_status
from models import Report, ReportPhoto, User
from rules.categories import CATEGORIES, STATUS_WORDS


def report_read(
    session: Session, user: User, report: Report, photos: list[ReportPhoto]
) -> ReportRead:
    """Render a report with its photos' links, naming only the duplicates `user` may see."""
    dup = visible_duplicates(session, user=user, report=report, photos=photos)
    point = to_shape(report.location)
    base = f"/api/v1/reports/{report.id}/photos"
    status = report_status(session, report)
    zh, en = STATUS_WORDS[status]
    cat = CATEGORIES[report.category]
    return from_row(
        ReportRead,
        report,
        status=status,
        status_text={"zh": zh, "en": en},
        category_label={"zh": cat.zh, "en": cat.en},
        location=LocationRead(
            lon=point.x,
            lat=point.y,
            source=report.location_source,
            accuracy_m=report.accuracy_m,
            device=report.device_location,
        ),
        organisation=dict(organisation_of(session, report) or {}),
        duplicate_of_report_id=dup.report_id,
        seen_before=report.duplicate_of_id is not None,
        photos=[
            from_row(
                PhotoRead,
                p,
                n=p.position,
                duplicate_of_photo_id=dup.photo_ids.get(p.id),
                seen_before=p.duplicate_of_id is not None,
                url=f"{base}/{p.position}",
                thumb_url=f"{base}/{p.position}?size=thumb",
            )
            for p in photos
        ],
    )
