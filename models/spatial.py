"""The one place that knows how SpatiaLite and PostGIS differ.

Services call these helpers instead of branching on the dialect themselves.
"""

from collections.abc import Sequence
from typing import Any, ClassVar

from sqlalchemy import ColumnElement, Connection, Engine, event, func, literal_column, select, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import InstrumentedAttribute, QueryableAttribute, Session
from sqlalchemy.types import Boolean, Float, String

from models.base import SRID

SPATIALITE_FIX = (
    "this Python's sqlite3 cannot load extensions: install the project (it uses the "
    "pysqlite3-binary driver) and Debian's libsqlite3-mod-spatialite (`make run` does both)"
)


def backend_name(dialect_name: str) -> str:
    """Name the spatial backend for a SQLAlchemy dialect name."""
    return {"sqlite": "spatialite", "postgresql": "postgis"}.get(dialect_name, dialect_name)


def sqlite_dbapi() -> Any:
    """Return a DB-API sqlite module that can load extensions, or fail naming the fix."""
    try:
        from pysqlite3 import dbapi2  # type: ignore[import-not-found]
    except ImportError:  # pragma: no cover - depends on the interpreter
        import sqlite3 as dbapi2
    probe = dbapi2.connect(":memory:")
    try:
        if not hasattr(probe, "enable_load_extension"):
            raise RuntimeError(SPATIALITE_FIX)
    finally:
        probe.close()
    return dbapi2


def _load_spatialite(dbapi_conn: Any, busy_timeout_ms: int) -> None:
    """Load mod_spatialite and set the pragmas every connection needs."""
    dbapi_conn.enable_load_extension(True)
    try:
        dbapi_conn.load_extension("mod_spatialite")
    except Exception as exc:  # the driver raises its own OperationalError class
        raise RuntimeError(
            f"cannot load mod_spatialite ({exc}): install Debian's libsqlite3-mod-spatialite"
        ) from exc
    finally:
        dbapi_conn.enable_load_extension(False)
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys = ON")
    cur.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    cur.execute("PRAGMA journal_mode = WAL")
    # WAL with NORMAL sync is durable across a process crash, the case a service meets.
    cur.execute("PRAGMA synchronous = NORMAL")
    if cur.execute("SELECT CheckSpatialMetaData()").fetchone()[0] == 0:
        # WGS84 mode loads only the WGS-84 family of SRIDs: all we store is EPSG:4326.
        cur.execute("SELECT InitSpatialMetaData(1, 'WGS84')")
    cur.close()


WRITE = {"ecoleads_write": True}


def _begin_sqlite(conn: Connection) -> None:
    """Begin IMMEDIATE for writers: they take SQLite's write lock up front (waiting up to the
    busy timeout) instead of failing with SQLITE_BUSY when a read turns into a write after
    another connection committed (a WAL snapshot cannot be upgraded). Other transactions keep
    the driver's own handling: reads run outside a transaction, which begins at the first
    write (so a job's progress updates never leave it with a stale snapshot)."""
    if conn.get_execution_options().get("ecoleads_write", False):
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def configure_engine(engine: Engine, *, busy_timeout_ms: int = 10_000) -> None:
    """Attach per-connection setup (SpatiaLite loading, transaction begin) to an engine."""
    if engine.dialect.name == "sqlite":

        def connect(dbapi_conn: Any, _record: Any) -> None:
            _load_spatialite(dbapi_conn, busy_timeout_ms)

        event.listen(engine, "connect", connect)
        event.listen(engine, "begin", _begin_sqlite)


def writer(engine: Engine) -> Engine:
    """Return the engine for transactions that will write: on SQLite they begin IMMEDIATE
    (one writer at a time, queued by the busy timeout); PostgreSQL needs nothing."""
    return engine.execution_options(**WRITE) if engine.dialect.name == "sqlite" else engine


def hold_lock(session: Session, key: int, table: str) -> None:
    """Hold an exclusive lock named `key` until this transaction ends: an advisory lock on
    PostgreSQL; on SQLite the database write lock (a writer session already holds it; a no-op
    write on `table` takes it otherwise)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(key)))
    else:
        session.execute(text(f"DELETE FROM {table} WHERE 0"))


def spatial_version(conn: Connection) -> str:
    """Return the spatial extension's version string."""
    if conn.dialect.name == "sqlite":
        row = conn.execute(
            text("SELECT spatialite_version(), geos_version(), proj_version()")
        ).one()
        return f"SpatiaLite {row[0]} (GEOS {row[1].split('-')[0]}, PROJ {row[2]})"
    return "PostGIS " + str(conn.execute(text("SELECT postgis_full_version()")).scalar_one())


class BBoxFilter(ColumnElement[bool]):
    """Rows whose geometry's box meets a bbox, found through the spatial index.

    SpatiaLite never uses its R*Tree by itself: the SpatialIndex virtual table must be
    queried (the table's integer primary key is its rowid). PostGIS uses `&&`.
    """

    inherit_cache = False
    type = Boolean()

    def __init__(
        self,
        id_column: InstrumentedAttribute[Any],
        geom_column: InstrumentedAttribute[Any],
        bbox: Sequence[float],
    ) -> None:
        minx, miny, maxx, maxy = (float(v) for v in bbox)
        self.postgis = geom_column.op("&&")(func.ST_MakeEnvelope(minx, miny, maxx, maxy, SRID))
        frame: Any = (
            select(literal_column("rowid"))
            .select_from(text("SpatialIndex"))
            .where(
                literal_column("f_table_name") == geom_column.class_.__tablename__,
                literal_column("f_geometry_column") == geom_column.key,
                literal_column("search_frame") == func.BuildMbr(minx, miny, maxx, maxy, SRID),
            )
        )
        self.spatialite = id_column.in_(frame)


@compiles(BBoxFilter, "sqlite")
def _bbox_spatialite(element: BBoxFilter, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.spatialite, **kw))


@compiles(BBoxFilter)
def _bbox_postgis(element: BBoxFilter, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.postgis, **kw))


def discard_geometry_column(conn: Connection, table: str, column: str) -> None:
    """Remove SpatiaLite's metadata and R*Tree for a column before its table is dropped.

    PostGIS keeps no such side tables: dropping the table is enough.
    """
    if conn.dialect.name != "sqlite":
        return
    params = {"t": table, "c": column}
    if conn.execute(text("SELECT CheckSpatialIndex(:t, :c)"), params).scalar() is not None:
        conn.execute(text("SELECT DisableSpatialIndex(:t, :c)"), params)
    conn.execute(text(f'DROP TABLE IF EXISTS "idx_{table}_{column}"'))
    conn.execute(text("SELECT DiscardGeometryColumn(:t, :c)"), params)


Geom = ColumnElement[Any] | QueryableAttribute[Any]


class AsGeoJSON(ColumnElement[str]):
    """A geometry as GeoJSON text (9 decimals), its axes swapped when `swap` (lat,lon order
    for EPSG:4326/4490 output). PostGIS: ST_AsGeoJSON/ST_FlipCoordinates; SpatiaLite:
    AsGeoJSON/SwapCoordinates."""

    inherit_cache = False
    type = String()

    def __init__(self, geom: Geom, swap: bool = False) -> None:
        self.postgis = func.ST_AsGeoJSON(func.ST_FlipCoordinates(geom) if swap else geom, 9)
        self.spatialite = func.AsGeoJSON(func.SwapCoordinates(geom) if swap else geom, 9)


@compiles(AsGeoJSON, "sqlite")
def _geojson_spatialite(element: AsGeoJSON, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.spatialite, **kw))


@compiles(AsGeoJSON)
def _geojson_postgis(element: AsGeoJSON, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.postgis, **kw))


class Bound(ColumnElement[float]):
    """One side of a geometry's box: `side` is xmin, ymin, xmax or ymax."""

    inherit_cache = False
    type = Float()
    POSTGIS: ClassVar[dict[str, str]] = {
        "xmin": "ST_XMin",
        "ymin": "ST_YMin",
        "xmax": "ST_XMax",
        "ymax": "ST_YMax",
    }
    SPATIALITE: ClassVar[dict[str, str]] = {
        "xmin": "MbrMinX",
        "ymin": "MbrMinY",
        "xmax": "MbrMaxX",
        "ymax": "MbrMaxY",
    }

    def __init__(self, geom: Geom, side: str) -> None:
        self.postgis = getattr(func, self.POSTGIS[side])(geom)
        self.spatialite = getattr(func, self.SPATIALITE[side])(geom)


@compiles(Bound, "sqlite")
def _bound_spatialite(element: Bound, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.spatialite, **kw))


@compiles(Bound)
def _bound_postgis(element: Bound, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.postgis, **kw))
