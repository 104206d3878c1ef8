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
from sqlalchemy import bindparam, insert, select, update
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
from models.bulk import add_many
from models.spatial import BBoxFilter
from rules.categories import hotspot_category

CONFIDENCE_ORDER = ("low", "nominal", "high")
EXAMPLES = 10


def hotspot_key(row: Any) -> str:
    """Identify a detection: instrument, satellite, time and position (1e-5° ~ 1 m)."""
    return (
        f"{row.instrument}|{row.satellite_raw}|{row.acquired_at:%Y-%m-%dT%H:%MZ}|"
        f"{row.lat:.5f}|{row.lon:.5f}"
    )


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
    frame["key"] = [hotspot_key(r) for r in frame.itertuples()]
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
    floor = CONFIDENCE_ORDER.index(settings.hotspot_min_confidence)
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
    reasons: Counter[str] = Counter()
    rows, evidence = [], []
    for k, r in enumerate(new.itertuples()):
        where = found.place(k)
        why = _why_evidence(where, settings)
        confident = CONFIDENCE_ORDER.index(r.confidence_class) >= floor
        reasons[why or "no_rule"] += 1
        if why and not confident:
            reasons["below_confidence"] += 1
        rows.append(
            {
                "key": r.key,
                "geom": WKTElement(points[k], srid=SRID),
                "acquired_at": r.acquired_at.to_pydatetime(),
                "instrument": r.instrument,
                "satellite": r.satellite,
                "confidence_raw": r.confidence_raw,
                "confidence_pct": None if np.isnan(r.confidence_pct) else float(r.confidence_pct),
                "confidence_class": r.confidence_class,
                "frp": None if np.isnan(r.frp) else float(r.frp),
                "brightness": None if np.isnan(r.brightness) else float(r.brightness),
                "daynight": r.daynight or None,
                "properties": {
                    "file": r.file,
                    "line": int(r.line),
                    "version": r.version,
                    "bright_t31": None if np.isnan(r.bright_t31) else float(r.bright_t31),
                    "scan": None if np.isnan(r.scan) else float(r.scan),
                    "track": None if np.isnan(r.track) else float(r.track),
                    "zones": zones_text(where),
                    "county": first_admin(where, "county"),
                    "rule": why,
                },
                "import_id": record.id,
            }
        )
        evidence.append(bool(why and confident))
    # A plain executemany (one small statement, prepared once), then the ids by key: far
    # cheaper on PostgreSQL than one huge multi-row statement with RETURNING per 1,000 rows.
    if rows:
        session.connection().execute(insert(FireHotspot), rows)
    stored = select(FireHotspot.key, FireHotspot.id).where(FireHotspot.import_id == record.id)
    id_of = {key: i for key, i in session.execute(stored)}
    ids = [id_of[row["key"]] for row in rows]
    progress(0.7, f"{sum(evidence)} detections become evidence")
    sha256 = {f["name"]: f["sha256"] for f in record.files}
    values = [
        {
            "kind": "fire_hotspot",
            "category": hotspot_category(),
            "geom": row["geom"],
            "observed_at": row["acquired_at"],
            "source": f"FIRMS:{row['instrument']}:{row['satellite']}",
            "provenance": {
                "hotspot_id": hotspot_id,
                "rule": row["properties"]["rule"],
                "confidence": row["confidence_raw"],
                "confidence_class": row["confidence_class"],
                "frp_mw": row["frp"],
                "file_sha256": sha256[row["properties"]["file"]],
                "line": row["properties"]["line"],
            },
        }
        for hotspot_id, row, is_evidence in zip(ids, rows, evidence, strict=True)
        if is_evidence
    ]
    items = add_many(session, EvidenceItem, values)
    if items:
        link = update(FireHotspot).where(FireHotspot.id == bindparam("hotspot"))
        session.connection().execute(
            link.values(evidence_id=bindparam("item")),
            [{"hotspot": i.provenance["hotspot_id"], "item": i.id} for i in items],
        )
    leads = {lead.id for lead in place(session, items, actor=actor, settings=settings).leads}
    record.report = {
        "rows_read": rows_read,
        "rows_stored": len(new),
        "rejected": {"count": len(rejected), "examples": rejected[:EXAMPLES]},
        "duplicates_in_files": int(in_file.sum()),
        "duplicates_in_database": int(in_db.sum()),
        "rules": dict(reasons),
        "evidence_items": int(sum(evidence)),
        "leads": sorted(leads),
        "min_confidence": settings.hotspot_min_confidence,
    }
    session.flush()
    progress(1.0, f"{len(new):,} hotspots stored, {sum(evidence)} evidence items")
    return record


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
