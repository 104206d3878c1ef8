"""Read hourly air-quality files into one canonical frame: PRSA, CNEMC, or mapped CSV.

Every row is keyed by station code and the start of its averaging hour in UTC. The file's
own values are kept as read (units converted where a format says so); missing cells are
NaN; rows without a usable station or time are rejected with their line numbers.

Time labels differ between sources and are stated here once:
- UCI Beijing multi-site (PRSA): year/month/day/hour in Beijing time, the hour's start.
- National network hourly release (CNEMC): `timepoint` in Beijing time is the END of the
  hour whose mean is published (a 01:00 value covers 00:00-01:00), so we subtract an hour.
"""

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

from geo.air.quality import VALUE_COLUMNS
from geo.air.wind import compass_to_degrees

LOCAL_TZ = "Asia/Shanghai"  # China Standard Time, the time of every Chinese source
PRSA_STATIONS = Path(__file__).with_name("prsa_stations.csv")
# PRSA columns -> ours; CO is published in µg/m³ there and stored in mg/m³.
PRSA_COLUMNS = {
    "PM10": "pm10",
    "PM2.5": "pm25",
    "SO2": "so2",
    "NO2": "no2",
    "CO": "co",
    "O3": "o3",
    "TEMP": "temp",
    "PRES": "pres",
    "DEWP": "dewpoint",
    "RAIN": "rain",
    "wd": "wind_dir",
    "WSPM": "wind_speed",
}
UG_PER_MG = 1000.0
# CNEMC columns -> ours. The release's `o3` and `o3_24h` are known to be swapped: the
# hourly O3 is in `o3_24h`. `*_24h` running means are not stored (we compute our own).
CNEMC_COLUMNS = {
    "pm10": "pm10",
    "pm2_5": "pm25",
    "so2": "so2",
    "no2": "no2",
    "co": "co",
    "o3_24h": "o3",
    "o3_8h": "o3_8h",
}
CNEMC_REQUIRED = ("timepoint", "stationcode", "longitude", "latitude", "positionname")


class ReadingsError(ValueError):
    """A readings file that cannot be imported, with the reason."""


@dataclass(frozen=True)
class Station:
    """A monitoring station as a file describes it (position WGS-84, may be unknown)."""

    code: str
    name: str
    city: str | None = None
    lon: float | None = None
    lat: float | None = None


@dataclass
class Parsed:
    """The canonical rows of one file and what was learned reading it."""

    frame: pd.DataFrame  # line, station_code, at, VALUE_COLUMNS
    stations: dict[str, Station]
    provided: tuple[str, ...]  # the value columns the file has (the others are all NaN)
    rejected: list[tuple[int, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _csv(data: bytes, source: str, text: tuple[str, ...] = ()) -> pd.DataFrame:
    """Parse CSV bytes (the `text` columns as text, the others as found), refusing non-CSV.

    Text columns keep codes such as 0123 intact; empty text cells read as "".
    """
    if b"\x00" in data[:4096]:
        raise ReadingsError(f"{source}: not a CSV file (binary content)")
    try:
        decoded = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReadingsError(f"{source}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    try:
        frame = pd.read_csv(io.StringIO(decoded), dtype=dict.fromkeys(text, str))
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error) as exc:
        raise ReadingsError(f"{source}: unreadable CSV ({exc})") from exc
    if frame.empty:
        raise ReadingsError(f"{source}: no data rows")
    frame.columns = [str(c).strip() for c in frame.columns]
    for column in text:
        if column in frame:
            frame[column] = stripped(frame[column])
    return frame


def stripped(column: pd.Series) -> pd.Series:
    """Strip the text of a column, missing cells as "", working on its distinct values once."""
    codes, distinct = pd.factorize(column)
    clean = pd.Index([*(str(v).strip() for v in distinct), ""], dtype="str")
    return pd.Series(clean.take(np.where(codes < 0, len(distinct), codes)), index=column.index)


def _require(frame: pd.DataFrame, columns: tuple[str, ...] | list[str], source: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ReadingsError(f"{source}: missing columns {', '.join(missing)}")


def _numbers(column: pd.Series) -> np.ndarray:
    """Parse numbers; NA, empty and other non-numbers become NaN (counted as missing)."""
    if pd.api.types.is_numeric_dtype(column):
        return column.to_numpy(dtype=float)
    return pd.to_numeric(column.astype(str).str.strip(), errors="coerce").to_numpy(dtype=float)


def _finish(
    raw: pd.DataFrame, at: pd.Series, codes: pd.Series, values: dict[str, np.ndarray]
) -> tuple[pd.DataFrame, list[tuple[int, str]]]:
    """Assemble the canonical frame; reject rows without a station or a time."""
    frame = pd.DataFrame({"line": np.arange(2, len(raw) + 2), "station_code": codes, "at": at})
    for column in VALUE_COLUMNS:
        frame[column] = values.get(column, np.full(len(raw), np.nan))
    bad_time = frame["at"].isna().to_numpy()
    bad_code = (stripped(frame["station_code"]) == "").to_numpy()
    lines = frame["line"].to_numpy()
    rejected = [
        (int(lines[i]), "no station code" if bad_code[i] else "unreadable time")
        for i in np.flatnonzero(bad_time | bad_code)  # only the rejected rows, usually none
    ]
    return frame.loc[~(bad_time | bad_code)].reset_index(drop=True), rejected


def _local_to_utc(local: pd.Series) -> pd.Series:
    """Attach Beijing time to naive local times and convert to UTC."""
    return local.dt.tz_localize(LOCAL_TZ, nonexistent="NaT", ambiguous="NaT").dt.tz_convert("UTC")


def prsa_stations(path: Path = PRSA_STATIONS) -> dict[str, Station]:
    """Return the PRSA station names -> national station code, name and position."""
    frame = pd.read_csv(path, dtype=str)
    return {
        r.prsa_station: Station(
            r.cnemc_code, r.cnemc_name, "北京市", float(r.longitude), float(r.latitude)
        )
        for r in frame.itertuples()
    }


def read_prsa(data: bytes, source: str, stations: Mapping[str, Station] | None = None) -> Parsed:
    """Read a UCI Beijing multi-site file (PRSA_Data_<station>_20130301-20170228.csv)."""
    raw = _csv(data, source, ("station", "wd"))
    _require(raw, ["year", "month", "day", "hour", "station", *PRSA_COLUMNS], source)
    known = stations if stations is not None else prsa_stations()
    names = raw["station"]  # stripped by _csv
    distinct = set(names.unique())
    unknown = sorted(distinct - set(known))
    if unknown:
        raise ReadingsError(
            f"{source}: no coordinates for station(s) {', '.join(unknown)}; "
            "give a stations file (prsa_station,cnemc_code,cnemc_name,longitude,latitude)"
        )
    parts = {k: pd.to_numeric(raw[k], errors="coerce") for k in ("year", "month", "day", "hour")}
    local = pd.to_datetime(pd.DataFrame(parts), errors="coerce")
    values = {
        ours: _numbers(raw[theirs]) for theirs, ours in PRSA_COLUMNS.items() if ours != "wind_dir"
    }
    values["co"] = values["co"] / UG_PER_MG
    values["wind_dir"] = compass_to_degrees(raw["wd"].to_numpy())
    codes = names.map({n: known[n].code for n in distinct})
    frame, rejected = _finish(raw, _local_to_utc(local), codes, values)
    used = {known[n] for n in distinct}
    return Parsed(
        frame,
        {s.code: s for s in used},
        tuple(values),
        rejected,
        ["PRSA: Beijing time, hour start; CO converted from µg/m³ to mg/m³"],
    )


def read_cnemc(data: bytes, source: str) -> Parsed:
    """Read one national-network hourly release (all stations, one hour)."""
    raw = _csv(data, source, ("timepoint", "stationcode", "area", "positionname"))
    _require(raw, [*CNEMC_REQUIRED, *CNEMC_COLUMNS], source)
    local = pd.to_datetime(raw["timepoint"].str.strip(), errors="coerce", format="mixed")
    at = _local_to_utc(local) - pd.Timedelta(hours=1)
    values = {ours: _numbers(raw[theirs]) for theirs, ours in CNEMC_COLUMNS.items()}
    codes = raw["stationcode"]  # stripped by _csv
    frame, rejected = _finish(raw, at, codes, values)
    stations: dict[str, Station] = {}
    lons, lats = _numbers(raw["longitude"]), _numbers(raw["latitude"])
    cities = raw["area"].str.strip() if "area" in raw else pd.Series([""] * len(raw))
    for code, name, city, lon, lat in zip(
        codes, raw["positionname"].str.strip(), cities, lons, lats, strict=True
    ):
        if code and code not in stations and np.isfinite(lon) and np.isfinite(lat):
            stations[code] = Station(code, name, city or None, float(lon), float(lat))
    return Parsed(
        frame,
        stations,
        tuple(values),
        rejected,
        ["CNEMC: timepoint is the hour's end (Beijing time); o3/o3_24h swapped as published"],
    )


@dataclass(frozen=True)
class ColumnMapping:
    """How a CSV of another layout maps onto ours (see read_mapped)."""

    station: str
    time: str
    columns: dict[str, str]
    station_name: str | None = None
    city: str | None = None
    lon: str | None = None
    lat: str | None = None
    time_format: str | None = None
    timezone: str = LOCAL_TZ
    time_label: str = "start"
    scale: dict[str, float] = field(default_factory=dict)


def parse_mapping(spec: Any) -> ColumnMapping:
    """Check a mapping given as JSON and return it, naming what is wrong."""
    if not isinstance(spec, Mapping):
        raise ReadingsError(
            f"mapping: must be a JSON object of column names, not {_json_kind(spec)}"
        )
    for key in ("station", "time", "columns"):
        if key not in spec:
            raise ReadingsError(f"mapping: '{key}' is required")
    known = {f for f in ColumnMapping.__dataclass_fields__}
    extra = sorted(str(k) for k in set(spec) - known)
    if extra:
        raise ReadingsError(f"mapping: unknown keys {extra}")
    for key in ("station", "time"):
        _text_field(spec, key, required=True)
    for key in ("station_name", "city", "lon", "lat", "time_format", "timezone", "time_label"):
        _text_field(spec, key, required=False)
    columns = _object_of(spec["columns"], "columns", str)
    unknown = sorted(set(columns) - set(VALUE_COLUMNS))
    if unknown:
        raise ReadingsError(
            f"mapping: unknown columns {unknown}; known: {', '.join(VALUE_COLUMNS)}"
        )
    if spec.get("time_label", "start") not in ("start", "end"):
        raise ReadingsError("mapping: time_label must be 'start' or 'end' (of the hour)")
    timezone = spec.get("timezone", LOCAL_TZ)
    if timezone is not None:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ReadingsError(f"mapping: unknown timezone {timezone!r}") from exc
    scale = _object_of(spec.get("scale") or {}, "scale", float)
    given = {k: v for k, v in spec.items() if v is not None and k not in ("columns", "scale")}
    return ColumnMapping(**given, columns=columns, scale=scale)


def _json_kind(value: Any) -> str:
    """Name a JSON value's type as a client wrote it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "an array" if isinstance(value, list) else "an object"


def _text_field(spec: Mapping[str, Any], key: str, *, required: bool) -> None:
    value = spec.get(key)
    if value is None and not required:
        return
    if not isinstance(value, str) or not value.strip():
        raise ReadingsError(f"mapping: '{key}' must be a column name (text), not {value!r}")


def _object_of(value: Any, key: str, kind: type) -> dict[str, Any]:
    """Return an object whose values are all text (kind str) or finite numbers (float)."""
    if not isinstance(value, Mapping):
        raise ReadingsError(f"mapping: '{key}' must be a JSON object, not {_json_kind(value)}")
    for k, v in value.items():
        if kind is str and not (isinstance(v, str) and v.strip()):
            raise ReadingsError(f"mapping: {key}.{k} must be a column name (text), not {v!r}")
        if kind is float and not (
            isinstance(v, int | float) and not isinstance(v, bool) and np.isfinite(v)
        ):
            raise ReadingsError(f"mapping: {key}.{k} must be a finite number, not {v!r}")
    return {str(k): (float(v) if kind is float else v) for k, v in value.items()}


def read_mapped(data: bytes, source: str, mapping: ColumnMapping) -> Parsed:
    """Read a CSV of any layout through a column mapping."""
    texts = (mapping.station, mapping.time, mapping.station_name, mapping.city)
    raw = _csv(data, source, tuple(c for c in texts if c))
    named = [mapping.station, mapping.time, *mapping.columns.values()]
    named += [c for c in (mapping.station_name, mapping.city, mapping.lon, mapping.lat) if c]
    _require(raw, named, source)
    times = raw[mapping.time].str.strip()
    local = (
        pd.to_datetime(times, errors="coerce", format=mapping.time_format)
        if mapping.time_format
        else pd.to_datetime(times, errors="coerce", format="mixed")
    )
    if local.dt.tz is None:
        local = local.dt.tz_localize(mapping.timezone, nonexistent="NaT", ambiguous="NaT")
    at = local.dt.tz_convert("UTC")
    if mapping.time_label == "end":
        at = at - pd.Timedelta(hours=1)
    values: dict[str, np.ndarray] = {}
    for ours, theirs in mapping.columns.items():
        values[ours] = (
            compass_to_degrees(raw[theirs].to_numpy())
            if ours == "wind_dir"
            else _numbers(raw[theirs])
        ) * mapping.scale.get(ours, 1.0)
    codes = raw[mapping.station]  # stripped by _csv
    frame, rejected = _finish(raw, at, codes, values)
    stations: dict[str, Station] = {}
    firsts = raw.assign(_code=codes).drop_duplicates("_code")
    for _, row in firsts.loc[firsts["_code"] != ""].iterrows():
        code = str(row["_code"])
        lon = float(_numbers(row[[mapping.lon]])[0]) if mapping.lon else None
        lat = float(_numbers(row[[mapping.lat]])[0]) if mapping.lat else None
        name = str(row[mapping.station_name]).strip() if mapping.station_name else code
        city = str(row[mapping.city]).strip() if mapping.city else None
        stations[code] = Station(code, name, city, lon, lat)
    return Parsed(
        frame,
        stations,
        tuple(values),
        rejected,
        [f"mapped CSV: {mapping.timezone}, hour {mapping.time_label}"],
    )


def drop_duplicates(
    frame: pd.DataFrame, examples: int = 5
) -> tuple[pd.DataFrame, int, list[dict[str, Any]]]:
    """Keep the first row of each station and hour; report the others with their lines."""
    dup = frame.duplicated(["station_code", "at"], keep="first").to_numpy()
    shown = frame.loc[dup].head(examples)
    found = [
        {"line": int(r.line), "station": r.station_code, "at": r.at.isoformat()}
        for r in shown.itertuples()
    ]
    return frame.loc[~dup].reset_index(drop=True), int(dup.sum()), found
