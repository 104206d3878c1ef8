"""Bounds on GeoJSON geometries, checked without recursion before any parser recurses.

A GeometryCollection nested thousands deep makes recursive readers (json, shapely's
`shape`, GDAL) exhaust the stack; a geometry with millions of vertices makes a cheap
request expensive. Both are measured here by walking the parsed JSON with an explicit stack.
"""

from typing import Any

# GeometryCollections inside GeometryCollections: RFC 7946 §3.1.8 advises against any
# nesting; a few levels are tolerated, more are refused before a recursive reader sees them.
MAX_COLLECTION_DEPTH = 4
# A position lies at most 3 arrays inside "coordinates" (MultiPolygon → polygon → ring).
MAX_POSITION_DEPTH = 3


class GeometryLimitError(ValueError):
    """A GeoJSON geometry nested too deeply or malformed; the message names the problem."""


def count_positions(geometry: Any, *, max_collection_depth: int = MAX_COLLECTION_DEPTH) -> int:
    """Return the number of positions (vertices) of a parsed GeoJSON geometry.

    Raise GeometryLimitError when collections nest deeper than `max_collection_depth`,
    coordinates nest deeper than a MultiPolygon's, or the object is not a geometry.
    """
    stack: list[tuple[Any, int]] = [(geometry, 0)]
    count = 0
    while stack:
        geom, depth = stack.pop()
        if not isinstance(geom, dict):
            raise GeometryLimitError("a geometry must be a JSON object with a 'type'")
        if geom.get("type") == "GeometryCollection":
            if depth >= max_collection_depth:
                raise GeometryLimitError(
                    f"GeometryCollections nested more than {max_collection_depth} levels deep"
                )
            parts = geom.get("geometries")
            if not isinstance(parts, list):
                raise GeometryLimitError("a GeometryCollection needs a 'geometries' array")
            stack.extend((part, depth + 1) for part in parts)
        else:
            count += _positions(geom.get("coordinates"))
    return count


def _positions(coordinates: Any) -> int:
    """Count the positions of a coordinates array (malformed leaves are left to the parser)."""
    stack: list[tuple[Any, int]] = [(coordinates, 0)]
    count = 0
    while stack:
        item, depth = stack.pop()
        if not isinstance(item, list) or not item:
            continue
        if not isinstance(item[0], list):
            count += 1  # a position: [x, y] or [x, y, z]
            continue
        if depth >= MAX_POSITION_DEPTH:
            raise GeometryLimitError(
                f"coordinates nested more than {MAX_POSITION_DEPTH + 1} arrays deep "
                "(deeper than a MultiPolygon's)"
            )
        stack.extend((child, depth + 1) for child in item)
    return count


def document_geometries(doc: Any) -> list[Any]:
    """Return the geometries of a parsed GeoJSON document (collection, feature or geometry)."""
    if not isinstance(doc, dict):
        return []
    if doc.get("type") == "FeatureCollection":
        features = doc.get("features")
        items = features if isinstance(features, list) else []
        return [f.get("geometry") for f in items if isinstance(f, dict) and f.get("geometry")]
    if doc.get("type") == "Feature":
        return [doc["geometry"]] if doc.get("geometry") else []
    return [doc]
