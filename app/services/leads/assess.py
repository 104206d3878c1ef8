"""Assess a lead: gather the facts its evidence proves, score them and attach the legal
bases. One path for a single lead (`leads.refresh`) and for leads built in bulk
(`lead_ops.cluster_unassigned`); the bulk one gathers the same facts with set queries."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import shapely
from geoalchemy2.shape import to_shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.places.geocode import widened
from geo.air.attribution import Attribution
from geo.distance import geodesic_distance_m
from geo.scoring.imagery import CONFIDENCE_VALUE, ImageryChange
from geo.scoring.model import Score, score
from geo.scoring.signals import LASTING_HARM_CATEGORIES, RESTORED_FOR_DECAY, LeadFacts
from models import (
    ChangePolygon,
    EvidenceItem,
    Image,
    Lead,
    LeadFinding,
    Recheck,
    Report,
    ReportPhoto,
    ScoreWeights,
    Suggestion,
)
from models.spatial import BBoxFilter
from rules.kinds import NATIONAL_GRADES, NATIONAL_PROTECTED_AREA
from rules.legal import BasisRow, EvidenceFacts, Timing, suggest
from rules.procedure import Procedure, SuggestionOutcome
from rules.workflow import CLOSED_STATUSES, local_date


@dataclass(frozen=True)
class PhotoFacts:
    """A lead's photos: how many, how many with EXIF GPS agreeing with the device, dupes,
    and how many of its reports carry a measured capture time (EXIF; not when they were sent,
    nor a time the volunteer typed)."""

    total: int = 0
    gps_ok: int = 0
    duplicates: int = 0
    timed_reports: int = 0


# Kinds of evidence whose time is a measurement: a satellite's overpass, an image's
# acquisition (a change polygon lies between two), a drone photo's EXIF or GPS time.
TIMED_KINDS = ("fire_hotspot", "change_polygon", "drone_photo")
# Sources that are one reporter however many instruments they carry: every FIRMS detection
# comes from the same product (MODIS/VIIRS on several satellites), every change polygon
# from our own reading of imagery.
ONE_REPORTER_PREFIXES = ("FIRMS:", "imagery:")


def reporter(source: str) -> str:
    """The independent reporter behind a source (FIRMS:MODIS:Terra and FIRMS:MODIS:Aqua are
    one)."""
    for prefix in ONE_REPORTER_PREFIXES:
        if source.startswith(prefix):
            return prefix.rstrip(":")
    return source


def dated(facts: "Gathered") -> bool:
    """Whether the evidence proves when it happened: a measured time, or a report whose photo
    carries its capture time (a report's sending time proves nothing about the act)."""
    return facts.photos.timed_reports > 0 or any(i.kind in TIMED_KINDS for i in facts.items)


@dataclass(frozen=True)
class Gathered:
    """What a lead's evidence shows, ready to score."""

    category: str
    zones: tuple[tuple[str, str | None], ...]
    items: Sequence[EvidenceItem]
    photos: PhotoFacts
    earlier_closed: int
    imagery: ImageryChange | None = None
    imagery_items: int = 0
    air: Attribution | None = None
    procedure: Procedure | None = None  # a lead's case so far (None: a lead being built)


def lead_items(session: Session, lead: Lead) -> list[EvidenceItem]:
    """A lead's evidence items, oldest first."""
    return list(
        session.scalars(
            select(EvidenceItem).where(EvidenceItem.lead_id == lead.id).order_by(EvidenceItem.id)
        )
    )


def zone_keys(zones: Iterable[Mapping[str, Any]]) -> tuple[tuple[str, str | None], ...]:
    """The (kind, level) of each zone of a geocode, as the scoring and legal rules read them;
    a national park or national-level reserve is also the zone `national_protected_area`
    (刑法 art. 342-1's 国家公园、国家级自然保护区). A reserve without a recorded grade is not."""
    keys: dict[tuple[str, str | None], None] = {}
    for z in zones:
        keys[(z["kind"], z["level"])] = None
        if z["kind"] == "nature_reserve" and z.get("grade") in NATIONAL_GRADES:
            keys[(NATIONAL_PROTECTED_AREA, None)] = None
    return tuple(keys)


@dataclass(frozen=True)
class Assessment:
    """A lead's score and its legal bases with the elements still missing."""

    score: Score
    legal_bases: list[dict[str, object]]


def assess(
    facts: Gathered, *, weights: ScoreWeights, rows: Sequence[BasisRow], now: datetime
) -> Assessment:
    """Score the gathered facts and match the legal bases in force on the conduct date: the
    China Standard Time day of the earliest evidence (when the conduct is first shown)."""
    sources = {reporter(i.source) for i in facts.items if i.source}
    extra: dict[str, Any] = {}
    if facts.air is not None:
        extra["air"] = facts.air
    if facts.imagery is not None:
        extra["imagery"] = facts.imagery
    result = score(
        LeadFacts(
            category=facts.category,
            zones=facts.zones,
            reporters=len(sources),
            source_kinds=tuple(sorted({i.kind for i in facts.items})),
            last_evidence_at=max(i.observed_at for i in facts.items),
            now=now,
            earlier_closed_leads=facts.earlier_closed,
            photos=facts.photos.total,
            photos_with_consistent_gps=facts.photos.gps_ok,
            duplicate_photos=facts.photos.duplicates,
            extra=extra,
        ),
        weights.weights,
        weights_version=weights.id,
    )
    return Assessment(result, match_bases(facts, rows, now))


def timing(facts: Gathered, now: datetime) -> Timing:
    """The days a lead's bases are matched on (China Standard Time): its earliest evidence;
    for harm that lasts until remedied, today while no re-check shows it remedied (else its
    latest evidence); the procedure on today, on the chosen path."""
    first = local_date(min(i.observed_at for i in facts.items))
    restored = getattr(facts.imagery, "restored_fraction", None)
    if restored is None and facts.procedure is not None and facts.procedure.rechecks:
        restored = max(facts.procedure.rechecks, key=lambda r: r[0])[1]
    restored = restored or 0.0
    continuing = facts.category in LASTING_HARM_CATEGORIES
    latest = (
        local_date(now)
        if continuing and restored < RESTORED_FOR_DECAY
        else local_date(max(i.observed_at for i in facts.items))
    )
    path = facts.procedure.path if facts.procedure is not None else None
    return Timing(first, latest, local_date(now), continuing, path)


def match_bases(
    facts: Gathered, rows: Sequence[BasisRow], now: datetime
) -> list[dict[str, object]]:
    """The legal bases that apply on the lead's days (see `timing`), each with its elements
    proven or missing."""
    return suggest(rows, facts.category, evidence_facts(facts), timing(facts, now))


def evidence_facts(facts: Gathered) -> EvidenceFacts:
    """What the gathered facts prove, for the legal elements."""
    return EvidenceFacts(
        zones=facts.zones,
        photos=facts.photos.total,
        dated=dated(facts),
        independent_sources=len({reporter(i.source) for i in facts.items if i.source}),
        imagery=facts.imagery_items,
        procedure=facts.procedure,
    )


def procedure_of(session: Session, lead: Lead, now: datetime) -> Procedure:
    """A lead's case so far: its suggestions' outcomes, the civil notice, its newest evidence
    and its re-checks dated by the image they compared."""
    suggestions = session.scalars(
        select(Suggestion).where(Suggestion.lead_id == lead.id).order_by(Suggestion.id)
    )
    rechecks = session.execute(
        select(Image.acquired_at, Recheck.restored_fraction)
        .join(Image, Recheck.after_id == Image.id)
        .where(Recheck.lead_id == lead.id)
    ).all()
    return Procedure(
        now=now,
        suggestions=tuple(
            SuggestionOutcome(
                due_at=s.due_at,
                replied_at=s.replied_at,
                complied=s.complied,
                remedied=s.follow_ups[-1]["remedied"] if s.follow_ups else None,
            )
            for s in suggestions
        ),
        notice_end=lead.notice_end,
        organisation_sued=lead.notice_plaintiff is not None,
        rechecks=tuple((at, fraction) for at, fraction in rechecks),
        path=lead.path,
        findings=tuple(
            sorted(
                {
                    f.element: f.proven
                    for f in session.scalars(
                        select(LeadFinding)
                        .where(LeadFinding.lead_id == lead.id)
                        .order_by(LeadFinding.id)
                    )
                }.items()
            )
        ),
    )


def photo_facts(session: Session, groups: Sequence[Sequence[EvidenceItem]]) -> list[PhotoFacts]:
    """The photo facts of each group of evidence, in two queries for all groups."""
    report_ids = {i.report_id for g in groups for i in g if i.report_id is not None}
    if not report_ids:
        return [PhotoFacts() for _ in groups]
    reports = list(session.scalars(select(Report).where(Report.id.in_(report_ids))))
    flagged = {r.id: "exif_device_disagree" in r.flags for r in reports}
    timed: set[int] = set()  # reports with a measured time: a photo's capture time (EXIF)
    per_report: dict[int, list[int]] = {}
    for p in session.scalars(select(ReportPhoto).where(ReportPhoto.report_id.in_(report_ids))):
        if p.taken_at is not None:
            timed.add(p.report_id)
        counts = per_report.setdefault(p.report_id, [0, 0, 0])
        counts[0] += 1
        counts[1] += p.exif.get("lat") is not None and not flagged[p.report_id]
        counts[2] += p.duplicate_of_id is not None
    out = []
    for g in groups:
        total = [0, 0, 0]
        ids = {i.report_id for i in g if i.report_id is not None}
        for rid in ids:
            for k, v in enumerate(per_report.get(rid, (0, 0, 0))):
                total[k] += v
        out.append(PhotoFacts(total[0], total[1], total[2], len(ids & timed)))
    return out


def imagery_facts(
    session: Session, groups: Sequence[Sequence[EvidenceItem]], lead_ids: Sequence[int | None]
) -> list[tuple[ImageryChange | None, int]]:
    """Each group's change polygons in sum (with its lead's latest re-check), and how many
    imagery items (change polygons, drone photos) show the activity."""
    ids = [i.id for g in groups for i in g if i.kind == "change_polygon"]
    polygons = {
        p.evidence_id: p
        for p in (
            session.scalars(select(ChangePolygon).where(ChangePolygon.evidence_id.in_(ids)))
            if ids
            else []
        )
    }
    known = [i for i in lead_ids if i is not None]
    restored: dict[int, float | None] = {}
    if known and polygons:
        for r in session.scalars(
            select(Recheck).where(Recheck.lead_id.in_(known)).order_by(Recheck.id)
        ):
            restored[r.lead_id] = r.restored_fraction  # the newest wins
    out: list[tuple[ImageryChange | None, int]] = []
    for g, lead_id in zip(groups, lead_ids, strict=True):
        drones = sum(i.kind == "drone_photo" for i in g)
        mine = [polygons[i.id] for i in g if i.id in polygons]
        if not mine:
            out.append((None, drones))
            continue
        change = ImageryChange(
            area_ha=sum(p.area_ha for p in mine),
            confidence=max((p.confidence for p in mine), key=list(CONFIDENCE_VALUE).index),
            polygons=len(mine),
            restored_fraction=restored.get(lead_id) if lead_id is not None else None,
        )
        out.append((change, len(mine) + drones))
    return out


# A closed lead this close to a new one counts as recurrence at the same place (metres).
RECURRENCE_RADIUS_M = 200.0


def earlier_closed(
    session: Session, hulls: Sequence[BaseGeometry], exclude: int | None = None
) -> list[int]:
    """For each lead's geometry, the closed leads within RECURRENCE_RADIUS_M (other than
    lead `exclude`): recurrence evidence. One query for all."""
    if not hulls:
        return []
    minx, miny, maxx, maxy = (float(v) for v in shapely.total_bounds(np.asarray(hulls)))
    box = widened((minx, miny, maxx, maxy), RECURRENCE_RADIUS_M)
    query = select(Lead.geom).where(
        Lead.status.in_(CLOSED_STATUSES), BBoxFilter(Lead.id, Lead.geom, box)
    )
    if exclude is not None:
        query = query.where(Lead.id != exclude)
    closed = [to_shape(g) for g in session.scalars(query)]
    if not closed:
        return [0] * len(hulls)
    tree = shapely.STRtree(closed)
    out = []
    for hull in hulls:
        near = tree.query(shapely.box(*widened(hull.bounds, RECURRENCE_RADIUS_M)))
        out.append(sum(geodesic_distance_m(hull, closed[j]) <= RECURRENCE_RADIUS_M for j in near))
    return out
