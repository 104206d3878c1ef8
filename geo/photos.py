"""Volunteer snap-and-report (随手拍) photos: format checks, EXIF location/time, safe copies.

Pure module: no web or database imports. The uploaded bytes are the evidence; nothing here
modifies them (the caller stores them as received and records `sha256`). The display and
thumbnail copies are fresh JPEGs without any metadata, so publishing them cannot leak where a
volunteer lives. EXIF is hostile input: `read_exif` never raises and reports what it ignored.
"""

from __future__ import annotations

import hashlib
import math
import re
import struct
import warnings
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta, timezone
from functools import partial
from io import BytesIO
from itertools import combinations
from numbers import Real
from typing import Any, TypeVar

import imagehash
import numpy as np
from PIL import Image, ImageCms, ImageFile, ImageOps, UnidentifiedImageError
from PIL.TiffImagePlugin import IFDRational
from pyproj import Geod

from geo.crs import parse_crs, to_wgs84_coords

try:
    import pillow_heif
except ImportError:  # optional at runtime: without it HEIC uploads get a clear refusal
    HEIC_SUPPORTED = False
else:
    # Adds the "HEIF" format to Pillow's registry; idempotent and leaves other formats alone.
    pillow_heif.register_heif_opener()
    HEIC_SUPPORTED = True

T = TypeVar("T")

# imagehash's README shows a 1° rotation moving ~2 of 64 phash bits and a 6° rotation ~11:
# re-encoding or resizing the same picture stays within a few bits, a different shot does not.
NEAR_DUPLICATE_BITS = 6
# Phone clocks drift and uploads are queued; only a capture clearly after submission is odd.
FUTURE_TOLERANCE = timedelta(minutes=10)

_PILLOW_FORMAT = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP", "heic": "HEIF"}
_HEIC_BRANDS = frozenset({b"heic", b"heix", b"mif1", b"msf1", b"hevc"})
_ACCEPTED = "JPEG, PNG, WebP or HEIC"
_GEOD = Geod(ellps="WGS84")
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
_MAX_TEXT = 120  # EXIF strings end up in court documents; a 64 KB "Make" is not a camera name

# EXIF / TIFF tag numbers (CIPA DC-008).
_IFD_EXIF, _IFD_GPS = 0x8769, 0x8825
_MAKE, _MODEL, _ORIENTATION, _DATETIME = 0x010F, 0x0110, 0x0112, 0x0132
_DT_ORIGINAL, _OFFSET, _OFFSET_ORIGINAL = 0x9003, 0x9010, 0x9011
_GPS_LAT_REF, _GPS_LAT, _GPS_LON_REF, _GPS_LON = 1, 2, 3, 4
_GPS_ALT_REF, _GPS_ALT, _GPS_TIME, _GPS_DATE = 5, 6, 7, 29

_DATETIME_RE = re.compile(r"(\d{4})[:-](\d\d)[:-](\d\d)[ T](\d\d):(\d\d):(\d\d)")
_OFFSET_RE = re.compile(r"([+-])(\d\d):(\d\d)")
_BOMB_RE = re.compile(r"\((\d+) pixels\) exceeds limit of (\d+)")
# What Pillow's parsers and decoders raise on truncated or corrupt data (most surface as
# OSError/SyntaxError; struct/zlib errors are listed in case a plugin lets one through).
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, struct.error, zlib.error)


class PhotoError(ValueError):
    """A photo that cannot be accepted; the message is one line naming the problem."""


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


@dataclass(frozen=True)
class PhotoLimits:
    """Acceptance limits and output sizes for uploaded photos."""

    max_bytes: int = 20 * 1024 * 1024
    max_pixels: int = 40_000_000
    display_max_px: int = 1600
    thumb_max_px: int = 320
    display_quality: int = 85


@dataclass(frozen=True)
class ProcessedPhoto:
    """An accepted photo: facts about the original plus metadata-free display copies."""

    format: str
    width: int
    height: int
    exif: ExifInfo
    sha256: str
    phash: str
    display_jpeg: bytes
    thumb_jpeg: bytes
    display_size: tuple[int, int]


@dataclass(frozen=True)
class LocationDecision:
    """The location chosen for a report, where it came from, and what looked wrong."""

    lon: float | None
    lat: float | None
    source: str | None
    device_wgs84: tuple[float, float] | None
    disagreement_m: float | None
    flags: tuple[str, ...]


# --------------------------------------------------------------------------- format sniffing


def sniff_format(data: bytes) -> str | None:
    """Return "jpeg", "png", "webp" or "heic" from the magic bytes, else None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[4:8] == b"ftyp" and data[8:12] in _HEIC_BRANDS:
        return "heic"
    return None


def _is_text(head: bytes) -> bool:
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:  # not just a character cut at the sample boundary
            return False
        text = head[: exc.start].decode("utf-8")
    return bool(text) and all(ch.isprintable() or ch in "\t\n\r\f" for ch in text)


def _looks_like(data: bytes) -> str:
    """Name what unaccepted content obviously is, so the volunteer knows what went wrong."""
    if data.startswith(b"%PDF"):
        return "PDF"
    if data.startswith(b"PK"):
        return "ZIP"
    if data.startswith(b"GIF8"):
        return "GIF"
    if data[4:8] == b"ftyp":
        return "AVIF" if data[8:12] in (b"avif", b"avis") else "MP4/MOV video"
    if _is_text(data[:1024]):
        return "text"
    return "unknown content"


# --------------------------------------------------------------------------------- EXIF parsing


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
    if _GPS_LAT not in gps and _GPS_LON not in gps:
        return None, None
    if _GPS_LAT not in gps or _GPS_LON not in gps:
        raise _Malformed("GPS has only one of latitude/longitude")
    lat = _dms(gps[_GPS_LAT], "GPSLatitude")
    lon = _dms(gps[_GPS_LON], "GPSLongitude")
    if lat > 90.0:
        raise _Malformed(f"GPSLatitude: {lat:g} is beyond 90 degrees")
    if lon > 180.0:
        raise _Malformed(f"GPSLongitude: {lon:g} is beyond 180 degrees")
    lat *= _hemisphere(gps.get(_GPS_LAT_REF), "GPSLatitudeRef", "N", "S", warns)
    lon *= _hemisphere(gps.get(_GPS_LON_REF), "GPSLongitudeRef", "E", "W", warns)
    if lat == 0.0 and lon == 0.0:
        # Phones write 0/0 when they had no fix; it is never a real report location.
        raise _Malformed('GPS position is exactly 0, 0 ("null island", no fix)')
    return lat, lon


def _altitude(gps: Mapping[int, Any]) -> float | None:
    if _GPS_ALT not in gps:
        return None
    metres = _number(gps[_GPS_ALT], "GPSAltitude")
    ref = gps.get(_GPS_ALT_REF, 0)
    if isinstance(ref, bytes):  # BYTE type: Pillow hands back raw bytes
        ref = ref[0] if ref else 0
    if ref not in (0, 1):
        raise _Malformed(f"GPSAltitudeRef: {_show(ref)} is not 0 or 1")
    if not 0.0 <= metres <= 100_000.0:
        raise _Malformed(f"GPSAltitude: {metres:g} m is implausible")
    return -metres if ref == 1 else metres


def _gps_time(gps: Mapping[int, Any], warns: list[str]) -> datetime | None:
    if _GPS_DATE not in gps or _GPS_TIME not in gps:
        return None
    stamp = _text(gps[_GPS_DATE], "GPSDateStamp", warns) or ""
    match = re.fullmatch(r"(\d{4})[:-](\d\d)[:-](\d\d)", stamp)
    hms = gps[_GPS_TIME]
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


def _offset(sub: Mapping[int, Any], tags: tuple[int, ...], warns: list[str]) -> timezone | None:
    for tag in tags:
        name = "OffsetTimeOriginal" if tag == _OFFSET_ORIGINAL else "OffsetTime"
        offset = _guard(
            warns, "UTC offset", partial(_parse_offset, sub.get(tag), name, warns), None
        )
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
        ("DateTimeOriginal", sub.get(_DT_ORIGINAL), (_OFFSET_ORIGINAL, _OFFSET)),
        ("DateTime", ifd0.get(_DATETIME), (_OFFSET,)),
    )
    for tag, raw, offset_tags in candidates:
        taken = _guard(warns, "capture time", partial(_parse_datetime, raw, tag, warns), None)
        if taken is None:
            continue
        offset = _offset(sub, offset_tags, warns)
        return (taken, False) if offset is None else (taken.replace(tzinfo=offset), True)
    return None, False


def _orientation(ifd0: Mapping[int, Any]) -> int | None:
    value = ifd0.get(_ORIENTATION)
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


def _sub_ifd(exif: Image.Exif, tag: int, name: str, warns: list[str]) -> dict[int, Any]:
    pointer = exif.get(tag)
    if pointer is None:
        return {}
    if isinstance(pointer, bool) or not isinstance(pointer, int):
        warns.append(f"{name} IFD pointer is {_show(pointer)}, not an offset; {name} tags ignored")
        return {}
    return _guard(warns, f"{name} IFD", lambda: dict(exif.get_ifd(tag)), {})


def _exif_from_image(img: Image.Image) -> ExifInfo:
    warns: list[str] = []
    try:
        exif = img.getexif()
    except Exception as exc:  # Pillow parses EXIF lazily; hostile blocks can raise anything
        return ExifInfo(warnings=(f"EXIF unreadable ({type(exc).__name__}); ignored",))
    empty: dict[int, Any] = {}
    ifd0 = _guard(warns, "IFD0", lambda: dict(exif), empty)
    gps = _sub_ifd(exif, _IFD_GPS, "GPS", warns)
    sub = _sub_ifd(exif, _IFD_EXIF, "Exif", warns)
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
        make=_guard(warns, "make", lambda: _text(ifd0.get(_MAKE), "Make", warns), None),
        model=_guard(warns, "model", lambda: _text(ifd0.get(_MODEL), "Model", warns), None),
        orientation=_guard(warns, "orientation", lambda: _orientation(ifd0), None),
        warnings=tuple(warns),
    )


def read_exif(data: bytes) -> ExifInfo:
    """Return the EXIF facts of an image; never raises, malformed parts become warnings."""
    fmt = sniff_format(data)
    if fmt is None:
        return ExifInfo(warnings=(f"not a {_ACCEPTED} image; no EXIF read",))
    try:
        img = Image.open(BytesIO(data), formats=[_PILLOW_FORMAT[fmt]])
    except Exception as exc:  # includes decompression-bomb refusals: no EXIF, no crash
        return ExifInfo(warnings=(f"image header unreadable ({type(exc).__name__}); no EXIF",))
    with img:
        return _exif_from_image(img)


# ------------------------------------------------------------------------------ processing


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 120 else text[:117] + "..."


def _pixel_error(index: int, pixels: int, limit: int) -> PhotoError:
    return PhotoError(f"photo {index}: {pixels:,} pixels exceeds the limit of {limit:,}")


def _bomb_error(index: int, exc: Exception, limits: PhotoLimits) -> PhotoError:
    """Turn Pillow's decompression-bomb refusal into our message with the pixel count."""
    match = _BOMB_RE.search(str(exc))
    if match is None:
        return PhotoError(f"photo {index}: image too large to decode safely")
    return _pixel_error(index, int(match[1]), min(limits.max_pixels, int(match[2])))


def _open(data: bytes, fmt: str, limits: PhotoLimits, index: int) -> Image.Image:
    """Open lazily (header only) and refuse oversized images before any pixel is decoded."""
    try:
        # Pillow's own bomb check runs inside open(): make its warning an error too. Our limit
        # below is the real guard; it does not depend on the global Image.MAX_IMAGE_PIXELS.
        # (Before Python 3.14 catch_warnings swaps process-wide filters, so concurrent calls
        # can at worst leave this "error" filter installed: harmless, hence kept this narrow.)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(BytesIO(data), formats=[_PILLOW_FORMAT[fmt]])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _bomb_error(index, exc, limits) from exc
    except UnidentifiedImageError as exc:
        raise PhotoError(f"photo {index}: damaged image: {fmt.upper()} header unreadable") from exc
    except _DECODE_ERRORS as exc:
        raise PhotoError(f"photo {index}: damaged image: {_one_line(exc)}") from exc
    width, height = img.size
    if width * height > limits.max_pixels:
        img.close()
        raise _pixel_error(index, width * height, limits.max_pixels)
    return img


def _decode(img: Image.Image, index: int, limits: PhotoLimits) -> None:
    """Decode every pixel so truncated or corrupt files are refused, not half-shown."""
    # Pillow pads a truncated file instead of failing when this process-wide flag is on, and
    # some libraries (WeasyPrint) switch it on when imported: evidence is never padded.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        img.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _bomb_error(index, exc, limits) from exc
    except _DECODE_ERRORS as exc:
        raise PhotoError(f"photo {index}: damaged image: {_one_line(exc)}") from exc


def _oriented(img: Image.Image, exif: ExifInfo) -> tuple[Image.Image, ExifInfo]:
    """Apply the EXIF orientation so copies look the way the volunteer saw the scene."""
    try:
        return ImageOps.exif_transpose(img), exif
    except Exception as exc:  # orientation is cosmetic: show it unrotated rather than refuse
        note = f"orientation could not be applied ({type(exc).__name__})"
        return img.copy(), replace(exif, warnings=(*exif.warnings, note))


def _to_8bit_grey(img: Image.Image) -> Image.Image:
    pixels = np.asarray(img, dtype=np.float64)
    if pixels.size and pixels.max() > 255:  # 16-bit samples: 65535 -> 255
        pixels = pixels / 257.0
    return Image.fromarray(np.clip(np.rint(pixels), 0, 255).astype(np.uint8), mode="L")


def _to_srgb(img: Image.Image) -> Image.Image:
    """Convert through the embedded ICC profile (phone P3, CMYK) so colours stay true."""
    # Colour is evidence (e.g. discoloured water); dropping a P3 profile would wash it out.
    icc = img.info.get("icc_profile")
    if icc and img.mode in ("RGB", "CMYK", "L"):
        try:
            source = ImageCms.ImageCmsProfile(BytesIO(icc))
            converted = ImageCms.profileToProfile(img, source, _SRGB, outputMode="RGB")
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            converted = None  # broken or mismatched profile: fall back to a plain conversion
        if converted is not None:
            return converted
    return img.convert("RGB")


def _to_rgb(img: Image.Image) -> Image.Image:
    """Return an RGB image: alpha composited on white, 16-bit scaled, ICC applied."""
    if img.mode.startswith("I") or img.mode == "F":
        img = _to_8bit_grey(img)
    has_alpha = img.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        img.mode == "P" and "transparency" in img.info
    )
    if has_alpha:
        rgba = img.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return _to_srgb(img)


def _clean_jpeg(img: Image.Image, max_px: int, quality: int) -> tuple[bytes, tuple[int, int]]:
    """Return a JPEG of `img` shrunk to fit max_px, carrying no EXIF/XMP/ICC/comment."""
    scaled = img.copy()
    scaled.thumbnail((max_px, max_px), Image.Resampling.LANCZOS)
    # A brand-new image has an empty .info, so nothing (GPS, XMP, ICC) can ride along.
    clean = Image.new("RGB", scaled.size)
    clean.paste(scaled)
    out = BytesIO()
    clean.save(out, format="JPEG", quality=quality, optimize=True)
    return out.getvalue(), clean.size


def pixel_count(data: bytes) -> int:
    """Return an image's width × height from its header alone (0 when unreadable: the full
    check in process_photo then names the problem)."""
    fmt = sniff_format(data)
    if fmt is None or (fmt == "heic" and not HEIC_SUPPORTED):
        return 0
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(BytesIO(data), formats=[_PILLOW_FORMAT[fmt]]) as img:
                width, height = img.size
    except (Image.DecompressionBombError, UnidentifiedImageError, *_DECODE_ERRORS):
        return 0
    return int(width) * int(height)


def process_photo(data: bytes, limits: PhotoLimits, index: int = 1) -> ProcessedPhoto:
    """Check, decode and describe one uploaded photo; raise PhotoError if it is refused."""
    if not data:
        raise PhotoError(f"photo {index}: empty file")
    if len(data) > limits.max_bytes:
        raise PhotoError(
            f"photo {index}: {len(data):,} bytes exceeds the limit of {limits.max_bytes:,} bytes"
        )
    fmt = sniff_format(data)
    if fmt is None:
        raise PhotoError(f"photo {index}: not a {_ACCEPTED} image (looks like {_looks_like(data)})")
    if fmt == "heic" and not HEIC_SUPPORTED:
        raise PhotoError(f"photo {index}: HEIC is not supported here; please send JPEG")
    with _open(data, fmt, limits, index) as img:
        # Stored size; for HEIC, libheif has already applied the container's rotation.
        width, height = img.size
        exif = _exif_from_image(img)
        _decode(img, index, limits)
        oriented, exif = _oriented(img, exif)
    try:
        rgb = _to_rgb(oriented)
    except (ValueError, OSError) as exc:
        raise PhotoError(f"photo {index}: unsupported image mode {oriented.mode}") from exc
    display, display_size = _clean_jpeg(rgb, limits.display_max_px, limits.display_quality)
    thumb, _ = _clean_jpeg(rgb, limits.thumb_max_px, limits.display_quality)
    return ProcessedPhoto(
        format=fmt,
        width=width,
        height=height,
        exif=exif,
        sha256=hashlib.sha256(data).hexdigest(),
        phash=str(imagehash.phash(rgb)),
        display_jpeg=display,
        thumb_jpeg=thumb,
        display_size=display_size,
    )


def hamming(a_hex: str, b_hex: str) -> int:
    """Return the number of differing bits between two equal-length hex hashes."""
    if len(a_hex) != len(b_hex):
        raise ValueError(f"hashes differ in length: {len(a_hex)} vs {len(b_hex)} hex digits")
    return (int(a_hex, 16) ^ int(b_hex, 16)).bit_count()


# ------------------------------------------------------------------------- location and time


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
