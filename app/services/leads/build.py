"""Use cases: turn evidence into leads — attach by space and time, geocode, score, explain.

Every change to a lead or its evidence appends to the tamper-evident log.
"""

from typing import Any

import shapely
from geoalchemy2.shape import from_shape, to_shape
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import Invalid
from app.services import audit
from app.services.air.attribution import lead_attribution
from app.services.leads.assess import (
    Gathered,
    assess,
    earlier_closed,
    imagery_facts,
    lead_items,
    photo_facts,
    procedure_of,
    zone_keys,
)
from app.services.leads.legal import legal_rows
from app.services.places.geocode import geocode_geometry, widened
from app.services.webhooks import emit
from app.settings import Settings
from geo.clustering import DEFAULT_RULE, RULES, EvidencePoint, OpenLead, assign
from geo.scoring.model import DEFAULT_WEIGHTS, Score, score
from geo.scoring.signals import SIGNALS, LeadFacts
from models import (
    EvidenceItem,
    Lead,
    Report,
    ReportPhoto,
    ScoreWeights,
    User,
)
from models.base import SRID, utcnow
from models.spatial import BBoxFilter
from rules.workflow import OPEN_STATUSES

# Facts used only to check that a weights version can score.
_PROBE = LeadFacts(
    category="other",
    zones=(),
    reporters=1,
    source_kinds=("citizen_report",),
    last_evidence_at=utcnow(),
    now=utcnow(),
    earlier_closed_leads=0,
    photos=0,
    photos_with_consistent_gps=0,
    duplicate_photos=0,
)
SEARCH_M = max([DEFAULT_RULE.distance_m, *(r.distance_m for r in RULES.values())])


def current_weights(session: Session) -> ScoreWeights:
    """Return the weights in force, creating version 1 from the defaults when none exist."""
    weights = session.scalar(select(ScoreWeights).order_by(ScoreWeights.id.desc()).limit(1))
    if weights is None:
        weights = ScoreWeights(weights=dict(DEFAULT_WEIGHTS), note="defaults")
        session.add(weights)
        session.flush()
    return weights


def list_weights(session: Session) -> list[ScoreWeights]:
    """Return every weights version, newest first."""
    current_weights(session)
    return list(session.scalars(select(ScoreWeights).order_by(ScoreWeights.id.desc())))


def new_weights(
    session: Session, *, user: User, weights: dict[str, float], note: str
) -> ScoreWeights:
    """Add a weights version after checking it scores (known signals, no negatives)."""
    unknown = set(weights) - set(SIGNALS)
    if unknown:
        raise Invalid(f"unknown signals {sorted(unknown)}; known: {', '.join(SIGNALS)}")
    try:
        score(_PROBE, weights)
    except ValueError as exc:
        raise Invalid(str(exc)) from exc
    version = ScoreWeights(weights=weights, note=note, created_by_id=user.id)
    session.add(version)
    session.flush()
    audit.append(
        session,
        actor=f"user:{user.id}",
        action="weights",
        change={"version": version.id, "weights": weights, "note": note},
    )
    return version


def _point(item: EvidenceItem) -> EvidencePoint:
    geom = to_shape(item.geom)
    c = geom if geom.geom_type == "Point" else geom.centroid
    return EvidencePoint(item.id, item.category, c.x, c.y, item.observed_at, item.kind, item.source)


def add_report_evidence(session: Session, *, report: Report, settings: Settings) -> EvidenceItem:
    """Record a citizen report as an evidence item and attach it to a lead."""
    photos = session.scalars(select(ReportPhoto).where(ReportPhoto.report_id == report.id)).all()
    # The item's time is a measured one: the photos' capture (EXIF), else when the report
    # reached us. A time the volunteer typed is kept apart as their claim (据举报人陈述): it
    # neither proves when the act happened nor picks the law's edition.
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
    session.flush()
    attach(session, item=item, actor=f"user:{report.user_id}", settings=settings)
    return item


def attach(session: Session, *, item: EvidenceItem, actor: str, settings: Settings) -> Lead:
    """Join the open lead the clustering rules pick, or start a new one (emitting
    lead.created); then re-score."""
    point = _point(item)
    near = widened((point.lon, point.lat, point.lon, point.lat), SEARCH_M)
    candidates = session.scalars(
        select(Lead).where(Lead.status.in_(OPEN_STATUSES), BBoxFilter(Lead.id, Lead.geom, near))
    ).all()
    open_leads = [
        OpenLead(lead.id, lead.category, [_point(e) for e in lead_items(session, lead)])
        for lead in candidates
    ]
    lead_id = assign(point, open_leads)
    created = lead_id is None
    if lead_id is None:
        lead = Lead(
            category=item.category,
            geom=item.geom,
            status="new",
            score=0.0,
            score_breakdown=[],
            legal_bases=[],
            geocode={},
        )
        session.add(lead)
        session.flush()
        audit.append(
            session,
            actor=actor,
            action="create",
            lead_id=lead.id,
            change={"category": lead.category, "evidence": item.id},
        )
    else:
        lead = next(c for c in candidates if c.id == lead_id)
    item.lead_id = lead.id
    audit.append(
        session,
        actor=actor,
        action="attach",
        lead_id=lead.id,
        evidence_id=item.id,
        change={"evidence": item.id, "kind": item.kind},
    )
    refresh(session, lead=lead, actor=actor, settings=settings)
    if created:
        data = {
            "lead_id": lead.id,
            "category": lead.category,
            "status": lead.status,
            "lon": point.lon,
            "lat": point.lat,
        }
        emit(session, "lead.created", data, to_shape(item.geom), lead_id=lead.id)
    return lead


def _single_report_geocode(session: Session, items: list[EvidenceItem]) -> dict[str, Any] | None:
    """A lead of one report lies where the report does: reuse the report's stored geocode."""
    if len(items) != 1 or items[0].report_id is None:
        return None
    report = session.get(Report, items[0].report_id)
    return report.geocode if report is not None and report.geocode else None


def refresh(session: Session, *, lead: Lead, actor: str, settings: Settings) -> None:
    """Recompute a lead's geometry, place, score and legal bases from its evidence."""
    items = lead_items(session, lead)
    shapes = [to_shape(i.geom) for i in items]
    hull = shapely.union_all(shapes) if len(shapes) > 1 else shapes[0]
    lead.geom = from_shape(hull, srid=SRID)
    lead.first_evidence_at = min(i.observed_at for i in items)
    lead.last_evidence_at = max(i.observed_at for i in items)
    lead.geocode = _single_report_geocode(session, items) or geocode_geometry(
        session,
        geometry=hull,
        partner_distance_m=settings.partner_distance_m,
        nearest_max_m=settings.nearest_max_m,
    )
    own = [o for o in lead.geocode["responsible_organisations"] if o["role"] == "own"]
    lead.org_id = own[0]["id"] if own else None
    (photos,) = photo_facts(session, [items])
    ((imagery, imagery_items),) = imagery_facts(session, [items], [lead.id])
    weights, now = current_weights(session), utcnow()
    result = assess(
        Gathered(
            category=lead.category,
            zones=zone_keys(lead.geocode["zones"]),
            items=items,
            photos=photos,
            earlier_closed=earlier_closed(session, [hull], exclude=lead.id)[0],
            imagery=imagery,
            imagery_items=imagery_items,
            air=lead_attribution(session, lead=lead, settings=settings),
            procedure=procedure_of(session, lead, now),
        ),
        weights=weights,
        rows=legal_rows(session),
        now=now,
    )
    lead.score = result.score.total
    lead.weights_version = weights.id
    lead.score_breakdown = breakdown_rows(result.score)
    lead.legal_bases = result.legal_bases
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="score",
        lead_id=lead.id,
        change={
            "score": lead.score,
            "weights_version": weights.id,
            "evidence": [i.id for i in items],
        },
    )


def breakdown_rows(result: Score) -> list[dict[str, Any]]:
    """A score's explanation as stored with the lead."""
    return [
        {
            "name": e.name,
            "value": round(e.value, 4),
            "weight": e.weight,
            "points": round(e.points, 2),
            "reason": e.reason,
            "applicable": e.applicable,
            **({"details": list(e.details)} if e.details else {}),
        }
        for e in result.entries
    ]


def evidence_of(session: Session, *, lead: Lead) -> list[dict[str, Any]]:
    """Describe a lead's evidence items with their provenance."""
    out = []
    for item in lead_items(session, lead):
        g = to_shape(item.geom)
        out.append(
            {
                "id": item.id,
                "kind": item.kind,
                "category": item.category,
                "observed_at": item.observed_at.isoformat(),
                "source": item.source,
                "report_id": item.report_id,
                "provenance": item.provenance,
                "lon": g.centroid.x,
                "lat": g.centroid.y,
            }
        )
    return out
