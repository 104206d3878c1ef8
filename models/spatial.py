"""The one place that knows how SpatiaLite and PostGIS differ.

Services call these helpers instead of branching on the dialect themselves.
"""

from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlalchemy import ColumnElement, Connection, Engine, event, func, literal_column, select, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.types import Boolean

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


def _load_spatialite(dbapi_conn: Any, _record: Any) -> None:
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
    cur.execute("PRAGMA busy_timeout = 30000")
    cur.execute("PRAGMA journal_mode = WAL")
    if cur.execute("SELECT CheckSpatialMetaData()").fetchone()[0] == 0:
        # WGS84 mode loads only the WGS-84 family of SRIDs: all we store is EPSG:4326.
        cur.execute("SELECT InitSpatialMetaData(1, 'WGS84')")
    cur.close()


def configure_engine(engine: Engine) -> None:
    """Attach per-connection setup (SpatiaLite loading) to an engine."""
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _load_spatialite)


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
        frame = (
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


def point_join(
    conn: Connection,
    lons: np.ndarray,
    lats: np.ndarray,
    table: str,
    geom: str,
    where_sql: str,
    params: dict[str, Any],
) -> tuple[np.ndarray, np.ndarray]:
    """Return (point index, row id) pairs where a point intersects a row's geometry.

    `table` has an integer `id` and the geometry column `geom`; `where_sql` filters it
    (alias `f`). Table, column and filter are the caller's constants, never user input.
    The loop runs polygon-outer: each polygon is tested, prepared, against the points its
    box covers, instead of probing the polygon index once per point.
    """
    if conn.dialect.name == "sqlite":
        return _point_join_spatialite(conn, lons, lats, table, geom, where_sql, params)
    return _point_join_postgis(conn, lons, lats, table, geom, where_sql, params)


def _point_join_postgis(
    conn: Connection,
    lons: np.ndarray,
    lats: np.ndarray,
    table: str,
    geom: str,
    where_sql: str,
    params: dict[str, Any],
) -> tuple[np.ndarray, np.ndarray]:
    conn.execute(text("DROP TABLE IF EXISTS pg_temp.geocode_pts"))
    conn.execute(text("CREATE TEMP TABLE geocode_pts (idx integer, geom geometry(Point, 4326))"))
    conn.execute(
        text(
            "INSERT INTO geocode_pts SELECT (t.i - 1)::int,"
            " ST_SetSRID(ST_MakePoint(t.x, t.y), 4326) FROM unnest(CAST(:xs AS float8[]),"
            " CAST(:ys AS float8[])) WITH ORDINALITY AS t(x, y, i)"
        ),
        {"xs": lons.tolist(), "ys": lats.tolist()},
    )
    conn.execute(text("CREATE INDEX ON geocode_pts USING gist (geom)"))
    conn.execute(text("ANALYZE geocode_pts"))
    rows = conn.execute(
        text(
            f"SELECT p.idx, f.id FROM {table} f CROSS JOIN LATERAL "
            f"(SELECT idx FROM geocode_pts p WHERE ST_Intersects(f.{geom}, p.geom)) p "
            f"WHERE {where_sql} AND f.{geom} && (SELECT ST_Extent(geom)::geometry FROM geocode_pts)"
        ),
        params,
    ).all()
    conn.execute(text("DROP TABLE pg_temp.geocode_pts"))
    return _pairs(rows)


def _point_join_spatialite(
    conn: Connection,
    lons: np.ndarray,
    lats: np.ndarray,
    table: str,
    geom: str,
    where_sql: str,
    params: dict[str, Any],
) -> tuple[np.ndarray, np.ndarray]:
    conn.execute(text("DROP TABLE IF EXISTS temp.geocode_pts"))
    conn.execute(text("DROP TABLE IF EXISTS temp.geocode_pts_rtree"))
    conn.execute(text("CREATE TEMP TABLE geocode_pts (idx INTEGER PRIMARY KEY, x REAL, y REAL)"))
    conn.execute(
        text("CREATE VIRTUAL TABLE temp.geocode_pts_rtree USING rtree(idx, minx, maxx, miny, maxy)")
    )
    rows = [(i, float(x), float(y)) for i, (x, y) in enumerate(zip(lons, lats, strict=True))]
    raw = conn.connection.driver_connection
    assert raw is not None
    raw.executemany("INSERT INTO temp.geocode_pts VALUES (?, ?, ?)", rows)
    raw.executemany(
        "INSERT INTO temp.geocode_pts_rtree VALUES (?, ?, ?, ?, ?)",
        [(i, x, x, y, y) for i, x, y in rows],
    )
    # CROSS JOIN pins the feature table as the outer loop (SQLite never reorders it),
    # so the R*Tree of points is probed once per polygon box.
    result = conn.execute(
        text(
            f"SELECT r.idx, f.id FROM {table} f CROSS JOIN temp.geocode_pts_rtree r "
            "CROSS JOIN temp.geocode_pts p "
            f"WHERE {where_sql} AND r.minx <= MbrMaxX(f.{geom}) AND r.maxx >= MbrMinX(f.{geom}) "
            f"AND r.miny <= MbrMaxY(f.{geom}) AND r.maxy >= MbrMinY(f.{geom}) AND p.idx = r.idx "
            f"AND ST_Intersects(f.{geom}, MakePoint(p.x, p.y, 4326)) = 1"
        ),
        params,
    ).all()
    conn.execute(text("DROP TABLE temp.geocode_pts_rtree"))
    conn.execute(text("DROP TABLE temp.geocode_pts"))
    return _pairs(result)


def _pairs(rows: Sequence[Any]) -> tuple[np.ndarray, np.ndarray]:
    if not rows:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    arr = np.asarray([(r[0], r[1]) for r in rows], dtype=np.int64)
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
