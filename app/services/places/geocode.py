"""Use cases for geocoding one geometry, and the helpers the batch path shares."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import shapely
from geoalchemy2.shape import from_shape
from shapely.errors import ShapelyError
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import Invalid, TooLarge
from app.services.places.layers import current_version_ids
from app.services.places.reference_index import Indexed, feature_index, org_index
from geo.crs import geometry_to_wgs84, parse_crs, to_wgs84_coords
from geo.distance import degree_margin
from geo.geocode import (
    FeatureInfo,
    OrgInfo,
    admin_chain,
    as_point,
    nearest,
    organisations_near,
    relation,
    zone_entries,
)
from geo.geojson_limits import GeometryLimitError, count_positions
from models import Layer, LayerFeature, LayerVersion, Organisation
from models.base import SRID
from models.spatial import BBoxFilter
from rules.kinds import NEAREST_KINDS


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


def feature_query(version_ids: list[int]) -> Any:
    """A query of the features of these layer versions, with their layer's name, kind and
    version."""
    return (
        select(LayerFeature, Layer.name, Layer.kind, LayerVersion.version)
        .join(LayerVersion, LayerFeature.layer_version_id == LayerVersion.id)
        .join(Layer, LayerVersion.layer_id == Layer.id)
        .where(LayerFeature.layer_version_id.in_(version_ids))
    )


def org_info(o: Organisation) -> OrgInfo:
    """An organisation as geocoding reports it."""
    return OrgInfo(o.id, o.code, o.name, o.name_en, o.role, o.level)


Window = tuple[float, float, float, float]


def widened(bounds: Window, metres: float) -> Window:
    """Return bounds grown by at least `metres` on every side."""
    minx, miny, maxx, maxy = bounds
    dlon, dlat = degree_margin(max(abs(miny), abs(maxy)), metres)
    return (minx - dlon, miny - dlat, maxx + dlon, maxy + dlat)


def in_window(id_column: Any, geom_column: Any, window: Window) -> list[Any]:
    """Conditions: the geometry itself (not just its box) meets the window."""
    box = from_shape(shapely.box(*window), srid=SRID)
    return [BBoxFilter(id_column, geom_column, window), func.ST_Intersects(geom_column, box)]


def clipped(geom: BaseGeometry, window: Window) -> BaseGeometry:
    """Clip a geometry to a search window.

    Any part within the search distance of an item lies inside the item's window, so
    distances up to that distance are unchanged, and huge jurisdictions (a whole
    province) cost only the vertices near the item.
    """
    minx, miny, maxx, maxy = window
    if not (minx < maxx and miny < maxy):  # a point's window at zero distance: a tiny box
        minx, miny, maxx, maxy = minx - 1e-9, miny - 1e-9, maxx + 1e-9, maxy + 1e-9
    return shapely.clip_by_rect(geom, minx, miny, maxx, maxy)


def check_geometry_size(geometry: dict[str, Any], max_vertices: int) -> None:
    """Refuse a GeoJSON geometry nested too deeply (422) or with too many vertices (413)."""
    try:
        vertices = count_positions(geometry)
    except GeometryLimitError as exc:
        raise Invalid(f"geometry is not usable GeoJSON: {exc}") from exc
    if vertices > max_vertices:
        raise TooLarge(
            f"geometry has {vertices:,} vertices, more than the limit of {max_vertices:,}; "
            "simplify it or geocode its parts"
        )


def resolve_input(
    *,
    lon: float | None,
    lat: float | None,
    geometry: dict[str, Any] | None,
    crs: str,
    max_vertices: int,
) -> BaseGeometry:
    """Turn a lon/lat pair or a GeoJSON geometry in `crs` into a valid WGS-84 geometry."""
    system = parse_crs(crs)
    if geometry is not None:
        check_geometry_size(geometry, max_vertices)
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
    session: Session, *, geometry: BaseGeometry, partner_distance_m: float, nearest_max_m: float
) -> dict[str, Any]:
    """Geocode one WGS-84 geometry against the current version of every layer."""
    return geocode_geometries(
        session,
        geometries=[geometry],
        partner_distance_m=partner_distance_m,
        nearest_max_m=nearest_max_m,
    )[0]


def geocode_geometries(
    session: Session,
    *,
    geometries: Sequence[BaseGeometry],
    partner_distance_m: float,
    nearest_max_m: float,
) -> list[dict[str, Any]]:
    """Geocode WGS-84 geometries against the current version of every layer (features and
    jurisdictions from the in-memory index, app/services/places/reference_index.py)."""
    if not geometries:
        return []
    ctx = layer_context(session)
    features = feature_index(session, ctx.versions)
    jurisdictions = org_index(session)
    return [
        _geocode(g, ctx, features, jurisdictions, partner_distance_m, nearest_max_m)
        for g in geometries
    ]


def _geocode(
    geometry: BaseGeometry,
    ctx: LayerContext,
    features: Indexed[FeatureInfo],
    jurisdictions: Indexed[OrgInfo],
    partner_distance_m: float,
    nearest_max_m: float,
) -> dict[str, Any]:
    hits = [(info, relation(geometry, geom)) for info, geom in features.meeting(geometry)]
    water_window = widened(geometry.bounds, nearest_max_m)
    near = [
        (info, geom)
        for info, geom in features.meeting(shapely.box(*water_window))
        if info.kind in NEAREST_KINDS
    ]
    nearest_out: dict[str, Any] = {}
    for kind in NEAREST_KINDS:
        cands = [(info, clipped(geom, water_window)) for info, geom in near if info.kind == kind]
        found = nearest(geometry, cands, nearest_max_m)
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
    org_window = widened(geometry.bounds, partner_distance_m)
    orgs = organisations_near(
        geometry,
        [info for info, _ in jurisdictions.meeting(geometry)],
        [
            (info, clipped(geom, org_window))
            for info, geom in jurisdictions.meeting(shapely.box(*org_window))
        ],
        partner_distance_m,
    )
    return {
        "geometry": mapping(geometry),
        "admin": admin_chain([h for h, _ in hits]),
        **orgs,
        "partner_distance_m": partner_distance_m,
        "zones": zone_entries(hits),
        "nearest": nearest_out,
        "nearest_max_m": nearest_max_m,
        "layer_versions": ctx.versions,
    }
