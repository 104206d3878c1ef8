"""Who was upwind when the air went bad: an air signal for a candidate pollution source.

A station hour is evidence against a source when, during the source's activity window,
(1) the wind blew from the source towards the station (the wind's from-direction within a
sector around the bearing from the station to the source), (2) the wind was not calm and
fast enough to carry the air that far within the travel limit, and (3) the station's PM10
stood well above the regional baseline that hour (local excess, geo/air/excess.py).
"""

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from geo.air.wind import bearing_and_distance, within_sector

HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class AttributionRules:
    """Thresholds of the attribution (platform defaults; admins may tune them).

    A 16-point compass reading is good to ±11.25°, and plumes spread: ±22.5° (one point
    either side). Below 0.5 m/s the wind is calm (WMO) and has no direction. Six hours of
    travel at a few m/s covers the 50 km within which a source can still be told apart.
    50 µg/m³ of local excess is a third of the GB 3095-2012 grade II 24-hour limit.
    """

    half_sector_deg: float = 22.5
    max_distance_m: float = 50_000.0
    max_travel_h: float = 6.0
    calm_below_ms: float = 0.5
    min_excess: float = 50.0
    full_hours: int = 6  # this many evidence hours give full weight to the count
    full_excess: float = 100.0  # this mean excess (µg/m³) gives full weight to the size


@dataclass(frozen=True)
class Source:
    """A candidate source: where (WGS-84) and when it was active (UTC)."""

    lon: float
    lat: float
    start: datetime
    end: datetime


def activity_window(
    hours: tuple[float, float], first: datetime, last: datetime
) -> tuple[datetime, datetime]:
    """Return when a source was active: `hours` (before, after) around its first and last
    evidence (a field fire burns for hours, a building site for days)."""
    before, after = hours
    return first - timedelta(hours=before), last + timedelta(hours=after)


@dataclass(frozen=True)
class StationSeries:
    """One station's hourly PM10, regional baseline, excess and wind (aligned arrays)."""

    code: str
    name: str
    lon: float
    lat: float
    at: Sequence[datetime]  # start of each hour, UTC
    pm10: np.ndarray
    baseline: np.ndarray
    excess: np.ndarray
    wind_dir: np.ndarray
    wind_speed: np.ndarray


@dataclass(frozen=True)
class EvidenceHour:
    """A station hour that points at the source."""

    station: str
    at: datetime
    pm10: float
    baseline: float
    excess: float
    wind_dir: float
    wind_speed: float
    distance_m: float
    bearing_deg: float  # from the station to the source
    travel_h: float

    def as_dict(self) -> dict[str, Any]:
        """Return the hour as JSON-ready values."""
        d = asdict(self)
        d["at"] = self.at.isoformat()
        return {k: round(v, 2) if isinstance(v, float) else v for k, v in d.items()}


@dataclass(frozen=True)
class Attribution:
    """The air signal of a source, its explanation and the hours behind it."""

    value: float
    applicable: bool
    reason: str
    hours: tuple[EvidenceHour, ...] = ()
    stations: tuple[str, ...] = ()
    hours_considered: int = 0
    mean_excess: float | None = None
    rules: AttributionRules = field(default_factory=AttributionRules)


def _station_hours(
    source: Source, s: StationSeries, rules: AttributionRules
) -> tuple[int, list[EvidenceHour]]:
    """Count one station's usable hours in the window and pick its evidence hours."""
    bearing, dist = bearing_and_distance(s.lon, s.lat, source.lon, source.lat)
    considered, found = 0, []
    latest = source.end + timedelta(hours=rules.max_travel_h)
    for k, at in enumerate(s.at):
        values = (s.pm10[k], s.excess[k], s.wind_dir[k], s.wind_speed[k])
        if not (source.start - HOUR <= at <= latest) or any(math.isnan(v) for v in values):
            continue
        considered += 1
        pm10, excess, wd, ws = (float(v) for v in values)
        if ws < rules.calm_below_ms or excess < rules.min_excess:
            continue
        if not within_sector(wd, bearing, rules.half_sector_deg):
            continue
        travel_h = dist / (ws * 3600.0)
        left = (at - timedelta(hours=travel_h), at + HOUR - timedelta(hours=travel_h))
        if travel_h > rules.max_travel_h or left[1] < source.start or left[0] > source.end:
            continue
        found.append(
            EvidenceHour(
                s.code, at, pm10, float(s.baseline[k]), excess, wd, ws, dist, bearing, travel_h
            )
        )
    return considered, found


def attribute(
    source: Source, stations: Sequence[StationSeries], rules: AttributionRules | None = None
) -> Attribution:
    """Score how strongly station hours point at the source: value in [0, 1] and why.

    value = min(1, hours / full_hours) x min(1, mean excess / full_excess). Not applicable
    when no station within max_distance_m has a usable hour in the window.
    """
    rules = rules or AttributionRules()
    near = [
        s
        for s in stations
        if bearing_and_distance(s.lon, s.lat, source.lon, source.lat)[1] <= rules.max_distance_m
    ]
    considered, hours = 0, []
    for s in near:
        n, found = _station_hours(source, s, rules)
        considered += n
        hours.extend(found)
    km = rules.max_distance_m / 1000.0
    if considered == 0:
        return Attribution(
            0.0,
            False,
            f"活动期间 {km:g} km 内无站点有效数据 "
            f"(no usable station hours within {km:g} km during the activity)",
            rules=rules,
        )
    codes = tuple(sorted({s.code for s in near}))
    if not hours:
        return Attribution(
            0.0,
            True,
            f"{len(codes)} 个站点 {considered} 个有效小时中无上风向局地超标 "
            f"(none of {considered} station hours at {len(codes)} stations within {km:g} km "
            f"was downwind with local PM10 excess ≥ {rules.min_excess:g} µg/m³)",
            stations=codes,
            hours_considered=considered,
            rules=rules,
        )
    hours.sort(key=lambda h: (h.at, h.station))
    mean = float(np.mean([h.excess for h in hours]))
    value = min(1.0, len(hours) / rules.full_hours) * min(1.0, mean / rules.full_excess)
    at = ", ".join(sorted({h.station for h in hours}))
    return Attribution(
        value,
        True,
        f"{len(hours)} 个小时位于下风向且 PM10 局地超出 ≥ {rules.min_excess:g} µg/m³"
        f"（平均超出 {mean:.0f}，站点 {at}） ({len(hours)} hours downwind with local PM10 "
        f"excess ≥ {rules.min_excess:g} µg/m³, mean {mean:.0f}, at {at})",
        tuple(hours),
        codes,
        considered,
        mean,
        rules,
    )
