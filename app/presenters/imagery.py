"""Imagery results as answered: change detections with their polygons."""

from geoalchemy2.shape import to_shape
from shapely.geometry import mapping
from sqlalchemy.orm import Session

from app.presenters.rows import from_row
from app.schemas.imagery import ChangeDetectionRead, ChangePolygonRead
from app.services.imagery.change import polygons_of, visible_evidence_leads
from models import ChangeDetection, User


def detection_read(session: Session, detection: ChangeDetection, user: User) -> ChangeDetectionRead:
    """A detection as `user` may see it: polygons and figures (imagery is shared by the
    platform's procuratorates), but only the evidence and leads of leads they may see."""
    polygons = polygons_of(session, detection.id)
    items = visible_evidence_leads(session, user, polygons)
    summary = {
        **detection.summary,
        "evidence": [e for e in detection.summary.get("evidence", []) if e in items],
        "leads": sorted(set(items.values())),
    }
    return from_row(
        ChangeDetectionRead,
        detection,
        summary=summary,
        polygons=[
            from_row(
                ChangePolygonRead,
                p,
                geometry=mapping(to_shape(p.geom)),
                evidence_id=p.evidence_id if p.evidence_id in items else None,
                lead_id=items.get(p.evidence_id) if p.evidence_id else None,
            )
            for p in polygons
        ],
    )
