"""Air-quality statistics per GB 3095-2012 and HJ 633-2012: daily means, exceedances, IAQI.

Hourly frames have `station_code`, `at` (tz-aware UTC start of the averaging hour) and value
columns among `pm10, pm25, so2, no2, co, o3` (NaN = missing or excluded). Daily frames are the
long output of `daily_means`. The numbers live in `geo.air.standards`.
"""

import calendar
import math
from collections.abc import Hashable, Mapping, Sequence
from datetime import date
from typing import Any, Literal, NamedTuple

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from geo.air.standards import (
    AQI_CATEGORIES,
    BREAKPOINTS,
    FEBRUARY,
    IAQI_LEVELS,
    LIMITS,
    MIN_DAYS_FEBRUARY,
    MIN_DAYS_PER_MONTH,
    MIN_DAYS_PER_YEAR,
    MIN_HOURS_PER_DAY,
    POLLUTANTS,
    PRIMARY_POLLUTANT_ABOVE,
    REPORT_INSTEAD_ABOVE_TOP,
    TABLE4,
)

HOURS_PER_DAY = 24  # coverage denominator: hours in a calendar day
MONTHS_PER_YEAR = 12
MAX_LISTED_MONTHS = 3  # failing months named in a year's rule text before "and N more"
DAILY_KEYS = ["station_code", "date", "pollutant"]


class AqiResult(NamedTuple):
    """AQI with its primary pollutants and HJ 633-2012 category."""

    aqi: float
    primary: list[str]
    category_zh: str | None
    category_en: str | None


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
    return out[[*DAILY_KEYS, "mean", "hours", "coverage", "valid"]]


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


def _default_limit(pollutant: str, grade: str) -> float:
    """Return the GB 3095-2012 24-hour limit of a pollutant and grade."""
    limits = LIMITS.get((pollutant, "24h"))
    if limits is None:
        raise ValueError(f"GB 3095-2012 has no 24-hour limit for {pollutant!r}; pass limit=")
    if grade not in limits:
        raise ValueError(f"unknown grade {grade!r}; expected one of {sorted(limits)}")
    return limits[grade]


def exceedances(
    daily: pd.DataFrame,
    pollutant: str = "pm10",
    limit: float | None = None,
    grade: str = "II",
) -> pd.DataFrame:
    """List valid daily means strictly above the limit (default: GB 3095-2012 24-hour)."""
    lim = _default_limit(pollutant, grade) if limit is None else float(limit)
    rows = daily[(daily["pollutant"] == pollutant) & daily["valid"] & (daily["mean"] > lim)]
    out = rows.assign(limit=lim, ratio=rows["mean"] / lim)
    cols = ["station_code", "date", "mean", "limit", "ratio", "hours", "coverage"]
    return out[cols].reset_index(drop=True)


def exceedance_summary(
    daily: pd.DataFrame,
    pollutant: str = "pm10",
    limit: float | None = None,
    grade: str = "II",
) -> pd.DataFrame:
    """Count days, valid days and exceedance days per station for one pollutant."""
    sub = daily[daily["pollutant"] == pollutant]
    counts = sub.groupby("station_code", sort=True).agg(
        days_total=("date", "size"), valid_days=("valid", "sum")
    )
    over = exceedances(sub, pollutant, limit, grade).groupby("station_code").size()
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


def _year_check(year: int, valid_days: int, by_month: Mapping[int, int]) -> tuple[bool, str]:
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
    return pd.DataFrame(rows, columns=[*cols, "valid", "rule"])


def _aggregate(days: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Average the valid means and count the valid days per group."""
    grouped = days.groupby(keys, sort=True)
    return grouped.agg(mean=("mean", "mean"), valid_days=("valid", "sum")).reset_index()


def _month_row(rec: Mapping[Hashable, Any]) -> dict[str, object]:
    """Build one monthly output row."""
    year, month, valid_days = int(rec["year"]), int(rec["month"]), int(rec["valid_days"])
    ok, text = _month_check(year, month, valid_days)
    n_days = calendar.monthrange(year, month)[1]
    return _row(rec, f"{year:04d}-{month:02d}", valid_days, n_days, ok, f"{TABLE4}: {text}")


def _year_row(rec: Mapping[Hashable, Any], monthly: pd.DataFrame) -> dict[str, object]:
    """Build one yearly output row, checking every month of the station's year."""
    year, valid_days = int(rec["year"]), int(rec["valid_days"])
    mine = monthly[(monthly["station_code"] == rec["station_code"]) & (monthly["year"] == year)]
    by_month = dict(zip(mine["month"].astype(int), mine["valid_days"].astype(int), strict=True))
    ok, rule = _year_check(year, valid_days, by_month)
    n_days = (date(year + 1, 1, 1) - date(year, 1, 1)).days
    return _row(rec, f"{year:04d}", valid_days, n_days, ok, rule)


def _row(
    rec: Mapping[Hashable, Any], period: str, valid_days: int, n_days: int, ok: bool, rule: str
) -> dict[str, object]:
    """Assemble a period row in output column order."""
    return {
        "station_code": rec["station_code"],
        "period": period,
        "mean": float(rec["mean"]),
        "valid_days": valid_days,
        "days_in_period": n_days,
        "coverage": valid_days / n_days,
        "valid": ok,
        "rule": rule,
    }


def _table(pollutant: str, averaging: str) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Return the HJ 633-2012 breakpoints and IAQI levels for a pollutant and averaging."""
    bps = BREAKPOINTS.get((pollutant, averaging))
    if bps is None:
        raise ValueError(f"HJ 633-2012 has no IAQI table for {pollutant!r} {averaging!r}")
    return np.asarray(bps, dtype=float), np.asarray(IAQI_LEVELS[: len(bps)], dtype=float)


def _concentrations(concentration: ArrayLike) -> NDArray[np.float64]:
    """Convert to a float array, refusing negative values (NaN passes)."""
    c = np.asarray(concentration, dtype=float)
    if np.any(c < 0):
        raise ValueError("concentrations must not be negative")
    return c


def iaqi(concentration: ArrayLike, pollutant: str, averaging: str = "24h") -> NDArray[np.float64]:
    """Compute the HJ 633-2012 individual AQI, linear between breakpoints, NaN in giving NaN.

    IAQI = (IAQI_hi - IAQI_lo) / (BP_hi - BP_lo) * (C - BP_lo) + IAQI_lo, unrounded (the
    standard's rounding rule is unconfirmed). Above the top breakpoint the result is 500
    (flag it with `above_scale`), except SO2 "1h" and O3 "8h" above 800 µg/m³: HJ 633-2012
    computes no IAQI from those and reports SO2 "24h" / O3 "1h" instead, so NaN is returned
    and the caller must use that other averaging. Negative concentrations raise ValueError.
    """
    bps, levels = _table(pollutant, averaging)
    c = _concentrations(concentration)
    idx = np.clip(np.searchsorted(bps, c, side="right") - 1, 0, len(bps) - 2)
    bp_lo, bp_hi, lo, hi = bps[idx], bps[idx + 1], levels[idx], levels[idx + 1]
    value = (hi - lo) / (bp_hi - bp_lo) * (c - bp_lo) + lo
    top = np.nan if (pollutant, averaging) in REPORT_INSTEAD_ABOVE_TOP else IAQI_LEVELS[-1]
    return np.where(c > bps[-1], top, value)


def above_scale(
    concentration: ArrayLike, pollutant: str, averaging: str = "24h"
) -> NDArray[np.bool_]:
    """Flag concentrations above the top HJ 633-2012 breakpoint (NaN is not flagged)."""
    bps, _ = _table(pollutant, averaging)
    return np.asarray(_concentrations(concentration) > bps[-1], dtype=bool)


def aqi(iaqis: Mapping[str, float]) -> AqiResult:
    """Combine IAQIs into the AQI, its primary pollutants (AQI > 50) and its category."""
    known = {k: float(v) for k, v in iaqis.items() if not math.isnan(float(v))}
    if not known:
        return AqiResult(math.nan, [], None, None)
    top = max(known.values())
    primary = [k for k, v in known.items() if v == top] if top > PRIMARY_POLLUTANT_ABOVE else []
    category = next(c for c in AQI_CATEGORIES if top <= c.upper)
    return AqiResult(top, primary, category.zh, category.en)
