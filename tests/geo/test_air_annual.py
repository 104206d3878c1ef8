"""Tests for geo.air.annual and geo.air.dust: the HJ 663 annual evaluation (annual mean,
95th percentile of daily means, grades I/II) and leaving dust-storm days out."""

from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
import pytest

from geo.air.annual import annual_evaluation, percentile
from geo.air.dust import DUST_BASIS, dust_candidates, exclude_days
from geo.air.editions import NOTE_2026_UNCONFIRMED
from geo.air.stats import exceedance_summary


def test_percentile_by_hand() -> None:
    # Sorted: 1 1 2 3 4 5 9 (n = 7). p = 95: k = 1 + 6 * 0.95 = 6.7, s = 6,
    # X_6 = 5, X_7 = 9: 5 + (9 - 5) * 0.7 = 7.8.
    assert percentile([3, 1, 4, 1, 5, 9, 2], 95) == pytest.approx(7.8)
    # 10, 20, ..., 100 (n = 10): k = 1 + 9 * 0.95 = 9.55, s = 9: 90 + 10 * 0.55 = 95.5.
    assert percentile(np.arange(100, 0, -10), 95) == pytest.approx(95.5)
    # p = 50 on n = 7: k = 4, X_4 = 3; p = 100: k = n, the largest; one value: itself.
    assert percentile([3, 1, 4, 1, 5, 9, 2], 50) == 3.0
    assert percentile([3, 1, 4, 1, 5, 9, 2], 100) == 9.0
    assert percentile([42.0, np.nan], 95) == 42.0
    assert np.isnan(percentile([], 95))
    with pytest.raises(ValueError, match=r"within 0\.\.100"):
        percentile([1.0], 101)


DUST = [date(2016, 3, 1) + timedelta(days=i) for i in range(20)]  # a spring of dust


def year_frame(year: int, dust: list[date], valid: bool = True) -> pd.DataFrame:
    """Every day of a year: PM10 60 / PM2.5 30, dust days PM10 200 / PM2.5 40 (ratio 0.2)."""
    first = date(year, 1, 1)
    days = [first + timedelta(days=i) for i in range((date(year + 1, 1, 1) - first).days)]
    rows = []
    for d in days:
        is_dust = d in dust
        for pollutant, value in (
            ("pm10", 200.0 if is_dust else 60.0),
            ("pm25", 40.0 if is_dust else 30.0),
        ):
            rows.append((d, pollutant, value))
    frame = pd.DataFrame(rows, columns=["date", "pollutant", "mean"])
    return frame.assign(station_code="A", hours=24, coverage=1.0, valid=valid)


def by_pollutant(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Index an evaluation's pollutants by name."""
    return {p["pollutant"]: p for p in result["pollutants"]}


def test_annual_evaluation_without_exclusion() -> None:
    result = annual_evaluation(year_frame(2016, DUST), 2016)
    assert (result["standard"], result["evaluation_standard"]) == ("GB 3095-2012", "HJ 663-2013")
    assert result["note"] is None
    pm10 = by_pollutant(result)["pm10"]
    # 366 days: 346 at 60, 20 at 200. Mean 24760 / 366; k = 1 + 365 * 0.95 = 347.75: X_347 = 200.
    assert pm10["valid"] and pm10["valid_days"] == pm10["days_used"] == 366
    assert pm10["annual_mean"] == pytest.approx(24760 / 366)
    assert pm10["p95"] == 200.0
    assert pm10["limits"] == {"year": {"I": 40.0, "II": 70.0}, "24h": {"I": 50.0, "II": 150.0}}
    assert pm10["meets"]["II"] == {"annual_mean": True, "p95": False, "both": False}
    pm25 = by_pollutant(result)["pm25"]
    assert pm25["p95"] == 40.0 and pm25["meets"]["II"]["both"] is True
    assert pm25["meets"]["I"] == {"annual_mean": False, "p95": False, "both": False}
    # The 20 dust days are suggested (PM10 200 > 150, PM2.5/PM10 = 0.2 < 0.3), not excluded.
    assert [c["date"] for c in result["dust_candidates"]] == DUST
    assert result["dust_days"]["excluded_count"] == 0


def test_dust_days_named_by_the_caller_are_left_out() -> None:
    outside = date(2017, 3, 1)  # named but outside the year: nothing to leave out
    result = annual_evaluation(year_frame(2016, DUST), 2016, [*DUST, outside])
    dust = result["dust_days"]
    assert dust["excluded_count"] == 20 and dust["excluded"] == [d.isoformat() for d in DUST]
    assert len(dust["supplied"]) == 21
    assert "环办监测〔2016〕120号" in dust["basis"]["zh"] and dust["basis"] is DUST_BASIS
    pm10 = by_pollutant(result)["pm10"]
    # Completeness is judged on the monitored days; mean and percentile on the rest.
    assert (pm10["valid_days"], pm10["days_used"], pm10["valid"]) == (366, 346, True)
    assert (pm10["annual_mean"], pm10["p95"]) == (60.0, 60.0)
    assert pm10["meets"]["II"]["both"] is True


def test_an_incomplete_year_is_not_judged() -> None:
    result = annual_evaluation(year_frame(2015, [], valid=False), 2015)
    pm10 = by_pollutant(result)["pm10"]
    assert not pm10["valid"] and pm10["meets"] == {"I": None, "II": None}
    assert "2015 has 0 < 324 valid days" in pm10["rule"]


def test_a_2026_year_records_the_unconfirmed_edition() -> None:
    result = annual_evaluation(year_frame(2026, []), 2026)
    assert result["in_force"] == ["GB 3095-2026", "HJ 633-2026", "HJ 663-2026"]
    assert result["standard"] == "GB 3095-2012" and result["note"] == NOTE_2026_UNCONFIRMED
    assert by_pollutant(result)["pm25"]["limits"]["24h"]["II"] == 75.0


def test_dust_days_leave_the_daily_exceedance_statistics() -> None:
    daily = year_frame(2016, DUST)
    before = exceedance_summary(daily).iloc[0]
    assert (before["valid_days"], before["exceedance_days"]) == (366, 20)
    kept, dropped = exclude_days(daily, DUST[:5])
    after = exceedance_summary(kept).iloc[0]
    assert dropped == DUST[:5]
    assert (after["valid_days"], after["exceedance_days"]) == (361, 15)


def test_candidates_need_high_pm10_and_a_low_fine_share() -> None:
    rows = [
        (date(2016, 4, 1), "pm10", 300.0),
        (date(2016, 4, 1), "pm25", 60.0),  # ratio 0.2: dust-like
        (date(2016, 4, 2), "pm10", 300.0),
        (date(2016, 4, 2), "pm25", 180.0),  # ratio 0.6: haze, not dust
        (date(2016, 4, 3), "pm10", 120.0),
        (date(2016, 4, 3), "pm25", 12.0),  # low ratio but PM10 within the limit
    ]
    daily = pd.DataFrame(rows, columns=["date", "pollutant", "mean"]).assign(
        station_code="A", valid=True
    )
    found = dust_candidates(daily)
    assert list(found["date"]) == [date(2016, 4, 1)]
    assert found["ratio"].iloc[0] == pytest.approx(0.2) and found["limit"].iloc[0] == 150.0
    assert dust_candidates(daily[daily["pollutant"] == "pm10"]).empty
