"""Feature collections written as they are read, and single features."""

import json
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from sqlalchemy.orm import Session, sessionmaker

from app.services.ogc.documents import GEOJSON, JSON, Link, link, rfc3339
from app.services.ogc.params import ItemsQuery
from app.services.ogc.source import Collection, Feature
from models import User
from models.base import utcnow

# Bytes gathered before a chunk of the response is sent.
CHUNK = 64 * 1024


def _value(value: Any) -> Any:
    if isinstance(value, datetime):
        return rfc3339(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def encode(feature: Feature, links: list[Link] | None = None) -> str:
    """Write one feature as GeoJSON (the geometry is already text)."""
    fid, geometry, props = feature
    extra = f',"links":{json.dumps(links)}' if links else ""
    return (
        f'{{"type":"Feature","id":{json.dumps(fid)},"geometry":{geometry},'
        f'"properties":{json.dumps(props, default=_value, ensure_ascii=False)}{extra}}}'
    )


def _page_links(items: str, params: Mapping[str, str], q: ItemsQuery, matched: int) -> list[Link]:
    def at(offset: int) -> str:
        query = {**params, "offset": str(offset), "limit": str(q.limit)}
        return f"{items}?{urlencode(query)}"

    out = [link(f"{items}?{urlencode(params)}" if params else items, "self", GEOJSON)]
    if q.offset + q.limit < matched:
        out.append(link(at(q.offset + q.limit), "next", GEOJSON, "next page"))
    if q.offset > 0:
        out.append(link(at(max(0, q.offset - q.limit)), "prev", GEOJSON, "previous page"))
    out.append(link(items.rsplit("/", 1)[0], "collection", JSON, "the collection"))
    return out


def stream_items(
    sessions: sessionmaker[Session],
    user: User,
    coll: Collection,
    q: ItemsQuery,
    items: str,
    params: Mapping[str, str],
) -> Iterator[bytes]:
    """Write a page as a FeatureCollection: features as they are read, then the counts and
    links (the session is the stream's own: the request's closes before the body is sent)."""
    stamp = rfc3339(utcnow())
    with sessions() as session:
        matched = coll.matched(session, user, q)
        buffer, size, returned = ['{"type":"FeatureCollection","features":['], 0, 0
        for feature in coll.page(session, user, q):
            text = ("," if returned else "") + encode(feature)
            buffer.append(text)
            size += len(text)
            returned += 1
            if size >= CHUNK:
                yield "".join(buffer).encode()
                buffer, size = [], 0
    tail = {
        "numberMatched": matched,
        "numberReturned": returned,
        "timeStamp": stamp,
        "links": _page_links(items, params, q, matched),
    }
    buffer.append("]," + json.dumps(tail)[1:])
    yield "".join(buffer).encode()


def feature_document(
    session: Session, user: User, coll: Collection, fid: str, swap: bool, items: str
) -> str | None:
    """Return one visible feature as GeoJSON with its links, or None."""
    found = coll.one(session, user, fid, swap)
    if found is None:
        return None
    links = [
        link(f"{items}/{fid}", "self", GEOJSON),
        link(items.rsplit("/", 1)[0], "collection", JSON, "the collection"),
    ]
    return encode(found, links)
