"""Use cases: GB 3095 statistics of a station and exceedances over an area (each with the
edition applied to its day); the `exceedance` webhook events of an import."""

from collections.abc import Sequence
from datetime import date
from typing import Any, NotRequired, TypedDict

import numpy as np
import pandas as pd
from geoalchemy2.shape import to_shape
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import Invalid
from app.services.air.queries import (
    daily,
    grade_of,
    grades_of,
    hourly,
    local_day_range,
    stations_in,
)
from app.services.webhooks import emit
from app.services.webhooks.outbox import has_subscribers
from geo.air import stats
from geo.air.dust import dust_summary, exclude_days
from geo.air.editions import EDITIONS, edition_index, editions_between
from geo.air.formats import LOCAL_TZ
from geo.air.iaqi import iaqi
from geo.air.standards import BREAKPOINTS, LIMITS
from models import AirStation

# Webhook `exceedance`: a valid 24-hour PM10 mean above the GB 3095 表1 limit of the grade
# of the station's area class (class 1: grade I, class 2: grade II).
EXCEEDANCE_POLLUTANT = "pm10"

PERIODS = ("day", "month", "year")

Rows = list[dict[str, Any]]  # a frame's rows, JSON-ready (see records)

# "from" is a keyword: these two are spelt the functional way.
# A station's means: `days` (with `summary` where a daily limit exists), else `periods`.
Statistics = TypedDict(
    "Statistics",
    {
        "station": str,
        "pollutant": str,
        "period": str,
        "from": str,
        "to": str,
        "rule": str,
        "area_class": int,
        "grade": str,
        "editions": Rows,
        "days": NotRequired[Rows],
        "summary": NotRequired[Rows],
        "periods": NotRequired[Rows],
    },
)


class DailyLimit(TypedDict):
    """The daily limit applied: given, or the grades' in the editions of the days."""

    grade: str | None
    value: float | None
    source: str


class HourlyLimit(TypedDict):
    """The screening threshold for single hours."""

    value: float
    note: str


class HourExceedance(TypedDict):
    """A single hour above the screening limit, with its day's completeness."""

    station: str
    station_name: str | None
    at: str
    value: float
    limit: float
    day_hours: object
    day_coverage: object


# Hourly values above a screening limit and daily means above a daily limit, over an area.
Exceedances = TypedDict(
    "Exceedances",
    {
        "pollutant": str,
        "from": str,
        "to": str,
        "stations": int,
        "daily_limit": DailyLimit,
        "editions": Rows,
        "dust_days": dict[str, object],
        "hourly_limit": HourlyLimit,
        "daily_exceedances": Rows,
        "daily_exceedances_total": int,
        "hourly_exceedances": list[HourExceedance],
        "hourly_exceedances_total": int,
        "by_station": Rows,
    },
)


def clean(value: object) -> object:
    """Return JSON-ready values (NaN as None, numpy scalars as Python, dates as ISO)."""
    if isinstance(value, float | np.floating):
        return None if np.isnan(value) else round(float(value), 2)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def records(frame: pd.DataFrame) -> Rows:
    """Return a frame's rows as JSON-ready dicts."""
    return [{k: clean(v) for k, v in row.items()} for row in frame.to_dict("records")]


def station_statistics(
    session: Session,
    *,
    station: AirStation,
    first: date,
    last: date,
    pollutant: str,
    period: str,
) -> Statistics:
    """Daily, monthly or annual means of one station with their coverage and validity."""
    if period not in PERIODS:
        raise Invalid(f"period must be one of {', '.join(PERIODS)}")
    days = daily(session, [station.id], first, last, pollutant)
    body: Statistics = {
        "station": station.code,
        "pollutant": pollutant,
        "period": period,
        "from": first.isoformat(),
        "to": last.isoformat(),
        "rule": "GB 3095-2012 表4: 24-hour mean valid with >= 20 hourly values",
        "area_class": station.area_class,
        "grade": grade_of(station.area_class),
        "editions": editions_between(first, last),
    }
    if period == "day":
        rows = days.drop(columns=["station_code", "pollutant"])
        if (pollutant, "24h") in BREAKPOINTS:
            on = list(rows["date"])
            eds = [EDITIONS[i] for i in edition_index(on)]
            rows = rows.assign(
                iaqi=iaqi(rows["mean"].to_numpy(dtype=float), pollutant, on=on),
                iaqi_standard=[e.tables.iaqi_source for e in eds],
                iaqi_in_force=[e.tables.iaqi_source == e.hj633 for e in eds],
            )
        body["days"] = records(rows)
        if (pollutant, "24h") in LIMITS:
            grade = grade_of(station.area_class)
            body["summary"] = records(stats.exceedance_summary(days, pollutant, grade=grade))
        return body
    means = stats.period_means(days, pollutant, period)  # type: ignore[arg-type]
    body["periods"] = records(means.drop(columns=["station_code"]))
    return body


def exceedances(
    session: Session,
    *,
    first: date,
    last: date,
    bbox: Sequence[float] | None,
    pollutant: str,
    hourly_limit: float,
    grade: str | None,
    limit: int,
    daily_limit: float | None = None,
    dust_days: Sequence[date] = (),
) -> Exceedances:
    """Hourly values above a screening limit and valid daily means above a daily limit.

    The daily limit is the 24-hour limit in the GB 3095 edition applied on each day, of the
    grade given or else of each station's area class (class 1: grade I), unless a limit is
    given. Dust days named by the caller are left out of the daily
    statistics (not out of the hourly screening).
    """
    if (pollutant, "24h") not in LIMITS:
        raise Invalid(f"GB 3095-2012 sets no 24-hour limit for {pollutant}")
    if grade not in (None, "I", "II"):
        raise Invalid("grade must be I or II")
    stations = stations_in(session, bbox)
    grades = {s.code: grade for s in stations} if grade else grades_of(stations)
    ids = [s.id for s in stations]
    names = {s.code: s.name for s in stations}
    monitored = daily(session, ids, first, last, pollutant)
    days, dropped = exclude_days(monitored, dust_days)
    over_days = stats.exceedances(days, pollutant, limit=daily_limit, grades=grades)
    start, end = local_day_range(first, last)
    hours = hourly(session, ids, start, end, (pollutant,))
    over_hours = hours.loc[hours[pollutant] > hourly_limit, ["station_code", "at", pollutant]]
    local = over_hours["at"].dt.tz_convert(LOCAL_TZ).dt.date
    coverage = monitored.set_index(["station_code", "date"])[["hours", "coverage"]]
    keys = list(zip(over_hours["station_code"], local, strict=True))
    cov = coverage.reindex(pd.MultiIndex.from_tuples(keys, names=["station_code", "date"]))
    hour_rows: list[HourExceedance] = [
        {
            "station": code,
            "station_name": names.get(code),
            "at": at.isoformat(),
            "value": round(float(v), 1),
            "limit": hourly_limit,
            "day_hours": clean(h),
            "day_coverage": clean(c),
        }
        for code, at, v, h, c in zip(
            over_hours["station_code"],
            over_hours["at"],
            over_hours[pollutant],
            cov["hours"],
            cov["coverage"],
            strict=True,
        )
    ]
    day_rows = records(over_days.assign(station_name=over_days["station_code"].map(names)))
    summary = (
        records(stats.exceedance_summary(days, pollutant, daily_limit, grades=grades))
        if ids
        else []
    )
    return {
        "pollutant": pollutant,
        "from": first.isoformat(),
        "to": last.isoformat(),
        "stations": len(ids),
        "daily_limit": _daily_limit(
            first, last, pollutant, grade, {grade} if grade else set(grades.values()), daily_limit
        ),
        "editions": editions_between(first, last),
        "dust_days": dust_summary(dust_days, dropped),
        "hourly_limit": {
            "value": hourly_limit,
            "note": "screening threshold for single hours; GB 3095-2012 sets no 1-hour PM limit",
        },
        "daily_exceedances": day_rows[:limit],
        "daily_exceedances_total": len(day_rows),
        "hourly_exceedances": hour_rows[:limit],
        "hourly_exceedances_total": len(hour_rows),
        "by_station": summary,
    }


def _daily_limit(
    first: date,
    last: date,
    pollutant: str,
    grade: str | None,
    grades: set[str],
    given: float | None,
) -> DailyLimit:
    """Describe the daily limit: the one given, or the grades' in the editions of the days.

    `value` is null when the editions over first..last or the stations' grades set
    different limits, or an edition sets none (each exceedance then names its own).
    """
    if given is not None:
        return {"grade": None, "value": given, "source": "given"}
    starts = [date.fromisoformat(e["from"]) for e in editions_between(first, last)]
    values = {stats.limit_or_none(d, pollutant, "24h", g) for d in starts for g in grades}
    one = grade or (next(iter(grades)) if len(grades) == 1 else None)
    by = "the grade given" if grade else "each station's area class (1: grade I, 2: grade II)"
    return {
        "grade": one,
        "value": values.pop() if len(values) == 1 else None,
        "source": f"GB 3095 表1, edition applied on each day (see editions), {by}",
    }


def emit_exceedances(
    session: Session, *, station_ids: Sequence[int], days: Sequence[date], max_days: int
) -> int:
    """Emit one `exceedance` event per station and local day (the newest max_days of
    `days`) whose valid PM10 mean exceeds the 24-hour limit; return how many."""
    if not days or not has_subscribers(session, "exceedance"):
        return 0
    newest = sorted(set(days))[-max_days:]
    means = daily(session, station_ids, newest[0], newest[-1], EXCEEDANCE_POLLUTANT)
    stations = {
        s.code: s
        for s in session.scalars(select(AirStation).where(AirStation.id.in_(list(station_ids))))
    }
    grades = grades_of(stations.values())
    over = stats.exceedances(means, EXCEEDANCE_POLLUTANT, grades=grades)
    over = over[over["date"].isin(newest)]
    if over.empty:
        return 0
    for row in records(over):
        station = stations[row["station_code"]]
        point = to_shape(station.geom)
        data = {
            "station": station.code,
            "station_name": station.name,
            "date": row["date"],
            "pollutant": EXCEEDANCE_POLLUTANT,
            "mean": row["mean"],
            "limit": row["limit"],
            "grade": row["grade"],
            "standard": row["standard"],
            "ratio": row["ratio"],
            "hours": row["hours"],
            "lon": point.x,
            "lat": point.y,
        }
        emit(session, "exceedance", data, point)
    return len(over)
