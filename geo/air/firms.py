"""Read NASA FIRMS active-fire CSV files (MODIS and VIIRS) into one checked table.

Pure: bytes in, a FirmsFile out. Coordinates are WGS-84 degrees, brightness temperatures
Kelvin, FRP megawatts; acq_date + acq_time (HHMM) are UTC, so `acquired_at` is UTC too.
Rows that cannot be used are listed with their 1-based line number instead of dropped silently.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd

# MODIS confidence classes, FIRMS FAQ "What is the confidence value?" after the MODIS
# Collection 6 Active Fire Product User's Guide (Giglio 2015): 0-29 % low, 30-79 % nominal,
# 80-100 % high.
MODIS_NOMINAL_FROM_PCT = 30.0
MODIS_HIGH_FROM_PCT = 80.0
MODIS_CONFIDENCE_MAX_PCT = 100.0
# VIIRS 375 m confidence is a class, written l/n/h (FIRMS VIIRS attribute table).
CONFIDENCE_CLASSES = {
    "l": "low", "low": "low", "n": "nominal", "nominal": "nominal", "h": "high", "high": "high",
}  # fmt: skip
# FIRMS MODIS satellite codes (FIRMS MODIS attribute table: T = Terra, A = Aqua).
MODIS_SATELLITES = {"t": "Terra", "a": "Aqua", "terra": "Terra", "aqua": "Aqua"}
LAT_LIMIT = 90.0  # WGS-84 degrees
LON_LIMIT = 180.0
# MODIS fire record starts in 2000, so a spreadsheet's two-digit year is 20yy.
TWO_DIGIT_YEAR_BASE = 2000

REQUIRED = ("latitude", "longitude", "acq_date", "acq_time", "confidence", "frp")
# Output name -> file column, per instrument (MODIS band 21/22 and 31; VIIRS I4 and I5).
BRIGHTNESS = {
    "MODIS": {"brightness": "brightness", "bright_t31": "bright_t31"},
    "VIIRS": {"brightness": "bright_ti4", "bright_t31": "bright_ti5"},
}
NUMBERS = ("frp", "scan", "track")
TEXTS = ("daynight", "version")
DELIMITERS = ",;\t"
DTYPES = {
    "line": "int64", "lat": "float64", "lon": "float64", "acquired_at": "datetime64[ns, UTC]",
    "satellite": "str", "satellite_raw": "str", "instrument": "str", "confidence_raw": "str",
    "confidence_pct": "float64", "confidence_class": "str", "frp": "float64",
    "brightness": "float64", "bright_t31": "float64", "scan": "float64", "track": "float64",
    "daynight": "str", "version": "str", "type": "Int64",
}  # fmt: skip

_ISO_DATE = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})")
_US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})")  # spreadsheet month/day/year
_MIDNIGHT = re.compile(r"\s+0?0:00(:00)?$")  # a spreadsheet's "6/3/2022 0:00"
_HHMM = re.compile(r"(\d{1,4})(\.0+)?")  # leading zeros may be lost: 18 = 00:18


class FirmsError(ValueError):
    """A FIRMS file that cannot be read at all; the message names the problem."""


@dataclass(frozen=True, eq=False)
class FirmsFile:
    """Accepted detections, rejected rows and what was read from one FIRMS CSV file."""

    frame: pd.DataFrame
    rejected: list[tuple[int, str]]
    rows_read: int
    instrument: str
    source_name: str = ""


def _decode(data: bytes) -> str:
    """Decode the file as UTF-8 (BOM dropped) or BOM-marked UTF-16, else raise FirmsError."""
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    try:
        text = data.decode("utf-16" if utf16 else "utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FirmsError(
            f"not a CSV text file: byte {data[exc.start]:#04x} at offset {exc.start} "
            f"is not {exc.encoding.upper()}"
        ) from exc
    if "\x00" in text:
        raise FirmsError("not a CSV text file: binary content (NUL bytes)")
    return text


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """Yield (line where the record starts, fields) for each non-blank CSV record."""
    first = text.lstrip().partition("\n")[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=max(DELIMITERS, key=first.count))
    line = 1
    try:
        for fields in reader:
            if any(field.strip() for field in fields):
                yield line, fields
            line = reader.line_num + 1
    except csv.Error as exc:
        raise FirmsError(f"not valid CSV at line {line}: {exc}") from exc


def _header(fields: list[str]) -> dict[str, int]:
    """Map lower-cased column names to their positions, checking the required ones."""
    if len(fields) < 2:
        raise FirmsError("not a CSV file: the first line has no separated columns")
    index: dict[str, int] = {}
    for pos, name in enumerate(fields):
        index.setdefault(name.strip().lstrip("\ufeff").lower(), pos)
    missing = [name for name in REQUIRED if name not in index]
    if missing:
        raise FirmsError(f"missing required FIRMS column(s): {', '.join(missing)}")
    return index


def _cell(fields: list[str], index: dict[str, int], name: str) -> str:
    """Return the stripped value of one column, or "" when the column or cell is absent."""
    pos = index.get(name)
    return fields[pos].strip() if pos is not None and pos < len(fields) else ""


def _instrument(index: dict[str, int], rows: list[tuple[int, list[str]]]) -> str:
    """Tell MODIS from VIIRS by the instrument column, else by the brightness columns."""
    named = {_cell(f, index, "instrument").upper() for _, f in rows} - {""}
    if len(named) > 1:
        raise FirmsError(f"mixed instruments {sorted(named)}: split the file by instrument")
    if named:
        (value,) = named
        if value not in BRIGHTNESS:
            raise FirmsError(f"unknown instrument {value!r} (expected MODIS or VIIRS)")
        return value
    if "bright_ti4" in index:
        return "VIIRS"
    if "brightness" in index:
        return "MODIS"
    raise FirmsError("missing required FIRMS column(s): brightness (MODIS) or bright_ti4 (VIIRS)")


def _number(text: str) -> float | None:
    """Parse a finite float, or return None."""
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _coordinate(text: str, name: str, limit: float) -> float | str:
    """Parse a latitude or longitude in [-limit, limit], or return why not."""
    if not text:
        return f"missing {name}"
    value = _number(text)
    if value is None:
        return f"bad {name} {text!r}"
    if abs(value) > limit:
        return f"{name} {value:g} outside [-{limit:g}, {limit:g}]"
    return value


def _acquired_at(day: str, hhmm: str) -> datetime | str:
    """Combine acq_date (ISO or spreadsheet M/D/Y) and acq_time (HHMM UTC), or say why not."""
    day = _MIDNIGHT.sub("", day)
    if m := _ISO_DATE.fullmatch(day):
        year, month, dom = int(m[1]), int(m[2]), int(m[3])
    elif m := _US_DATE.fullmatch(day):
        month, dom, year = int(m[1]), int(m[2]), int(m[3])
        year += TWO_DIGIT_YEAR_BASE if len(m[3]) == 2 else 0
    else:
        return f"unparsable acq_date {day!r}"
    m = _HHMM.fullmatch(hhmm)
    hour, minute = divmod(int(m[1]), 100) if m else (-1, -1)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return f"unparsable acq_time {hhmm!r}"
    try:
        return datetime(year, month, dom, hour, minute, tzinfo=UTC)
    except ValueError:
        return f"unparsable acq_date {day!r}"


def _confidence(text: str, instrument: str) -> tuple[float, str] | str:
    """Return (percent or NaN, class) for a MODIS percentage or a class letter, or say why not."""
    if text.lower() in CONFIDENCE_CLASSES:
        return math.nan, CONFIDENCE_CLASSES[text.lower()]
    pct = _number(text)
    if instrument != "MODIS" or pct is None or not 0 <= pct <= MODIS_CONFIDENCE_MAX_PCT:
        return f"unknown confidence {text!r}"
    if pct >= MODIS_HIGH_FROM_PCT:
        return pct, "high"
    return pct, "nominal" if pct >= MODIS_NOMINAL_FROM_PCT else "low"


def _satellite(raw: str, instrument: str) -> str:
    """Spell out MODIS T/A as Terra/Aqua; keep VIIRS codes (N, N20, 1, ...) as they are."""
    return MODIS_SATELLITES.get(raw.lower(), raw) if instrument == "MODIS" else raw


def _row(
    line: int, fields: list[str], index: dict[str, int], instrument: str
) -> dict[str, object] | str:
    """Turn one record into a detection, or return the reasons it cannot be used."""
    cell = {name: _cell(fields, index, name) for name in index}
    lat = _coordinate(cell["latitude"], "latitude", LAT_LIMIT)
    lon = _coordinate(cell["longitude"], "longitude", LON_LIMIT)
    when = _acquired_at(cell["acq_date"], cell["acq_time"])
    conf = _confidence(cell["confidence"], instrument)
    problems = [p for p in (lat, lon, when, conf) if isinstance(p, str)]
    if problems or isinstance(conf, str):
        return "; ".join(problems)
    row: dict[str, object] = {
        "line": line, "lat": lat, "lon": lon, "acquired_at": when,
        "satellite": _satellite(cell.get("satellite", ""), instrument),
        "satellite_raw": cell.get("satellite", ""), "instrument": instrument,
        "confidence_raw": cell["confidence"], "confidence_pct": conf[0],
        "confidence_class": conf[1],
    }  # fmt: skip
    for out, column in BRIGHTNESS[instrument].items():
        row[out] = _number(cell.get(column, ""))
    row.update({name: _number(cell.get(name, "")) for name in NUMBERS})
    row.update({name: cell.get(name, "") for name in TEXTS})
    fire_type = _number(cell.get("type", ""))
    row["type"] = int(fire_type) if fire_type is not None and fire_type.is_integer() else None
    return row


def read_firms(data: bytes, *, source_name: str = "") -> FirmsFile:
    """Parse a FIRMS MODIS or VIIRS active-fire CSV file into checked detections."""
    try:
        return _read(data, source_name)
    except FirmsError as exc:
        if source_name:
            raise FirmsError(f"{source_name}: {exc}") from exc
        raise


def _read(data: bytes, source_name: str) -> FirmsFile:
    """Do the work of read_firms, raising FirmsError without the source name."""
    records = list(_records(_decode(data)))
    if not records:
        raise FirmsError("empty file: no header and no rows")
    index = _header(records[0][1])
    rows = records[1:]
    if not rows:
        raise FirmsError("no rows: the file has a header but no detections")
    instrument = _instrument(index, rows)
    accepted: list[dict[str, object]] = []
    rejected: list[tuple[int, str]] = []
    for line, fields in rows:
        parsed = _row(line, fields, index, instrument)
        if isinstance(parsed, str):
            rejected.append((line, parsed))
        else:
            accepted.append(parsed)
    frame = pd.DataFrame(accepted, columns=list(DTYPES)).astype(DTYPES)
    return FirmsFile(frame, rejected, len(rows), instrument, source_name)
