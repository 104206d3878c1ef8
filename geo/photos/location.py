"""Where and when a report was made: photo GPS versus device position, capture-time flags."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from itertools import combinations

from pyproj import Geod

from geo.crs import parse_crs, to_wgs84_coords

# Phone clocks drift and uploads are queued; only a capture clearly after submission is odd.
FUTURE_TOLERANCE = timedelta(minutes=10)

_GEOD = Geod(ellps="WGS84")


@dataclass(frozen=True)
class LocationDecision:
    """The location chosen for a report, where it came from, and what looked wrong."""

    lon: float | None
    lat: float | None
    source: str | None
    device_wgs84: tuple[float, float] | None
    disagreement_m: float | None
    flags: tuple[str, ...]


def _distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    _, _, dist = _GEOD.inv(a[0], a[1], b[0], b[1])
    return float(dist)


def _valid_lonlat(lon: float, lat: float) -> bool:
    return math.isfinite(lon) and math.isfinite(lat) and abs(lon) <= 180 and abs(lat) <= 90


def _device_wgs84(
    device: tuple[float, float] | None, device_crs: str, flags: list[str]
) -> tuple[float, float] | None:
    if device is None:
        return None
    raw_lon, raw_lat = float(device[0]), float(device[1])
    if _valid_lonlat(raw_lon, raw_lat):
        lon, lat = to_wgs84_coords(parse_crs(device_crs), raw_lon, raw_lat)
        if _valid_lonlat(lon, lat):
            return lon, lat
    flags.append("device_location_invalid")  # client-supplied: ignore it, do not crash
    return None


def decide_location(
    exif_points: list[tuple[float, float]],
    device: tuple[float, float] | None,
    device_crs: str,
    device_accuracy_m: float | None,
    manual: bool,
    max_disagreement_m: float,
) -> LocationDecision:
    """Choose a report's WGS-84 location: first photo GPS, else device/pin, and flag conflicts."""
    for lon, lat in exif_points:
        if not _valid_lonlat(lon, lat):
            raise ValueError(f"EXIF point ({lon}, {lat}) is not a WGS-84 lon/lat")
    flags: list[str] = []
    device_wgs = _device_wgs84(device, device_crs, flags)
    if exif_points:
        # Photo GPS is bound to the picture itself; the device fix only says where the phone
        # was when the report was sent, which may be later and elsewhere.
        chosen = exif_points[0]
        spread = max((_distance_m(a, b) for a, b in combinations(exif_points, 2)), default=0.0)
        if spread > max_disagreement_m:
            flags.append("exif_points_spread")
        disagreement = None if device_wgs is None else _distance_m(chosen, device_wgs)
        if disagreement is not None and disagreement > max_disagreement_m:
            flags.append("exif_device_disagree")
        return LocationDecision(
            chosen[0], chosen[1], "exif_gps", device_wgs, disagreement, tuple(flags)
        )
    if device_wgs is None:
        return LocationDecision(None, None, None, None, None, tuple(flags))
    if not manual and device_accuracy_m is not None and device_accuracy_m > max_disagreement_m:
        flags.append("device_accuracy_low")
    source = "manual_pin" if manual else "device"
    return LocationDecision(device_wgs[0], device_wgs[1], source, device_wgs, None, tuple(flags))


def time_flags(
    taken_at: datetime | None,
    has_offset: bool,
    submitted_at: datetime,
    max_age: timedelta,
    tz_assumed: timezone,
) -> tuple[datetime | None, tuple[str, ...]]:
    """Return the capture time in UTC and flags about its zone, age and plausibility."""
    if submitted_at.utcoffset() is None:
        raise ValueError("submitted_at must be timezone-aware")
    if taken_at is None:
        return None, ("capture_time_missing",)
    flags: list[str] = []
    if taken_at.utcoffset() is None:
        # EXIF without OffsetTime* is local camera time; the caller says which zone to assume.
        taken_at = taken_at.replace(tzinfo=tz_assumed)
        flags.append("capture_time_zone_assumed")
    elif not has_offset:
        flags.append("capture_time_zone_assumed")
    taken_utc = taken_at.astimezone(UTC)
    age = submitted_at - taken_utc
    if abs(age) > max_age:
        flags.append("capture_time_far")
    if -age > FUTURE_TOLERANCE:
        flags.append("capture_time_in_future")
    return taken_utc, tuple(flags)
