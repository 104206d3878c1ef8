"""Use case: detect change between two images and turn what changed in protected zones
into evidence.

Each change polygon is geocoded like a report. One inside a protected zone becomes an
evidence item that joins or starts a lead, with a category read from the index and the
zone (vegetation lost or bare soil gained: land disturbance; water lost in a wetland:
wetland damage; a burn scar: straw burning). Confidence climbs as other evidence agrees:
low (one pair), high (a later image shows the same change, or a drone photo or citizen
report was made there since), highest (both).
"""

from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

import shapely
from geoalchemy2.shape import from_shape, to_shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import Conflict, Invalid
from app.services import audit
from app.services.access import visible_leads
from app.services.files.evidence_store import EvidenceStore
from app.services.files.scratch import process_scratch
from app.services.imagery.catalog import check_index_of, get_raster, scene_of
from app.services.imagery.ingest import image_actor
from app.services.leads.pipeline import place, reassess
from app.services.places.geocode import Window, geocode_geometries, widened
from app.services.webhooks import emit
from app.settings import Settings
from geo.imagery.change import ChangeParams, ChangeRefused, detect_change
from geo.imagery.indices import check_index
from geo.place import ZoneEntry
from geo.progress import Progress, no_progress
from models import ChangeDetection, ChangePolygon, EvidenceItem, Image, Lead, User
from models.base import SRID
from models.spatial import BBoxFilter
from rules.categories import change_category
from rules.kinds import KINDS

DIRECTIONS = ("decrease", "increase", "either")
# Ground evidence this close to a change polygon (m) counts as seeing the same change.
GROUND_RADIUS_M = 30.0
GROUND_KINDS = ("drone_photo", "citizen_report")


@dataclass(frozen=True)
class ChangeRequest:
    """What to compare and how."""

    before: int
    after: int
    index: str
    threshold: float
    min_area_m2: float
    direction: str | None = None

    def params(self) -> ChangeParams:
        """The detector's parameters (the index's harm direction by default)."""
        return ChangeParams(self.index, self.threshold, self.min_area_m2, self.direction)


def check_request(session: Session, req: ChangeRequest) -> tuple[Image, Image]:
    """Refuse (422) a request that cannot run: unknown or non-raster images, the same image
    twice, an index either image cannot give, images that do not overlap, bad numbers."""
    if req.before == req.after:
        raise Invalid("before and after are the same image")
    if req.direction is not None and req.direction not in DIRECTIONS:
        raise Invalid(f"direction must be one of {', '.join(DIRECTIONS)}")
    if not 0 < req.threshold <= 2:
        raise Invalid("threshold must be > 0 and <= 2 (an index difference)")
    if req.min_area_m2 < 0:
        raise Invalid("min_area_m2 must be >= 0")
    before, after = get_raster(session, req.before), get_raster(session, req.after)
    for image in (before, after):
        check_index_of(image, req.index)
    if not to_shape(before.footprint).intersects(to_shape(after.footprint)):
        raise Invalid(f"images {before.id} and {after.id} do not overlap")
    if after.acquired_at <= before.acquired_at:
        raise Invalid("the after image must be acquired later than the before image")
    direction = req.direction or check_index(req.index).harm
    twin = session.scalar(
        select(ChangeDetection.id).where(
            ChangeDetection.before_id == before.id,
            ChangeDetection.after_id == after.id,
            ChangeDetection.index == req.index,
            ChangeDetection.threshold == req.threshold,
            ChangeDetection.min_area_m2 == req.min_area_m2,
            ChangeDetection.direction == direction,
        )
    )
    if twin is not None:
        raise Conflict(f"this pair was already compared this way: change detection {twin}")
    return before, after


def category_for(index: str, zones: Sequence[ZoneEntry]) -> str | None:
    """The evidence category of a change in these zones; None outside protected zones."""
    kinds = frozenset(
        z["kind"] for z in zones if KINDS.get(z["kind"]) and KINDS[z["kind"]].protected
    )
    return change_category(index, kinds)


def detect(
    session: Session,
    *,
    req: ChangeRequest,
    store: EvidenceStore,
    settings: Settings,
    user_id: int | None,
    progress: Progress = no_progress,
) -> ChangeDetection:
    """Run a change detection, store its polygons and turn those in protected zones into
    evidence (heavy: run as a job)."""
    before, after = check_request(session, req)
    params = req.params()
    scratch = process_scratch(settings.scratch_dir)
    try:
        result = detect_change(
            scene_of(before, store),
            scene_of(after, store),
            params,
            workdir=scratch,
            progress=lambda f, m: progress(0.05 + 0.75 * f, m),
        )
    except ChangeRefused as exc:
        raise Invalid(str(exc)) from exc
    # Stored with the parameters it ran with, the index's harm direction filled in.
    used = replace(params, direction=params.direction or check_index(req.index).harm)
    detection = ChangeDetection(
        **asdict(used),
        before_id=before.id,
        after_id=after.id,
        summary={
            "grid": result.grid,
            "polygons": len(result.polygons),
            "changed_area_ha": round(result.changed_area_m2 / 1e4, 4),
            "removed_specks": result.removed_specks,
            "valid_pixels": result.valid_pixels,
            "illustrative": before.illustrative or after.illustrative,
        },
        created_by_id=user_id,
    )
    session.add(detection)
    session.flush()
    actor = image_actor(user_id)
    progress(0.85, f"geocoding {len(result.polygons)} change polygons")
    shapes = [found.geom for found in result.polygons]
    # A polygon keeps the zones it meets; distances to partners and nearest features come
    # with its lead's geocode.
    places = geocode_geometries(
        session, geometries=shapes, partner_distance_m=0.0, nearest_max_m=0.0
    )
    polygons = [
        ChangePolygon(
            detection_id=detection.id,
            geom=from_shape(found.geom, srid=SRID),
            area_ha=found.area_m2 / 1e4,
            mean_change=found.mean_change,
            pixels=found.pixels,
            confidence="low",
            confirmations=[],
            zones=place_of["zones"],
            category=category_for(req.index, place_of["zones"]),
        )
        for found, place_of in zip(result.polygons, places, strict=True)
    ]
    session.add_all(polygons)
    session.flush()
    rescore = _confirm(session, polygons, shapes, detection)
    items = _evidence(session, polygons, detection, before, after)
    evidence = [i.id for i in items]
    leads = {lead.id for lead in place(session, items, actor=actor, settings=settings).leads}
    # Leads whose earlier polygons this detection confirmed (and no new item reassessed).
    confirmed = [session.get_one(Lead, i) for i in sorted(rescore - leads)]
    reassess(session, confirmed, actor="system:imagery", settings=settings)
    audit.append(
        session,
        actor=actor,
        action="change_detection",
        change={
            "detection": detection.id,
            "before": before.id,
            "after": after.id,
            "index": req.index,
            "threshold": req.threshold,
            "min_area_m2": req.min_area_m2,
            "polygons": len(result.polygons),
            "evidence": evidence,
        },
    )
    detection.summary = {**detection.summary, "evidence": evidence, "leads": sorted(leads)}
    session.flush()
    if result.polygons:
        _emit_change(session, detection, polygons, shapes)
    progress(1.0, f"{len(result.polygons)} change polygons, {len(evidence)} evidence items")
    return detection


def _emit_change(
    session: Session,
    detection: ChangeDetection,
    polygons: list[ChangePolygon],
    shapes: list[BaseGeometry],
) -> None:
    """Tell subscribers whose area the changed polygons meet (webhook change_detected). The
    event names images and polygons, shared by the platform's procuratorates, never the
    evidence or leads they became (those belong to the leads' organisations)."""
    data = {
        "detection_id": detection.id,
        "before": detection.before_id,
        "after": detection.after_id,
        "index": detection.index,
        "polygons": [
            {"id": p.id, "area_ha": round(p.area_ha, 4), "category": p.category} for p in polygons
        ],
    }
    emit(session, "change_detected", data, shapely.union_all(shapes))


def _evidence(
    session: Session,
    polygons: list[ChangePolygon],
    detection: ChangeDetection,
    before: Image,
    after: Image,
) -> list[EvidenceItem]:
    """Evidence items of the polygons with a category (in protected zones), stored at once."""
    scenes = {
        role: {
            "image_id": image.id,
            "sha256": image.original_sha256,
            "acquired_at": image.acquired_at.isoformat(),
        }
        for role, image in (("before", before), ("after", after))
    }
    chosen = [p for p in polygons if p.category is not None]
    items = [
        EvidenceItem(
            kind="change_polygon",
            category=polygon.category,
            geom=polygon.geom,
            observed_at=after.acquired_at,
            source=f"imagery:{after.sensor}",
            provenance={
                "change_polygon_id": polygon.id,
                "detection_id": detection.id,
                "index": detection.index,
                "threshold": detection.threshold,
                "direction": detection.direction,
                "area_ha": round(polygon.area_ha, 4),
                "mean_change": round(polygon.mean_change, 4),
                "confidence": polygon.confidence,
                **scenes,
                "illustrative": before.illustrative or after.illustrative,
            },
        )
        for polygon in chosen
    ]
    session.add_all(items)
    session.flush()
    for polygon, item in zip(chosen, items, strict=True):
        polygon.evidence_id = item.id
    return items


def _near(session: Session, window: Window, model: Any, *where: Any) -> tuple[list[Any], Any]:
    """Rows of `model` whose geometry's box meets the window (oldest first), and an STRtree
    of their geometries."""
    rows = list(
        session.scalars(
            select(model).where(BBoxFilter(model.id, model.geom, window), *where).order_by(model.id)
        )
    )
    return rows, shapely.STRtree([to_shape(r.geom) for r in rows])


def _confirm(
    session: Session,
    polygons: list[ChangePolygon],
    shapes: list[BaseGeometry],
    detection: ChangeDetection,
) -> set[int]:
    """Set each new polygon's confidence from other detections and ground evidence, and
    raise the confidence of earlier polygons they confirm; return the leads to re-score.
    Two queries for the whole detection."""
    if not polygons:
        return set()
    minx, miny, maxx, maxy = shapely.total_bounds(shapes).tolist()
    window = widened((minx, miny, maxx, maxy), GROUND_RADIUS_M)
    others, other_tree = _near(session, window, ChangePolygon,
                               ChangePolygon.detection_id != detection.id)  # fmt: skip
    matching = set(
        session.scalars(
            select(ChangeDetection.id).where(
                ChangeDetection.id.in_({o.detection_id for o in others}),
                ChangeDetection.index == detection.index,
                ChangeDetection.direction == detection.direction,
            )
        )
    )
    since = session.get_one(Image, detection.before_id).acquired_at
    ground, ground_tree = _near(session, window, EvidenceItem,
                                EvidenceItem.kind.in_(GROUND_KINDS))  # fmt: skip
    rescore: set[int] = set()
    for polygon, geom in zip(polygons, shapes, strict=True):
        confirmations: list[dict[str, Any]] = []
        for k in sorted(other_tree.query(geom, predicate="intersects").tolist()):
            other = others[k]
            if other.detection_id not in matching:
                continue
            confirmations.append({"kind": "image", "detection": other.detection_id,
                                  "polygon": other.id})  # fmt: skip
            mark = {"kind": "image", "detection": detection.id, "polygon": polygon.id}
            other.confirmations = [*other.confirmations, mark]
            rescore |= _rate(session, other)
        buffered = geom.buffer(GROUND_RADIUS_M / 111_320)
        for k in sorted(ground_tree.query(buffered, predicate="intersects").tolist()):
            if ground[k].observed_at >= since:
                confirmations.append({"kind": ground[k].kind, "evidence": ground[k].id})
        polygon.confirmations = confirmations
        rescore |= _rate(session, polygon)
    return rescore


def _rate(session: Session, polygon: ChangePolygon) -> set[int]:
    """Confidence from confirmations; return the polygon's lead if a changed rating means it
    must be re-scored."""
    images = any(c["kind"] == "image" for c in polygon.confirmations)
    ground = any(c["kind"] in GROUND_KINDS for c in polygon.confirmations)
    rating = "highest" if images and ground else "high" if images or ground else "low"
    if rating == polygon.confidence:
        return set()
    polygon.confidence = rating
    if polygon.evidence_id is None:
        return set()
    item = session.get_one(EvidenceItem, polygon.evidence_id)
    item.provenance = {**item.provenance, "confidence": rating}
    return {item.lead_id} if item.lead_id is not None else set()


def visible_evidence_leads(
    session: Session, user: User, polygons: list[ChangePolygon]
) -> dict[int, int]:
    """{evidence id: lead id} of the polygons' evidence whose lead the user may see: the
    rest name leads of other organisations and are not shown."""
    ids = [p.evidence_id for p in polygons if p.evidence_id is not None]
    if not ids:
        return {}
    rows = session.execute(
        select(EvidenceItem.id, EvidenceItem.lead_id)
        .join(Lead, Lead.id == EvidenceItem.lead_id)
        .where(EvidenceItem.id.in_(ids), visible_leads(session, user))
    )
    return {evidence: lead for evidence, lead in rows if lead is not None}


def polygons_of(session: Session, detection_id: int) -> list[ChangePolygon]:
    """A detection's change polygons, largest first."""
    return list(
        session.scalars(
            select(ChangePolygon)
            .where(ChangePolygon.detection_id == detection_id)
            .order_by(ChangePolygon.area_ha.desc(), ChangePolygon.id)
        )
    )
