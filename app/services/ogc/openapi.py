"""The OpenAPI 3.0 definition of /ogc (GDAL asks for 3.0; FastAPI's own document is 3.1)."""

from typing import Any

from app.schemas.common import ID_MAX
from app.services.ogc.params import CRS_LIST, DEFAULT_LIMIT, MAX_LIMIT
from app.services.ogc.registry import COLLECTIONS

REF = "#/components/parameters/"


def _query(name: str, description: str, schema: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
        "style": "form",
        "explode": False,
        **extra,
    }


PARAMETERS: dict[str, dict[str, Any]] = {
    "limit": _query(
        "limit",
        f"Features per page (at most {MAX_LIMIT}; larger values are taken as {MAX_LIMIT}).",
        {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
    ),
    "offset": _query(
        "offset", "Features to skip.", {"type": "integer", "minimum": 0, "maximum": ID_MAX}
    ),
    "bbox": _query(
        "bbox",
        "minLon,minLat,maxLon,maxLat (CRS84), or in bbox-crs axis order.",
        {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}},
    ),
    "bbox-crs": _query(
        "bbox-crs", "CRS of bbox.", {"type": "string", "format": "uri", "enum": list(CRS_LIST)}
    ),
    "crs": _query(
        "crs",
        "CRS of the output (EPSG:4326 and EPSG:4490 in lat,lon order).",
        {"type": "string", "format": "uri", "enum": list(CRS_LIST)},
    ),
    "datetime": _query(
        "datetime",
        "An RFC 3339 instant or interval (start/end, '..' for an open end).",
        {"type": "string"},
    ),
    "featureId": {
        "name": "featureId",
        "in": "path",
        "required": True,
        "description": "Id of a feature.",
        "schema": {"type": "string"},
    },
}
ITEMS_PARAMS = ("limit", "offset", "bbox", "bbox-crs", "crs", "datetime")


def _answer(description: str, media: str, problems: tuple[str, ...] = ()) -> dict[str, Any]:
    responses: dict[str, Any] = {
        "200": {"description": description, "content": {media: {"schema": {"type": "object"}}}}
    }
    for status in ("401", *problems):
        responses[status] = {"$ref": f"#/components/responses/{status}"}
    return responses


def _get(op_id: str, summary: str, responses: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"get": {"operationId": op_id, "summary": summary, "responses": responses, **extra}}


def _collection_paths(cid: str, title: str) -> dict[str, Any]:
    slug = cid.replace("-", "_")
    return {
        f"/collections/{cid}": _get(
            f"describe_{slug}", f"Describe {title}", _answer("collection", "application/json")
        ),
        f"/collections/{cid}/items": _get(
            f"items_{slug}",
            f"Features of {title}",
            _answer("features", "application/geo+json", ("400",)),
            parameters=[{"$ref": REF + p} for p in ITEMS_PARAMS],
        ),
        f"/collections/{cid}/items/{{featureId}}": _get(
            f"feature_{slug}",
            f"A feature of {title}",
            _answer("feature", "application/geo+json", ("400", "404")),
            parameters=[{"$ref": REF + "featureId"}, {"$ref": REF + "crs"}],
        ),
    }


def openapi_document(root: str) -> dict[str, Any]:
    """Return the OpenAPI 3.0 document of the OGC endpoints served under `root`."""
    paths: dict[str, Any] = {
        "/": _get("landing", "Landing page", _answer("landing page", "application/json")),
        "/api": _get(
            "api",
            "This document (public)",
            {"200": {"description": "OpenAPI 3.0"}},
            security=[],
        ),
        "/conformance": _get(
            "conformance", "Conformance classes", _answer("classes", "application/json")
        ),
        "/collections": _get(
            "collections", "The collections", _answer("collections", "application/json")
        ),
    }
    for coll in COLLECTIONS.values():
        paths.update(_collection_paths(coll.id, coll.title))
    problem = {"application/problem+json": {"schema": {"type": "object"}}}
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "EcoLeads OGC API - Features",
            "version": "1.0.0",
            "description": "Bearer API token with scope ogc:read, or HTTP Basic with the token "
            "as password (user name ignored).",
        },
        "servers": [{"url": root}],
        "paths": paths,
        "components": {
            "parameters": PARAMETERS,
            "responses": {
                "400": {"description": "bad query parameter", "content": problem},
                "401": {"description": "missing or invalid credentials", "content": problem},
                "404": {"description": "not found (or not visible)", "content": problem},
            },
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "basic": {"type": "http", "scheme": "basic"},
            },
        },
        "security": [{"bearer": []}, {"basic": []}],
    }
