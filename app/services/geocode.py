"""Use cases for geocoding: one geometry, or a batch of points, against current layers."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from geoalchemy2.shape import from_shape, to_shape
from shapely.errors import ShapelyError
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import Invalid
from app.services.layers import current_version_ids
from geo.crs import geometry_to_wgs84, parse_crs, to_wgs84_coords
from geo.distance import degree_margin, distances_m
from geo.geocode import (
    FeatureInfo,
    OrgInfo,
    admin_chain,
    as_point,
    nearest,
    nearest_for_points,
    org_answer,
    organisations_near,
    relation,
    zone_entries,
)
from geo.kinds import ADMIN_LEVELS, NEAREST_KINDS
from models import Layer, LayerFeature, LayerVersion, Organisation
from models.base import SRID
from models.spatial import BBoxFilter, point_join

# Nearest water bodies / zones are searched this far (metres); farther ones are "none near".
NEAREST_MAX_M = 50_000.0
Progress = Callable[[float, str], None]


@dataclass
class LayerContext:
    """The layer versions a geocode ran against."""

    version_ids: list[int]
    versions: list[dict[str, Any]]


def layer_context(session: Session) -> LayerContext:
    """Return the current version of every layer, as used and reported by geocoding."""
    ids = current_version_ids(session)
    rows = session.execute(
        select(
            Layer.name,
            Layer.kind,
            LayerVersion.id,
            LayerVersion.version,
            LayerVersion.source_sha256,
            LayerVersion.imported_at,
        )
        .join(LayerVersion, LayerVersion.layer_id == Layer.id)
        .where(LayerVersion.id.in_(ids))
        .order_by(Layer.name)
    ).all()
    return LayerContext(
        ids,
        [
            {
                "layer": r[0],
                "kind": r[1],
                "layer_version_id": r[2],
                "version": r[3],
                "source_sha256": r[4],
                "imported_at": r[5].isoformat(),
            }
            for r in rows
        ],
    )


def _feature_query(version_ids: list[int]) -> Any:
    return (
        select(LayerFeature, Layer.name, Layer.kind, LayerVersion.version)
        .join(LayerVersion, LayerFeature.layer_version_id == LayerVersion.id)
        .join(Layer, LayerVersion.layer_id == Layer.id)
        .where(LayerFeature.layer_version_id.in_(version_ids))
    )


def _info(row: Any) -> FeatureInfo:
    f = row[0]
    return FeatureInfo(f.id, row[1], row[2], row[3], f.name, f.level, f.code)


def _org_info(o: Organisation) -> OrgInfo:
    return OrgInfo(o.id, o.code, o.name, o.name_en, o.role, o.level)


Window = tuple[float, float, float, float]


def _widened(bounds: Window, metres: float) -> Window:
    """Return bounds grown by at least `metres` on every side."""
    minx, miny, maxx, maxy = bounds
    dlon, dlat = degree_margin(max(abs(miny), abs(maxy)), metres)
    return (minx - dlon, miny - dlat, maxx + dlon, maxy + dlat)


def _in_window(id_column: Any, geom_column: Any, window: Window) -> list[Any]:
    """Conditions: the geometry itself (not just its box) meets the window."""
    box = from_shape(shapely.box(*window), srid=SRID)
    return [BBoxFilter(id_column, geom_column, window), func.ST_Intersects(geom_column, box)]


def _clipped(geom: BaseGeometry, window: Window) -> BaseGeometry:
    """Clip a geometry to a search window.

    Any part within the search distance of an item lies inside the item's window, so
    distances up to that distance are unchanged, and huge jurisdictions (a whole
    province) cost only the vertices near the item.
    """
    return shapely.clip_by_rect(geom, *window)


def resolve_input(
    *, lon: float | None, lat: float | None, geometry: dict[str, Any] | None, crs: str
) -> BaseGeometry:
    """Turn a lon/lat pair or a GeoJSON geometry in `crs` into a valid WGS-84 geometry."""
    system = parse_crs(crs)
    if geometry is not None:
        try:
            geom = shape(geometry)
        except (ShapelyError, ValueError, TypeError, AttributeError, KeyError) as exc:
            raise Invalid(f"geometry is not valid GeoJSON: {exc}") from exc
        if geom.is_empty:
            raise Invalid("geometry is empty")
        if not geom.is_valid:
            raise Invalid(f"geometry is invalid: {shapely.is_valid_reason(geom)}")
        wgs = geometry_to_wgs84(geom, system)
    elif lon is not None and lat is not None:
        x, y = to_wgs84_coords(system, lon, lat)
        try:
            wgs = as_point(float(x), float(y))
        except ValueError as exc:
            raise Invalid(str(exc)) from exc
    else:
        raise Invalid("give either lon and lat, or geometry")
    minx, miny, maxx, maxy = wgs.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise Invalid(f"coordinates are not longitude/latitude in {system}")
    return wgs


def geocode_geometry(
    session: Session, *, geometry: BaseGeometry, partner_distance_m: float
) -> dict[str, Any]:
    """Geocode one WGS-84 geometry against the current version of every layer."""
    ctx = layer_context(session)
    wkb = from_shape(geometry, srid=SRID)
    hit_rows = session.execute(
        _feature_query(ctx.version_ids).where(
            BBoxFilter(LayerFeature.id, LayerFeature.geom, geometry.bounds),
            func.ST_Intersects(LayerFeature.geom, wkb),
        )
    ).all()
    hits = [(_info(r), relation(geometry, to_shape(r[0].geom))) for r in hit_rows]
    water_window = _widened(geometry.bounds, NEAREST_MAX_M)
    near_rows = session.execute(
        _feature_query(ctx.version_ids).where(
            Layer.kind.in_(NEAREST_KINDS),
            *_in_window(LayerFeature.id, LayerFeature.geom, water_window),
        )
    ).all()
    nearest_out: dict[str, Any] = {}
    for kind in NEAREST_KINDS:
        cands = [
            (_info(r), _clipped(to_shape(r[0].geom), water_window))
            for r in near_rows
            if r[2] == kind
        ]
        found = nearest(geometry, cands, NEAREST_MAX_M)
        nearest_out[kind] = (
            None
            if found is None
            else {
                "name": found[0].name,
                "level": found[0].level,
                "layer": found[0].layer,
                "feature_id": found[0].id,
                "distance_m": round(found[1], 1),
            }
        )
    containing = session.scalars(
        select(Organisation).where(
            BBoxFilter(Organisation.id, Organisation.jurisdiction, geometry.bounds),
            func.ST_Intersects(Organisation.jurisdiction, wkb),
        )
    ).all()
    org_window = _widened(geometry.bounds, partner_distance_m)
    around = session.scalars(
        select(Organisation).where(
            *_in_window(Organisation.id, Organisation.jurisdiction, org_window)
        )
    ).all()
    orgs = organisations_near(
        geometry,
        [_org_info(o) for o in containing],
        [(_org_info(o), _clipped(to_shape(o.jurisdiction), org_window)) for o in around],
        partner_distance_m,
    )
    return {
        "geometry": mapping(geometry),
        "admin": admin_chain([h for h, _ in hits]),
        **orgs,
        "partner_distance_m": partner_distance_m,
        "zones": zone_entries(hits),
        "nearest": nearest_out,
        "nearest_max_m": NEAREST_MAX_M,
        "layer_versions": ctx.versions,
    }


def _noop(_fraction: float, _message: str) -> None:
    return None


def geocode_points(
    session: Session,
    *,
    lons: np.ndarray,
    lats: np.ndarray,
    partner_distance_m: float,
    progress: Progress = _noop,
) -> tuple[list[dict[str, Any]], LayerContext]:
    """Geocode many WGS-84 points in one pass; return one row per point, in input order."""
    ctx = layer_context(session)
    n = len(lons)
    rows: list[dict[str, Any]] = [
        {"lon_wgs84": round(float(x), 7), "lat_wgs84": round(float(y), 7)}
        for x, y in zip(lons, lats, strict=True)
    ]
    if n == 0:
        return rows, ctx
    conn = session.connection()
    ids_sql = ",".join(str(int(i)) for i in ctx.version_ids) or "NULL"
    progress(0.05, "joining points with layer features")
    pidx, fids = point_join(
        conn, lons, lats, "layer_features", "geom", f"f.layer_version_id IN ({ids_sql})", {}
    )
    infos = {}
    if len(fids):
        for r in session.execute(
            _feature_query(ctx.version_ids).where(LayerFeature.id.in_(np.unique(fids).tolist()))
        ).all():
            infos[r[0].id] = _info(r)
    per_point: list[list[FeatureInfo]] = [[] for _ in range(n)]
    for i, fid in zip(pidx.tolist(), fids.tolist(), strict=True):
        per_point[i].append(infos[fid])
    progress(0.45, "joining points with jurisdictions")
    bounds = (float(lons.min()), float(lats.min()), float(lons.max()), float(lats.max()))
    org_window = _widened(bounds, partner_distance_m)
    org_rows = {
        o.id: o
        for o in session.scalars(
            select(Organisation).where(
                *_in_window(Organisation.id, Organisation.jurisdiction, org_window)
            )
        )
    }
    opidx, oids = point_join(conn, lons, lats, "organisations", "jurisdiction", "1 = 1", {})
    containing: list[list[OrgInfo]] = [[] for _ in range(n)]
    for i, oid in zip(opidx.tolist(), oids.tolist(), strict=True):
        containing[i].append(_org_info(org_rows[oid]))
    progress(0.6, "measuring distances to neighbouring jurisdictions")
    nearby = _nearby_orgs(
        lons, lats, list(org_rows.values()), containing, partner_distance_m, org_window
    )
    progress(0.75, "finding the nearest water")
    nearest_cols = _nearest_columns(session, ctx, lons, lats, _widened(bounds, NEAREST_MAX_M))
    for i, row in enumerate(rows):
        chain = {a["level"]: a["name"] for a in admin_chain(per_point[i])}
        row.update({level: chain.get(level) for level in ADMIN_LEVELS})
        orgs = org_answer(containing[i], nearby[i])
        row["responsible"] = ";".join(o["code"] for o in orgs["responsible_organisations"])
        row["partners"] = ";".join(
            f"{o['code']}:{o['distance_m']}" for o in orgs["partner_organisations"]
        )
        row["cross_boundary"] = orgs["cross_boundary"]
        row["zones"] = ";".join(
            f"{z['kind']}/{z['level'] or ''}/{z['name'] or ''}"
            for z in zone_entries([(f, "within") for f in per_point[i]])
        )
        for key, values in nearest_cols.items():
            row[key] = values[i]
    progress(1.0, f"{n} points geocoded")
    return rows, ctx


def _nearby_orgs(
    lons: np.ndarray,
    lats: np.ndarray,
    orgs: list[Organisation],
    containing: list[list[OrgInfo]],
    max_m: float,
    window: Window,
) -> list[list[tuple[OrgInfo, float]]]:
    """Organisations within max_m of each point that do not contain it."""
    out: list[list[tuple[OrgInfo, float]]] = [[] for _ in range(len(lons))]
    inside = {(i, o.id) for i, lst in enumerate(containing) for o in lst}
    for org in orgs:
        geom = _clipped(to_shape(org.jurisdiction), window)
        if geom.is_empty:
            continue
        minx, miny, maxx, maxy = _widened(geom.bounds, max_m)
        near = (lons >= minx) & (lons <= maxx) & (lats >= miny) & (lats <= maxy)
        cand = np.asarray([i for i in np.flatnonzero(near).tolist() if (i, org.id) not in inside])
        if not len(cand):
            continue
        dist = distances_m(lons[cand], lats[cand], geom)
        info = _org_info(org)
        for i, d in zip(cand.tolist(), dist.tolist(), strict=True):
            if d <= max_m:
                out[i].append((info, d))
    for lst in out:
        lst.sort(key=lambda pair: pair[1])
    return out


def _nearest_columns(
    session: Session, ctx: LayerContext, lons: np.ndarray, lats: np.ndarray, window: Window
) -> dict[str, list[Any]]:
    """Columns nearest_<kind> and nearest_<kind>_m for every point."""
    rows = session.execute(
        _feature_query(ctx.version_ids).where(
            Layer.kind.in_(NEAREST_KINDS), *_in_window(LayerFeature.id, LayerFeature.geom, window)
        )
    ).all()
    cols: dict[str, list[Any]] = {}
    for kind in NEAREST_KINDS:
        cands = [r for r in rows if r[2] == kind]
        idx, dist = nearest_for_points(
            lons, lats, [_clipped(to_shape(r[0].geom), window) for r in cands], NEAREST_MAX_M
        )
        cols[f"nearest_{kind}"] = [cands[k][0].name if k >= 0 else None for k in idx.tolist()]
        cols[f"nearest_{kind}_m"] = [None if np.isnan(d) else round(float(d), 1) for d in dist]
    return cols
