"""The one way from evidence to leads: `place` a batch of new evidence items (joining open
leads or starting new ones), then `reassess` the leads they touched (gather → assess →
write). One item is a batch of one; every producer (reports, drone photos, change polygons,
hotspots, the CLI) calls `place` once per batch.

Every change to a lead or its evidence appends to the tamper-evident log.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import shapely
from geoalchemy2.shape import from_shape, to_shape
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services import audit
from app.services.leads.assess import Assessment, assess
from app.services.leads.build import breakdown_rows, current_weights
from app.services.leads.facts import Subject, gather
from app.services.leads.legal import legal_rows
from app.services.places.geocode import geocode_geometries, widened
from app.services.webhooks import emit
from app.settings import Settings
from geo.clustering import ClusterRule, EvidencePoint, OpenLead, place_batch
from geo.place import Place
from geo.progress import Progress, no_progress
from models import EvidenceItem, Lead, Report, ScoreWeights
from models.base import SRID, utcnow
from models.spatial import BBoxFilter
from rules.categories import CATEGORIES, compatible_groups
from rules.workflow import OPEN_STATUSES

# The clustering rules and groups of the category rows.
RULES = {c: ClusterRule(row.distance_m, row.window) for c, row in CATEGORIES.items()}
GROUPS = compatible_groups()
SEARCH_M = max(r.distance_m for r in RULES.values())
WINDOW = max(r.window for r in RULES.values())


def evidence_point(item: EvidenceItem) -> EvidencePoint:
    """An evidence item as clustering reads it (a shape by its centroid)."""
    geom = to_shape(item.geom)
    c = geom if geom.geom_type == "Point" else geom.centroid
    return EvidencePoint(item.id, item.category, c.x, c.y, item.observed_at, item.kind, item.source)


def _open_leads(session: Session, points: Sequence[EvidencePoint]) -> dict[int, OpenLead]:
    """The open leads a batch might join (near it in space and time), with their points."""
    lons, lats = [p.lon for p in points], [p.lat for p in points]
    near = widened((min(lons), min(lats), max(lons), max(lats)), SEARCH_M)
    first, last = min(p.time for p in points), max(p.time for p in points)
    leads = {
        lead.id: OpenLead(lead.id, lead.category, [])
        for lead in session.scalars(
            select(Lead).where(
                Lead.status.in_(OPEN_STATUSES),
                Lead.last_evidence_at >= first - WINDOW,
                Lead.first_evidence_at <= last + WINDOW,
                BBoxFilter(Lead.id, Lead.geom, near),
            )
        )
    }
    if leads:
        for item in session.scalars(
            select(EvidenceItem)
            .where(EvidenceItem.lead_id.in_(list(leads)))
            .order_by(EvidenceItem.id)
        ):
            assert item.lead_id is not None
            leads[item.lead_id].points.append(evidence_point(item))
    return leads


def unassigned(session: Session) -> list[EvidenceItem]:
    """Evidence items that belong to no lead yet (e.g. loaded in bulk), oldest first."""
    return list(
        session.scalars(
            select(EvidenceItem).where(EvidenceItem.lead_id.is_(None)).order_by(EvidenceItem.id)
        )
    )


@dataclass(frozen=True)
class Placed:
    """The leads a batch of evidence touched, and which of them it started."""

    leads: list[Lead]
    created: list[int]


def place(
    session: Session,
    items: Sequence[EvidenceItem],
    *,
    actor: str,
    settings: Settings,
    progress: Progress = no_progress,
) -> Placed:
    """Join each new item to the open lead the clustering rules pick, or start new leads
    (emitting lead.created); then reassess every lead touched."""
    if not items:
        return Placed([], [])
    session.flush()
    by_id = {i.id: i for i in items}
    points = [evidence_point(i) for i in items]
    point_of = {p.id: p for p in points}
    progress(0.05, f"placing {len(items):,} evidence items")
    placement = place_batch(
        points, list(_open_leads(session, points).values()), rules=RULES, groups=GROUPS
    )
    fresh = [
        Lead(
            category=by_id[group[0]].category,
            geom=by_id[group[0]].geom,
            status="new",
            score=0.0,
            score_breakdown=[],
            legal_bases=[],
            geocode={},
        )
        for group in placement.new
    ]
    session.add_all(fresh)
    session.flush()
    target = dict(placement.joined)
    for lead, group in zip(fresh, placement.new, strict=True):
        target.update(dict.fromkeys(group, lead.id))
    for item in items:
        item.lead_id = target[item.id]
    entries: list[dict[str, Any]] = [
        {
            "actor": actor,
            "action": "create",
            "lead_id": lead.id,
            "change": {"category": lead.category, "evidence": group[0]},
        }
        for lead, group in zip(fresh, placement.new, strict=True)
    ]
    entries += [
        {
            "actor": actor,
            "action": "attach",
            "lead_id": item.lead_id,
            "evidence_id": item.id,
            "change": {"evidence": item.id, "kind": item.kind},
        }
        for item in items
    ]
    audit.append_many(session, entries)
    touched = sorted({i.lead_id for i in items if i.lead_id is not None})
    leads = [session.get_one(Lead, i) for i in touched]
    progress(0.3, f"{len(fresh):,} new leads, {len(touched) - len(fresh):,} joined; assessing")
    reassess(session, leads, actor=actor, settings=settings)
    for lead, group in zip(fresh, placement.new, strict=True):
        p = point_of[group[0]]
        data = {
            "lead_id": lead.id,
            "category": lead.category,
            "status": lead.status,
            "lon": p.lon,
            "lat": p.lat,
        }
        emit(session, "lead.created", data, to_shape(by_id[group[0]].geom), lead_id=lead.id)
    progress(1.0, f"{len(touched):,} leads placed")
    return Placed(leads, [lead.id for lead in fresh])


def _items_of(session: Session, leads: Sequence[Lead]) -> dict[int, list[EvidenceItem]]:
    """Each lead's evidence items, oldest first, in one query."""
    out: dict[int, list[EvidenceItem]] = {lead.id: [] for lead in leads}
    for item in session.scalars(
        select(EvidenceItem).where(EvidenceItem.lead_id.in_(list(out))).order_by(EvidenceItem.id)
    ):
        assert item.lead_id is not None
        out[item.lead_id].append(item)
    return out


def _stored_places(session: Session, subjects: Sequence[Subject]) -> dict[int, Place]:
    """A lead of one report lies where the report does: reuse the report's stored geocode."""
    single = {
        s.lead.id: rid
        for s in subjects
        if len(s.items) == 1 and (rid := s.items[0].report_id) is not None
    }
    if not single:
        return {}
    stored: dict[int, Place] = {
        rid: place
        for rid, place in session.execute(
            select(Report.id, Report.geocode).where(Report.id.in_(set(single.values())))
        )
        if place
    }
    return {lead: stored[rid] for lead, rid in single.items() if rid in stored}


def reassess(session: Session, leads: Sequence[Lead], *, actor: str, settings: Settings) -> None:
    """Recompute each lead's geometry, period, place, score and legal bases from its
    evidence (gather → assess → write), for one lead or many with set queries."""
    items = _items_of(session, leads)
    subjects = []
    for lead in leads:
        mine = items[lead.id]
        shapes = [to_shape(i.geom) for i in mine]
        hull = shapely.union_all(shapes) if len(shapes) > 1 else shapes[0]
        lead.geom = from_shape(hull, srid=SRID)
        lead.first_evidence_at = min(i.observed_at for i in mine)
        lead.last_evidence_at = max(i.observed_at for i in mine)
        subjects.append(Subject(lead, mine, hull, lead.first_evidence_at, lead.last_evidence_at))
    stored = _stored_places(session, subjects)
    todo = [s for s in subjects if s.lead.id not in stored]
    found = geocode_geometries(
        session,
        geometries=[s.hull for s in todo],
        partner_distance_m=settings.partner_distance_m,
        nearest_max_m=settings.nearest_max_m,
    )
    places = {**stored, **{s.lead.id: g for s, g in zip(todo, found, strict=True)}}
    for lead in leads:
        lead.geocode = places[lead.id]
        own = [o for o in lead.geocode["responsible_organisations"] if o["role"] == "own"]
        lead.org_id = own[0]["id"] if own else None
    weights, rows, now = current_weights(session), legal_rows(session), utcnow()
    gathered = gather(session, subjects, settings=settings, now=now)
    for lead, facts in zip(leads, gathered, strict=True):
        record(lead, assess(facts, weights=weights, rows=rows, now=now), weights)
    session.flush()
    audit.append_many(
        session,
        [
            {
                "actor": actor,
                "action": "score",
                "lead_id": lead.id,
                "change": {
                    "score": lead.score,
                    "weights_version": weights.id,
                    "evidence": [i.id for i in items[lead.id]],
                },
            }
            for lead in leads
        ],
    )


def record(lead: Lead, result: Assessment, weights: ScoreWeights) -> None:
    """Write an assessment on its lead: score, weights version, breakdown, legal bases."""
    lead.score = result.score.total
    lead.weights_version = weights.id
    lead.score_breakdown = breakdown_rows(result.score)
    lead.legal_bases = result.legal_bases
