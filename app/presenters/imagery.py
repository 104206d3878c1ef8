"""Imagery results as answered: change detections with their polygons."""

from geoalchemy2.shape import to_shape
from shapely.geometry import mapping
from sqlalchemy.orm import Session

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
    return ChangeDetectionRead(
        id=detection.id,
        before_id=detection.before_id,
        after_id=detection.after_id,
        index=detection.index,
        threshold=detection.threshold,
        min_area_m2=detection.min_area_m2,
        direction=detection.direction,
        summary=summary,
        created_at=detection.created_at,
        polygons=[
            ChangePolygonRead(
                id=p.id,
                geometry=mapping(to_shape(p.geom)),
                area_ha=p.area_ha,
                mean_change=p.mean_change,
                pixels=p.pixels,
                confidence=p.confidence,
                confirmations=p.confirmations,
                zones=p.zones,
                category=p.category,
                evidence_id=p.evidence_id if p.evidence_id in items else None,
                lead_id=items.get(p.evidence_id) if p.evidence_id else None,
            )
            for p in polygons
        ],
    )
