"""The JSON documents of the API: landing page, conformance, collections."""

from datetime import UTC, datetime
from typing import Any, NotRequired, TypedDict

from sqlalchemy.orm import Session

from app.services.ogc.params import CRS84, CRS_LIST
from app.services.ogc.registry import COLLECTIONS, get_collection
from app.services.ogc.source import Collection
from models import User

JSON, GEOJSON, HTML = "application/json", "application/geo+json", "text/html"
OPENAPI_30 = "application/vnd.oai.openapi+json;version=3.0"
CONFORMANCE = (
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
)
GREGORIAN = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"


class Link(TypedDict):
    """A link object of OGC API documents."""

    href: str
    rel: str
    type: str
    title: NotRequired[str]


def link(href: str, rel: str, media: str, title: str | None = None) -> Link:
    """Return a link object (every link names its media type)."""
    out: Link = {"href": href, "rel": rel, "type": media}
    if title:
        out["title"] = title
    return out


def rfc3339(at: datetime) -> str:
    """Return a UTC instant as RFC 3339 with Z."""
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def landing(root: str, docs: str) -> dict[str, Any]:
    """The landing page."""
    return {
        "title": "EcoLeads OGC API - Features",
        "description": "Leads shared with partners and the reference data behind them.",
        "links": [
            link(root, "self", JSON, "this document"),
            link(f"{root}/api", "service-desc", OPENAPI_30, "the API definition"),
            link(docs, "service-doc", HTML, "the API documentation"),
            link(f"{root}/conformance", "conformance", JSON, "conformance classes"),
            link(f"{root}/collections", "data", JSON, "the collections"),
        ],
    }


def conformance() -> dict[str, Any]:
    """The conformance declaration."""
    return {"conformsTo": list(CONFORMANCE)}


def describe(session: Session, user: User, coll: Collection, root: str) -> dict[str, Any]:
    """Describe one collection: extent (of what the caller sees), CRSs, links."""
    here = f"{root}/collections/{coll.id}"
    extent = coll.extent(session, user)
    body: dict[str, Any] = {
        "id": coll.id,
        "title": coll.title,
        "description": coll.description,
        "itemType": "feature",
        "crs": list(CRS_LIST),
        "storageCrs": CRS84,
        "extent": {},
        "links": [link(here, "self", JSON), link(f"{here}/items", "items", GEOJSON, "features")],
    }
    if extent.bbox is not None:
        body["extent"]["spatial"] = {"bbox": [list(extent.bbox)], "crs": CRS84}
    if extent.interval is not None:
        start, end = extent.interval
        interval = [rfc3339(start) if start else None, rfc3339(end) if end else None]
        body["extent"]["temporal"] = {"interval": [interval], "trs": GREGORIAN}
    return body


def collections(session: Session, user: User, root: str) -> dict[str, Any]:
    """List every collection."""
    return {
        "links": [link(f"{root}/collections", "self", JSON)],
        "collections": [describe(session, user, c, root) for c in COLLECTIONS.values()],
    }


def collection(session: Session, user: User, collection_id: str, root: str) -> dict[str, Any]:
    """Describe one collection or raise NotFound."""
    return describe(session, user, get_collection(collection_id), root)
