"""Use cases: read stations, hourly readings (with flags and local excess), statistics."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
from geoalchemy2.shape import to_shape
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import Invalid, NotFound
from app.services.places.geocode import widened
from geo.air import stats
from geo.air.editions import edition_on
from geo.air.excess import local_excess, neighbours_within
from geo.air.formats import LOCAL_TZ
from geo.air.iaqi import iaqi
from geo.air.quality import VALUE_COLUMNS, flagged, valid_values
from geo.air.standards import AREA_CLASSES, DEFAULT_AREA_CLASS, GRADE_OF_CLASS, POLLUTANTS
from models import AirReading, AirStation
from models.spatial import BBoxFilter

# A query may span at most this many hours of one station (a little over four years).
MAX_HOURS = 40_000


@dataclass(frozen=True)
class StationInfo:
    """A station as the air model uses it."""

    id: int
    code: str
    name: str
    lon: float
    lat: float
    area_class: int = DEFAULT_AREA_CLASS


def station_info(s: AirStation) -> StationInfo:
    """Return a station's id, code, name, position and area class."""
    p = to_shape(s.geom)
    return StationInfo(s.id, s.code, s.name, p.x, p.y, s.area_class)


def grade_of(area_class: int) -> str:
    """Return the GB 3095 grade an area class is judged by (class 1: I, class 2: II)."""
    return GRADE_OF_CLASS[area_class]


def grades_of(stations: Iterable[AirStation | StationInfo]) -> dict[str, str]:
    """Return each station's grade by code, from its area class."""
    return {s.code: grade_of(s.area_class) for s in stations}


def set_area_class(session: Session, station: AirStation, area_class: int) -> AirStation:
    """Record a station's GB 3095-2012 area class (1 一类区 or 2 二类区)."""
    if area_class not in AREA_CLASSES:
        raise Invalid(f"area_class must be one of {', '.join(map(str, AREA_CLASSES))}")
    station.area_class = area_class
    session.flush()
    return station


def get_station(session: Session, code: str) -> AirStation:
    """Return a station by code or raise NotFound."""
    found = session.scalar(select(AirStation).where(AirStation.code == code))
    if found is None:
        raise NotFound(f"no station {code!r}")
    return found


def stations_in(session: Session, bbox: Sequence[float] | None) -> list[AirStation]:
    """Return the stations in a bbox (all without one), by code."""
    q = select(AirStation).order_by(AirStation.code)
    if bbox is not None:
        q = q.where(BBoxFilter(AirStation.id, AirStation.geom, bbox))
    return list(session.scalars(q))


def check_range(start: datetime, end: datetime) -> None:
    """Refuse an empty, reversed or too long time range."""
    if end <= start:
        raise Invalid("'to' must be after 'from'")
    if (end - start) > timedelta(hours=MAX_HOURS):
        raise Invalid(f"at most {MAX_HOURS} hours per query")


def hourly(
    session: Session,
    station_ids: Sequence[int],
    start: datetime,
    end: datetime,
    columns: Sequence[str] = VALUE_COLUMNS,
) -> pd.DataFrame:
    """Return readings in [start, end) with out-of-range values blanked (`raw_` keeps them)."""
    cols = [getattr(AirReading, c) for c in columns]
    rows = session.execute(
        select(AirStation.code, AirReading.at, AirReading.invalid, *cols)
        .join(AirStation, AirStation.id == AirReading.station_id)
        .where(
            AirReading.station_id.in_(list(station_ids)),
            AirReading.at >= start,
            AirReading.at < end,
        )
        .order_by(AirStation.code, AirReading.at)
    ).all()
    frame = pd.DataFrame(rows, columns=["station_code", "at", "invalid", *columns])
    frame["at"] = pd.to_datetime(frame["at"], utc=True)
    for c in columns:
        frame[c] = pd.to_numeric(frame[c], errors="coerce").astype(float)
    return valid_values(frame, columns)


def excess_for(
    session: Session,
    stations: Sequence[StationInfo],
    start: datetime,
    end: datetime,
    radius_m: float,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Return wide (hours x station codes) PM10, baseline and excess for the stations.

    The baseline uses every station within radius_m of each of them, also those outside
    the list, so that the regional level is the same whoever asks.
    """
    if not stations:
        empty = pd.DataFrame()
        return empty, empty, empty
    box = widened(
        (
            min(s.lon for s in stations),
            min(s.lat for s in stations),
            max(s.lon for s in stations),
            max(s.lat for s in stations),
        ),
        radius_m,
    )
    region = [station_info(s) for s in stations_in(session, box)]
    frame = hourly(session, [s.id for s in region], start, end, ("pm10",))
    wide = frame.pivot_table(index="at", columns="station_code", values="pm10", dropna=False)
    wide = wide.reindex(columns=[s.code for s in region])
    near = neighbours_within(
        [s.code for s in region], [s.lon for s in region], [s.lat for s in region], radius_m
    )
    baseline, excess = local_excess(wide, near)
    wanted = [s.code for s in stations]
    return wide[wanted], baseline[wanted], excess[wanted]


def readings(
    session: Session, *, station: AirStation, start: datetime, end: datetime, radius_m: float
) -> list[dict[str, Any]]:
    """Return a station's hours: values as read, flags, baseline, local excess, PM10 IAQI.

    The hourly PM10 IAQI uses the 24-hour breakpoints of the HJ 633 edition of the hour's
    local day: HJ 633 defines no 1-hour PM IAQI, so it is marked indicative.
    """
    check_range(start, end)
    raw = session.execute(
        select(AirReading)
        .where(AirReading.station_id == station.id, AirReading.at >= start, AirReading.at < end)
        .order_by(AirReading.at)
    ).scalars()
    info = station_info(station)
    _, baseline, excess = excess_for(session, [info], start, end, radius_m)
    out = []
    for r in raw:
        bad = flagged(r.invalid)
        pm10 = None if "pm10" in bad else r.pm10
        at = pd.Timestamp(r.at)
        base = baseline[info.code].get(at, np.nan) if not baseline.empty else np.nan
        exc = excess[info.code].get(at, np.nan) if not excess.empty else np.nan
        day = at.tz_convert(LOCAL_TZ).date()
        edition = edition_on(day)
        out.append(
            {
                "at": r.at.isoformat(),
                "values": {c: getattr(r, c) for c in VALUE_COLUMNS},
                "out_of_range": bad,
                "missing": [c for c in VALUE_COLUMNS if getattr(r, c) is None],
                "pm10_baseline": None if np.isnan(base) else round(float(base), 1),
                "pm10_excess": None if np.isnan(exc) else round(float(exc), 1),
                "pm10_iaqi": None if pm10 is None else float(iaqi(pm10, "pm10", "24h", on=day)),
                "pm10_iaqi_indicative": pm10 is not None,
                "iaqi_standard": edition.tables.iaqi_source,
                "iaqi_in_force": edition.tables.iaqi_source == edition.hj633,
                "note": edition.note,
            }
        )
    return out


def local_day_range(first: date, last: date) -> tuple[datetime, datetime]:
    """Return the UTC instants bounding local (Beijing) days first..last inclusive."""
    lo = pd.Timestamp(first).tz_localize(LOCAL_TZ).tz_convert("UTC").to_pydatetime()
    hi = pd.Timestamp(last + timedelta(days=1)).tz_localize(LOCAL_TZ).tz_convert("UTC")
    return lo, hi.to_pydatetime()


def daily(
    session: Session, station_ids: Sequence[int], first: date, last: date, pollutant: str
) -> pd.DataFrame:
    """Return GB 3095-2012 daily means (with hours, coverage, validity) of local days."""
    if last < first:
        raise Invalid("'to' must not be before 'from'")
    if (last - first).days > MAX_HOURS // 24:
        raise Invalid(f"at most {MAX_HOURS // 24} days per query")
    if pollutant not in POLLUTANTS:
        raise Invalid(f"unknown pollutant {pollutant!r}; known: {', '.join(POLLUTANTS)}")
    start, end = local_day_range(first, last)
    frame = hourly(session, station_ids, start, end, (pollutant,))
    return stats.daily_means(frame, (pollutant,), tz=LOCAL_TZ)


def latest_day(session: Session) -> date | None:
    """Return the local day of the newest reading."""
    return day_range(session)[1]


def day_range(session: Session) -> tuple[date | None, date | None]:
    """Return the local days of the oldest and the newest reading."""

    # Per station, so each end is one probe of the (station_id, at) key: `at` has no index.
    def end(agg: Any) -> Any:
        return (
            select(agg(AirReading.at))
            .where(AirReading.station_id == AirStation.id)
            .scalar_subquery()
        )

    per_station = select(end(func.min).label("lo"), end(func.max).label("hi")).subquery()
    oldest, newest = session.execute(
        select(func.min(per_station.c.lo), func.max(per_station.c.hi))
    ).one()
    if oldest is None or newest is None:
        return None, None

    def local(at: datetime) -> date:
        return pd.Timestamp(at).tz_convert(LOCAL_TZ).date()

    return local(oldest), local(newest)
