"""EXIF facts of a photo (GPS position, altitude, times, camera, orientation).

EXIF is hostile input: `read_exif` never raises and reports what it ignored. Tags are named
through Pillow's `ExifTags` enums (CIPA DC-008 numbers).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from functools import partial
from io import BytesIO
from numbers import Real
from typing import Any, TypeVar

from PIL import Image
from PIL.ExifTags import GPS, IFD, Base
from PIL.TiffImagePlugin import IFDRational

from geo.photos.formats import ACCEPTED, PILLOW_FORMAT, sniff_format

T = TypeVar("T")

_MAX_TEXT = 120  # EXIF strings end up in court documents; a 64 KB "Make" is not a camera name
_DATETIME_RE = re.compile(r"(\d{4})[:-](\d\d)[:-](\d\d)[ T](\d\d):(\d\d):(\d\d)")
_OFFSET_RE = re.compile(r"([+-])(\d\d):(\d\d)")


class _Malformed(ValueError):
    """An EXIF value that is present but unusable (message names the tag and the problem)."""


@dataclass(frozen=True)
class ExifInfo:
    """What a photo's EXIF says about where, when and with what it was taken."""

    lat: float | None = None
    lon: float | None = None
    altitude_m: float | None = None
    gps_time: datetime | None = None
    taken_at: datetime | None = None
    taken_at_has_offset: bool = False
    make: str | None = None
    model: str | None = None
    orientation: int | None = None
    warnings: tuple[str, ...] = ()


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _text(value: object, tag: str, warns: list[str]) -> str | None:
    """Return an EXIF ASCII value cleaned of NUL padding and control characters."""
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if not isinstance(value, str):
        raise _Malformed(f"{tag}: expected text, got {_show(value)}")
    head, _, tail = value.partition("\x00")
    if tail.strip("\x00 "):
        warns.append(f"{tag}: text after an embedded NUL ignored")
    cleaned = "".join(ch for ch in head if ch.isprintable()).strip()
    return cleaned[:_MAX_TEXT] or None


def _number(value: object, tag: str) -> float:
    """Return a finite float from an EXIF rational/integer, refusing zero denominators."""
    if isinstance(value, IFDRational) and value.denominator == 0:
        raise _Malformed(f"{tag}: zero denominator")
    if isinstance(value, bool) or not isinstance(value, Real):
        raise _Malformed(f"{tag}: expected a number, got {_show(value)}")
    number = float(value)
    if not math.isfinite(number):
        raise _Malformed(f"{tag}: not a finite number")
    return number


def _dms(value: object, tag: str) -> float:
    """Return decimal degrees from (degrees, minutes, seconds) rationals."""
    if isinstance(value, Real):  # a single rational: already decimal degrees
        value = (value,)
    if not isinstance(value, tuple | list) or not 1 <= len(value) <= 3:
        raise _Malformed(f"{tag}: expected (degrees, minutes, seconds), got {_show(value)}")
    parts = [_number(v, tag) for v in value]
    degrees, minutes, seconds = (*parts, 0.0, 0.0)[:3]
    # Kodak and others write degrees 0 with everything in the minutes: that is valid.
    if min(parts) < 0 or minutes > 60 or seconds > 60:
        raise _Malformed(f"{tag}: invalid degrees/minutes/seconds {_show(tuple(parts))}")
    return degrees + minutes / 60.0 + seconds / 3600.0


def _hemisphere(value: object, tag: str, positive: str, negative: str, warns: list[str]) -> int:
    """Return +1/-1 from a GPS*Ref letter; a missing ref is taken as N/E with a warning."""
    ref = _text(value, tag, warns)
    if ref is None:
        warns.append(f"{tag} missing; assumed {positive}")
        return 1
    letter = ref.upper()
    if letter in (positive, negative):
        return 1 if letter == positive else -1
    raise _Malformed(f"{tag}: {_show(ref)} is not {positive} or {negative}")


def _position(gps: Mapping[int, Any], warns: list[str]) -> tuple[float | None, float | None]:
    if GPS.GPSLatitude not in gps and GPS.GPSLongitude not in gps:
        return None, None
    if GPS.GPSLatitude not in gps or GPS.GPSLongitude not in gps:
        raise _Malformed("GPS has only one of latitude/longitude")
    lat = _dms(gps[GPS.GPSLatitude], "GPSLatitude")
    lon = _dms(gps[GPS.GPSLongitude], "GPSLongitude")
    if lat > 90.0:
        raise _Malformed(f"GPSLatitude: {lat:g} is beyond 90 degrees")
    if lon > 180.0:
        raise _Malformed(f"GPSLongitude: {lon:g} is beyond 180 degrees")
    lat *= _hemisphere(gps.get(GPS.GPSLatitudeRef), "GPSLatitudeRef", "N", "S", warns)
    lon *= _hemisphere(gps.get(GPS.GPSLongitudeRef), "GPSLongitudeRef", "E", "W", warns)
    if lat == 0.0 and lon == 0.0:
        # Phones write 0/0 when they had no fix; it is never a real report location.
        raise _Malformed('GPS position is exactly 0, 0 ("null island", no fix)')
    return lat, lon


def _altitude(gps: Mapping[int, Any]) -> float | None:
    if GPS.GPSAltitude not in gps:
        return None
    metres = _number(gps[GPS.GPSAltitude], "GPSAltitude")
    ref = gps.get(GPS.GPSAltitudeRef, 0)
    if isinstance(ref, bytes):  # BYTE type: Pillow hands back raw bytes
        ref = ref[0] if ref else 0
    if ref not in (0, 1):
        raise _Malformed(f"GPSAltitudeRef: {_show(ref)} is not 0 or 1")
    if not 0.0 <= metres <= 100_000.0:
        raise _Malformed(f"GPSAltitude: {metres:g} m is implausible")
    return -metres if ref == 1 else metres


def _gps_time(gps: Mapping[int, Any], warns: list[str]) -> datetime | None:
    if GPS.GPSDateStamp not in gps or GPS.GPSTimeStamp not in gps:
        return None
    stamp = _text(gps[GPS.GPSDateStamp], "GPSDateStamp", warns) or ""
    match = re.fullmatch(r"(\d{4})[:-](\d\d)[:-](\d\d)", stamp)
    hms = gps[GPS.GPSTimeStamp]
    if match is None:
        raise _Malformed(f"GPSDateStamp: {_show(stamp)} is not YYYY:MM:DD")
    if not isinstance(hms, tuple | list) or len(hms) != 3:
        raise _Malformed(f"GPSTimeStamp: expected (hours, minutes, seconds), got {_show(hms)}")
    hours, minutes, seconds = (_number(v, "GPSTimeStamp") for v in hms)
    if not (0 <= hours < 24 and 0 <= minutes < 60 and 0 <= seconds < 61):
        raise _Malformed(f"GPSTimeStamp: {_show((hours, minutes, seconds))} is not a time")
    try:
        day = date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError as exc:
        raise _Malformed(f"GPSDateStamp: {_show(stamp)} is not a valid date") from exc
    # GPS time is UTC by definition; fractional seconds are kept.
    midnight = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return midnight + timedelta(hours=hours, minutes=minutes, seconds=seconds)


def _parse_datetime(value: object, tag: str, warns: list[str]) -> datetime | None:
    text = _text(value, tag, warns)
    if text is None or not text.strip(" :0-"):  # blank or all-zero: camera clock never set
        if text is not None:
            warns.append(f"{tag}: {_show(text)} is a placeholder, not a time")
        return None
    match = _DATETIME_RE.fullmatch(text)
    if match is None:
        raise _Malformed(f"{tag}: {_show(text)} is not YYYY:MM:DD HH:MM:SS")
    year, month, day, hour, minute, second = (int(g) for g in match.groups())
    try:
        return datetime(year, month, day, hour, minute, second)
    except ValueError as exc:  # e.g. month 13 or 2023:02:30
        raise _Malformed(f"{tag}: {_show(text)} is not a valid date/time") from exc


def _parse_offset(value: object, tag: str, warns: list[str]) -> timezone | None:
    text = _text(value, tag, warns)
    if text is None or not text.strip(" :"):  # "   :  " = offset unknown
        return None
    match = _OFFSET_RE.fullmatch(text)
    if match is None or int(match[2]) > 14 or int(match[3]) > 59:
        raise _Malformed(f"{tag}: {_show(text)} is not a UTC offset like +08:00")
    delta = timedelta(hours=int(match[2]), minutes=int(match[3]))
    return timezone(-delta if match[1] == "-" else delta)


def _offset(sub: Mapping[int, Any], tags: tuple[Base, ...], warns: list[str]) -> timezone | None:
    for tag in tags:
        parse = partial(_parse_offset, sub.get(tag), tag.name, warns)
        offset = _guard(warns, "UTC offset", parse, None)
        if offset is not None:
            return offset
    return None


def _taken_at(
    ifd0: Mapping[int, Any], sub: Mapping[int, Any], warns: list[str]
) -> tuple[datetime | None, bool]:
    """Return DateTimeOriginal (else DateTime), aware when the matching offset is known."""
    # Each time has its own offset tag; the other one is the same device clock, so it is the
    # best available fallback (phones write all three together).
    candidates = (
        (Base.DateTimeOriginal, sub, (Base.OffsetTimeOriginal, Base.OffsetTime)),
        (Base.DateTime, ifd0, (Base.OffsetTime,)),
    )
    for tag, ifd, offset_tags in candidates:
        parse = partial(_parse_datetime, ifd.get(tag), tag.name, warns)
        taken = _guard(warns, "capture time", parse, None)
        if taken is None:
            continue
        offset = _offset(sub, offset_tags, warns)
        return (taken, False) if offset is None else (taken.replace(tzinfo=offset), True)
    return None, False


def _orientation(ifd0: Mapping[int, Any]) -> int | None:
    value = ifd0.get(Base.Orientation)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 8:
        raise _Malformed(f"Orientation: {_show(value)} is not 1-8")
    return value


def _guard(warns: list[str], what: str, fn: Callable[[], T], default: T) -> T:
    """Run one EXIF section; a malformed value becomes a warning, never an exception."""
    try:
        return fn()
    except _Malformed as exc:
        warns.append(f"{exc}; {what} ignored")
    except Exception as exc:  # hostile EXIF must never stop an upload
        warns.append(f"{what}: unreadable ({type(exc).__name__}); ignored")
    return default


def _sub_ifd(exif: Image.Exif, tag: IFD, name: str, warns: list[str]) -> dict[int, Any]:
    pointer = exif.get(tag)
    if pointer is None:
        return {}
    if isinstance(pointer, bool) or not isinstance(pointer, int):
        warns.append(f"{name} IFD pointer is {_show(pointer)}, not an offset; {name} tags ignored")
        return {}
    return _guard(warns, f"{name} IFD", lambda: dict(exif.get_ifd(tag)), {})


def exif_from_image(img: Image.Image) -> ExifInfo:
    """Read the EXIF facts of an opened image, with warnings for what could not be read."""
    warns: list[str] = []
    try:
        exif = img.getexif()
    except Exception as exc:  # Pillow parses EXIF lazily; hostile blocks can raise anything
        return ExifInfo(warnings=(f"EXIF unreadable ({type(exc).__name__}); ignored",))
    empty: dict[int, Any] = {}
    ifd0 = _guard(warns, "IFD0", lambda: dict(exif), empty)
    gps = _sub_ifd(exif, IFD.GPSInfo, "GPS", warns)
    sub = _sub_ifd(exif, IFD.Exif, "Exif", warns)
    no_position: tuple[float | None, float | None] = (None, None)
    lat, lon = _guard(warns, "GPS position", lambda: _position(gps, warns), no_position)
    taken_at, has_offset = _taken_at(ifd0, sub, warns)
    return ExifInfo(
        lat=lat,
        lon=lon,
        altitude_m=_guard(warns, "altitude", lambda: _altitude(gps), None),
        gps_time=_guard(warns, "GPS time", lambda: _gps_time(gps, warns), None),
        taken_at=taken_at,
        taken_at_has_offset=has_offset,
        make=_guard(warns, "make", lambda: _text(ifd0.get(Base.Make), "Make", warns), None),
        model=_guard(warns, "model", lambda: _text(ifd0.get(Base.Model), "Model", warns), None),
        orientation=_guard(warns, "orientation", lambda: _orientation(ifd0), None),
        warnings=tuple(warns),
    )


def read_exif(data: bytes) -> ExifInfo:
    """Return the EXIF facts of an image; never raises, malformed parts become warnings."""
    fmt = sniff_format(data)
    if fmt is None:
        return ExifInfo(warnings=(f"not a {ACCEPTED} image; no EXIF read",))
    try:
        img = Image.open(BytesIO(data), formats=[PILLOW_FORMAT[fmt]])
    except Exception as exc:  # includes decompression-bomb refusals: no EXIF, no crash
        return ExifInfo(warnings=(f"image header unreadable ({type(exc).__name__}); no EXIF",))
    with img:
        return exif_from_image(img)
