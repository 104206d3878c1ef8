"""Scoring signals: small pure functions of a lead's facts, each with its table as data.

A signal reads LeadFacts and returns a value in [0, 1] with a one-line reason, Chinese first
and English in parentheses. Register a new one with @signal("name"); no other signal changes.
The numbers below are this platform's operational defaults (editable), not legal thresholds;
the ordering they encode and the law behind it are named beside each table.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from rules.categories import CATEGORIES


@dataclass(frozen=True)
class SignalResult:
    """A signal's value, clamped to [0, 1], and why.

    A signal that has nothing to judge (no air data near a dumping site) says so with
    applicable=False: its weight then leaves the total instead of counting as a zero.
    `details` carries the evidence behind the value (e.g. the air signal's station hours).
    """

    value: float
    reason: str
    applicable: bool = True
    details: tuple[Mapping[str, Any], ...] = ()

    def __post_init__(self) -> None:
        if math.isnan(self.value):
            raise ValueError(f"signal value is NaN ({self.reason})")
        object.__setattr__(self, "value", min(1.0, max(0.0, float(self.value))))


@dataclass(frozen=True)
class LeadFacts:
    """What the signals read about one lead."""

    category: str
    zones: tuple[tuple[str, str | None], ...]  # (layer kind, level) the lead lies in
    reporters: int  # distinct independent reporters
    source_kinds: tuple[str, ...]  # distinct kinds of source, e.g. "citizen_report"
    last_evidence_at: datetime
    now: datetime
    earlier_closed_leads: int  # closed leads at the same place
    photos: int
    photos_with_consistent_gps: int
    duplicate_photos: int
    extra: Mapping[str, Any] = field(default_factory=dict)  # inputs of future signals

    def __post_init__(self) -> None:
        if self.last_evidence_at.utcoffset() is None or self.now.utcoffset() is None:
            raise ValueError("last_evidence_at and now must be timezone-aware")
        counts = (self.reporters, self.earlier_closed_leads, self.photos)
        if min(counts) < 0:
            raise ValueError("counts must be >= 0")
        if not 0 <= self.photos_with_consistent_gps <= self.photos:
            raise ValueError("photos_with_consistent_gps must be between 0 and photos")
        if not 0 <= self.duplicate_photos <= self.photos:
            raise ValueError("duplicate_photos must be between 0 and photos")


SignalFn = Callable[[LeadFacts], SignalResult]
SIGNALS: dict[str, SignalFn] = {}


def signal(
    name: str, registry: dict[str, SignalFn] | None = None
) -> Callable[[SignalFn], SignalFn]:
    """Register the decorated function as signal `name` (in SIGNALS unless `registry`)."""
    target = SIGNALS if registry is None else registry

    def register(fn: SignalFn) -> SignalFn:
        if name in target:
            raise ValueError(f"signal {name!r} is already registered")
        target[name] = fn
        return fn

    return register


@dataclass(frozen=True)
class ZoneWeight:
    """How sensitive a zone makes a lead, and how to say where it is."""

    value: float
    zh: str
    en: str
    only_for: frozenset[str] | None = None  # categories it matters for; None: all


# Order from the strictness of the regimes: level I > II > quasi water-source zones (Water
# Pollution Prevention and Control Law arts. 65-67, zoning HJ 338-2018); wetlands (Wetland
# Protection Law art. 28) ~ ecological red lines; nature reserves; river/lake management
# ranges; no-burn areas only for straw burning (Air Pollution Prevention and Control Law
# art. 77). Values are platform defaults. Keys are (kind, level); level None matches any.
ZONE_SENSITIVITY: dict[tuple[str, str | None], ZoneWeight] = {
    ("water_source_zone", "I"): ZoneWeight(
        1.0, "位于一级饮用水水源保护区", "inside a level-I water-source zone"
    ),
    ("water_source_zone", "II"): ZoneWeight(
        0.85, "位于二级饮用水水源保护区", "inside a level-II water-source zone"
    ),
    ("water_source_zone", "quasi"): ZoneWeight(
        0.7, "位于饮用水水源准保护区", "inside a quasi-protection water-source zone"
    ),
    # A source zone of unrecorded level counts as the least strict level.
    ("water_source_zone", None): ZoneWeight(
        0.7, "位于饮用水水源保护区（级别不明）", "inside a water-source zone of unknown level"
    ),
    ("wetland", None): ZoneWeight(0.6, "位于湿地", "inside a wetland"),
    ("ecological_redline", None): ZoneWeight(
        0.6, "位于生态保护红线内", "inside an ecological red line"
    ),
    ("nature_reserve", None): ZoneWeight(0.55, "位于自然保护区", "inside a nature reserve"),
    ("river_lake_range", None): ZoneWeight(
        0.5, "位于河湖管理范围内", "inside a river/lake management range"
    ),
    ("no_burn_area", None): ZoneWeight(
        0.4, "位于禁烧区", "inside a no-burn area", frozenset({"straw_burning"})
    ),
}
OUTSIDE_ZONES = ZoneWeight(0.1, "不在敏感区域内", "not inside a sensitive zone")


@signal("location_sensitivity")
def location_sensitivity(facts: LeadFacts) -> SignalResult:
    """Return the sensitivity of the most sensitive zone the lead lies in."""
    best = OUTSIDE_ZONES
    for kind, level in facts.zones:
        row = ZONE_SENSITIVITY.get((kind, level)) or ZONE_SENSITIVITY.get((kind, None))
        applies = row is not None and (row.only_for is None or facts.category in row.only_for)
        if row is not None and applies and row.value > best.value:
            best = row
    return SignalResult(best.value, f"{best.zh} ({best.en})")


# Criminal offences first (illegal mining, Criminal Law art. 343; serious pollution by
# discharge, art. 338), then lasting damage to water, rivers and wetlands, then short-lived
# air nuisances (toxic smoke from burnt rubbish above dust). Platform defaults; a category
# not listed counts as "other".
CATEGORY_SEVERITY: dict[str, float] = {
    "illegal_mining": 0.9,
    "water_pollution_discharge": 0.9,
    "hazardous_waste": 0.9,
    "waste_dumping": 0.8,
    "black_odorous_water": 0.75,
    "sand_gravel_extraction": 0.75,
    "wetland_damage": 0.75,
    "forest_grassland_destruction": 0.75,
    "tailings_unrestored_mine": 0.75,
    "illegal_building_protected_area": 0.7,
    "land_disturbance": 0.7,
    "farmland_occupation": 0.7,
    "river_lake_occupation": 0.7,
    "illegal_fishing_hunting": 0.65,
    "livestock_farm_pollution": 0.65,
    "groundwater_extraction": 0.6,
    "rubbish_burning": 0.6,
    "construction_dust": 0.55,
    "stockpile_transport_dust": 0.55,
    "straw_burning": 0.5,
    "other": 0.3,
}


@signal("category_severity")
def category_severity(facts: LeadFacts) -> SignalResult:
    """Return how serious the lead's category is."""
    value = CATEGORY_SEVERITY.get(facts.category, CATEGORY_SEVERITY["other"])
    zh, en = CATEGORIES.get(facts.category, (facts.category, facts.category))
    return SignalResult(
        value, f"类别严重程度：{zh} {value:.2f} (category severity: {en} {value:.2f})"
    )


# Each independent reporter halves the doubt left; each further kind of source (a drone, a
# satellite, a sensor) cuts it to 40 %, as it cannot share a reporter's mistake. Defaults.
DOUBT_PER_REPORTER = 0.5
DOUBT_PER_EXTRA_SOURCE_KIND = 0.4


@signal("corroboration")
def corroboration(facts: LeadFacts) -> SignalResult:
    """Return how independently the lead is confirmed: 1 - (doubt left)."""
    kinds = len(set(facts.source_kinds))
    doubt = DOUBT_PER_REPORTER**facts.reporters * DOUBT_PER_EXTRA_SOURCE_KIND ** max(kinds - 1, 0)
    return SignalResult(
        1.0 - doubt,
        f"{facts.reporters} 名独立举报人，{kinds} 类来源 "
        f"({facts.reporters} independent reporters, {kinds} kinds of source)",
    )


# Evidence loses half its urgency every two weeks without a new sighting. Platform default.
RECENCY_HALF_LIFE_DAYS = 14.0


@signal("recency")
def recency(facts: LeadFacts) -> SignalResult:
    """Return 0.5 ** (days since the last evidence / half-life); future times count as now."""
    days = max((facts.now - facts.last_evidence_at).total_seconds() / 86400.0, 0.0)
    return SignalResult(
        0.5 ** (days / RECENCY_HALF_LIFE_DAYS),
        f"最近证据距今 {days:.1f} 天 (last evidence {days:.1f} days ago)",
    )


# By the number of earlier closed leads at the same place: 0, 1, 2 or more. A problem that
# came back after a closed lead suggests remediation failed. Platform defaults.
RECURRENCE_BY_CLOSED = (0.0, 0.7, 1.0)


@signal("recurrence")
def recurrence(facts: LeadFacts) -> SignalResult:
    """Return how strongly the problem recurs after earlier closed leads at the same place."""
    n = facts.earlier_closed_leads
    value = RECURRENCE_BY_CLOSED[min(n, len(RECURRENCE_BY_CLOSED) - 1)]
    return SignalResult(value, f"同一地点已办结线索 {n} 条 ({n} earlier closed leads here)")


# Photos beyond this many distinct ones add nothing more. Platform default.
PHOTOS_FOR_FULL_QUALITY = 3


@signal("evidence_quality")
def evidence_quality(facts: LeadFacts) -> SignalResult:
    """Return share of photos with consistent EXIF GPS x quantity of distinct photos."""
    n, dups = facts.photos, facts.duplicate_photos
    if n == 0:
        return SignalResult(0.0, "无照片 (no photos)")
    share = facts.photos_with_consistent_gps / n
    quantity = min(n - dups, PHOTOS_FOR_FULL_QUALITY) / PHOTOS_FOR_FULL_QUALITY
    return SignalResult(
        share * quantity,
        f"{n} 张照片，{facts.photos_with_consistent_gps} 张 GPS 一致，{dups} 张重复 "
        f"({n} photos, {facts.photos_with_consistent_gps} with consistent GPS, "
        f"{dups} duplicates)",
    )
