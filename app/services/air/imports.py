"""Use case: import hourly air-quality readings (PRSA, CNEMC, mapped CSV) with a report.

Everything one import writes happens in the caller's transaction: a file that cannot be
read refuses the whole import and nothing is stored. Missing values, duplicates and
out-of-range values are counted and shown in the report, never dropped silently.
"""

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from geoalchemy2.shape import from_shape, to_shape
from shapely import Point
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import Invalid
from app.services.air.attribution import leads_near
from app.services.air.stats import emit_exceedances
from app.services.leads.pipeline import reassess
from app.services.places.geocode_batch import geocode_points
from app.settings import Settings
from geo.air.formats import (
    LOCAL_TZ,
    ColumnMapping,
    Parsed,
    ReadingsError,
    Station,
    drop_duplicates,
    prsa_stations,
    read_cnemc,
    read_mapped,
    read_prsa,
)
from geo.air.quality import VALUE_COLUMNS, check_ranges
from geo.air.standards import AREA_CLASSES, DEFAULT_AREA_CLASS
from geo.place import responsible_codes
from geo.progress import Progress, no_progress
from models import AirImport, AirReading, AirStation, Organisation
from models.base import SRID
from models.bulk import copy_rows
from models.spatial import backend_name

READING_FORMATS = ("prsa", "cnemc", "csv")
EXAMPLES = 10  # examples kept per finding in the report


@dataclass(frozen=True)
class SourceFile:
    """A file to import: its name and bytes."""

    name: str
    data: bytes


def parse_file(
    fmt: str, f: SourceFile, mapping: ColumnMapping | None, stations: dict[str, Station] | None
) -> Parsed:
    """Read one file in a format, or refuse it naming the file and the problem."""
    if fmt == "prsa":
        return read_prsa(f.data, f.name, stations)
    if fmt == "cnemc":
        return read_cnemc(f.data, f.name)
    if fmt == "csv":
        if mapping is None:
            raise Invalid("format csv needs a column mapping (--mapping FILE)")
        return read_mapped(f.data, f.name, mapping)
    raise Invalid(f"unknown readings format {fmt!r}; known: {', '.join(READING_FORMATS)}")


def _station_rows(
    session: Session,
    stations: dict[str, Station],
    kind: str,
    area_class: int,
    settings: Settings,
) -> tuple[dict[str, int], list[str]]:
    """Return station code -> id, creating unknown stations (located by jurisdiction, of
    the area class given; known stations keep theirs)."""
    known = {
        s.code: s.id
        for s in session.scalars(select(AirStation).where(AirStation.code.in_(list(stations))))
    }
    new = [s for code, s in sorted(stations.items()) if code not in known]
    unplaced = [s.code for s in new if s.lon is None or s.lat is None]
    if unplaced:
        raise Invalid(f"stations {', '.join(unplaced)} are unknown and the file gives no position")
    if new:
        lons = np.array([s.lon for s in new], dtype=float)
        lats = np.array([s.lat for s in new], dtype=float)
        found = geocode_points(
            session,
            lons=lons,
            lats=lats,
            partner_distance_m=settings.partner_distance_m,
            nearest_max_m=settings.nearest_max_m,
        )
        orgs = {o.code: o.id for o in session.scalars(select(Organisation))}
        for k, s in enumerate(new):
            codes = responsible_codes(found.place(k))
            row = AirStation(
                code=s.code,
                name=s.name,
                city=s.city,
                kind=kind,
                area_class=area_class,
                org_id=orgs.get(codes[0]) if codes else None,
                geom=from_shape(Point(s.lon, s.lat), srid=SRID),
            )
            session.add(row)
            session.flush()
            known[s.code] = row.id
    return known, [s.code for s in new]


def _already_stored(session: Session, frame: pd.DataFrame) -> np.ndarray:
    """Mark rows whose station and hour are already in the database."""
    ids = [int(i) for i in frame["station_id"].unique()]
    lo, hi = frame["at"].min().to_pydatetime(), frame["at"].max().to_pydatetime()
    rows = session.execute(
        select(AirReading.station_id, AirReading.at).where(
            AirReading.station_id.in_(ids), AirReading.at >= lo, AirReading.at <= hi
        )
    ).all()
    if not rows:
        return np.zeros(len(frame), dtype=bool)
    stored = pd.MultiIndex.from_arrays(
        [[r[0] for r in rows], pd.DatetimeIndex([r[1] for r in rows]).tz_convert("UTC")]
    )
    keys = pd.MultiIndex.from_arrays([frame["station_id"], frame["at"]])
    return np.asarray(keys.isin(stored))


def import_readings(
    session: Session,
    *,
    files: Sequence[SourceFile],
    fmt: str,
    settings: Settings,
    actor: str,
    mapping: ColumnMapping | None = None,
    stations: dict[str, Station] | None = None,
    station_kind: str = "national",
    station_area_class: int = DEFAULT_AREA_CLASS,
    progress: Progress = no_progress,
) -> AirImport:
    """Read, check and store hourly readings; return the import with its report."""
    if not files:
        raise Invalid("no files given")
    if station_area_class not in AREA_CLASSES:
        raise Invalid(f"station area class must be one of {', '.join(map(str, AREA_CLASSES))}")
    if fmt == "prsa" and stations is None:
        stations = prsa_stations()  # read once, not once per file
    parsed: list[Parsed] = []
    for n, f in enumerate(files):
        progress(0.4 * n / len(files), f"reading {f.name}")
        try:
            parsed.append(parse_file(fmt, f, mapping, stations))
        except ReadingsError as exc:
            raise Invalid(str(exc)) from exc
    frame = pd.concat([p.frame.assign(file=f.name) for p, f in zip(parsed, files, strict=True)])
    rows_read = len(frame) + sum(len(p.rejected) for p in parsed)
    if frame.empty:
        raise Invalid("the files hold no usable rows (every row lacks a station or a time)")
    progress(0.45, f"checking {len(frame):,} rows")
    frame, dup_count, dup_examples = drop_duplicates(frame.reset_index(drop=True), EXAMPLES)
    mask, out_of_range, missing = check_ranges(frame, EXAMPLES)
    provided = sorted({c for p in parsed for c in p.provided}, key=VALUE_COLUMNS.index)
    # The last report before the first statement: a job's progress is written by another
    # connection, which on SQLite would wait for this transaction's write lock.
    progress(0.6, f"storing {len(frame):,} rows ({backend_name(session.get_bind().dialect.name)})")
    found: dict[str, Station] = {}
    for p in parsed:
        found.update(p.stations)
    ids, new_stations = _station_rows(session, found, station_kind, station_area_class, settings)
    frame["station_id"] = frame["station_code"].map(ids)
    frame["invalid"] = mask
    stored = _already_stored(session, frame)
    in_db = frame.loc[stored].head(EXAMPLES)
    record = AirImport(
        format=fmt,
        files=[
            {"name": f.name, "sha256": hashlib.sha256(f.data).hexdigest(), "bytes": len(f.data)}
            for f in files
        ],
        rows_read=rows_read,
        rows_stored=int((~stored).sum()),
        actor=actor,
        report={},
    )
    session.add(record)
    session.flush()
    keep = frame.loc[~stored, ["station_id", "at", *VALUE_COLUMNS, "invalid"]]
    copy_rows(session.connection(), AirReading.__table__, keep.assign(import_id=record.id))  # type: ignore[arg-type]
    record.report = {
        "rows_read": rows_read,
        "rows_stored": record.rows_stored,
        "rejected": {
            "count": sum(len(p.rejected) for p in parsed),
            "examples": [
                {"file": f.name, "line": line, "reason": why}
                for p, f in zip(parsed, files, strict=True)
                for line, why in p.rejected
            ][:EXAMPLES],
        },
        "duplicates_in_files": {"count": dup_count, "examples": dup_examples},
        "duplicates_in_database": {
            "count": int(stored.sum()),
            "examples": [
                {"station": r.station_code, "at": r.at.isoformat(), "file": r.file}
                for r in in_db.itertuples()
            ],
        },
        "missing": {c: missing[c] for c in provided},
        "out_of_range": [
            {"column": o.column, "count": o.count, "range": [o.low, o.high], "examples": o.examples}
            for o in out_of_range
        ],
        "stations": {"new": new_stations, "total": len(found)},
        "by_station": {
            str(k): int(v) for k, v in frame.loc[~stored].groupby("station_code").size().items()
        },
        "period": [frame["at"].min().isoformat(), frame["at"].max().isoformat()],
        "notes": sorted({n for p in parsed for n in p.notes}),
    }
    session.flush()
    rescored = _rescore(session, ids.values(), frame, actor, settings)
    events = emit_exceedances(
        session,
        station_ids=list(ids.values()),
        days=list(frame.loc[~stored, "at"].dt.tz_convert(LOCAL_TZ).dt.date.unique()),
        max_days=settings.webhook_exceedance_days,
    )
    record.report = {**record.report, "leads_rescored": rescored, "exceedance_events": events}
    session.flush()
    return record


def _rescore(
    session: Session, station_ids: Any, frame: pd.DataFrame, actor: str, settings: Settings
) -> list[int]:
    """Re-score the open air-pollution leads the new readings may speak to."""
    stations = session.scalars(select(AirStation).where(AirStation.id.in_(list(station_ids))))
    points = [to_shape(s.geom) for s in stations]
    leads = leads_near(
        session,
        lons=np.array([p.x for p in points]),
        lats=np.array([p.y for p in points]),
        start=frame["at"].min().to_pydatetime(),
        end=frame["at"].max().to_pydatetime(),
    )
    reassess(session, leads, actor=actor, settings=settings)
    return [lead.id for lead in leads]
