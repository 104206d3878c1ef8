"""Wind arithmetic, local excess and the attribution of PM10 to an upwind source."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from pyproj import Geod

from geo.air.attribution import (
    AttributionRules,
    Source,
    StationSeries,
    activity_window,
    attribute,
)
from geo.air.excess import local_excess, neighbours_within
from geo.air.wind import angular_difference, bearing_and_distance, compass_to_degrees, within_sector
from geo.scoring.model import DEFAULT_WEIGHTS, score
from geo.scoring.signals import LeadFacts
from rules.categories import CATEGORIES

GEOD = Geod(ellps="WGS84")
T0 = datetime(2025, 4, 22, 0, tzinfo=UTC)
STATION = (115.50, 40.40)
# The source 10 km due north of the station: the wind must come FROM the north (0°).
SOURCE_LON, SOURCE_LAT, _ = GEOD.fwd(STATION[0], STATION[1], 0.0, 10_000.0)


def test_compass_points_and_numbers() -> None:
    got = compass_to_degrees(["N", "nne", "E", "SSW", "NW", "NNW", "C", "", None, "90", "400"])
    expected = [0.0, 22.5, 90.0, 202.5, 315.0, 337.5]
    assert got[:6].tolist() == expected
    assert np.isnan(got[6:9]).all()  # calm, empty, missing
    assert got[9] == 90.0 and np.isnan(got[10])


def test_sector_arithmetic_across_north() -> None:
    assert angular_difference(350.0, 10.0) == 20.0
    assert angular_difference(10.0, 350.0) == 20.0
    assert angular_difference(0.0, 180.0) == 180.0
    assert angular_difference(720.0, 0.0) == 0.0
    assert within_sector(350.0, 10.0, 22.5)
    assert within_sector(10.0, 350.0, 20.0)
    assert not within_sector(350.0, 10.0, 19.9)
    assert within_sector([337.5, 22.5, 45.0], 0.0, 22.5).tolist() == [True, True, False]


def test_bearing_and_distance() -> None:
    bearing, dist = bearing_and_distance(*STATION, SOURCE_LON, SOURCE_LAT)
    assert bearing == pytest.approx(0.0, abs=1e-6) or bearing == pytest.approx(360.0, abs=1e-6)
    assert dist == pytest.approx(10_000.0, abs=0.01)
    east, _ = bearing_and_distance(116.0, 40.0, 116.1, 40.0)
    assert east == pytest.approx(90.0, abs=0.1)


def test_local_excess_is_value_minus_median_of_the_others() -> None:
    hours = pd.date_range(T0, periods=3, freq="h")
    wide = pd.DataFrame(
        {"A": [300.0, 100.0, np.nan], "B": [100.0, 110.0, 80.0], "C": [120.0, 90.0, np.nan],
         "D": [80.0, 100.0, 70.0]},
        index=hours,
    )  # fmt: skip
    near = {c: tuple(o for o in wide.columns if o != c) for c in wide.columns}
    baseline, excess = local_excess(wide, near)
    # Hour 0: A's others B, C, D = 100, 120, 80 -> median 100 -> excess 200.
    assert baseline.loc[hours[0], "A"] == 100.0 and excess.loc[hours[0], "A"] == 200.0
    # Hour 0: B's others 300, 120, 80 -> 120; a regional episode barely shows.
    assert excess.loc[hours[0], "B"] == -20.0
    # Hour 2: B has only D beside it (A, C missing): fewer than 2 others, no baseline.
    assert np.isnan(baseline.loc[hours[2], "B"]) and np.isnan(excess.loc[hours[2], "A"])


def test_neighbours_within_radius() -> None:
    codes = ["A", "B", "C"]
    lons, lats = [116.0, 116.1, 117.5], [40.0, 40.0, 40.0]  # B 8.5 km east, C 128 km east
    assert neighbours_within(codes, lons, lats, 50_000.0) == {"A": ("B",), "B": ("A",), "C": ()}
    assert neighbours_within(codes, lons, lats, None)["C"] == ("A", "B")


def series(rows: list[tuple[int, float, float, float, float]]) -> StationSeries:
    """A station series from (hour offset, pm10, baseline, wind from, wind speed) rows."""
    at = [T0 + timedelta(hours=h) for h, *_ in rows]
    pm10 = np.array([r[1] for r in rows])
    base = np.array([r[2] for r in rows])
    return StationSeries(
        "Z01", "测试站", *STATION, at, pm10, base, pm10 - base,
        np.array([r[3] for r in rows]), np.array([r[4] for r in rows]),
    )  # fmt: skip


def test_attribution_worked_by_hand() -> None:
    # A fire 10 km north of the station, burning 02:00-06:00 UTC.
    fire = Source(SOURCE_LON, SOURCE_LAT, T0 + timedelta(hours=2), T0 + timedelta(hours=6))
    s = series(
        [
            (3, 180.0, 100.0, 0.0, 2.0),  # N wind 2 m/s: 10 km in 1.39 h; excess 80: counts
            (4, 220.0, 100.0, 350.0, 2.0),  # 10° off north, inside ±22.5°; excess 120: counts
            (5, 140.0, 100.0, 0.0, 2.0),  # excess 40 < 50: no
            (6, 260.0, 100.0, 180.0, 2.0),  # south wind: blows from the station, no
            (7, 260.0, 100.0, 0.0, 0.3),  # calm: no direction, no
            (5, 260.0, 100.0, 0.0, 0.4),  # calm again
            (20, 300.0, 100.0, 0.0, 2.0),  # 14 h after the fire ended: outside the window
            (4, np.nan, 100.0, 0.0, 2.0),  # missing PM10: not usable at all
        ]
    )
    result = attribute(fire, [s])
    assert result.applicable
    assert [h.at for h in result.hours] == [T0 + timedelta(hours=3), T0 + timedelta(hours=4)]
    assert result.hours_considered == 6  # every row but the missing one and hour 20
    # mean excess (80 + 120) / 2 = 100 -> full size; 2 of 6 hours: value = 2/6 x 1 = 0.333.
    assert result.mean_excess == 100.0
    assert result.value == pytest.approx(1 / 3)
    first = result.hours[0]
    assert first.travel_h == pytest.approx(10_000 / 7200)
    assert first.distance_m == pytest.approx(10_000.0, abs=0.01)
    assert "2 hours downwind" in result.reason and "Z01" in result.reason


def test_travel_time_limits_the_distance() -> None:
    fire = Source(SOURCE_LON, SOURCE_LAT, T0, T0 + timedelta(hours=1))
    slow = series([(1, 300.0, 100.0, 0.0, 0.45)])  # calm
    assert not attribute(fire, [slow]).hours
    rules = AttributionRules(max_travel_h=1.0)
    just = series([(1, 300.0, 100.0, 0.0, 10_000 / 3600 - 0.01)])  # 1.0004 h of travel
    assert not attribute(fire, [just], rules).hours
    fast = series([(1, 300.0, 100.0, 0.0, 3.0)])
    assert len(attribute(fire, [fast], rules).hours) == 1


def test_far_stations_and_no_data_are_not_applicable() -> None:
    far = Source(118.0, 42.0, T0, T0 + timedelta(hours=5))
    result = attribute(far, [series([(1, 300.0, 100.0, 0.0, 3.0)])])
    assert not result.applicable and result.value == 0.0
    assert "no usable station hours within 50 km" in result.reason


def test_activity_windows_by_category() -> None:
    straw, dust = CATEGORIES["straw_burning"].active_h, CATEGORIES["construction_dust"].active_h
    assert straw is not None and dust is not None
    start, end = activity_window(straw, T0, T0 + timedelta(hours=2))
    assert (start, end) == (T0 - timedelta(hours=6), T0 + timedelta(hours=26))
    start, end = activity_window(dust, T0, T0)
    assert start == T0 - timedelta(days=3)


def test_air_signal_in_the_score() -> None:
    fire = Source(SOURCE_LON, SOURCE_LAT, T0 + timedelta(hours=2), T0 + timedelta(hours=6))
    found = attribute(fire, [series([(3, 180.0, 100.0, 0.0, 2.0)] * 6)])
    assert found.value == pytest.approx(0.8)  # 6 hours x min(1, 80 / 100)
    base = dict(
        zones=(),
        reporters=1,
        source_kinds=("fire_hotspot",),
        last_evidence_at=T0,
        now=T0,
        earlier_closed_leads=0,
        photos=0,
        photos_with_consistent_gps=0,
        duplicate_photos=0,
    )
    straw = LeadFacts(category="straw_burning", traits=CATEGORIES["straw_burning"], **base)
    dump = replace(straw, category="waste_dumping", traits=CATEGORIES["waste_dumping"])
    with_air = score(replace(straw, extra={"air": found}), DEFAULT_WEIGHTS)
    without = score(straw, DEFAULT_WEIGHTS)
    dumping = score(replace(dump, extra={"air": found}), DEFAULT_WEIGHTS)
    air = {e.name: e for e in with_air.entries}["air_quality"]
    assert air.applicable and air.value == pytest.approx(0.8) and len(air.details) == 6
    assert air.details[0]["station"] == "Z01"
    assert with_air.total > without.total  # 0.8 on a 0.1 weight lifts a lead scoring < 80
    assert not {e.name: e for e in without.entries}["air_quality"].applicable
    assert not {e.name: e for e in dumping.entries}["air_quality"].applicable
