"""Assess a lead: score the facts its evidence proves and attach the legal bases (the facts
are gathered by `leads.facts.gather`, for one lead or many, in `leads.pipeline.reassess`)."""

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
from geo.scoring.imagery import ImageryChange
from geo.scoring.model import Score, score
from geo.scoring.signals import RESTORED_FOR_DECAY, LeadFacts
from models import (
    EvidenceItem,
    Image,
    Lead,
    LeadFinding,
    Recheck,
    ScoreWeights,
    Suggestion,
)
from models.spatial import BBoxFilter
from rules.categories import category
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
            traits=category(facts.category),
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
    continuing = category(facts.category).harm == "lasting"
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


def procedures_of(session: Session, leads: Sequence[Lead], now: datetime) -> list[Procedure]:
    """Each lead's case so far: its suggestions' outcomes, the civil notice, its findings and
    its re-checks dated by the image they compared. Three queries for all."""
    ids = [lead.id for lead in leads]
    suggestions: dict[int, list[SuggestionOutcome]] = {i: [] for i in ids}
    rechecks: dict[int, list[tuple[datetime, float | None]]] = {i: [] for i in ids}
    findings: dict[int, dict[str, bool]] = {i: {} for i in ids}
    for s in session.scalars(
        select(Suggestion).where(Suggestion.lead_id.in_(ids)).order_by(Suggestion.id)
    ):
        suggestions[s.lead_id].append(
            SuggestionOutcome(
                due_at=s.due_at,
                replied_at=s.replied_at,
                complied=s.complied,
                remedied=s.follow_ups[-1]["remedied"] if s.follow_ups else None,
            )
        )
    for lead_id, at, fraction in session.execute(
        select(Recheck.lead_id, Image.acquired_at, Recheck.restored_fraction)
        .join(Image, Recheck.after_id == Image.id)
        .where(Recheck.lead_id.in_(ids))
        .order_by(Recheck.id)
    ):
        rechecks[lead_id].append((at, fraction))
    for f in session.scalars(
        select(LeadFinding).where(LeadFinding.lead_id.in_(ids)).order_by(LeadFinding.id)
    ):
        findings[f.lead_id][f.element] = f.proven  # the newest finding per element wins
    return [
        Procedure(
            now=now,
            suggestions=tuple(suggestions[lead.id]),
            notice_end=lead.notice_end,
            organisation_sued=lead.notice_plaintiff is not None,
            rechecks=tuple(rechecks[lead.id]),
            path=lead.path,
            findings=tuple(sorted(findings[lead.id].items())),
        )
        for lead in leads
    ]


# A closed lead this close to a new one counts as recurrence at the same place (metres).
RECURRENCE_RADIUS_M = 200.0


def earlier_closed(
    session: Session, hulls: Sequence[BaseGeometry], leads: Sequence[int | None]
) -> list[int]:
    """For each lead's geometry, the closed leads within RECURRENCE_RADIUS_M other than the
    lead itself: recurrence evidence. One query for all."""
    if not hulls:
        return []
    minx, miny, maxx, maxy = (float(v) for v in shapely.total_bounds(np.asarray(hulls)))
    box = widened((minx, miny, maxx, maxy), RECURRENCE_RADIUS_M)
    closed_rows = session.execute(
        select(Lead.id, Lead.geom).where(
            Lead.status.in_(CLOSED_STATUSES), BBoxFilter(Lead.id, Lead.geom, box)
        )
    ).all()
    if not closed_rows:
        return [0] * len(hulls)
    ids = [r[0] for r in closed_rows]
    closed = [to_shape(r[1]) for r in closed_rows]
    tree = shapely.STRtree(closed)
    out = []
    for hull, own in zip(hulls, leads, strict=True):
        near = tree.query(shapely.box(*widened(hull.bounds, RECURRENCE_RADIUS_M)))
        out.append(
            sum(
                ids[j] != own and geodesic_distance_m(hull, closed[j]) <= RECURRENCE_RADIUS_M
                for j in near
            )
        )
    return out
