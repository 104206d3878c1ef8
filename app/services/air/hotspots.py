"""Use case: import NASA FIRMS fire hotspots; those where burning is banned become evidence.

A detection becomes straw-burning evidence (and so joins or starts a lead) when its
confidence class is at least the configured one and it lies inside a `no_burn_area`
feature, or on `cropland` within a distance of a drinking-water source zone. Every
detection is kept with its confidence and fire radiative power, evidence or not.
"""

import hashlib
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
import shapely
from geoalchemy2 import WKTElement
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.errors import Invalid, NotFound
from app.services.air.imports import SourceFile
from app.services.leads.pipeline import place
from app.services.places.geocode_batch import geocode_points
from app.settings import Settings
from geo.air.firms import FirmsError, read_firms
from geo.place import Place, first_admin, nearest_m, zone_kinds, zones_text
from geo.progress import Progress, no_progress
from models import AirImport, EvidenceItem, FireHotspot
from models.base import SRID
from models.bulk import add_many, next_ids
from models.spatial import BBoxFilter
from rules.categories import hotspot_category

CONFIDENCE_ORDER = ("low", "nominal", "high")
EXAMPLES = 10


def hotspot_keys(frame: pd.DataFrame) -> list[str]:
    """Identify each detection: instrument, satellite, time and position (1e-5° ~ 1 m)."""
    at = frame["acquired_at"].dt.strftime("%Y-%m-%dT%H:%MZ")
    lat, lon = (frame[c].map("{:.5f}".format) for c in ("lat", "lon"))
    keys = frame["instrument"] + "|" + frame["satellite_raw"] + "|" + at + "|" + lat + "|" + lon
    return keys.tolist()  # type: ignore[no-any-return]


def _why_evidence(place: Place, settings: Settings) -> str | None:
    """Return why a detection is straw-burning evidence, or None."""
    kinds = zone_kinds(place)
    water_m = nearest_m(place, "water_source_zone")
    if "no_burn_area" in kinds:
        return "no_burn_area"
    near = water_m is not None and water_m <= settings.hotspot_cropland_water_m
    if "cropland" in kinds and ("water_source_zone" in kinds or near):
        return "cropland_near_water_source"
    return None


def _read(files: Sequence[SourceFile]) -> tuple[pd.DataFrame, list[dict[str, Any]], int]:
    """Parse every file; refuse the import if one cannot be read."""
    frames, rejected, rows = [], [], 0
    for f in files:
        try:
            parsed = read_firms(f.data, source_name=f.name)
        except FirmsError as exc:
            raise Invalid(str(exc)) from exc
        frames.append(parsed.frame.assign(file=f.name))
        rejected += [{"file": f.name, "line": n, "reason": why} for n, why in parsed.rejected]
        rows += parsed.rows_read
    return pd.concat(frames, ignore_index=True), rejected, rows


def import_hotspots(
    session: Session,
    *,
    files: Sequence[SourceFile],
    settings: Settings,
    actor: str,
    progress: Progress = no_progress,
) -> AirImport:
    """Store new detections and turn those where burning is banned into evidence."""
    if not files:
        raise Invalid("no files given")
    if settings.hotspot_min_confidence not in CONFIDENCE_ORDER:
        raise Invalid(f"hotspot_min_confidence must be one of {', '.join(CONFIDENCE_ORDER)}")
    progress(0.05, "reading")
    frame, rejected, rows_read = _read(files)
    if frame.empty:
        raise Invalid("the files hold no usable detections (every row was rejected)")
    frame["key"] = hotspot_keys(frame)
    in_file = frame.duplicated("key").to_numpy()
    # Keys stored for the file's period, not an IN list of every key: a global FIRMS file
    # holds more rows than a statement may have parameters.
    period = (
        frame["acquired_at"].min().to_pydatetime(),
        frame["acquired_at"].max().to_pydatetime(),
    )
    known = set(
        session.scalars(select(FireHotspot.key).where(FireHotspot.acquired_at.between(*period)))
    )
    in_db = frame["key"].isin(known).to_numpy() & ~in_file
    new = frame.loc[~in_file & ~in_db].reset_index(drop=True)
    progress(0.3, f"geocoding {len(new):,} detections")
    found = geocode_points(
        session,
        lons=new["lon"].to_numpy(dtype=float),
        lats=new["lat"].to_numpy(dtype=float),
        partner_distance_m=0.0,  # the rule reads zones and water; partners come with the lead
        nearest_max_m=settings.nearest_max_m,
    )
    # Points as WKT: what SpatiaLite is given anyway, without decoding WKB once per row.
    points = shapely.to_wkt(found.found.items, rounding_precision=-1)
    record = AirImport(
        format="firms",
        files=[
            {"name": f.name, "sha256": hashlib.sha256(f.data).hexdigest(), "bytes": len(f.data)}
            for f in files
        ],
        rows_read=rows_read,
        rows_stored=len(new),
        actor=actor,
        report={},
    )
    session.add(record)
    session.flush()
    detections = list(new.itertuples())
    places = [found.place(k) for k in range(len(new))]
    why = [_why_evidence(where, settings) for where in places]
    floor = CONFIDENCE_ORDER.index(settings.hotspot_min_confidence)
    confident = [CONFIDENCE_ORDER.index(c) >= floor for c in new["confidence_class"]]
    reasons = Counter(w or "no_rule" for w in why)
    reasons["below_confidence"] = sum(
        bool(w) and not c for w, c in zip(why, confident, strict=True)
    )
    chosen = [k for k, (w, c) in enumerate(zip(why, confident, strict=True)) if w and c]
    # Ids first, so that each evidence item and its detection name each other in one pass.
    ids = next_ids(session, FireHotspot, len(new))
    sha256 = {f["name"]: f["sha256"] for f in record.files}
    values = [_evidence(detections[k], why[k], ids[k], points[k], sha256) for k in chosen]
    items = add_many(session, EvidenceItem, values)
    evidence_of = dict(zip(chosen, (i.id for i in items), strict=True))
    progress(0.7, f"{len(items)} detections become evidence")
    rows = [
        _detection(r, where, w, ids[k], points[k], evidence_of.get(k), record.id)
        for k, (r, where, w) in enumerate(zip(detections, places, why, strict=True))
    ]
    # A plain executemany: one small statement, prepared once.
    if rows:
        session.connection().execute(insert(FireHotspot), rows)
    leads = {lead.id for lead in place(session, items, actor=actor, settings=settings).leads}
    record.report = {
        "rows_read": rows_read,
        "rows_stored": len(new),
        "rejected": {"count": len(rejected), "examples": rejected[:EXAMPLES]},
        "duplicates_in_files": int(in_file.sum()),
        "duplicates_in_database": int(in_db.sum()),
        "rules": {k: n for k, n in reasons.items() if n},
        "evidence_items": len(items),
        "leads": sorted(leads),
        "min_confidence": settings.hotspot_min_confidence,
    }
    session.flush()
    progress(1.0, f"{len(new):,} hotspots stored, {len(items)} evidence items")
    return record


def _nan_none(value: float) -> float | None:
    """A number as stored: NaN (not given) as NULL."""
    return None if np.isnan(value) else float(value)


def _evidence(
    r: Any, why: str | None, hotspot_id: int, point: str, sha256: dict[str, str]
) -> dict[str, Any]:
    """The evidence item of a detection where burning is banned."""
    return {
        "kind": "fire_hotspot",
        "category": hotspot_category(),
        "geom": WKTElement(point, srid=SRID),
        "observed_at": r.acquired_at.to_pydatetime(),
        "source": f"FIRMS:{r.instrument}:{r.satellite}",
        "provenance": {
            "hotspot_id": hotspot_id,
            "rule": why,
            "confidence": r.confidence_raw,
            "confidence_class": r.confidence_class,
            "frp_mw": _nan_none(r.frp),
            "file_sha256": sha256[r.file],
            "line": int(r.line),
        },
    }


def _detection(
    r: Any,
    where: Place,
    why: str | None,
    hotspot_id: int,
    point: str,
    evidence_id: int | None,
    import_id: int,
) -> dict[str, Any]:
    """The stored row of one detection, evidence or not."""
    return {
        "id": hotspot_id,
        "key": r.key,
        "geom": WKTElement(point, srid=SRID),
        "acquired_at": r.acquired_at.to_pydatetime(),
        "instrument": r.instrument,
        "satellite": r.satellite,
        "confidence_raw": r.confidence_raw,
        "confidence_pct": _nan_none(r.confidence_pct),
        "confidence_class": r.confidence_class,
        "frp": _nan_none(r.frp),
        "brightness": _nan_none(r.brightness),
        "daynight": r.daynight or None,
        "properties": {
            "file": r.file,
            "line": int(r.line),
            "version": r.version,
            "bright_t31": _nan_none(r.bright_t31),
            "scan": _nan_none(r.scan),
            "track": _nan_none(r.track),
            "zones": zones_text(where),
            "county": first_admin(where, "county"),
            "rule": why,
        },
        "import_id": import_id,
        "evidence_id": evidence_id,
    }


def get_hotspot(session: Session, hotspot_id: int) -> FireHotspot:
    """Return a hotspot or raise NotFound."""
    found = session.get(FireHotspot, hotspot_id)
    if found is None:
        raise NotFound(f"no hotspot {hotspot_id}")
    return found


def list_hotspots(
    session: Session,
    *,
    bbox: Sequence[float] | None,
    start: datetime | None,
    end: datetime | None,
    limit: int,
) -> list[FireHotspot]:
    """Return detections in a bbox and period, newest first."""
    q = select(FireHotspot).order_by(FireHotspot.acquired_at.desc(), FireHotspot.id)
    if bbox is not None:
        q = q.where(BBoxFilter(FireHotspot.id, FireHotspot.geom, bbox))
    if start is not None:
        q = q.where(FireHotspot.acquired_at >= start)
    if end is not None:
        q = q.where(FireHotspot.acquired_at < end)
    return list(session.scalars(q.limit(limit)))
