"""Tests for issue 19 (air, low): days before 2016-01-01 judged by GB 3095-1996 (as amended
2000), stations of area class 1 judged by grade I, HJ 633 IAQI and AQI rounded up.

Rules: GB 3095-2012 took effect nationwide on 2016-01-01; before it PM10 limits were GB
3095-1996's (grade II annual 100, 24-hour 150; grade I 40 / 50); PM2.5 had no limit. Class-1
areas (一类区) take grade I limits. HJ 633-2012: IAQI and AQI are rounded up (进位取整数).
"""

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from geo.air.annual import annual_evaluation
from geo.air.editions import NOTE_BEFORE_2016, editions_between, used
from geo.air.iaqi import aqi, iaqi
from geo.air.standards import LIMITS_1996
from geo.air.stats import exceedance_summary, exceedances, limit_on, limit_or_none

LAST_1996, FIRST_2012 = date(2015, 12, 31), date(2016, 1, 1)


def daily(rows: list[tuple[str, date, str, float]]) -> pd.DataFrame:
    """A long daily frame of valid days: (station, day, pollutant, mean)."""
    frame = pd.DataFrame(rows, columns=["station_code", "date", "pollutant", "mean"])
    return frame.assign(hours=24, coverage=1.0, valid=True)


def full_year(year: int, pm10: float, pm25: float) -> pd.DataFrame:
    """Every day of a year valid at constant PM10 and PM2.5."""
    first = date(year, 1, 1)
    days = [first + timedelta(days=i) for i in range((date(year + 1, 1, 1) - first).days)]
    return daily([("A", d, p, v) for d in days for p, v in (("pm10", pm10), ("pm25", pm25))])


# --- 1. GB 3095-1996 before 2016-01-01 -----------------------------------------------------


def test_pm10_limits_before_2016_are_gb3095_1996s() -> None:
    assert limit_on(LAST_1996, "pm10", "year", "II") == 100.0
    assert limit_on(LAST_1996, "pm10", "24h", "II") == 150.0
    assert limit_on(LAST_1996, "pm10", "year", "I") == 40.0
    assert limit_on(LAST_1996, "pm10", "24h", "I") == 50.0
    assert LIMITS_1996[("pm10", "year")]["III"] == 150.0
    assert LIMITS_1996[("pm10", "24h")]["III"] == 250.0
    assert limit_on(FIRST_2012, "pm10", "year", "II") == 70.0  # GB 3095-2012 from 2016


def test_the_edition_before_2016_names_what_it_could_not_confirm() -> None:
    before, on = used(LAST_1996), used(FIRST_2012)
    assert before["standard"] == "GB 3095-1996" and before["in_force"][0] == "GB 3095-1996"
    assert before["validity_standard"] == "GB 3095-2012" and not before["confirmed"]
    assert before["in_force"][1].startswith("API") and not before["iaqi_in_force"]
    assert before["note"] == NOTE_BEFORE_2016
    assert "有效性规定未能从原文核实" in NOTE_BEFORE_2016 and "API" in NOTE_BEFORE_2016
    assert on["standard"] == "GB 3095-2012" and on["confirmed"] and on["iaqi_in_force"]
    spans = editions_between(date(2015, 12, 30), date(2016, 1, 2))
    assert [(s["from"], s["to"], s["standard"]) for s in spans] == [
        ("2015-12-30", "2015-12-31", "GB 3095-1996"),
        ("2016-01-01", "2016-01-02", "GB 3095-2012"),
    ]


def test_pm25_has_no_limit_before_2016() -> None:
    assert limit_or_none(LAST_1996, "pm25", "24h", "II") is None
    with pytest.raises(ValueError, match="GB 3095-1996 has no 24h limit for 'pm25'"):
        limit_on(LAST_1996, "pm25", "24h", "II")
    days = daily([("A", LAST_1996, "pm25", 200.0), ("A", FIRST_2012, "pm25", 200.0)])
    over = exceedances(days, "pm25")
    assert list(over["date"]) == [FIRST_2012] and list(over["limit"]) == [75.0]


def test_annual_evaluation_of_2015_uses_the_1996_annual_limit() -> None:
    # PM10 90 every day: within GB 3095-1996 grade II (100), above GB 3095-2012's (70).
    result = annual_evaluation(full_year(2015, 90.0, 50.0), 2015)
    assert result["standard"] == "GB 3095-1996" and result["note"] == NOTE_BEFORE_2016
    pm10, pm25 = result["pollutants"]
    assert pm10["limits"]["year"] == {"I": 40.0, "II": 100.0}
    assert pm10["meets"]["II"]["both"] and pm10["compliant"] is True
    # PM2.5 had no limit: not judged.
    assert pm25["limits"] == {} and pm25["meets"] == {"I": None, "II": None}
    assert pm25["compliant"] is None
    later = annual_evaluation(full_year(2016, 90.0, 50.0), 2016)
    assert later["pollutants"][0]["compliant"] is False  # 90 > 70


def test_iaqi_before_2016_is_hj633_2012s_labelled_not_in_force() -> None:
    out = iaqi(np.array([200.0, 200.0]), "pm10", on=[LAST_1996, FIRST_2012])
    assert out.tolist() == [125.0, 125.0]
    assert used(LAST_1996)["iaqi_standard"] == "HJ 633-2012"
    assert used(LAST_1996)["iaqi_in_force"] is False


# --- 2. area class 1 -> grade I -----------------------------------------------------------


def test_class_1_stations_are_judged_by_grade_i() -> None:
    day = date(2017, 5, 1)
    days = daily([("RESERVE", day, "pm10", 80.0), ("CITY", day, "pm10", 80.0)])
    grades = {"RESERVE": "I", "CITY": "II"}
    over = exceedances(days, grades=grades)
    assert list(over["station_code"]) == ["RESERVE"]
    assert (over["limit"].iloc[0], over["grade"].iloc[0]) == (50.0, "I")
    summary = exceedance_summary(days, grades=grades).set_index("station_code")
    assert summary.loc["RESERVE", "exceedance_days"] == 1
    assert summary.loc["CITY", "exceedance_days"] == 0


def test_annual_compliance_follows_the_grade_of_the_area_class() -> None:
    frame = full_year(2017, 45.0, 20.0)  # within grade II, above grade I (40 annual PM10)
    assert annual_evaluation(frame, 2017)["pollutants"][0]["compliant"] is True
    reserve = annual_evaluation(frame, 2017, grade="I")
    assert reserve["grade"] == "I" and reserve["pollutants"][0]["compliant"] is False


# --- 3. HJ 633-2012: IAQI and AQI rounded up ----------------------------------------------


def test_iaqi_is_rounded_up_at_a_breakpoint_boundary() -> None:
    day = date(2017, 5, 1)
    # PM10 50.4 lies in 50..150 -> 50..100: 50 / 100 * 0.4 + 50 = 50.2, rounded up to 51.
    assert float(iaqi(50.4, "pm10", on=day)) == 51.0
    # 100.4: 50 / 100 * 50.4 + 50 = 75.2 -> 76; exact breakpoints stay as they are.
    assert float(iaqi(100.4, "pm10", on=day)) == 76.0
    # PM2.5 50: 50 / 40 * 15 + 50 = 68.75 -> 69; 150 and 75 are breakpoints (200, 100).
    assert iaqi(np.array([50.0, 150.0, 75.0]), "pm25", on=day).tolist() == [69.0, 200.0, 100.0]


def test_aqi_is_rounded_up_and_categorised_after_rounding() -> None:
    result = aqi({"pm10": 50.2, "no2": 20.0})
    assert result == (51.0, ["pm10"], "良", "good")
    # 75.2 and 75.8 both round up to 76: both are primary pollutants.
    assert aqi({"pm10": 75.2, "pm25": 75.8}).primary == ["pm10", "pm25"]
