"""Tests for geo.scoring: each signal at hand-checked points and the weighted combination."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from geo.scoring import (
    DEFAULT_WEIGHTS,
    SIGNALS,
    LeadFacts,
    SignalFn,
    SignalResult,
    score,
    signal,
)
from geo.scoring.imagery import ImageryChange
from geo.scoring.signals import (
    category_severity,
    corroboration,
    evidence_quality,
    location_sensitivity,
    recency,
    recurrence,
)
from rules.categories import category

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
BUILT_IN = [
    "location_sensitivity",
    "category_severity",
    "corroboration",
    "recency",
    "recurrence",
    "evidence_quality",
    "air_quality",
    "imagery_change",
]

# One complete lead, every signal worked by hand:
#   location_sensitivity  level II source zone (and a wetland)   0.85
#   category_severity     water_pollution_discharge              0.90
#   corroboration         1 - 0.5**3 * 0.4**(2-1) = 1 - 0.05    0.95
#   recency               14 days = one half-life                 0.50
#   recurrence            one earlier closed lead                 0.70
#   evidence_quality      3/4 consistent x min(4-1, 3)/3          0.75
#   air_quality           not an air-pollution category: not applicable, weight leaves
# total = 100 x (.27x.85 + .18x.9 + .135x.95 + .09x.5 + .09x.7 + .135x.75) / 0.9
#       = 100 x (.255 + .18 + .1425 + .05 + .07 + .1125) = 81.0
FACTS = LeadFacts(
    category="water_pollution_discharge",
    traits=category("water_pollution_discharge"),
    zones=(("wetland", None), ("water_source_zone", "II")),
    reporters=3,
    source_kinds=("citizen_report", "drone_image"),
    last_evidence_at=NOW - timedelta(days=14),
    now=NOW,
    earlier_closed_leads=1,
    photos=4,
    photos_with_consistent_gps=3,
    duplicate_photos=1,
)
EXPECTED = {
    "location_sensitivity": 0.85,
    "category_severity": 0.9,
    "corroboration": 0.95,
    "recency": 0.5,
    "recurrence": 0.7,
    "evidence_quality": 0.75,
    "air_quality": 0.0,
    "imagery_change": 0.0,
}


def facts(**changes: object) -> LeadFacts:
    """FACTS with `changes`; a changed category brings its row's traits."""
    if isinstance(code := changes.get("category"), str):
        changes["traits"] = category(code)
    return replace(FACTS, **changes)  # type: ignore[arg-type]


def test_built_in_signals_are_registered_in_order() -> None:
    assert list(SIGNALS) == BUILT_IN
    assert set(DEFAULT_WEIGHTS) == set(BUILT_IN)
    assert math.fsum(DEFAULT_WEIGHTS.values()) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("zones", "expected", "words"),
    [
        ((("water_source_zone", "I"),), 1.0, "一级"),
        ((("water_source_zone", "II"),), 0.85, "level-II"),
        ((("water_source_zone", "quasi"),), 0.7, "quasi"),
        ((("water_source_zone", None),), 0.7, "unknown level"),
        ((("wetland", None),), 0.6, "wetland"),
        ((("wetland", "national"),), 0.6, "湿地"),
        ((("ecological_redline", None),), 0.6, "red line"),
        ((("nature_reserve", None),), 0.7, "nature reserve"),
        ((("nature_reserve", "core"),), 0.95, "core zone"),
        ((("nature_reserve", "buffer"),), 0.85, "缓冲区"),
        ((("river_lake_range", None),), 0.5, "river/lake"),
        ((), 0.1, "not inside"),
        ((("basin", None), ("admin_division", "county")), 0.1, "not inside"),
        ((("wetland", None), ("water_source_zone", "I"), ("no_burn_area", None)), 1.0, "level-I"),
    ],
)
def test_location_sensitivity(
    zones: tuple[tuple[str, str | None], ...], expected: float, words: str
) -> None:
    result = location_sensitivity(facts(zones=zones))
    assert result.value == expected
    assert words in result.reason
    assert "\n" not in result.reason


def test_no_burn_area_matters_only_for_straw_burning() -> None:
    zones = (("no_burn_area", None),)
    assert location_sensitivity(facts(category="straw_burning", zones=zones)).value == 0.4
    assert "no-burn" in location_sensitivity(facts(category="straw_burning", zones=zones)).reason
    assert location_sensitivity(facts(category="waste_dumping", zones=zones)).value == 0.1
    assert location_sensitivity(facts(category="straw_burning", zones=())).value == 0.1


@pytest.mark.parametrize(
    ("category", "expected"),
    [
        ("illegal_mining", 0.9),
        ("water_pollution_discharge", 0.9),
        ("waste_dumping", 0.8),
        ("sand_gravel_extraction", 0.75),
        ("straw_burning", 0.5),
        ("construction_dust", 0.55),
        ("other", 0.3),
        ("not_a_category", 0.3),
    ],
)
def test_category_severity(category: str, expected: float) -> None:
    assert category_severity(facts(category=category)).value == expected


def test_corroboration_values_and_monotonicity() -> None:
    one = corroboration(facts(reporters=1, source_kinds=("citizen_report",)))
    assert one.value == pytest.approx(0.5)
    assert "1 independent reporters, 1 kinds" in one.reason
    assert corroboration(FACTS).value == pytest.approx(0.95)
    assert corroboration(facts(reporters=0, source_kinds=())).value == 0.0
    kinds = ("citizen_report", "drone_image", "fire_hotspot", "satellite_change")
    values = [
        [corroboration(facts(reporters=r, source_kinds=kinds[:k])).value for k in range(1, 5)]
        for r in range(6)
    ]
    for r in range(6):
        for k in range(4):
            if r + 1 < 6:
                assert values[r + 1][k] > values[r][k]
            if k + 1 < 4:
                assert values[r][k + 1] > values[r][k]
    # Repeated kinds count once.
    twice = facts(reporters=1, source_kinds=("citizen_report", "citizen_report"))
    assert corroboration(twice).value == pytest.approx(0.5)


def test_zone_weight_fits_the_category() -> None:
    """Dust or smoke in a water-source zone is not a water-source case (the zone's regime,
    WPPCL arts. 65-67, protects the water, not the air): the zone gives no weight, and the
    reason names it."""
    level_i = (("water_source_zone", "I"),)
    dust = location_sensitivity(facts(category="construction_dust", zones=level_i))
    assert dust.value == 0.1
    assert "level-I" in dust.reason and "not counted" in dust.reason
    building = location_sensitivity(
        facts(category="illegal_building_protected_area", zones=level_i)
    )
    assert building.value == 1.0 and "not counted" not in building.reason
    # Straw burning in a level-I zone counts only where burning is banned (a no-burn area).
    burning = facts(category="straw_burning", zones=(*level_i, ("no_burn_area", None)))
    assert location_sensitivity(burning).value == 0.4
    # Burning (烧荒) is banned in reserves (Nature Reserves Regulations art. 26); dust is not
    # what a reserve protects.
    reserve = (("nature_reserve", "core"),)
    assert location_sensitivity(facts(category="straw_burning", zones=reserve)).value == 0.95
    assert location_sensitivity(facts(category="construction_dust", zones=reserve)).value == 0.1


def test_nature_reserves_weigh_at_least_as_much_as_red_lines() -> None:
    redline = location_sensitivity(facts(zones=(("ecological_redline", None),))).value
    for level in ("core", "buffer", "experimental", "general", None):
        reserve = location_sensitivity(facts(zones=(("nature_reserve", level),))).value
        assert reserve >= redline, level


@pytest.mark.parametrize("category", ["illegal_mining", "waste_dumping", "land_disturbance"])
def test_recency_does_not_discount_lasting_unremedied_harm(category: str) -> None:
    """A pit, a heap or a building stays until remedied: a year-old sighting is as urgent as
    today's, until a re-check shows the site at least 80 % restored."""
    old = facts(category=category, last_evidence_at=NOW - timedelta(days=365))
    result = recency(old)
    assert result.value == 1.0 and "not discounted" in result.reason
    restored = replace(old, extra={"imagery": ImageryChange(1.0, "high", 1, restored_fraction=0.9)})
    assert recency(restored).value == pytest.approx(0.5 ** (365 / 14))
    half = replace(old, extra={"imagery": ImageryChange(1.0, "high", 1, restored_fraction=0.5)})
    assert recency(half).value == 1.0


@pytest.mark.parametrize(("days", "expected"), [(0, 1.0), (14, 0.5), (28, 0.25), (-3, 1.0)])
def test_recency_half_life(days: int, expected: float) -> None:
    result = recency(facts(last_evidence_at=NOW - timedelta(days=days)))
    assert result.value == pytest.approx(expected)


@pytest.mark.parametrize(("closed", "expected"), [(0, 0.0), (1, 0.7), (2, 1.0), (7, 1.0)])
def test_recurrence(closed: int, expected: float) -> None:
    assert recurrence(facts(earlier_closed_leads=closed)).value == expected


@pytest.mark.parametrize(
    ("photos", "consistent", "duplicates", "expected"),
    [
        (0, 0, 0, 0.0),
        (1, 1, 0, 1 / 3),
        (3, 3, 0, 1.0),
        (6, 6, 0, 1.0),
        (3, 0, 0, 0.0),
        (4, 2, 0, 0.5),
        (3, 3, 2, 1 / 3),  # the same picture three times counts once
        (4, 3, 1, 0.75),
    ],
)
def test_evidence_quality(photos: int, consistent: int, duplicates: int, expected: float) -> None:
    f = facts(photos=photos, photos_with_consistent_gps=consistent, duplicate_photos=duplicates)
    assert evidence_quality(f).value == pytest.approx(expected)


def test_duplicates_lower_quality() -> None:
    clean = facts(photos=3, photos_with_consistent_gps=3, duplicate_photos=0)
    duplicated = facts(photos=3, photos_with_consistent_gps=3, duplicate_photos=1)
    assert evidence_quality(duplicated).value < evidence_quality(clean).value


def test_signal_result_is_clamped() -> None:
    assert SignalResult(1.7, "x").value == 1.0
    assert SignalResult(-0.2, "x").value == 0.0
    with pytest.raises(ValueError):
        SignalResult(float("nan"), "x")


def test_lead_facts_are_validated() -> None:
    with pytest.raises(ValueError):
        facts(now=datetime(2024, 6, 1))
    with pytest.raises(ValueError):
        facts(photos=2, photos_with_consistent_gps=3)
    with pytest.raises(ValueError):
        facts(reporters=-1)


def test_total_worked_by_hand() -> None:
    result = score(FACTS, DEFAULT_WEIGHTS, weights_version=3)
    assert result.total == 81.0
    assert result.weights_version == 3
    assert [e.name for e in result.entries] == BUILT_IN
    for e in result.entries:
        assert e.value == pytest.approx(EXPECTED[e.name])
        assert e.weight == DEFAULT_WEIGHTS[e.name]
        # The air (0.09) and imagery (0.10) weights left the sum: 0.81 is applicable.
        share = e.weight / 0.81 if e.applicable else 0.0
        assert e.points == pytest.approx(100 * share * e.value, abs=0.05 + 1e-9)
    assert [e.name for e in result.entries if not e.applicable] == [
        "air_quality",
        "imagery_change",
    ]
    points = {e.name: e.points for e in result.entries}
    assert points["location_sensitivity"] == 25.5
    assert points["category_severity"] == 18.0
    assert points["recency"] == 5.0
    assert points["recurrence"] == 7.0
    # 14.25 and 11.25 round to 14.3 + 11.2 or 14.2 + 11.3: either way they add to 25.5.
    assert points["corroboration"] + points["evidence_quality"] == pytest.approx(25.5)


@pytest.mark.parametrize("scale", [0.1, 1.0, 2.0, 100.0])
def test_points_add_up_and_weights_are_normalised(scale: float) -> None:
    weights = {name: w * scale for name, w in DEFAULT_WEIGHTS.items()}
    result = score(FACTS, weights)
    assert result.total == 81.0
    assert math.fsum(e.points for e in result.entries) == pytest.approx(result.total)
    for other in (
        facts(zones=()),
        facts(reporters=1, photos=2, photos_with_consistent_gps=1, duplicate_photos=0),
        facts(earlier_closed_leads=0),
    ):
        r = score(other, weights)
        assert round(math.fsum(e.points for e in r.entries), 1) == r.total
        assert 0.0 <= r.total <= 100.0


def test_unknown_weights_ignored_and_unweighted_signals_listed() -> None:
    weights = {"location_sensitivity": 1.0, "no_such_signal": 5.0}
    result = score(FACTS, weights)
    assert result.total == 85.0
    assert [e.name for e in result.entries] == BUILT_IN
    for e in result.entries[1:]:
        assert e.weight == 0.0
        assert e.points == 0.0
        assert e.value == pytest.approx(EXPECTED[e.name])


def test_new_signal_changes_the_total_only_through_its_own_weight() -> None:
    registry: dict[str, SignalFn] = dict(SIGNALS)

    @signal("noise_complaints", registry=registry)
    def noise_complaints(f: LeadFacts) -> SignalResult:
        share = f.extra.get("noise_share", 0.0)
        return SignalResult(share, f"噪声投诉 {share:.0%} (noise complaints {share:.0%})")

    assert "noise_complaints" not in SIGNALS
    lead = facts(extra={"noise_share": 0.5})
    unweighted = score(lead, DEFAULT_WEIGHTS, signals=registry)
    assert unweighted.total == score(lead, DEFAULT_WEIGHTS).total == 81.0
    assert unweighted.entries[-1].name == "noise_complaints"
    assert unweighted.entries[-1].points == 0.0
    assert unweighted.entries[-1].value == 0.5
    # Weight 0.25 on a 0.5 signal beside 0.81 of applicable built-in weight:
    # (0.81 x 81 + 100 x 0.25 x 0.5) / 1.06 = (65.61 + 12.5) / 1.06 = 73.69 -> 73.7.
    weighted = score(lead, {**DEFAULT_WEIGHTS, "noise_complaints": 0.25}, signals=registry)
    assert weighted.total == 73.7
    assert weighted.entries[-1].points == pytest.approx(11.8)
    built_in = {e.name: e.value for e in weighted.entries[:-1]}
    assert built_in == {e.name: e.value for e in unweighted.entries[:-1]}


def test_duplicate_signal_name_refused() -> None:
    registry: dict[str, SignalFn] = dict(SIGNALS)
    with pytest.raises(ValueError):
        signal("recency", registry=registry)(recency)


@pytest.mark.parametrize(
    "weights",
    [
        {**DEFAULT_WEIGHTS, "recency": -0.1},
        {**DEFAULT_WEIGHTS, "no_such_signal": -1.0},
        {**DEFAULT_WEIGHTS, "recency": float("nan")},
        {name: 0.0 for name in DEFAULT_WEIGHTS},
        {"no_such_signal": 1.0},
    ],
)
def test_bad_weights_refused(weights: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        score(FACTS, weights)
