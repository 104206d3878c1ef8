"""Where and when a drone photo was taken, from its EXIF GPS block and DJI XMP.

Positions, times and camera come from `geo.photos.exif`; this adds what matters for drone
evidence: what the altitude is measured from, the height above take-off, and the heading.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO

from PIL import Image
from PIL.ExifTags import GPS, IFD

from geo.imagery.inspect import RasterRefused
from geo.photos.exif import exif_from_image
from geo.photos.formats import ACCEPTED, PILLOW_FORMAT, sniff_format

# EXIF 2.3 GPSAltitudeRef: 0 = above, 1 = below sea level. Many UAVs (senseFly, some DJI)
# write the GNSS ellipsoidal height there instead: the senseFly sample's 259.8 m is the
# flight log's WGS-84 height, not its 219.3 m above sea level (tests/data/imagery/SOURCES.md).
ABOVE_SEA_LEVEL = "sea level (EXIF GPSAltitudeRef 0; many drones write ellipsoidal height)"
BELOW_SEA_LEVEL = "below sea level (EXIF GPSAltitudeRef 1)"
RELATIVE_TO_TAKEOFF = "take-off point (DJI XMP drone-dji:RelativeAltitude)"

_NUMBER = r"\s*([+-]?\d+(?:\.\d+)?)"


@dataclass(frozen=True)
class DronePhoto:
    """Position, altitude, time, camera and heading of one drone photo."""

    lon: float
    lat: float
    altitude_m: float | None  # GPSAltitude, signed by GPSAltitudeRef
    altitude_ref: str | None  # what altitude_m is measured from
    relative_altitude_m: float | None  # above the take-off point, when the drone says
    taken_at: datetime | None  # UTC when the offset (or GPS time) is known, else local
    taken_at_is_utc: bool
    make: str | None
    model: str | None
    yaw_deg: float | None  # heading, degrees clockwise from north
    warnings: tuple[str, ...] = ()


def _xmp_number(xmp: str, name: str) -> float | None:
    """A numeric XMP property, written as an attribute (DJI) or as an element."""
    match = re.search(rf"{re.escape(name)}(?:=[\"']|>){_NUMBER}", xmp)
    return float(match[1]) if match else None


def _gps_number(gps: dict[int, object], tag: GPS) -> float | None:
    value = gps.get(tag)
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    return number if 0.0 <= number <= 360.0 else None


def _altitude_ref(gps: dict[int, object], has_altitude: bool) -> str | None:
    if not has_altitude:
        return None
    ref = gps.get(GPS.GPSAltitudeRef, 0)
    if isinstance(ref, bytes):
        ref = ref[0] if ref else 0
    return BELOW_SEA_LEVEL if ref == 1 else ABOVE_SEA_LEVEL


def read_drone_photo(data: bytes) -> DronePhoto:
    """Read a drone photo's position and flight facts; raise RasterRefused without GPS."""
    fmt = sniff_format(data)
    if fmt is None:
        raise RasterRefused(f"the file is not a {ACCEPTED} photo")
    try:
        img = Image.open(BytesIO(data), formats=[PILLOW_FORMAT[fmt]])
    except Exception:  # hostile headers (incl. decompression bombs) are refused, not raised
        raise RasterRefused("the photo's header cannot be read") from None
    with img:
        info = exif_from_image(img)
        try:
            gps = dict(img.getexif().get_ifd(IFD.GPSInfo))
        except Exception:  # already reported in info.warnings
            gps = {}
        raw_xmp = img.info.get("xmp", b"")
    xmp = raw_xmp.decode("utf-8", "replace") if isinstance(raw_xmp, bytes) else str(raw_xmp)
    if info.lat is None or info.lon is None:
        raise RasterRefused("the photo has no GPS position in its EXIF")
    taken_at, is_utc = info.taken_at, False
    if taken_at is not None and info.taken_at_has_offset:
        taken_at, is_utc = taken_at.astimezone(UTC), True
    elif info.gps_time is not None:  # GPS time is UTC by definition
        taken_at, is_utc = info.gps_time, True
    yaw = _xmp_number(xmp, "drone-dji:FlightYawDegree")
    if yaw is not None:
        yaw %= 360.0
    else:  # where the camera points, else where the aircraft travels
        yaw = _gps_number(gps, GPS.GPSImgDirection)
        if yaw is None:
            yaw = _gps_number(gps, GPS.GPSTrack)
    relative = _xmp_number(xmp, "drone-dji:RelativeAltitude")
    return DronePhoto(
        lon=info.lon,
        lat=info.lat,
        altitude_m=info.altitude_m,
        altitude_ref=_altitude_ref(gps, info.altitude_m is not None),
        relative_altitude_m=relative,
        taken_at=taken_at,
        taken_at_is_utc=is_utc,
        make=info.make,
        model=info.model,
        yaw_deg=yaw,
        warnings=info.warnings,
    )
