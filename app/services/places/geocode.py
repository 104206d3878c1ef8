"""Use cases for geocoding geometries (one or many), and checking what is to be geocoded."""

from collections.abc import Sequence
from typing import Any

import numpy as np
import shapely
from shapely.errors import ShapelyError
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy.orm import Session

from app.errors import Invalid, TooLarge
from app.services.places.reference_index import reference
from geo.crs import geometry_to_wgs84, parse_crs, to_wgs84_coords
from geo.distance import degree_margin
from geo.geocode import as_point
from geo.geojson_limits import GeometryLimitError, count_positions
from geo.locate import locate
from geo.place import Place

Window = tuple[float, float, float, float]


def widened(bounds: Window, metres: float) -> Window:
    """Return bounds grown by at least `metres` on every side."""
    minx, miny, maxx, maxy = bounds
    dlon, dlat = degree_margin(max(abs(miny), abs(maxy)), metres)
    return (minx - dlon, miny - dlat, maxx + dlon, maxy + dlat)


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
) -> Place:
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
) -> list[Place]:
    """Geocode WGS-84 geometries against the current version of every layer (features and
    jurisdictions from the in-memory index, app/services/places/reference_index.py)."""
    if not geometries:
        return []
    found = locate(
        np.array(geometries, dtype=object),
        reference(session),
        partner_distance_m=partner_distance_m,
        nearest_max_m=nearest_max_m,
    )
    return [found.place(k) for k in range(len(geometries))]
