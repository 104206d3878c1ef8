"""When an image was taken, from what the uploader says or the file's own tags."""

from datetime import UTC, date, datetime

import rasterio

from geo.instants import check_day, check_instant


def parse_acquired(text: str) -> datetime:
    """Parse an ISO 8601 date or time; a date is its midnight UTC, a time without an offset
    is UTC (satellite acquisition times are given in UTC). Raise ValueError if unreadable."""
    text = text.strip()
    try:
        if len(text) == 10:
            day = check_day(date.fromisoformat(text))
            return datetime.combine(day, datetime.min.time(), UTC)
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(
            f"acquired {text!r} is not an ISO 8601 date or time, e.g. 2017-08-04T10:20:00Z"
        ) from None
    value = check_instant(value.replace(tzinfo=UTC) if value.tzinfo is None else value)
    return value.astimezone(UTC)


def tiff_datetime(path: str) -> datetime | None:
    """The TIFF DateTime tag (YYYY:MM:DD HH:MM:SS, read as UTC), or None."""
    with rasterio.open(path) as src:
        raw = src.tags().get("TIFFTAG_DATETIME")
    if not raw:
        return None
    try:
        return datetime.strptime(raw.strip(), "%Y:%m:%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return None
