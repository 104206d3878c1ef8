"""Bulk loading of many rows: binary COPY on PostGIS, executemany on SpatiaLite.

The one place that knows how each backend takes hundreds of thousands of rows fast. Both
run on the caller's connection, inside its transaction, so a failed import stores nothing.
Timestamps must be tz-aware UTC; NaN, NaT and NA become NULL.
"""

from collections.abc import Sequence
from typing import Any, TypeVar

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Table, insert, text
from sqlalchemy.orm import Session

from models.base import Base
from models.pgcopy import HEADER, TRAILER, encode, field_of

M = TypeVar("M", bound=Base)


def copy_rows(conn: Connection, table: Table, frame: pd.DataFrame, chunk: int = 100_000) -> int:
    """Insert every row of `frame` (columns named as the table's) into `table`."""
    if frame.empty:
        return 0
    raw = conn.connection.driver_connection
    assert raw is not None
    if conn.dialect.name == "postgresql":
        return _copy_binary(raw, table, frame, chunk)
    return _executemany(raw, table, frame, chunk)


def next_ids(session: Session, model: type[Base], n: int) -> list[int]:
    """Draw n ids for new rows of `model`, before inserting them (so that rows of two
    tables can name each other in one pass).

    PostgreSQL draws them from the table's sequence. SQLite numbers rows after the highest
    id, under the write lock this takes (held to the end of the transaction), as SQLite
    itself numbers a table without AUTOINCREMENT.
    """
    table = model.__tablename__
    if session.get_bind().dialect.name == "postgresql":
        sequence = f"pg_get_serial_sequence('{table}', 'id')"
        query = text(f"SELECT nextval({sequence}) FROM generate_series(1, :n)")
        return list(session.scalars(query, {"n": n}))
    session.execute(text(f'DELETE FROM "{table}" WHERE 0'))  # takes the write lock
    top = session.scalar(text(f'SELECT coalesce(max(id), 0) FROM "{table}"'))
    return list(range(top + 1, top + 1 + n))


def add_many(session: Session, model: type[M], values: list[dict[str, Any]]) -> list[M]:
    """Insert one ORM row per dict of `values` and return them, ids set, in order.

    On PostgreSQL the ids are drawn from the table's sequence first, so that the rows go in
    by the driver's executemany (one small prepared statement, pipelined): a multi-row
    INSERT ... RETURNING of thousands of rows spends most of its time in psycopg parsing
    the statement's placeholders. SQLite takes that INSERT ... RETURNING cheaply.
    """
    if not values:
        return []
    if session.get_bind().dialect.name != "postgresql":
        returning = insert(model).returning(model, sort_by_parameter_order=True)
        return list(session.scalars(returning, values))
    ids = next_ids(session, model, len(values))
    rows = [model(id=i, **v) for i, v in zip(ids, values, strict=True)]
    session.add_all(rows)
    session.flush()
    return rows


def _copy_binary(raw: object, table: Table, frame: pd.DataFrame, chunk: int) -> int:
    """COPY the rows in PostgreSQL's binary format, built column-wise in numpy."""
    fields = [field_of(table.c[name]) for name in frame.columns]
    names = ", ".join(f'"{c}"' for c in frame.columns)
    sql = f'COPY "{table.name}" ({names}) FROM STDIN (FORMAT BINARY)'
    with raw.cursor() as cur, cur.copy(sql) as copy:  # type: ignore[attr-defined]
        copy.write(HEADER)
        for start in range(0, len(frame), chunk):
            copy.write(encode(frame.iloc[start : start + chunk], fields))
        copy.write(TRAILER)
    return len(frame)


def _executemany(raw: object, table: Table, frame: pd.DataFrame, chunk: int) -> int:
    """INSERT plain tuples through the driver's executemany (no ORM, no per-row dicts).

    Columns that are NULL in every row are left to default to NULL: the sqlite3 driver binds
    each None through its adapter lookup, several times the cost of a number.
    """
    empty = frame.isna().all()
    columns: Sequence[str] = [
        c for c in frame.columns if not (empty[c] and table.c[c].server_default is None)
    ]
    marks = ", ".join("?" for _ in columns)
    sql = f'INSERT INTO "{table.name}" ({", ".join(columns)}) VALUES ({marks})'
    cur = raw.cursor()  # type: ignore[attr-defined]
    try:
        for start in range(0, len(frame), chunk):
            part = frame.iloc[start : start + chunk]
            cur.executemany(sql, zip(*(sqlite_values(part[c]) for c in columns), strict=True))
    finally:
        cur.close()
    return len(frame)


def sqlite_values(column: pd.Series) -> list[object]:
    """Return a column as the Python values SQLite stores, NULLs as None, without a loop."""
    if isinstance(column.dtype, pd.DatetimeTZDtype) or column.dtype.kind == "M":
        return _sqlite_datetimes(column)
    if column.dtype.kind == "f":
        # SQLite stores a bound NaN as NULL itself: no per-value replacement needed.
        return column.to_numpy().tolist()  # type: ignore[no-any-return]
    null = column.isna().to_numpy()
    if column.dtype.kind in "iub":
        values = column.to_numpy()
        if not null.any():
            return values.tolist()  # type: ignore[no-any-return]
        out = values.astype(object)
    else:
        out = column.to_numpy(dtype=object)
    out[null] = None
    return out.tolist()  # type: ignore[no-any-return]


def _sqlite_datetimes(column: pd.Series) -> list[object]:
    """Format UTC timestamps as SQLAlchemy's SQLite DATETIME text, NaT as None.

    That text ("%Y-%m-%d %H:%M:%S.%f") makes bulk-loaded values compare equal to bound
    parameters.
    """
    if isinstance(column.dtype, pd.DatetimeTZDtype):
        column = column.dt.tz_convert("UTC").dt.tz_localize(None)
    stamps = column.to_numpy(dtype="datetime64[us]")
    text = np.datetime_as_string(stamps, unit="us")  # 2013-03-01T00:00:00.000000
    if text.dtype.itemsize > 10 * 4:  # not every value NaT
        text.view(np.uint32).reshape(len(text), -1)[:, 10] = ord(" ")
    out = text.astype(object)
    out[np.isnat(stamps)] = None
    return out.tolist()  # type: ignore[no-any-return]
