"""Bulk loading of many rows: COPY on PostGIS, executemany on SpatiaLite.

The one place that knows how each backend takes hundreds of thousands of rows fast.
Timestamps must be tz-aware UTC; NaN and None become NULL.
"""

import io
from collections.abc import Sequence

import pandas as pd
from sqlalchemy import Connection, Table

# SQLAlchemy's own text form of a DATETIME on SQLite, so that bound parameters compare
# equal to bulk-loaded values.
SQLITE_DATETIME = "%Y-%m-%d %H:%M:%S.%f"


def _texts(frame: pd.DataFrame, dialect: str) -> pd.DataFrame:
    """Turn timestamp columns into the text form the backend stores."""
    out = frame.copy()
    for name in out.columns:
        column = out[name]
        if isinstance(column.dtype, pd.DatetimeTZDtype):
            utc = column.dt.tz_convert("UTC")
            out[name] = (
                utc.dt.strftime(SQLITE_DATETIME)
                if dialect == "sqlite"
                else utc.dt.strftime("%Y-%m-%d %H:%M:%S+00")
            )
    return out


def copy_rows(conn: Connection, table: Table, frame: pd.DataFrame, chunk: int = 100_000) -> int:
    """Insert every row of `frame` (columns named as the table's) into `table`."""
    if frame.empty:
        return 0
    columns: Sequence[str] = list(frame.columns)
    data = _texts(frame, conn.dialect.name)
    raw = conn.connection.driver_connection
    assert raw is not None
    if conn.dialect.name == "postgresql":
        names = ", ".join(f'"{c}"' for c in columns)
        with raw.cursor() as cur:
            for start in range(0, len(data), chunk):
                buf = io.StringIO()
                data.iloc[start : start + chunk].to_csv(buf, index=False, header=False, na_rep="")
                with cur.copy(f"COPY {table.name} ({names}) FROM STDIN (FORMAT csv)") as copy:
                    copy.write(buf.getvalue())
        return len(data)
    marks = ", ".join("?" for _ in columns)
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks})"
    rows = list(zip(*(_plain(data[c]) for c in columns), strict=True))
    cur = raw.cursor()
    for start in range(0, len(rows), chunk):
        cur.executemany(sql, rows[start : start + chunk])
    cur.close()
    return len(data)


def _plain(column: pd.Series) -> list[object]:
    """Return a column as Python values the sqlite3 driver binds, NaN and NA as None."""
    values = column.tolist()
    if column.dtype.kind == "f":
        return [None if v != v else v for v in values]  # NaN is the only value != itself
    return [
        None if v is None or v is pd.NA or (isinstance(v, float) and v != v) else v for v in values
    ]
