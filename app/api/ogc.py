"""OGC API - Features under /ogc: leads shared with partners and reference data.

Everything but the API definition (/ogc/api, public: it describes no data, and conformance
tools fetch it without credentials) needs an API token with scope ogc:read, as a bearer
token or as the password of HTTP Basic.
"""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from app.auth import AllowBasic, Principal, public
from app.deps import SessionDep
from app.errors import NotFound
from app.http.routing import TransactionRoute
from app.services.ogc import documents
from app.services.ogc.features import feature_document, stream_items
from app.services.ogc.openapi import openapi_document
from app.services.ogc.params import BadQuery, parse_crs, parse_items_query
from app.services.ogc.registry import get_collection

router = APIRouter(prefix="/ogc", tags=["ogc"], route_class=TransactionRoute)
Reader = Annotated[Principal, Depends(AllowBasic("ogc:read", "admin", "prosecutor", "partner"))]
GEOJSON = "application/geo+json"


def _root(request: Request) -> str:
    return str(request.base_url).rstrip("/") + router.prefix


@router.get("", summary="OGC API landing page")
def landing(request: Request, _: Reader) -> JSONResponse:
    """Links to the API definition, conformance and the collections."""
    docs = str(request.base_url).rstrip("/") + "/docs"
    return JSONResponse(documents.landing(_root(request), docs))


@router.get("/api", summary="OGC API definition (OpenAPI 3.0)", dependencies=[Depends(public)])
def api(request: Request) -> JSONResponse:
    """The OpenAPI 3.0 document of the /ogc endpoints."""
    return JSONResponse(
        openapi_document(_root(request)), media_type="application/vnd.oai.openapi+json;version=3.0"
    )


@router.get("/conformance", summary="OGC API conformance classes")
def conformance(_: Reader) -> JSONResponse:
    """Core, GeoJSON, OpenAPI 3.0 and Part 2 (CRS)."""
    return JSONResponse(documents.conformance())


@router.get("/collections", summary="OGC API collections")
def collections(request: Request, session: SessionDep, caller: Reader) -> JSONResponse:
    """Every collection with its extent (of what the caller may see)."""
    return JSONResponse(documents.collections(session, caller.user, _root(request)))


@router.get("/collections/{collection_id}", summary="OGC API collection")
def collection(
    collection_id: str, request: Request, session: SessionDep, caller: Reader
) -> JSONResponse:
    """One collection."""
    return JSONResponse(documents.collection(session, caller.user, collection_id, _root(request)))


@router.get(
    "/collections/{collection_id}/items",
    summary="OGC API features",
    response_class=StreamingResponse,
    responses={200: {"content": {GEOJSON: {}}, "description": "a FeatureCollection"}},
)
def items(collection_id: str, request: Request, caller: Reader) -> StreamingResponse:
    """A page of features (limit, offset, bbox, bbox-crs, crs, datetime), streamed."""
    coll = get_collection(collection_id)
    query = parse_items_query(request.query_params)
    body = stream_items(
        request.app.state.sessions,
        caller.user,
        coll,
        query,
        f"{_root(request)}/collections/{coll.id}/items",
        dict(request.query_params),
    )
    return StreamingResponse(body, media_type=GEOJSON, headers={"Content-Crs": f"<{query.crs}>"})


@router.get(
    "/collections/{collection_id}/items/{feature_id}",
    summary="OGC API feature",
    response_class=Response,
    responses={200: {"content": {GEOJSON: {}}, "description": "a Feature"}},
)
def feature(
    collection_id: str, feature_id: str, request: Request, session: SessionDep, caller: Reader
) -> Response:
    """One feature (404 when unknown or not visible to the caller)."""
    coll = get_collection(collection_id)
    unknown = set(request.query_params) - {"crs"}
    if unknown:
        raise BadQuery(f"unknown query parameter(s): {', '.join(sorted(unknown))}")
    crs = parse_crs(request.query_params.get("crs"))
    items_url = f"{_root(request)}/collections/{coll.id}/items"
    swap = crs != documents.CRS84
    found = feature_document(session, caller.user, coll, feature_id, swap, items_url)
    if found is None:
        raise NotFound(f"no feature {feature_id!r} in {coll.id}")
    return Response(found, media_type=GEOJSON, headers={"Content-Crs": f"<{crs}>"})
