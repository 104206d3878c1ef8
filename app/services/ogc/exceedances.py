"""Daily PM10 means above the GB 3095 24-hour limit of the day's edition, as station points."""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pandas as pd
from sqlalchemy.orm import Session

from app.services.air.queries import (
    MAX_HOURS,
    daily,
    day_range,
    grades_of,
    station_info,
    stations_in,
)
from app.services.ogc.params import CRS84, EPSG4326, ItemsQuery
from app.services.ogc.source import Extent, Feature
from geo.air import stats
from geo.air.formats import LOCAL_TZ
from geo.instants import check_day
from models import User

POLLUTANT = "pm10"
MAX_DAYS = MAX_HOURS // 24


def _local(at: datetime) -> date:
    return pd.Timestamp(at).tz_convert(LOCAL_TZ).date()


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC instants a local (Beijing) day spans."""
    start = pd.Timestamp(day).tz_localize(LOCAL_TZ).tz_convert("UTC").to_pydatetime()
    return start, start + timedelta(days=1)


@dataclass(frozen=True)
class ExceedancesCollection:
    """Computed from hourly readings on each request (GB 3095 daily means, valid days)."""

    id: str = "exceedances"
    title: str = "PM10 daily exceedances"
    description: str = (
        "Valid daily PM10 means above the 24-hour limit of the station's grade (area class 1: "
        "grade I, 50 µg/m³; class 2: grade II, 150 µg/m³) in the GB 3095 edition of the day "
        "(before 2016-01-01 GB 3095-1996, same PM10 24-hour values; from 2026-03-01 still the "
        "2012 values, the 2026 edition's being unconfirmed: see each feature's `standard`); "
        f"a request spans at most {MAX_DAYS} local days (the latest, unless datetime says)."
    )
    temporal: bool = True

    def _days(self, session: Session, q: ItemsQuery) -> tuple[date, date] | None:
        oldest, newest = day_range(session)
        if oldest is None or newest is None:
            return None
        low, high = q.interval or (None, None)
        first = max(oldest, _local(low)) if low is not None else oldest
        last = min(newest, _local(high)) if high is not None else newest
        if last < first:
            return None
        return max(first, last - timedelta(days=MAX_DAYS)), last

    def _all(self, session: Session, q: ItemsQuery) -> list[Feature]:
        days = self._days(session, q)
        stations = [station_info(s) for s in stations_in(session, q.bbox)]
        if days is None or not stations:
            return []
        means = daily(session, [s.id for s in stations], days[0], days[1], POLLUTANT)
        over = stats.exceedances(means, POLLUTANT, grades=grades_of(stations))
        where = {s.code: s for s in stations}
        out: list[Feature] = []
        for row in over.itertuples(index=False):
            s = where[row.station_code]
            start, end = _day_bounds(row.date)
            if q.interval is not None and not _overlaps(q.interval, start, end):
                continue
            xy = [s.lat, s.lon] if q.swap else [s.lon, s.lat]
            props = {
                "station": s.code,
                "station_name": s.name,
                "date": row.date.isoformat(),
                "start": start,
                "end": end,
                "pm10_mean": round(float(row.mean), 1),
                "limit": float(row.limit),
                "grade": row.grade,
                "ratio": round(float(row.ratio), 3),
                "hours": int(row.hours),
                "standard": row.standard,
            }
            geometry = json.dumps({"type": "Point", "coordinates": xy})
            out.append((f"{s.code}_{row.date.isoformat()}", geometry, props))
        return out

    def matched(self, session: Session, user: User, q: ItemsQuery) -> int:
        """Count the exceedance days that match."""
        return len(self._all(session, q))

    def page(self, session: Session, user: User, q: ItemsQuery) -> Iterator[Feature]:
        """Yield one page, by station and day."""
        yield from self._all(session, q)[q.offset : q.offset + q.limit]

    def one(self, session: Session, user: User, fid: str, swap: bool) -> Feature | None:
        """Return the exceedance `<station>_<YYYY-MM-DD>`, if that day was one."""
        _, _, raw_day = fid.rpartition("_")
        try:
            day = check_day(date.fromisoformat(raw_day))
        except ValueError:
            return None
        start, end = _day_bounds(day)
        within = (start, end - timedelta(microseconds=1))
        q = ItemsQuery(limit=1, interval=within, crs=EPSG4326 if swap else CRS84)
        return next((f for f in self._all(session, q) if f[0] == fid), None)

    def extent(self, session: Session, user: User) -> Extent:
        """Return the stations' box and the span of local days with readings."""
        stations = [station_info(s) for s in stations_in(session, None)]
        bbox = (
            (
                min(s.lon for s in stations),
                min(s.lat for s in stations),
                max(s.lon for s in stations),
                max(s.lat for s in stations),
            )
            if stations
            else None
        )
        oldest, newest = day_range(session)
        interval = (
            (_day_bounds(oldest)[0], _day_bounds(newest)[1])
            if oldest is not None and newest is not None
            else None
        )
        return Extent(bbox, interval)


def _overlaps(interval: tuple[datetime | None, datetime | None], s: datetime, e: datetime) -> bool:
    low, high = interval
    return (high is None or s <= high) and (low is None or e > low)
