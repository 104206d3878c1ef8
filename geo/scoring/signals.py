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
from typing import Any, Protocol


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


class CategoryTraits(Protocol):
    """What the signals read of a lead's category (its row in rules/categories)."""

    @property
    def zh(self) -> str:
        """Chinese name."""
        ...
    @property
    def en(self) -> str:
        """English name."""
        ...
    @property
    def severity(self) -> float:
        """How serious, 0-1."""
        ...
    @property
    def harm(self) -> str:
        """Harm kind: "air" (smoke), "dust", "lasting" or "other"."""
        ...
    @property
    def active_h(self) -> tuple[float, float] | None:
        """Hours a source is active around its evidence (None: no air attribution)."""
        ...


@dataclass(frozen=True)
class LeadFacts:
    """What the signals read about one lead."""

    category: str
    traits: CategoryTraits  # the category's policy
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
    only_for: frozenset[str] | None = None  # harm kinds it matters for; None: all
    not_for: frozenset[str] = frozenset()  # harm kinds the zone does not protect against

    def fits(self, harm: str) -> bool:
        """Whether the zone's regime protects against this kind of harm."""
        return (self.only_for is None or harm in self.only_for) and harm not in self.not_for


# Emissions to air: a water-source zone, a wetland or a river range does not protect the air,
# so dust or smoke there is not a water or wetland case (construction dust in a level-I zone
# is not a level-I water case; the building itself would be its own lead). Dust is not what
# red lines and reserves protect either; burning is (the Nature Reserves Regulations art. 26
# forbid 烧荒). Harm kinds as in rules/categories.
AIR = frozenset({"air", "dust"})
DUST = frozenset({"dust"})
BURNING = frozenset({"air"})

# Order from the strictness of the regimes: level I > II > quasi water-source zones (Water
# Pollution Prevention and Control Law arts. 65-67, zoning HJ 338-2018); nature reserves by
# functional zone (Regulations on Nature Reserves arts. 27-29: core closed to all, buffer to
# all but research, experimental for limited activity), never below red lines, since a
# reserve is itself within the red line and under a stricter regime; wetlands (Wetland
# Protection Law art. 28) ~ ecological red lines; river/lake management ranges; no-burn areas
# only for burning (Air Pollution Prevention and Control Law arts. 77, 82). Values are
# platform defaults. Keys are (kind, level); level None matches any.
ZONE_SENSITIVITY: dict[tuple[str, str | None], ZoneWeight] = {
    ("water_source_zone", "I"): ZoneWeight(
        1.0, "位于一级饮用水水源保护区", "inside a level-I water-source zone", None, AIR
    ),
    ("water_source_zone", "II"): ZoneWeight(
        0.85,
        "位于二级饮用水水源保护区",
        "inside a level-II water-source zone",
        None,
        AIR,
    ),
    ("water_source_zone", "quasi"): ZoneWeight(
        0.7,
        "位于饮用水水源准保护区",
        "inside a quasi-protection water-source zone",
        None,
        AIR,
    ),
    # A source zone of unrecorded level counts as the least strict level.
    ("water_source_zone", None): ZoneWeight(
        0.7,
        "位于饮用水水源保护区（级别不明）",
        "inside a water-source zone of unknown level",
        None,
        AIR,
    ),
    ("nature_reserve", "core"): ZoneWeight(
        0.95, "位于自然保护区核心区", "inside a nature reserve's core zone", None, DUST
    ),
    ("nature_reserve", "buffer"): ZoneWeight(
        0.85, "位于自然保护区缓冲区", "inside a nature reserve's buffer zone", None, DUST
    ),
    ("nature_reserve", None): ZoneWeight(
        0.7, "位于自然保护区", "inside a nature reserve", None, DUST
    ),
    ("wetland", None): ZoneWeight(0.6, "位于湿地", "inside a wetland", None, AIR),
    ("ecological_redline", None): ZoneWeight(
        0.6, "位于生态保护红线内", "inside an ecological red line", None, DUST
    ),
    ("river_lake_range", None): ZoneWeight(
        0.5, "位于河湖管理范围内", "inside a river/lake management range", None, AIR
    ),
    ("no_burn_area", None): ZoneWeight(
        0.4,
        "位于禁烧区",
        "inside a no-burn area",
        BURNING,
    ),
}
OUTSIDE_ZONES = ZoneWeight(0.1, "不在敏感区域内", "not inside a sensitive zone")


@signal("location_sensitivity")
def location_sensitivity(facts: LeadFacts) -> SignalResult:
    """Return the sensitivity of the most sensitive zone the lead lies in whose regime
    protects against the category's harm; a stricter zone that does not is named."""
    best, unfit = OUTSIDE_ZONES, OUTSIDE_ZONES
    for kind, level in facts.zones:
        row = ZONE_SENSITIVITY.get((kind, level)) or ZONE_SENSITIVITY.get((kind, None))
        if row is None:
            continue
        if row.fits(facts.traits.harm):
            best = row if row.value > best.value else best
        elif row.only_for is None and row.value > unfit.value:
            unfit = row
    reason = f"{best.zh} ({best.en})"
    if unfit.value > best.value:
        reason += (
            f"；{unfit.zh}，但该类别不属其保护对象，不计 "
            f"({unfit.en}, but the category is not a harm it protects against: not counted)"
        )
    return SignalResult(best.value, reason)


@signal("category_severity")
def category_severity(facts: LeadFacts) -> SignalResult:
    """Return how serious the lead's category is (its row's severity)."""
    value, zh, en = facts.traits.severity, facts.traits.zh, facts.traits.en
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
# Harm that stays until someone remedies it ("lasting") is not discounted by age unless a
# re-check shows the site largely restored.
RESTORED_FOR_DECAY = 0.8  # re-check restored fraction from which lasting harm decays again


@signal("recency")
def recency(facts: LeadFacts) -> SignalResult:
    """Return 0.5 ** (days since the last evidence / half-life), future times as now; 1 for
    lasting harm that no re-check shows remedied."""
    days = max((facts.now - facts.last_evidence_at).total_seconds() / 86400.0, 0.0)
    imagery = facts.extra.get("imagery")
    restored = getattr(imagery, "restored_fraction", None) or 0.0
    if facts.traits.harm == "lasting" and restored < RESTORED_FOR_DECAY:
        return SignalResult(
            1.0,
            f"持续性损害，最近证据距今 {days:.1f} 天，未见整改，不因时间折减 "
            f"(lasting harm, last evidence {days:.1f} days ago, not shown remedied: "
            "not discounted by age)",
        )
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
