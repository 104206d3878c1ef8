"""Annual evaluation of one station by HJ 663: annual means, 95th percentiles, grades I/II.

For PM10 and PM2.5, HJ 663-2013 judges a year by the annual mean of the valid daily means
against the annual limit, and by the 95th percentile of the daily means against the 24-hour
limit; a pollutant meets a grade when both do (`compliant`: the grade of the station's area
class). A year whose edition sets no limit for a pollutant (PM2.5 before 2016) is not judged.
The year's data must satisfy GB 3095-2012
表4 (324 valid daily means, 27 a month, February 25; a daily mean valid from 20 hours).
Dust days named by the caller are left out of the mean and the percentile; the 表4 check is
made on the monitored days before that exclusion (it judges the completeness of the data,
not the evaluation's choice of days).
"""

from collections.abc import Sequence
from datetime import date
from typing import Any, Final

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from geo.air.dust import dust_candidates, dust_summary, exclude_days
from geo.air.editions import edition_on
from geo.air.standards import GRADES
from geo.air.stats import year_check

PERCENTILE: Final = 95.0  # HJ 663-2013: 24-hour PM10 / PM2.5 judged by the 95th percentile
ANNUAL_POLLUTANTS: Final = ("pm10", "pm25")


def percentile(values: ArrayLike, p: float) -> float:
    """Return the p-th percentile by HJ 663-2013's formula (NaN when there are no values).

    Sort the n values ascending, X_1 <= ... <= X_n (1-based); k = 1 + (n - 1) * p / 100;
    s = int(k) (the integer part); value = X_s + (X_{s+1} - X_s) * (k - s). When s = n
    (p = 100), k - s = 0 and the value is X_n. NaN values are ignored.
    """
    if not 0 <= p <= 100:
        raise ValueError(f"percentile must be within 0..100, not {p}")
    x = np.sort(np.asarray(values, dtype=float).reshape(-1))
    x = x[~np.isnan(x)]
    n = len(x)
    if n == 0:
        return float("nan")
    k = 1 + (n - 1) * p / 100
    s = int(k)
    if s >= n:
        return float(x[n - 1])
    return float(x[s - 1] + (x[s] - x[s - 1]) * (k - s))


def _pollutant(
    days: pd.DataFrame, kept: pd.DataFrame, pollutant: str, year: int, day: date, grade: str
) -> dict[str, object]:
    """Evaluate one pollutant's year: validity, mean, 95th percentile, grades met."""
    tables = edition_on(day).tables
    year_limit = tables.limits.get((pollutant, "year"))
    day_limit = tables.limits.get((pollutant, "24h"))
    mine = days[(days["pollutant"] == pollutant) & days["valid"].astype(bool)]
    months = pd.to_datetime(mine["date"]).dt.month.value_counts()
    ok, rule = year_check(year, len(mine), {int(m): int(n) for m, n in months.items()})
    used = kept[(kept["pollutant"] == pollutant) & kept["valid"].astype(bool)]
    values = used["mean"].to_numpy(dtype=float)
    mean = float(values.mean()) if len(values) else float("nan")
    p95 = percentile(values, PERCENTILE)
    limits = {"year": year_limit, "24h": day_limit}
    meets = {
        g: None
        if not ok or year_limit is None or day_limit is None
        else {
            "annual_mean": bool(mean <= year_limit[g]),
            "p95": bool(p95 <= day_limit[g]),
            "both": bool(mean <= year_limit[g] and p95 <= day_limit[g]),
        }
        for g in GRADES
    }
    verdict = meets[grade]
    return {
        "pollutant": pollutant,
        "valid_days": len(mine),
        "days_used": len(values),
        "valid": ok,
        "rule": rule,
        "annual_mean": mean,
        "p95": p95,
        "limits": {k: {g: v[g] for g in GRADES} for k, v in limits.items() if v is not None},
        "meets": meets,
        "compliant": None if verdict is None else verdict["both"],
    }


def annual_evaluation(
    daily: pd.DataFrame, year: int, exclude: Sequence[date] = (), grade: str = "II"
) -> dict[str, Any]:
    """Evaluate one station's year (long daily frame of PM10 and PM2.5) by HJ 663.

    The year is judged by the edition in force on its last day; `grade` is the one of the
    station's area class (class 1: "I"). `exclude` names dust days to leave out; days that
    look like dust are listed as `dust_candidates` only.
    """
    if grade not in GRADES:
        raise ValueError(f"unknown grade {grade!r}; expected one of {list(GRADES)}")
    when = pd.to_datetime(daily["date"])
    days = daily[(when.dt.year == year).to_numpy(dtype=bool)]
    kept, dropped = exclude_days(days, exclude)
    last = date(year, 12, 31)
    edition = edition_on(last)
    candidates = dust_candidates(days)
    return {
        "year": year,
        "standard": edition.tables.limits_source,
        "evaluation_standard": edition.tables.evaluation_source,
        "in_force": [edition.gb3095, edition.hj633, edition.hj663],
        "note": edition.note,
        "percentile": PERCENTILE,
        "grade": grade,
        "pollutants": [_pollutant(days, kept, p, year, last, grade) for p in ANNUAL_POLLUTANTS],
        "dust_days": dust_summary(exclude, dropped),
        "dust_candidates": candidates.to_dict("records"),
    }
