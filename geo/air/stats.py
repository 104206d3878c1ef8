"""Air-quality statistics per GB 3095: daily means, exceedances, monthly and annual means.

Hourly frames have `station_code`, `at` (tz-aware UTC start of the averaging hour) and value
columns among `pm10, pm25, so2, no2, co, o3` (NaN = missing or excluded). Daily frames are the
long output of `daily_means`. The numbers live in `geo.air.standards`; which edition applies
to a day is `geo.air.editions`, and every row says which (`standard`, `note`).
"""

import calendar
from collections.abc import Hashable, Mapping, Sequence
from datetime import date
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from geo.air.editions import EDITIONS, edition_index, edition_on
from geo.air.standards import (
    FEBRUARY,
    GRADES,
    MIN_DAYS_FEBRUARY,
    MIN_DAYS_PER_MONTH,
    MIN_DAYS_PER_YEAR,
    MIN_HOURS_PER_DAY,
    POLLUTANTS,
    TABLE4,
)

HOURS_PER_DAY = 24  # coverage denominator: hours in a calendar day
MONTHS_PER_YEAR = 12
MAX_LISTED_MONTHS = 3  # failing months named in a year's rule text before "and N more"
DAILY_KEYS = ["station_code", "date", "pollutant"]
EDITION_COLUMNS = ["standard", "note"]


def daily_means(
    hourly: pd.DataFrame,
    pollutants: Sequence[str] = ("pm10",),
    tz: str = "Asia/Shanghai",
    min_hours: int = MIN_HOURS_PER_DAY,
) -> pd.DataFrame:
    """Average hourly values per station, local calendar day and pollutant, marking validity."""
    _check_hourly(hourly, pollutants)
    frame = hourly.assign(date=hourly["at"].dt.tz_convert(tz).dt.date)
    long = frame.melt(
        id_vars=["station_code", "date"],
        value_vars=list(pollutants),
        var_name="pollutant",
        value_name="value",
    )
    out = long.groupby(DAILY_KEYS, sort=True)["value"].agg(mean="mean", hours="count")
    out = out.reset_index()
    out["hours"] = out["hours"].astype(int)
    out["coverage"] = out["hours"] / HOURS_PER_DAY
    out["valid"] = out["hours"] >= min_hours
    out = with_edition(out)
    return out[[*DAILY_KEYS, "mean", "hours", "coverage", "valid", *EDITION_COLUMNS]]


def with_edition(frame: pd.DataFrame, day_column: str = "date") -> pd.DataFrame:
    """Add the GB 3095 edition applied to each row's day (`standard`) and its `note`."""
    eds = [EDITIONS[i] for i in edition_index(frame[day_column])]
    return frame.assign(
        standard=[e.tables.limits_source for e in eds],
        # object dtype keeps None (no note) as None rather than NaN
        note=pd.Series([e.note for e in eds], index=frame.index, dtype=object),
    )


def _check_hourly(hourly: pd.DataFrame, pollutants: Sequence[str]) -> None:
    """Refuse an hourly frame with unknown pollutants, naive times or duplicate hours."""
    unknown = [p for p in pollutants if p not in POLLUTANTS]
    if unknown:
        raise ValueError(f"unknown pollutants {unknown}; expected some of {POLLUTANTS}")
    missing = [c for c in ("station_code", "at", *pollutants) if c not in hourly.columns]
    if missing:
        raise ValueError(f"hourly frame lacks columns {missing}")
    if not isinstance(hourly["at"].dtype, pd.DatetimeTZDtype):
        raise ValueError("column 'at' must be a tz-aware datetime (UTC hour start)")
    if hourly.duplicated(["station_code", "at"]).any():
        raise ValueError("hourly frame has more than one row for a station and hour")


def limit_on(day: date, pollutant: str, averaging: str, grade: str) -> float:
    """Return the limit of the GB 3095 edition applied on a day for a pollutant and grade."""
    found = limit_or_none(day, pollutant, averaging, grade)
    if found is None:
        source = edition_on(day).tables.limits_source
        raise ValueError(f"{source} has no {averaging} limit for {pollutant!r}")
    return found


def limit_or_none(day: date, pollutant: str, averaging: str, grade: str) -> float | None:
    """Return the day's edition's limit, or None when that edition sets none (PM2.5 < 2016)."""
    if grade not in GRADES:
        raise ValueError(f"unknown grade {grade!r}; expected one of {list(GRADES)}")
    limits = edition_on(day).tables.limits.get((pollutant, averaging))
    return None if limits is None else limits[grade]


def _limits_by_day(
    days: pd.Series, stations: pd.Series, pollutant: str, grade: str, grades: Mapping[str, str]
) -> NDArray[np.float64]:
    """Return the 24-hour limit applied to each row: the station's grade (else `grade`) in
    the edition in force that day; NaN where that edition sets none."""
    idx = edition_index(days)
    per: dict[tuple[int, str], float] = {}
    out = np.empty(len(idx), dtype=float)
    for i, (e, code) in enumerate(zip(idx, stations, strict=True)):
        key = (int(e), grades.get(code, grade))
        if key not in per:
            found = limit_or_none(EDITIONS[key[0]].start, pollutant, "24h", key[1])
            per[key] = np.nan if found is None else found
        out[i] = per[key]
    return out


def exceedances(
    daily: pd.DataFrame,
    pollutant: str = "pm10",
    limit: float | None = None,
    grade: str = "II",
    grades: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """List valid daily means strictly above the limit (default: the day's GB 3095 24-hour).

    `grades` gives a station's grade by code (its area class: class 1 is judged by grade I);
    other stations get `grade`. A given `limit` applies to every station and day.
    """
    if limit is None:
        if not any((pollutant, "24h") in e.tables.limits for e in EDITIONS):
            raise ValueError(f"no GB 3095 edition sets a 24h limit for {pollutant!r}")
        per_day = _limits_by_day(
            daily["date"], daily["station_code"], pollutant, grade, grades or {}
        )
    else:
        per_day = np.full(len(daily), float(limit))
    over = (
        (daily["pollutant"] == pollutant).to_numpy(dtype=bool)
        & daily["valid"].to_numpy(dtype=bool)
        & (daily["mean"].to_numpy(dtype=float) > per_day)
    )
    rows = daily[over].assign(limit=per_day[over])
    given = limit is not None
    row_grades = [None if given else (grades or {}).get(c, grade) for c in rows["station_code"]]
    rows = with_edition(rows.assign(grade=pd.Series(row_grades, index=rows.index, dtype=object)))
    out = rows.assign(ratio=rows["mean"] / rows["limit"])
    cols = ["station_code", "date", "mean", "limit", "grade", "ratio", "hours", "coverage"]
    return out[[*cols, *EDITION_COLUMNS]].reset_index(drop=True)


def exceedance_summary(
    daily: pd.DataFrame,
    pollutant: str = "pm10",
    limit: float | None = None,
    grade: str = "II",
    grades: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Count days, valid days and exceedance days per station for one pollutant."""
    sub = daily[daily["pollutant"] == pollutant]
    counts = sub.groupby("station_code", sort=True).agg(
        days_total=("date", "size"), valid_days=("valid", "sum")
    )
    over = exceedances(sub, pollutant, limit, grade, grades).groupby("station_code").size()
    counts["exceedance_days"] = over.reindex(counts.index, fill_value=0).astype(int)
    counts["valid_days"] = counts["valid_days"].astype(int)
    counts["exceedance_rate"] = counts["exceedance_days"] / counts["valid_days"].replace(0, np.nan)
    cols = ["valid_days", "exceedance_days", "exceedance_rate", "days_total"]
    return counts[cols].reset_index()


def _month_minimum(month: int) -> int:
    """Return the GB 3095-2012 表4 minimum of valid daily values for a calendar month."""
    return MIN_DAYS_FEBRUARY if month == FEBRUARY else MIN_DAYS_PER_MONTH


def _month_check(year: int, month: int, valid_days: int) -> tuple[bool, str]:
    """Apply the month rule; return whether it holds and a phrase naming the count."""
    need = _month_minimum(month)
    ok = valid_days >= need
    return ok, f"{year:04d}-{month:02d} has {valid_days} {'>=' if ok else '<'} {need} valid days"


def year_check(year: int, valid_days: int, by_month: Mapping[int, int]) -> tuple[bool, str]:
    """Apply the year rule (324 days and every month's minimum); return it and the reason."""
    ok_days = valid_days >= MIN_DAYS_PER_YEAR
    sign = ">=" if ok_days else "<"
    reasons = [] if ok_days else [f"{year:04d} has {valid_days} < {MIN_DAYS_PER_YEAR} valid days"]
    checks = [_month_check(year, m, by_month.get(m, 0)) for m in range(1, MONTHS_PER_YEAR + 1)]
    bad = [text for ok, text in checks if not ok]
    reasons += bad[:MAX_LISTED_MONTHS]
    if len(bad) > MAX_LISTED_MONTHS:
        reasons.append(f"and {len(bad) - MAX_LISTED_MONTHS} more months short")
    if reasons:
        return False, f"{TABLE4}: " + "; ".join(reasons)
    text = f"{year:04d} has {valid_days} {sign} {MIN_DAYS_PER_YEAR} valid days, every month met"
    return True, f"{TABLE4}: {text}"


def _valid_daily(daily: pd.DataFrame, pollutant: str) -> pd.DataFrame:
    """Return station, year, month, valid flag and valid-only mean of one pollutant's days."""
    sub = daily[daily["pollutant"] == pollutant]
    when = pd.to_datetime(sub["date"])
    return pd.DataFrame(
        {
            "station_code": sub["station_code"].to_numpy(),
            "year": when.dt.year.to_numpy(),
            "month": when.dt.month.to_numpy(),
            "valid": sub["valid"].to_numpy(dtype=bool),
            "mean": sub["mean"].where(sub["valid"]).to_numpy(dtype=float),
        }
    )


def period_means(
    daily: pd.DataFrame,
    pollutant: str = "pm10",
    period: Literal["month", "year"] = "month",
) -> pd.DataFrame:
    """Average valid daily means per station and month or year, judged by GB 3095-2012 表4."""
    if period not in ("month", "year"):
        raise ValueError(f"period must be 'month' or 'year', not {period!r}")
    days = _valid_daily(daily, pollutant)
    monthly = _aggregate(days, ["station_code", "year", "month"])
    rows: list[dict[str, object]]
    if period == "month":
        rows = [_month_row(rec) for rec in monthly.to_dict("records")]
    else:
        yearly = _aggregate(days, ["station_code", "year"])
        rows = [_year_row(rec, monthly) for rec in yearly.to_dict("records")]
    cols = ["station_code", "period", "mean", "valid_days", "days_in_period", "coverage"]
    out = pd.DataFrame(rows, columns=[*cols, "valid", "rule", *EDITION_COLUMNS])
    # object dtype keeps None (no note) as None rather than NaN
    out["note"] = pd.Series([r["note"] for r in rows], index=out.index, dtype=object)
    return out


def _aggregate(days: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Average the valid means and count the valid days per group."""
    grouped = days.groupby(keys, sort=True)
    return grouped.agg(mean=("mean", "mean"), valid_days=("valid", "sum")).reset_index()


def _month_row(rec: Mapping[Hashable, Any]) -> dict[str, object]:
    """Build one monthly output row."""
    year, month, valid_days = int(rec["year"]), int(rec["month"]), int(rec["valid_days"])
    ok, text = _month_check(year, month, valid_days)
    n_days = calendar.monthrange(year, month)[1]
    last = date(year, month, n_days)
    return _row(rec, f"{year:04d}-{month:02d}", valid_days, (n_days, last), ok, f"{TABLE4}: {text}")


def _year_row(rec: Mapping[Hashable, Any], monthly: pd.DataFrame) -> dict[str, object]:
    """Build one yearly output row, checking every month of the station's year."""
    year, valid_days = int(rec["year"]), int(rec["valid_days"])
    mine = monthly[(monthly["station_code"] == rec["station_code"]) & (monthly["year"] == year)]
    by_month = dict(zip(mine["month"].astype(int), mine["valid_days"].astype(int), strict=True))
    ok, rule = year_check(year, valid_days, by_month)
    n_days = (date(year + 1, 1, 1) - date(year, 1, 1)).days
    return _row(rec, f"{year:04d}", valid_days, (n_days, date(year, 12, 31)), ok, rule)


def _row(
    rec: Mapping[Hashable, Any],
    period: str,
    valid_days: int,
    span: tuple[int, date],
    ok: bool,
    rule: str,
) -> dict[str, object]:
    """Assemble a period row; a period is judged by the edition in force on its last day."""
    n_days, last = span
    edition = edition_on(last)
    return {
        "station_code": rec["station_code"],
        "period": period,
        "mean": float(rec["mean"]),
        "valid_days": valid_days,
        "days_in_period": n_days,
        "coverage": valid_days / n_days,
        "valid": ok,
        "rule": rule,
        "standard": edition.tables.limits_source,
        "note": edition.note,
    }
