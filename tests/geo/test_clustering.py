"""Tests for geo.clustering: space-time grouping of evidence into leads."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from pyproj import Geod

from geo import clustering
from geo.clustering import ClusterRule, EvidencePoint, OpenLead, Placement, pair_rule, rule_for
from rules.categories import CATEGORIES, OTHER, compatible_groups

GEOD = Geod(ellps="WGS84")
# Zhangjiakou, upper Yongding basin.
LON0, LAT0 = 114.88, 40.77
T0 = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
DAY = timedelta(days=1)
# The shipped rules and groups: those of the category rows.
RULES = {c: ClusterRule(row.distance_m, row.window) for c, row in CATEGORIES.items()}
GROUPS = compatible_groups()
Rules = Mapping[str, ClusterRule]
Groups = Sequence[frozenset[str]]


def assign(
    item: EvidencePoint, leads: Sequence[OpenLead], *, rules: Rules = RULES, groups: Groups = GROUPS
) -> int | None:
    return clustering.assign(item, leads, rules=rules, groups=groups)


def cluster(
    items: Sequence[EvidencePoint], *, rules: Rules = RULES, groups: Groups = GROUPS
) -> list[list[int]]:
    return clustering.cluster(items, rules=rules, groups=groups)


def place_batch(items: Sequence[EvidencePoint], leads: Sequence[OpenLead]) -> Placement:
    return clustering.place_batch(items, leads, rules=RULES, groups=GROUPS)


def compatible(a: str, b: str) -> bool:
    return clustering.compatible(a, b, GROUPS)


def at(
    id_: int,
    metres: float = 0.0,
    azimuth: float = 90.0,
    dt: timedelta = timedelta(0),
    category: str = "waste_dumping",
    origin: tuple[float, float] = (LON0, LAT0),
) -> EvidencePoint:
    """Return an item `metres` from `origin` along `azimuth` (geodesic), at T0 + dt."""
    lon, lat, _ = GEOD.fwd(origin[0], origin[1], azimuth, metres)
    return EvidencePoint(id_, category, lon, lat, T0 + dt, "citizen_report", f"user:{id_}")


def lead(id_: int, *points: EvidencePoint) -> OpenLead:
    return OpenLead(id_, points[0].category, list(points))


def incremental(items: list[EvidencePoint], **kw: object) -> list[list[int]]:
    """Feed items to assign() in (time, id) order, numbering leads as they open."""
    leads: list[OpenLead] = []
    for item in sorted(items, key=lambda p: (p.time, p.id)):
        joined = assign(item, leads, **kw)  # type: ignore[arg-type]
        if joined is None:
            leads.append(OpenLead(len(leads), item.category, [item]))
        else:
            leads[joined].points.append(item)
    return sorted(sorted(p.id for p in lead.points) for lead in leads)


def test_rules_table() -> None:
    general = ClusterRule(200.0, timedelta(days=30))
    assert rule_for("straw_burning", RULES) == ClusterRule(1000.0, timedelta(days=3))
    assert rule_for("construction_dust", RULES) == ClusterRule(300.0, timedelta(days=14))
    assert rule_for("illegal_mining", RULES) == ClusterRule(500.0, timedelta(days=60))
    assert rule_for("black_odorous_water", RULES) == ClusterRule(500.0, timedelta(days=30))
    assert rule_for("waste_dumping", RULES) == general
    assert rule_for(OTHER, RULES) == general
    with pytest.raises(ValueError, match="no clustering rule"):
        rule_for("no_such_category", RULES)
    assert set(RULES) == set(CATEGORIES)
    assert set().union(*GROUPS) <= set(CATEGORIES)


def test_compatibility() -> None:
    assert compatible("water_pollution_discharge", "black_odorous_water")
    assert compatible("illegal_mining", "sand_gravel_extraction")
    assert compatible("wetland_damage", "illegal_building_protected_area")
    assert compatible("straw_burning", "straw_burning")
    assert not compatible("straw_burning", "construction_dust")
    assert not compatible("waste_dumping", "water_pollution_discharge")


# 199.999 m: the 200 m bound is inclusive (an exact 200 m is at the mercy of rounding).
@pytest.mark.parametrize(("metres", "joins"), [(199.0, True), (199.999, True), (201.0, False)])
def test_default_distance_boundary(metres: float, joins: bool) -> None:
    a, b = at(1), at(2, metres, dt=DAY)
    assert (assign(b, [lead(7, a)]) == 7) is joins
    assert (cluster([b, a]) == [[1, 2]]) is joins


@pytest.mark.parametrize(
    ("dt", "joins"), [(timedelta(days=30), True), (timedelta(days=30, seconds=1), False)]
)
def test_default_window_boundary(dt: timedelta, joins: bool) -> None:
    a, b = at(1), at(2, 50.0, dt=dt)
    assert (assign(b, [lead(7, a)]) == 7) is joins
    assert (cluster([b, a]) == [[1, 2]]) is joins
    # |Δt| counts in both directions: a late-arriving earlier item too.
    a2, b2 = at(1, dt=dt), at(2, 50.0)
    assert (assign(b2, [lead(7, a2)]) == 7) is joins


@pytest.mark.parametrize(
    ("metres", "dt", "joins"),
    [
        (999.0, timedelta(days=3), True),
        (1001.0, timedelta(days=1), False),
        (999.0, timedelta(days=3, seconds=1), False),
    ],
)
def test_straw_burning_rule(metres: float, dt: timedelta, joins: bool) -> None:
    a = at(1, category="straw_burning")
    b = at(2, metres, azimuth=0.0, dt=dt, category="straw_burning")
    assert (assign(b, [lead(3, a)]) == 3) is joins
    assert (cluster([a, b]) == [[1, 2]]) is joins


def test_incompatible_categories_never_join() -> None:
    a = at(1, category="straw_burning")
    for category in CATEGORIES:
        if category != "straw_burning":
            assert assign(at(2, category=category), [lead(1, a)]) is None
    assert cluster([a, at(2, category="construction_dust")]) == [[1], [2]]


def test_compatible_categories_share_a_lead() -> None:
    a = at(1, category="water_pollution_discharge")
    b = at(2, 450.0, dt=20 * DAY, category="black_odorous_water")
    assert assign(b, [lead(4, a)]) == 4
    assert cluster([a, b]) == [[1, 2]]


def test_compatible_categories_use_the_larger_rule() -> None:
    # The shipped tables give compatible categories equal rules, so edit a copy.
    rules = {
        "sand_gravel_extraction": ClusterRule(500.0, timedelta(days=10)),
        "illegal_mining": ClusterRule(100.0, timedelta(days=60)),
    }
    assert pair_rule("illegal_mining", "sand_gravel_extraction", rules) == ClusterRule(
        500.0, timedelta(days=60)
    )
    mine = at(1, category="illegal_mining")
    # 450 m exceeds mining's 100 m and 50 days exceeds sand's 10 days: the pair rule joins.
    sand = at(2, 450.0, dt=50 * DAY, category="sand_gravel_extraction")
    assert assign(sand, [lead(1, mine)], rules=rules) == 1
    assert cluster([mine, sand], rules=rules) == [[1, 2]]
    # The same geometry within one category uses that category's own rule.
    mine2 = at(2, 450.0, dt=50 * DAY, category="illegal_mining")
    assert assign(mine2, [lead(1, mine)], rules=rules) is None
    too_far = at(3, 501.0, dt=DAY, category="sand_gravel_extraction")
    assert assign(too_far, [lead(1, mine)], rules=rules) is None


def test_nearest_lead_wins_then_smallest_id() -> None:
    item = at(10)
    near, far = at(1, 120.0, azimuth=0.0), at(2, 80.0, azimuth=180.0)
    assert assign(item, [lead(1, near), lead(2, far)]) == 2
    # Same distance (mirror images across the meridian of `item`): smallest id wins.
    east, west = at(3, 100.0, azimuth=90.0), at(4, 100.0, azimuth=270.0)
    assert assign(item, [lead(9, east), lead(5, west)]) == 5
    assert assign(item, [lead(5, east), lead(9, west)]) == 5
    # Two leads with a point at the very same place: smallest id wins.
    assert assign(item, [lead(8, at(5, 60.0)), lead(6, at(6, 60.0))]) == 6


@pytest.mark.parametrize(("east", "west"), [(1, 2), (2, 1)])
def test_cluster_breaks_distance_ties_by_the_earlier_lead(east: int, west: int) -> None:
    # Two leads 300 m apart, the new item exactly halfway: the lead opened first wins.
    items = [at(east, 150.0, 90.0), at(west, 150.0, 270.0), at(3, dt=DAY)]
    assert cluster(items) == [[1, 3], [2]]


def test_cluster_numbers_leads_as_they_open_not_by_item_id() -> None:
    # Item 5 opens lead 0 (earlier), item 2 opens lead 1; item 9 is equidistant from both.
    items = [at(5, 150.0, 90.0), at(2, 150.0, 270.0, timedelta(hours=1)), at(9, dt=DAY)]
    assert cluster(items) == [[2], [5, 9]]


def test_out_of_window_point_does_not_count_for_distance() -> None:
    # Lead 1 has a point at 10 m but 40 days away; its in-window point is 150 m away.
    item = at(10, dt=40 * DAY)
    lead1 = lead(1, at(1, 10.0), at(2, 150.0, dt=39 * DAY))
    lead2 = lead(2, at(3, 100.0, azimuth=0.0, dt=39 * DAY))
    assert assign(item, [lead1, lead2]) == 2


def test_chain_joins_through_the_middle_point() -> None:
    a = at(1)
    b = at(2, 150.0, dt=DAY)
    c = at(3, 300.0, dt=2 * DAY)
    assert GEOD.inv(a.lon, a.lat, c.lon, c.lat)[2] == pytest.approx(300.0, abs=1e-6)
    assert assign(c, [lead(1, a)]) is None
    assert assign(c, [lead(1, a, b)]) == 1
    assert cluster([c, a, b]) == [[1, 2, 3]]


def test_empty_and_invalid_input() -> None:
    assert cluster([]) == []
    assert assign(at(1), []) is None
    with pytest.raises(ValueError):
        cluster([at(1), at(1, 10.0)])
    with pytest.raises(ValueError):
        EvidencePoint(1, "other", LON0, LAT0, datetime(2024, 1, 1), "citizen_report", None)
    with pytest.raises(ValueError):
        ClusterRule(-1.0, DAY)


def random_items(n: int, seed: int, span_m: float = 3000.0, days: int = 90) -> list[EvidencePoint]:
    rng = random.Random(seed)
    cats = ["waste_dumping", "straw_burning", "water_pollution_discharge", "black_odorous_water"]
    return [
        at(
            i,
            rng.uniform(0.0, span_m),
            rng.uniform(0.0, 360.0),
            timedelta(seconds=rng.randrange(days * 86400)),
            rng.choice(cats),
        )
        for i in range(n)
    ]


def test_cluster_is_independent_of_input_order() -> None:
    items = random_items(500, seed=1)
    expected = cluster(items)
    assert sorted(i for group in expected for i in group) == list(range(500))
    assert any(len(group) > 2 for group in expected)
    assert expected == sorted(expected, key=lambda group: group[0])
    rng = random.Random(2)
    for _ in range(20):
        shuffled = items[:]
        rng.shuffle(shuffled)
        assert cluster(shuffled) == expected


def test_cluster_equals_incremental_assign() -> None:
    items = random_items(300, seed=3, span_m=2000.0, days=60)
    # Exact ties too: several items at one place and one instant.
    items += [at(1000 + i, dt=10 * DAY, category="waste_dumping") for i in range(3)]
    assert cluster(items) == incremental(items)


def test_place_batch_equals_assign_among_open_leads() -> None:
    """A batch placed among open leads goes where assigning it item by item would send it:
    open leads first (ties: smaller id), new leads after them as they open."""
    earlier = random_items(200, seed=6, span_m=2000.0, days=60)
    batch = [
        EvidencePoint(1000 + p.id, p.category, p.lon, p.lat, p.time, p.kind, p.source)
        for p in random_items(200, seed=7, span_m=2000.0, days=60)
    ]
    # Open leads with scattered ids, built from the earlier items.
    leads = [
        OpenLead(
            3 * k + 5,
            next(p for p in earlier if p.id == g[0]).category,
            [p for p in earlier if p.id in set(g)],
        )
        for k, g in enumerate(cluster(earlier))
    ]
    by_id = sorted((OpenLead(o.id, o.category, list(o.points)) for o in leads), key=lambda o: o.id)
    fresh: list[OpenLead] = []
    expected_joined: dict[int, int] = {}
    for item in sorted(batch, key=lambda p: (p.time, p.id)):
        target = assign(item, by_id + fresh)
        if target is None:
            fresh.append(OpenLead(10_000 + len(fresh), item.category, [item]))
        elif target >= 10_000:
            fresh[target - 10_000].points.append(item)
        else:
            expected_joined[item.id] = target
            next(lead for lead in by_id if lead.id == target).points.append(item)
    placed = place_batch(list(reversed(batch)), leads)
    assert placed.joined == expected_joined
    assert placed.new == [[p.id for p in lead.points] for lead in fresh]
    assert expected_joined and fresh


def test_cluster_equals_incremental_over_a_continent() -> None:
    # Hotspots thousands of km apart stretch the local projection; no near pair may be lost.
    rng = random.Random(4)
    items: list[EvidencePoint] = []
    for h in range(30):
        origin = (rng.uniform(75.0, 132.0), rng.uniform(20.0, 52.0))
        for _ in range(8):
            metres, az = rng.uniform(0.0, 1200.0), rng.uniform(0.0, 360.0)
            dt = timedelta(hours=rng.randrange(24 * 8))
            cat = rng.choice(["straw_burning", "construction_dust"])
            items.append(at(len(items), metres, az, dt, cat, origin))
        if h == 0:
            items.append(at(len(items), 999.0, 45.0, 3 * DAY, "straw_burning", origin))
            items.append(at(len(items), 0.0, 0.0, timedelta(0), "straw_burning", origin))
    got = cluster(items)
    assert got == incremental(items)
    assert any(len(group) > 1 for group in got)
    # The far-flung 999 m / 3 day straw pair (the last two items) shares a lead.
    assert any({len(items) - 2, len(items) - 1} <= set(group) for group in got)


def test_tangential_pair_at_the_edge_of_a_wide_extent() -> None:
    # Two hubs ~4,200 km apart put the projection centre ~2,100 km from each, where the
    # azimuthal projection stretches north-south distances by ~1.7 %; a 999 m north-south
    # straw pair there must still be found (a 1 % margin alone would lose it).
    west = [at(i, 10.0 * i, category="straw_burning", origin=(76.0, 40.0)) for i in (1, 2)]
    a = at(3, category="straw_burning", origin=(126.0, 40.0))
    b = at(4, 999.0, 0.0, DAY, "straw_burning", origin=(126.0, 40.0))
    assert cluster([*west, a, b]) == [[1, 2], [3, 4]]


def test_overlapping_groups_follow_the_lead_category() -> None:
    # With edited, overlapping groups compatibility is not transitive: C may join B's items
    # but not a lead whose category is A.
    groups = [frozenset({"A", "B"}), frozenset({"B", "C"})]
    rules = dict.fromkeys("ABC", ClusterRule(200.0, timedelta(days=30)))
    a, b = at(1, category="A"), at(2, 100.0, dt=DAY, category="B")
    c = at(3, 150.0, dt=2 * DAY, category="C")
    assert assign(c, [OpenLead(0, "A", [a, b])], rules=rules, groups=groups) is None
    assert assign(c, [OpenLead(0, "B", [b])], rules=rules, groups=groups) == 0
    assert cluster([a, b, c], rules=rules, groups=groups) == [[1, 2], [3]]
    assert cluster([b, c], rules=rules, groups=groups) == [[2, 3]]


def test_points_spread_over_the_globe() -> None:
    # No local projection fits antipodes; the grid then falls back to time cells only.
    items = [
        at(1, origin=(0.0, 0.0)),
        at(2, 150.0, dt=DAY, origin=(0.0, 0.0)),
        at(3, origin=(180.0, 0.0)),
        at(4, 150.0, 0.0, DAY, origin=(180.0, 0.0)),
        at(5, origin=(90.0, 45.0)),
    ]
    assert cluster(items) == incremental(items) == [[1, 2], [3, 4], [5]]


def test_hundred_thousand_points() -> None:
    rng = np.random.default_rng(5)
    n = 100_000
    hubs = rng.uniform((114.0, 40.0), (116.0, 42.0), size=(2000, 2))
    lonlat = np.concatenate(
        [
            rng.uniform((114.0, 40.0), (116.0, 42.0), size=(n // 2, 2)),
            hubs[rng.integers(0, len(hubs), n // 2)] + rng.normal(0.0, 0.003, (n // 2, 2)),
        ]
    )
    seconds = rng.integers(0, 365 * 86400, n).tolist()
    cats = list(CATEGORIES)
    codes = rng.integers(0, len(cats), n).tolist()
    items = [
        EvidencePoint(i, cats[c], lo, la, T0 + timedelta(seconds=s), "citizen_report", None)
        for i, ((lo, la), c, s) in enumerate(zip(lonlat.tolist(), codes, seconds, strict=True))
    ]
    groups = cluster(items)
    assert sum(len(group) for group in groups) == n
    assert len(groups) < n
