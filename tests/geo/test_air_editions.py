"""Tests for geo.air.editions: the standards by date, recorded on every statistic.

Rule: GB 3095-2012 / HJ 633-2012 / HJ 663-2013 apply up to 2026-02-28; GB 3095-2026 (and
HJ 633-2026, HJ 663-2026) are reported in force from 2026-03-01, but their values could not
be confirmed from a primary text, so the 2012 tables are used and every statistic says so.
"""

from datetime import date

import numpy as np
import pandas as pd
import pytest

from geo.air.editions import NOTE_2026_UNCONFIRMED, edition_on, editions_between, used
from geo.air.iaqi import HOURLY_PM_LABEL, above_scale, iaqi
from geo.air.stats import daily_means, exceedances, limit_on, period_means

BEFORE, ON, AFTER = date(2026, 2, 28), date(2026, 3, 1), date(2026, 3, 2)


def test_the_day_before_and_the_day_on_and_after_2026_03_01() -> None:
    before, on, after = used(BEFORE), used(ON), used(AFTER)
    assert before["in_force"] == ["GB 3095-2012", "HJ 633-2012", "HJ 663-2013"]
    assert before["confirmed"] and before["note"] is None
    for rec in (on, after):
        assert rec["in_force"] == ["GB 3095-2026", "HJ 633-2026", "HJ 663-2026"]
        assert (rec["standard"], rec["iaqi_standard"]) == ("GB 3095-2012", "HJ 633-2012")
        assert not rec["confirmed"] and rec["note"] == NOTE_2026_UNCONFIRMED
    assert "自2026-03-01施行" in NOTE_2026_UNCONFIRMED and "2012 tables are used" in (
        NOTE_2026_UNCONFIRMED
    )
    assert edition_on(date(2013, 1, 1)).gb3095 == "GB 3095-1996"  # before 2016-01-01


def test_editions_between_split_at_the_change() -> None:
    spans = editions_between(date(2026, 2, 27), AFTER)
    assert [(s["from"], s["to"], s["in_force"][0]) for s in spans] == [
        ("2026-02-27", "2026-02-28", "GB 3095-2012"),
        ("2026-03-01", "2026-03-02", "GB 3095-2026"),
    ]
    assert len(editions_between(BEFORE, BEFORE)) == 1


def test_daily_means_and_exceedances_record_the_edition_of_each_day() -> None:
    # Local days 02-28 and 03-01 (Asia/Shanghai, UTC+8): 24 hours at 200 µg/m³ each.
    at = pd.date_range("2026-02-27T16:00Z", periods=48, freq="h", tz="UTC")
    hourly = pd.DataFrame({"station_code": "A", "at": at, "pm10": 200.0})
    daily = daily_means(hourly)
    assert list(daily["date"]) == [BEFORE, ON]
    assert list(daily["standard"]) == ["GB 3095-2012", "GB 3095-2012"]
    assert list(daily["note"]) == [None, NOTE_2026_UNCONFIRMED]
    over = exceedances(daily)
    assert list(over["limit"]) == [150.0, 150.0]  # 2012 grade II on both days
    assert list(over["note"]) == [None, NOTE_2026_UNCONFIRMED]
    assert limit_on(ON, "pm25", "24h", "II") == 75.0  # not the reported 60: unconfirmed


def test_periods_are_judged_by_the_edition_of_their_last_day() -> None:
    days = pd.DataFrame(
        {
            "station_code": "A",
            "date": [BEFORE, ON],
            "pollutant": "pm10",
            "mean": [100.0, 100.0],
            "hours": 24,
            "coverage": 1.0,
            "valid": True,
        }
    )
    months = period_means(days, period="month")
    assert list(months["note"]) == [None, NOTE_2026_UNCONFIRMED]
    assert list(months["standard"]) == ["GB 3095-2012", "GB 3095-2012"]


def test_iaqi_takes_the_breakpoints_of_each_day() -> None:
    out = iaqi(np.array([200.0, 200.0]), "pm10", on=[BEFORE, ON])
    assert out.tolist() == pytest.approx([125.0, 125.0])  # 2012 breakpoints on both days
    assert float(iaqi(75.0, "pm25", on=ON)) == pytest.approx(100.0)
    assert bool(above_scale(650.0, "pm10", on=ON))
    with pytest.raises(ValueError, match="2 days for 1 concentrations"):
        iaqi(np.array([1.0]), "pm10", on=[BEFORE, ON])


def test_hourly_pm_iaqi_is_labelled_indicative() -> None:
    # HJ 633-2012 表1 has PM10 / PM2.5 rows for 24-hour means only.
    for pollutant in ("pm10", "pm25"):
        with pytest.raises(ValueError, match="HJ 633-2012 has no IAQI table"):
            iaqi(100.0, pollutant, "1h", on=BEFORE)
    assert HOURLY_PM_LABEL == {
        "indicative": True,
        "zh": "仅供参考（HJ 633 未规定PM小时IAQI）",
        "en": "indicative only (HJ 633 defines no hourly PM IAQI)",
    }
