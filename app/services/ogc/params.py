"""Query parameters of /items: parsed and checked before any query runs (400 on error)."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from app.errors import AppError
from app.schemas.common import ID_MAX
from geo.instants import RANGE_TEXT, check_day, check_instant

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG4326 = "http://www.opengis.net/def/crs/EPSG/0/4326"
# CGCS2000 differs from WGS-84 by well under a metre: coordinates are served unchanged,
# in the lat,lon order the EPSG definition declares.
EPSG4490 = "http://www.opengis.net/def/crs/EPSG/0/4490"
CRS_LIST = (CRS84, EPSG4326, EPSG4490)
LAT_LON = frozenset({EPSG4326, EPSG4490})
DEFAULT_LIMIT, MAX_LIMIT = 100, 1000
KNOWN = frozenset({"limit", "offset", "bbox", "bbox-crs", "crs", "datetime"})


class BadQuery(AppError):
    """A query parameter is unknown or malformed (OGC API - Features: 400)."""

    title, slug = "Bad query parameter", "bad-query-parameter"


@dataclass(frozen=True)
class ItemsQuery:
    """A checked /items query: bbox in lon/lat; interval bounds in UTC (None: open)."""

    limit: int = DEFAULT_LIMIT
    offset: int = 0
    bbox: tuple[float, float, float, float] | None = None
    crs: str = CRS84
    interval: tuple[datetime | None, datetime | None] | None = None

    @property
    def swap(self) -> bool:
        """Whether output coordinates are in lat,lon order."""
        return self.crs in LAT_LON


def _int(raw: str, name: str, low: int, high: int | None = None) -> int:
    try:
        value = int(raw)
    except ValueError as exc:
        raise BadQuery(f"{name} must be an integer") from exc
    if value < low:
        raise BadQuery(f"{name} must be at least {low}")
    if high is not None and value > high:
        raise BadQuery(f"{name} must be at most {high}")
    return value


def parse_crs(raw: str | None, name: str = "crs") -> str:
    """Return a supported CRS URI or refuse."""
    if raw is None:
        return CRS84
    if raw.strip("<>") not in CRS_LIST:
        raise BadQuery(f"{name} must be one of {', '.join(CRS_LIST)}")
    return raw.strip("<>")


def parse_bbox(raw: str, crs: str) -> tuple[float, float, float, float]:
    """Return a lon/lat bbox from four numbers in `crs` axis order."""
    try:
        values = [float(v) for v in raw.split(",")]
    except ValueError as exc:
        raise BadQuery("bbox must be four comma-separated numbers") from exc
    if len(values) != 4:
        raise BadQuery("bbox must be four numbers (boxes with heights are not supported)")
    if crs in LAT_LON:
        values = [values[1], values[0], values[3], values[2]]
    minx, miny, maxx, maxy = values
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise BadQuery("bbox corners must lie in -180..180, -90..90, lower left first")
    return minx, miny, maxx, maxy


def _instant(raw: str, end: bool) -> datetime | None:
    """Parse one RFC 3339 bound; a bare date stands for its whole (UTC) day: its first
    instant as a start, its last as an end."""
    if raw in ("..", ""):
        return None
    try:
        if "T" not in raw.upper():
            start = datetime.combine(check_day(date.fromisoformat(raw)), time(), UTC)
            return start + timedelta(days=1, microseconds=-1) if end else start
        at = check_instant(datetime.fromisoformat(raw.upper().replace("Z", "+00:00")))
    except ValueError as exc:
        raise BadQuery(
            f"datetime {raw!r} is not an RFC 3339 date or date-time {RANGE_TEXT}"
        ) from exc
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def parse_datetime(raw: str) -> tuple[datetime | None, datetime | None]:
    """Return [start, end] of an instant, a closed or a half-open interval (`..`)."""
    parts = raw.split("/")
    if len(parts) == 1:
        if raw == "..":
            raise BadQuery("datetime '..' is not an instant")
        start, end = _instant(raw, False), _instant(raw, "T" not in raw.upper())
        return start, end
    if len(parts) != 2 or parts == ["..", ".."]:
        raise BadQuery("datetime must be an instant or an interval start/end ('..' for open)")
    start, end = _instant(parts[0], False), _instant(parts[1], True)
    if start is not None and end is not None and end < start:
        raise BadQuery("datetime interval ends before it starts")
    return start, end


def parse_items_query(params: Mapping[str, str]) -> ItemsQuery:
    """Check every parameter of an /items request; unknown ones are refused."""
    unknown = sorted(set(params) - KNOWN)
    if unknown:
        raise BadQuery(f"unknown query parameter(s): {', '.join(unknown)}")
    bbox_crs = parse_crs(params.get("bbox-crs"), "bbox-crs")
    if "bbox-crs" in params and "bbox" not in params:
        raise BadQuery("bbox-crs needs bbox")
    return ItemsQuery(
        limit=min(_int(params["limit"], "limit", 1), MAX_LIMIT)
        if "limit" in params
        else DEFAULT_LIMIT,
        offset=_int(params["offset"], "offset", 0, ID_MAX) if "offset" in params else 0,
        bbox=parse_bbox(params["bbox"], bbox_crs) if "bbox" in params else None,
        crs=parse_crs(params.get("crs")),
        interval=parse_datetime(params["datetime"]) if "datetime" in params else None,
    )
