"""A collection's rows: the protocol every collection meets, and the SQL-backed kind."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import shapely
from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import InstrumentedAttribute, QueryableAttribute, Session

from app.schemas.common import ID_MAX
from app.services.ogc.params import ItemsQuery
from models import User
from models.base import SRID
from models.spatial import AsGeoJSON, BBoxFilter, Bound

# (feature id, geometry as GeoJSON text, properties)
Feature = tuple[int | str, str, dict[str, Any]]
Interval = tuple[datetime | None, datetime | None]
Rows = Select[*tuple[Any, ...]]
# Rows fetched from the database per round trip while a page streams.
YIELD_PER = 500


@dataclass(frozen=True)
class Extent:
    """A collection's lon/lat box and time interval (None when unknown or empty)."""

    bbox: tuple[float, float, float, float] | None
    interval: Interval | None


class Collection(Protocol):
    """What the OGC routes need of a collection."""

    @property
    def id(self) -> str:
        """The collection id (its path segment)."""
        ...

    @property
    def title(self) -> str:
        """A short title."""
        ...

    @property
    def description(self) -> str:
        """What the collection holds."""
        ...

    @property
    def temporal(self) -> bool:
        """Whether features have a time (datetime filters them)."""
        ...

    def matched(self, session: Session, user: User, q: ItemsQuery) -> int:
        """Count the features the caller may see that match the query."""
        ...

    def page(self, session: Session, user: User, q: ItemsQuery) -> Iterator[Feature]:
        """Yield one page of matching features, as they are read."""
        ...

    def one(self, session: Session, user: User, fid: str, swap: bool) -> Feature | None:
        """Return one visible feature, or None."""
        ...

    def extent(self, session: Session, user: User) -> Extent:
        """Return the extent of what the caller may see."""
        ...


@dataclass(frozen=True)
class SqlCollection:
    """A collection read from one query: `rows` selects the properties (labelled) of the rows
    the caller may see; `key` is the feature id; `geom` lives in the table whose primary
    key is `geom_key` (for the spatial index); `start`/`end` bound each feature in time."""

    id: str
    title: str
    description: str
    rows: Callable[[Session, User], Rows]
    key: InstrumentedAttribute[int]
    geom: InstrumentedAttribute[Any]
    geom_key: InstrumentedAttribute[int]
    start: QueryableAttribute[Any] | None = None
    end: QueryableAttribute[Any] | None = None

    @property
    def temporal(self) -> bool:
        """Whether features have a time."""
        return self.start is not None

    def _filtered(self, session: Session, user: User, q: ItemsQuery) -> Rows:
        stmt = self.rows(session, user)
        if q.bbox is not None:
            box = func.ST_GeomFromText(shapely.box(*q.bbox).wkt, SRID)
            stmt = stmt.where(
                BBoxFilter(self.geom_key, self.geom, q.bbox), func.ST_Intersects(self.geom, box)
            )
        if q.interval is not None and self.start is not None and self.end is not None:
            low, high = q.interval
            if high is not None:
                stmt = stmt.where(self.start <= high)
            if low is not None:
                stmt = stmt.where(self.end >= low)
        return stmt

    def matched(self, session: Session, user: User, q: ItemsQuery) -> int:
        """Count the matching visible features."""
        sub = self._filtered(session, user, q).subquery()
        return session.scalar(select(func.count()).select_from(sub)) or 0

    def _features(self, session: Session, stmt: Rows, swap: bool) -> Iterator[Feature]:
        stmt = stmt.add_columns(AsGeoJSON(self.geom, swap).label("_geometry"))
        for row in session.execute(stmt.execution_options(yield_per=YIELD_PER)).mappings():
            props = {k: v for k, v in row.items() if k not in ("id", "_geometry")}
            yield row["id"], row["_geometry"], props

    def page(self, session: Session, user: User, q: ItemsQuery) -> Iterator[Feature]:
        """Yield a page in id order."""
        stmt = self._filtered(session, user, q).order_by(self.key).limit(q.limit).offset(q.offset)
        yield from self._features(session, stmt, q.swap)

    def one(self, session: Session, user: User, fid: str, swap: bool) -> Feature | None:
        """Return one visible feature by its integer id."""
        if not (fid.isascii() and fid.isdigit()) or len(fid) > 10 or int(fid) > ID_MAX:
            return None
        stmt = self.rows(session, user).where(self.key == int(fid))
        return next(self._features(session, stmt, swap), None)

    def extent(self, session: Session, user: User) -> Extent:
        """Return the box of the visible features and their time span."""
        stmt = self.rows(session, user).add_columns(self.geom.label("_g"))
        if self.start is not None and self.end is not None:
            stmt = stmt.add_columns(self.start.label("_t0"), self.end.label("_t1"))
        sub = stmt.subquery()
        cols: list[ColumnElement[Any]] = [
            func.min(Bound(sub.c._g, "xmin")),
            func.min(Bound(sub.c._g, "ymin")),
            func.max(Bound(sub.c._g, "xmax")),
            func.max(Bound(sub.c._g, "ymax")),
        ]
        if self.start is not None:
            cols += [func.min(sub.c._t0), func.max(sub.c._t1)]
        row = session.execute(select(*cols).select_from(sub)).one()
        bbox = None if row[0] is None else (row[0], row[1], row[2], row[3])
        interval = (row[4], row[5]) if len(row) > 4 and row[4] is not None else None
        return Extent(bbox, interval)
