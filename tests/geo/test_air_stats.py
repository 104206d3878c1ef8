"""Tests for geo.air.stats and geo.air.iaqi: GB 3095-2012 daily/period validity, exceedances,
HJ 633-2012 IAQI."""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from numpy.typing import ArrayLike, NDArray

from geo.air.iaqi import above_scale, aqi
from geo.air.iaqi import iaqi as iaqi_on
from geo.air.stats import daily_means, exceedance_summary, exceedances, period_means

DAY = date(2014, 3, 1)  # a day under GB 3095-2012 / HJ 633-2012


def iaqi(c: ArrayLike, pollutant: str, averaging: str = "24h") -> NDArray[np.float64]:
    """IAQI of values measured on DAY."""
    return iaqi_on(c, pollutant, averaging, on=DAY)


def hourly_frame(station: str, start: str, values: list[float]) -> pd.DataFrame:
    """Build consecutive PM10 hours for one station from a UTC start."""
    at = pd.date_range(start, periods=len(values), freq="h", tz="UTC")
    return pd.DataFrame({"station_code": station, "at": at, "pm10": values})


def daily_frame(station: str, days: list[tuple[date, float, bool]]) -> pd.DataFrame:
    """Build a long daily PM10 frame as daily_means returns it."""
    return pd.DataFrame(
        {
            "station_code": station,
            "date": [d for d, _, _ in days],
            "pollutant": "pm10",
            "mean": [m for _, m, _ in days],
            "hours": [24 if ok else 10 for _, _, ok in days],
            "coverage": [1.0 if ok else 10 / 24 for _, _, ok in days],
            "valid": [ok for _, _, ok in days],
        }
    )


def month_days(year: int, month: int, n_valid: int) -> list[tuple[date, float, bool]]:
    """Return every day of a month, the first n_valid valid at 100 µg/m³, the rest invalid."""
    first = date(year, month, 1)
    nxt = date(year + month // 12, month % 12 + 1, 1)
    days = [first + timedelta(days=i) for i in range((nxt - first).days)]
    return [(d, 100.0, i < n_valid) for i, d in enumerate(days)]


def year_days(year: int, valid_per_month: dict[int, int]) -> pd.DataFrame:
    """Build a whole year with a chosen number of valid days in each month."""
    rows = [r for m in range(1, 13) for r in month_days(year, m, valid_per_month[m])]
    return daily_frame("A", rows)


# --- daily means ------------------------------------------------------------------------


def test_day_is_valid_from_20_hours_not_19() -> None:
    # Local days start at 16:00 UTC (Asia/Shanghai is UTC+8).
    day1 = hourly_frame("A", "2014-03-01T16:00Z", [100.0] * 19 + [np.nan] * 5)
    day2 = hourly_frame("A", "2014-03-02T16:00Z", [100.0] * 20 + [np.nan] * 4)
    out = daily_means(pd.concat([day1, day2], ignore_index=True))
    assert list(out["date"]) == [date(2014, 3, 2), date(2014, 3, 3)]
    assert list(out["hours"]) == [19, 20]
    assert list(out["valid"]) == [False, True]
    assert out["coverage"].tolist() == pytest.approx([19 / 24, 20 / 24])
    # The mean is given even when the day is not valid.
    assert out["mean"].tolist() == pytest.approx([100.0, 100.0])


def test_local_day_grouping_across_utc_midnight() -> None:
    # 15:00Z is 23:00 local on 03-01; 16:00Z is 00:00 local on 03-02.
    hours = hourly_frame("A", "2014-03-01T15:00Z", [10.0, 30.0, 50.0])
    out = daily_means(hours)
    assert list(out["date"]) == [date(2014, 3, 1), date(2014, 3, 2)]
    assert out["mean"].tolist() == pytest.approx([10.0, 40.0])
    assert list(out["hours"]) == [1, 2]


def test_day_with_rows_but_no_values_appears() -> None:
    hours = hourly_frame("A", "2014-03-01T16:00Z", [np.nan] * 3)
    out = daily_means(hours)
    assert len(out) == 1
    assert out["hours"].iloc[0] == 0 and not out["valid"].iloc[0]
    assert math.isnan(out["mean"].iloc[0])


def test_several_pollutants_are_long() -> None:
    hours = hourly_frame("A", "2014-03-01T16:00Z", [10.0, 20.0]).assign(pm25=[5.0, np.nan])
    out = daily_means(hours, pollutants=("pm10", "pm25"))
    assert list(out["pollutant"]) == ["pm10", "pm25"]
    assert out["mean"].tolist() == pytest.approx([15.0, 5.0])
    assert list(out["hours"]) == [2, 1]


def test_naive_times_and_duplicate_hours_are_refused() -> None:
    naive = hourly_frame("A", "2014-03-01T16:00Z", [1.0]).assign(
        at=pd.Timestamp("2014-03-01T16:00")
    )
    with pytest.raises(ValueError, match="tz-aware"):
        daily_means(naive)
    twice = pd.concat([hourly_frame("A", "2014-03-01T16:00Z", [1.0])] * 2, ignore_index=True)
    with pytest.raises(ValueError, match="more than one row"):
        daily_means(twice)


# --- exceedances -------------------------------------------------------------------------


def exceedance_days() -> pd.DataFrame:
    return daily_frame(
        "A",
        [
            (date(2016, 3, 1), 150.0, True),  # at the limit: not an exceedance
            (date(2016, 3, 2), 150.1, True),  # above: an exceedance
            (date(2016, 3, 3), 400.0, False),  # above but invalid: not counted
            (date(2016, 3, 4), 80.0, True),
        ],
    )


def test_exceedances_are_strictly_above_and_valid() -> None:
    out = exceedances(exceedance_days())
    assert list(out["date"]) == [date(2016, 3, 2)]
    assert out["limit"].iloc[0] == 150.0  # GB 3095-2012 grade II PM10 24-hour
    assert out["ratio"].iloc[0] == pytest.approx(150.1 / 150.0)
    assert list(out.columns) == [
        "station_code",
        "date",
        "mean",
        "limit",
        "grade",
        "ratio",
        "hours",
        "coverage",
        "standard",
        "note",
    ]
    assert out["standard"].iloc[0] == "GB 3095-2012" and out["note"].iloc[0] is None


def test_exceedances_grade_i_and_explicit_limit() -> None:
    assert len(exceedances(exceedance_days(), grade="I")) == 3  # limit 50: 150, 150.1, 80
    assert len(exceedances(exceedance_days(), limit=100.0)) == 2


def test_o3_has_no_24h_limit() -> None:
    with pytest.raises(ValueError, match="no GB 3095 edition sets a 24h limit for 'o3'"):
        exceedances(exceedance_days(), pollutant="o3")


def test_exceedance_summary_per_station() -> None:
    out = exceedance_summary(exceedance_days())
    row = out.iloc[0]
    assert (row["station_code"], row["days_total"], row["valid_days"]) == ("A", 4, 3)
    assert row["exceedance_days"] == 1
    assert row["exceedance_rate"] == pytest.approx(1 / 3)


# --- period means ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("month", "n_valid", "valid"),
    [(3, 26, False), (3, 27, True), (2, 24, False), (2, 25, True)],
)
def test_month_validity(month: int, n_valid: int, valid: bool) -> None:
    out = period_means(daily_frame("A", month_days(2014, month, n_valid)), period="month")
    row = out.iloc[0]
    assert row["period"] == f"2014-{month:02d}"
    assert row["valid_days"] == n_valid and bool(row["valid"]) is valid
    assert row["days_in_period"] == (28 if month == 2 else 31)
    sign, need = (">=" if valid else "<"), (25 if month == 2 else 27)
    assert (
        row["rule"] == f"GB 3095-2012 表4: 2014-{month:02d} has {n_valid} {sign} {need} valid days"
    )


def test_month_mean_uses_valid_days_only() -> None:
    days = [(date(2014, 3, 1), 100.0, True), (date(2014, 3, 2), 900.0, False)]
    row = period_means(daily_frame("A", days)).iloc[0]
    assert row["mean"] == 100.0 and row["valid_days"] == 1
    assert row["coverage"] == pytest.approx(1 / 31)


def minimal_year(extra_in_january: int) -> dict[int, int]:
    # Every month at its minimum (27, February 25): 11 * 27 + 25 = 322, plus January extras.
    counts = {m: 27 for m in range(1, 13)} | {2: 25}
    counts[1] += extra_in_january
    return counts


def test_year_needs_324_valid_days() -> None:
    ok = period_means(year_days(2014, minimal_year(2)), period="year").iloc[0]
    assert (ok["period"], ok["valid_days"], ok["days_in_period"]) == ("2014", 324, 365)
    assert ok["valid"] and "324 >= 324" in ok["rule"]
    short = period_means(year_days(2014, minimal_year(1)), period="year").iloc[0]
    assert short["valid_days"] == 323 and not short["valid"]
    assert short["rule"] == "GB 3095-2012 表4: 2014 has 323 < 324 valid days"


def test_year_fails_on_one_short_month() -> None:
    counts = {m: 30 for m in range(1, 13)} | {2: 24}  # 354 valid days, February short
    row = period_means(year_days(2014, counts), period="year").iloc[0]
    assert row["valid_days"] == 354 and not row["valid"]
    assert row["rule"] == "GB 3095-2012 表4: 2014-02 has 24 < 25 valid days"
    assert row["mean"] == 100.0


def test_year_with_missing_months_fails() -> None:
    row = period_means(daily_frame("A", month_days(2016, 3, 31)), period="year").iloc[0]
    assert row["days_in_period"] == 366 and not row["valid"]
    assert "2016-01 has 0 < 27" in row["rule"] and "more months short" in row["rule"]


# --- IAQI and AQI ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("c", "expected"),
    [(0, 0), (50, 50), (150, 100), (250, 150), (350, 200), (420, 300), (500, 400), (600, 500)],
)
def test_pm10_iaqi_at_every_breakpoint(c: float, expected: float) -> None:
    assert float(iaqi(c, "pm10")) == pytest.approx(expected)


def test_pm10_iaqi_between_breakpoints() -> None:
    # 200 lies in 150..250 -> IAQI 100..150: (150 - 100) / (250 - 150) * (200 - 150) + 100 = 125.
    # 385 lies in 350..420 -> IAQI 200..300: (300 - 200) / (420 - 350) * (385 - 350) + 200 = 250.
    # 120 lies in 50..150 -> IAQI 50..100: (100 - 50) / (150 - 50) * (120 - 50) + 50 = 85.
    out = iaqi(np.array([200.0, 385.0, 120.0]), "pm10")
    assert out.tolist() == pytest.approx([125.0, 250.0, 85.0])


def test_pm25_at_75_is_100() -> None:
    assert float(iaqi(75.0, "pm25")) == pytest.approx(100.0)


def test_above_top_breakpoint_is_500_and_flagged() -> None:
    c = np.array([600.0, 650.0])
    assert iaqi(c, "pm10").tolist() == [500.0, 500.0]
    assert above_scale(c, "pm10", on=DAY).tolist() == [False, True]


def test_so2_1h_and_o3_8h_above_800_give_nan() -> None:
    assert math.isnan(float(iaqi(801.0, "so2", "1h")))
    assert float(iaqi(800.0, "so2", "1h")) == pytest.approx(200.0)
    assert math.isnan(float(iaqi(900.0, "o3", "8h")))
    assert bool(above_scale(900.0, "o3", "8h", on=DAY))
    assert float(iaqi(900.0, "o3", "1h")) == pytest.approx(350.0)  # 300 + 100/200 * 100


def test_nan_propagates() -> None:
    out = iaqi(np.array([np.nan, 50.0]), "pm10")
    assert math.isnan(out[0]) and out[1] == pytest.approx(50.0)
    assert above_scale(np.array([np.nan]), "pm10", on=DAY).tolist() == [False]


def test_negative_and_unknown_tables_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        iaqi(np.array([10.0, -1.0]), "pm10")
    with pytest.raises(ValueError, match="no IAQI table"):
        iaqi(10.0, "pm10", "1h")


def test_aqi_primary_pollutant_and_category() -> None:
    result = aqi({"pm10": 125.0, "pm25": 80.0, "o3_8h": 40.0, "co": math.nan})
    assert result == (125.0, ["pm10"], "轻度污染", "light")
    tie = aqi({"pm10": 160.0, "pm25": 160.0})
    assert tie.primary == ["pm10", "pm25"] and tie.category_en == "moderate"


def test_no_primary_pollutant_at_or_below_50() -> None:
    assert aqi({"pm10": 50.0, "no2": 20.0}) == (50.0, [], "优", "excellent")
    assert math.isnan(aqi({"pm10": math.nan}).aqi)


@pytest.mark.parametrize(
    ("value", "en"),
    [
        (51, "good"),
        (100, "good"),
        (101, "light"),
        (200, "moderate"),
        (300, "heavy"),
        (301, "severe"),
    ],
)
def test_aqi_category_bounds(value: float, en: str) -> None:
    assert aqi({"pm10": value}).category_en == en
