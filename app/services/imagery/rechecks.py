"""Use case: a remediation re-check — does a newer image show the lead's changed areas
restored? The restored fraction is recorded on the lead, re-scores it, and goes into its
dossier with before/after figures."""

from typing import Any

from geoalchemy2.shape import to_shape
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import Invalid
from app.services import audit
from app.services.files.evidence_store import EvidenceStore
from app.services.imagery.catalog import check_index_of, get_raster, scene_of
from app.services.imagery.ingest import image_actor
from app.services.leads.pipeline import reassess
from app.services.leads.workflow import lead_to_act_on
from app.settings import Settings
from geo.imagery.change import ChangeParams, ChangeRefused
from geo.imagery.recheck import restored_fraction
from geo.progress import Progress, no_progress
from models import ChangeDetection, ChangePolygon, EvidenceItem, Image, Lead, Recheck, User


def lead_polygons(session: Session, lead_id: int) -> list[ChangePolygon]:
    """The change polygons that are evidence of a lead, largest first."""
    return list(
        session.scalars(
            select(ChangePolygon)
            .join(EvidenceItem, EvidenceItem.id == ChangePolygon.evidence_id)
            .where(EvidenceItem.lead_id == lead_id)
            .order_by(ChangePolygon.area_ha.desc(), ChangePolygon.id)
        )
    )


def latest_recheck(session: Session, lead_id: int) -> Recheck | None:
    """The lead's newest re-check, if any."""
    return session.scalar(
        select(Recheck).where(Recheck.lead_id == lead_id).order_by(Recheck.id.desc()).limit(1)
    )


def list_rechecks(session: Session, lead_id: int) -> list[Recheck]:
    """The lead's re-checks, newest first."""
    return list(
        session.scalars(
            select(Recheck).where(Recheck.lead_id == lead_id).order_by(Recheck.id.desc())
        )
    )


def check_recheck(
    session: Session, *, user: User, lead_id: int, after_id: int
) -> tuple[Lead, Image, list[ChangePolygon]]:
    """Refuse (404/422) a re-check that cannot run: a lead the user cannot see or without
    change polygons, an image that is not a raster, not newer, or does not cover them."""
    lead = lead_to_act_on(session, user=user, lead_id=lead_id)
    polygons = lead_polygons(session, lead.id)
    if not polygons:
        raise Invalid(f"lead {lead.id} has no change polygons to re-check")
    after = get_raster(session, after_id)
    footprint = to_shape(after.footprint)
    if not any(footprint.intersects(to_shape(p.geom)) for p in polygons):
        raise Invalid(f"image {after.id} does not cover the change polygons of lead {lead.id}")
    for p in polygons:
        detection = session.get_one(ChangeDetection, p.detection_id)
        check_index_of(after, detection.index)
        seen = session.get_one(Image, detection.after_id).acquired_at
        if after.acquired_at <= seen:
            raise Invalid(
                f"image {after.id} is not newer than the image that showed the change "
                f"({seen:%Y-%m-%d})"
            )
    return lead, after, polygons


def recheck(
    session: Session,
    *,
    user: User,
    lead_id: int,
    after_id: int,
    store: EvidenceStore,
    settings: Settings,
    progress: Progress = no_progress,
) -> Recheck:
    """Measure the restored fraction of each change polygon of a lead (heavy: a job)."""
    lead, after, polygons = check_recheck(session, user=user, lead_id=lead_id, after_id=after_id)
    rows: list[dict[str, Any]] = []
    weighted = area = 0.0
    for n, polygon in enumerate(polygons, start=1):
        detection = session.get_one(ChangeDetection, polygon.detection_id)
        before = session.get_one(Image, detection.before_id)
        params = ChangeParams(
            detection.index, detection.threshold, detection.min_area_m2, detection.direction
        )
        try:
            (fraction,) = restored_fraction(
                scene_of(before, store), scene_of(after, store), [to_shape(polygon.geom)], params
            )
        except ChangeRefused as exc:
            raise Invalid(str(exc)) from exc
        if fraction is not None:
            weighted += polygon.area_ha * fraction
            area += polygon.area_ha
        rows.append(
            {
                "change_polygon_id": polygon.id,
                "evidence_id": polygon.evidence_id,
                "detection_id": detection.id,
                "before_image_id": before.id,
                "area_ha": round(polygon.area_ha, 4),
                "restored_fraction": None if fraction is None else round(fraction, 4),
            }
        )
        progress(n / len(polygons) * 0.9, f"re-checked {n} of {len(polygons)} areas")
    overall = weighted / area if area else None
    record = Recheck(
        lead_id=lead.id,
        after_id=after.id,
        restored_fraction=None if overall is None else round(overall, 4),
        polygons=rows,
        created_by_id=user.id,
    )
    session.add(record)
    session.flush()
    actor = image_actor(user.id)
    audit.append(
        session,
        actor=actor,
        action="recheck",
        lead_id=lead.id,
        change={
            "recheck": record.id,
            "after": after.id,
            "after_sha256": after.original_sha256,
            "restored_fraction": record.restored_fraction,
            "polygons": rows,
        },
    )
    reassess(session, [lead], actor=actor, settings=settings)
    progress(1.0, "re-check recorded")
    return record
