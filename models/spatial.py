"""The one place that knows how SpatiaLite and PostGIS differ.

Services call these helpers instead of branching on the dialect themselves.
"""

from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
import shapely
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


JoinTarget = tuple[str, str, str]  # (table, geometry column, filter on alias f)
Pairs = tuple[np.ndarray, np.ndarray]


def point_join(
    conn: Connection, lons: np.ndarray, lats: np.ndarray, targets: Sequence[JoinTarget]
) -> list[Pairs]:
    """For each target, return (point index, row id) pairs where a point meets a geometry.

    A target's table has an integer `id` and the named geometry column; its filter is SQL
    on alias `f`. Tables, columns and filters are the caller's constants, never user input.
    The points are loaded once for all targets. Both backends test each polygon as a
    *prepared* geometry (built once, reused for all its points): unprepared, a
    point-in-province test walks 20,000 vertices every time.
    """
    if len(lons) == 0:
        return [_pairs([]) for _ in targets]
    if conn.dialect.name == "sqlite":
        return _point_join_spatialite(conn, lons, lats, targets)
    return _point_join_postgis(conn, lons, lats, targets)


def _pgcopy_points(lons: np.ndarray, lats: np.ndarray) -> bytes:
    """Encode (idx int4, x float8, y float8) rows in PostgreSQL's binary COPY format."""
    row = np.dtype(
        [
            ("n", ">i2"),
            ("l1", ">i4"),
            ("idx", ">i4"),
            ("l2", ">i4"),
            ("x", ">f8"),
            ("l3", ">i4"),
            ("y", ">f8"),
        ]
    )
    rows = np.empty(len(lons), dtype=row)
    rows["n"], rows["l1"], rows["l2"], rows["l3"] = 3, 4, 8, 8
    rows["idx"], rows["x"], rows["y"] = np.arange(len(lons)), lons, lats
    header = b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big")
    return header + rows.tobytes() + (-1).to_bytes(2, "big", signed=True)


def _point_join_postgis(
    conn: Connection, lons: np.ndarray, lats: np.ndarray, targets: Sequence[JoinTarget]
) -> list[Pairs]:
    """Polygon-outer join: each polygon probes a GiST index of the points.

    PostGIS caches the prepared polygon while the same polygon meets point after point;
    the planner's default (points outer, probing the polygon index) is several times slower.
    Points arrive by binary COPY: adapting 200,000 floats as query parameters costs more
    than the whole join.
    """
    raw = conn.connection.driver_connection
    assert raw is not None
    out = []
    with raw.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS pg_temp.geocode_pts")
        cur.execute("CREATE TEMP TABLE geocode_pts (idx int4, x float8, y float8)")
        with cur.copy("COPY geocode_pts (idx, x, y) FROM STDIN (FORMAT BINARY)") as copy:
            copy.write(_pgcopy_points(lons, lats))
        cur.execute("CREATE INDEX ON geocode_pts USING gist (ST_Point(x, y, 4326))")
        for table, geom, where_sql in targets:
            cur.execute(
                f"SELECT p.idx, f.id FROM {table} f CROSS JOIN LATERAL "
                f"(SELECT idx FROM geocode_pts p WHERE ST_Intersects(f.{geom}, "
                f"ST_Point(p.x, p.y, 4326))) p WHERE {where_sql}",
                binary=True,
            )
            out.append(_pairs(cur.fetchall()))
        cur.execute("DROP TABLE pg_temp.geocode_pts")
    return out


def _point_join_spatialite(
    conn: Connection, lons: np.ndarray, lats: np.ndarray, targets: Sequence[JoinTarget]
) -> list[Pairs]:
    """Points probe each table's own R*Tree; GEOS then tests the candidates, prepared.

    SpatiaLite's own ST_Intersects re-parses the polygon for every pair and keeps only two
    prepared geometries, so the exact test runs on prepared GEOS geometries (shapely, the
    same GEOS in the same process); building an R*Tree of the points instead would cost
    more than the whole join.
    """
    raw = conn.connection.driver_connection
    assert raw is not None
    raw.execute("DROP TABLE IF EXISTS temp.geocode_pts")
    raw.execute("CREATE TEMP TABLE geocode_pts (idx INTEGER PRIMARY KEY, x REAL, y REAL)")
    raw.executemany(
        "INSERT INTO temp.geocode_pts VALUES (?, ?, ?)",
        zip(range(len(lons)), lons.tolist(), lats.tolist(), strict=True),
    )
    out = []
    for table, geom, where_sql in targets:
        rtree = f'"idx_{table}_{geom}"'
        pidx, ids = _pairs(
            raw.execute(
                f"SELECT p.idx, r.pkid FROM temp.geocode_pts p CROSS JOIN {rtree} r "
                "WHERE r.xmin <= p.x AND r.xmax >= p.x AND r.ymin <= p.y AND r.ymax >= p.y"
            ).fetchall()
        )
        allowed = np.asarray(
            [r[0] for r in raw.execute(f"SELECT f.id FROM {table} f WHERE {where_sql}")],
            dtype=np.int64,
        )
        keep = np.isin(ids, allowed)
        out.append(_exact(raw, table, geom, pidx[keep], ids[keep], lons, lats))
    raw.execute("DROP TABLE temp.geocode_pts")
    return out


def _exact(
    raw: Any,
    table: str,
    geom: str,
    pidx: np.ndarray,
    ids: np.ndarray,
    lons: np.ndarray,
    lats: np.ndarray,
) -> Pairs:
    """Keep the candidate pairs whose point really meets the (prepared) geometry."""
    if not len(ids):
        return pidx, ids
    unique = np.unique(ids)
    blobs = dict(
        raw.execute(
            f"SELECT id, AsBinary({geom}) FROM {table} "
            f"WHERE id IN ({','.join(map(str, unique.tolist()))})"
        ).fetchall()
    )
    geoms = shapely.from_wkb([blobs[i] for i in unique.tolist()])
    shapely.prepare(geoms)
    hit = shapely.intersects_xy(geoms[np.searchsorted(unique, ids)], lons[pidx], lats[pidx])
    return pidx[hit], ids[hit]


def _pairs(rows: Sequence[Any]) -> tuple[np.ndarray, np.ndarray]:
    if not len(rows):
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    arr = np.asarray(rows, dtype=np.int64)
    return arr[:, 0], arr[:, 1]


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
