"""Batch geocoding: many points in one pass, answered as columns (one value per point)."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from geoalchemy2.shape import to_shape
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from app.services.places.geocode import (
    LayerContext,
    Window,
    clipped,
    feature_query,
    in_window,
    layer_context,
    org_info,
    widened,
)
from app.services.places.reference_index import feature_info_select
from geo.distance import distances_m
from geo.geocode import (
    FeatureInfo,
    OrgInfo,
    nearest_for_points,
    org_roles,
    zone_entries,
    zone_label,
    zone_sort_key,
)
from geo.progress import Progress, no_progress
from models import Layer, LayerFeature, Organisation
from models.spatial import point_join
from rules.kinds import ADMIN_LEVELS, NEAREST_KINDS

COLUMNS = (
    "lon_wgs84",
    "lat_wgs84",
    *ADMIN_LEVELS,
    "responsible",
    "partners",
    "cross_boundary",
    "zones",
    *(f"nearest_{k}{s}" for k in NEAREST_KINDS for s in ("", "_m")),
)

ROW_COLUMNS = ("id", "lon", "lat", *COLUMNS)


@dataclass
class BatchResult:
    """Geocoding answers for n points as columns, the layer versions used, and the features
    each point met (so callers need not read the zone labels back)."""

    columns: dict[str, list[Any]]
    layers: LayerContext
    hits: list[tuple[int, ...]] = field(default_factory=list)
    infos: dict[int, FeatureInfo] = field(default_factory=dict)

    def zones(self, k: int) -> list[dict[str, Any]]:
        """Point k's zone entries, in the shape a single geocode stores them."""
        return zone_entries([(self.infos[f], "within") for f in self.hits[k] if f in self.infos])

    def rows(self, ids: list[str], xs: np.ndarray, ys: np.ndarray) -> Iterator[dict[str, Any]]:
        """Yield one row per point, in input order, led by its id and input coordinates."""
        names = list(self.columns)
        for pid, x, y, *values in zip(
            ids, xs.tolist(), ys.tolist(), *self.columns.values(), strict=True
        ):
            yield {"id": pid, "lon": x, "lat": y, **dict(zip(names, values, strict=True))}


def geocode_points(
    session: Session,
    *,
    lons: np.ndarray,
    lats: np.ndarray,
    partner_distance_m: float,
    nearest_max_m: float,
    progress: Progress = no_progress,
) -> BatchResult:
    """Geocode many WGS-84 points against the current layers and jurisdictions."""
    ctx = layer_context(session)
    n = len(lons)
    if n == 0:
        return BatchResult({c: [] for c in COLUMNS}, ctx)
    bounds = (float(lons.min()), float(lats.min()), float(lons.max()), float(lats.max()))
    org_window = widened(bounds, partner_distance_m)
    version_sql = ",".join(str(int(i)) for i in ctx.version_ids) or "NULL"
    progress(0.05, "joining points with layer features and jurisdictions")
    feature_pairs, org_pairs = point_join(
        session.connection(),
        lons,
        lats,
        [
            ("layer_features", "geom", f"f.layer_version_id IN ({version_sql})"),
            ("organisations", "jurisdiction", "f.jurisdiction IS NOT NULL"),
        ],
    )
    hits = _group(*feature_pairs, n)
    columns: dict[str, list[Any]] = {
        "lon_wgs84": np.round(lons, 7).tolist(),
        "lat_wgs84": np.round(lats, 7).tolist(),
    }
    infos = _feature_infos(session, np.unique(feature_pairs[1]))
    columns.update(_place_columns(hits, infos))
    progress(0.5, "measuring distances to neighbouring jurisdictions")
    orgs = {
        o.id: o
        for o in session.scalars(
            select(Organisation).where(
                *in_window(Organisation.id, Organisation.jurisdiction, org_window)
            )
        )
    }
    containing = _group(*org_pairs, n)
    nearby = _nearby_orgs(
        lons, lats, list(orgs.values()), containing, partner_distance_m, org_window
    )
    columns.update(_org_columns(containing, nearby, {i: org_info(o) for i, o in orgs.items()}))
    progress(0.75, "finding the nearest water")
    columns.update(
        _nearest_columns(session, ctx, lons, lats, widened(bounds, nearest_max_m), nearest_max_m)
    )
    progress(1.0, f"{n} points geocoded")
    return BatchResult({c: columns[c] for c in COLUMNS}, ctx, hits, infos)


def _group(pidx: np.ndarray, ids: np.ndarray, n: int) -> list[tuple[int, ...]]:
    """Return, for each of n points, the sorted ids it met."""
    out: list[tuple[int, ...]] = [()] * n
    if not len(pidx):
        return out
    order = np.lexsort((ids, pidx))
    points, members = pidx[order], ids[order].tolist()
    starts = np.flatnonzero(np.r_[True, points[1:] != points[:-1]])
    ends = [*starts[1:].tolist(), len(members)]
    for point, start, end in zip(points[starts].tolist(), starts.tolist(), ends, strict=True):
        out[point] = tuple(members[start:end])
    return out


def _feature_infos(session: Session, ids: np.ndarray) -> dict[int, FeatureInfo]:
    """Return report records (no geometry) for features by id."""
    if not len(ids):
        return {}
    # Literal ids: thousands of bound parameters cost more to send than the rows themselves.
    wanted: Any = bindparam("ids", ids.tolist(), expanding=True, literal_execute=True)
    rows = session.execute(feature_info_select().where(LayerFeature.id.in_(wanted))).all()
    return {r[0]: FeatureInfo(*r) for r in rows}


def _place_columns(
    hits: list[tuple[int, ...]], infos: dict[int, FeatureInfo]
) -> dict[str, list[Any]]:
    """Administrative chain and zones per point, worked out once per combination."""
    # Per feature: (admin level index or None, sort key and label of its zone entry).
    level_of = {
        fid: ADMIN_LEVELS.index(f.level)
        for fid, f in infos.items()
        if f.kind == "admin_division" and f.level in ADMIN_LEVELS
    }
    zone_of = {
        fid: (zone_sort_key(f), zone_label(f))
        for fid, f in infos.items()
        if f.kind != "admin_division"
    }
    places: dict[tuple[int, ...], tuple[Any, ...]] = {}
    for combo in set(hits):
        chain: list[Any] = [None] * len(ADMIN_LEVELS)
        for fid in sorted(
            (f for f in combo if f in level_of), key=lambda f: infos[f].code or "", reverse=True
        ):
            chain[level_of[fid]] = infos[fid].name
        zones = ";".join(label for _, label in sorted(zone_of[f] for f in combo if f in zone_of))
        places[combo] = (*chain, zones)
    table = [places[combo] for combo in hits]
    names = (*ADMIN_LEVELS, "zones")
    return {name: [row[k] for row in table] for k, name in enumerate(names)}


def _nearby_orgs(
    lons: np.ndarray,
    lats: np.ndarray,
    orgs: list[Organisation],
    containing: list[tuple[int, ...]],
    max_m: float,
    window: Window,
) -> dict[int, list[tuple[int, float]]]:
    """(org id, distance) of organisations within max_m of a point that do not contain it."""
    out: dict[int, list[tuple[int, float]]] = {}
    for org in orgs:
        geom = clipped(to_shape(org.jurisdiction), window)
        if geom.is_empty:
            continue
        minx, miny, maxx, maxy = widened(geom.bounds, max_m)
        near = np.flatnonzero((lons >= minx) & (lons <= maxx) & (lats >= miny) & (lats <= maxy))
        cand = np.asarray([i for i in near.tolist() if org.id not in containing[i]], dtype=int)
        if not len(cand):
            continue
        dist = distances_m(lons[cand], lats[cand], geom)
        for i, d in zip(cand.tolist(), dist.tolist(), strict=True):
            if d <= max_m:
                out.setdefault(i, []).append((org.id, d))
    return out


def _org_columns(
    containing: list[tuple[int, ...]],
    nearby: dict[int, list[tuple[int, float]]],
    infos: dict[int, OrgInfo],
) -> dict[str, list[Any]]:
    """Responsible and partner organisations and the cross-boundary flag per point."""
    cache: dict[tuple[int, ...], tuple[str, str, bool]] = {}

    def answer(inside: tuple[int, ...], near: list[tuple[int, float]]) -> tuple[str, str, bool]:
        near_sorted = sorted(((infos[o], d) for o, d in near), key=lambda p: p[1])
        responsible, partners, cross = org_roles([infos[o] for o in inside], near_sorted)
        return (
            ";".join(o.code for o in responsible),
            ";".join(f"{o.code}:{d}" for o, d in partners),
            cross,
        )

    values = []
    for i, inside in enumerate(containing):
        if i in nearby:
            values.append(answer(inside, nearby[i]))
        else:
            if inside not in cache:
                cache[inside] = answer(inside, [])
            values.append(cache[inside])
    return {
        name: [v[k] for v in values]
        for k, name in enumerate(("responsible", "partners", "cross_boundary"))
    }


def _nearest_columns(
    session: Session,
    ctx: LayerContext,
    lons: np.ndarray,
    lats: np.ndarray,
    window: Window,
    max_m: float,
) -> dict[str, list[Any]]:
    """Columns nearest_<kind> and nearest_<kind>_m for every point."""
    rows = session.execute(
        feature_query(ctx.version_ids).where(
            Layer.kind.in_(NEAREST_KINDS), *in_window(LayerFeature.id, LayerFeature.geom, window)
        )
    ).all()
    cols: dict[str, list[Any]] = {}
    for kind in NEAREST_KINDS:
        cands = [r for r in rows if r[2] == kind]
        if not cands:
            cols[f"nearest_{kind}"] = cols[f"nearest_{kind}_m"] = [None] * len(lons)
            continue
        idx, dist = nearest_for_points(
            lons, lats, [clipped(to_shape(r[0].geom), window) for r in cands], max_m
        )
        names = [r[0].name for r in cands] + [None]  # index -1 picks None
        cols[f"nearest_{kind}"] = [names[k] for k in idx.tolist()]
        rounded = np.round(dist, 1)
        cols[f"nearest_{kind}_m"] = [None if d != d else d for d in rounded.tolist()]
    return cols
