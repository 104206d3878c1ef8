"""Every collection the OGC API serves, by id."""

from app.errors import NotFound
from app.services.ogc.collections import SQL_COLLECTIONS
from app.services.ogc.exceedances import ExceedancesCollection
from app.services.ogc.source import Collection

COLLECTIONS: dict[str, Collection] = {c.id: c for c in (*SQL_COLLECTIONS, ExceedancesCollection())}


def get_collection(collection_id: str) -> Collection:
    """Return a collection or raise NotFound."""
    found = COLLECTIONS.get(collection_id)
    if found is None:
        raise NotFound(f"no collection {collection_id!r}; see /ogc/collections")
    return found
