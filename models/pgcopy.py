"""PostgreSQL's binary COPY format, encoded from whole numpy columns at once.

A row is a 16-bit field count, then per field a 32-bit length (-1 for NULL) and the value,
all big-endian (https://www.postgresql.org/docs/current/sql-copy.html, "Binary Format").
Every row is laid out at full width in one structured array; NULL fields are then cut out
with a byte mask, so no Python runs per row or per value.
"""

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import BigInteger, Boolean, Column, DateTime, Float, Integer, SmallInteger
from sqlalchemy.types import TypeDecorator

HEADER = b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big")
TRAILER = (-1).to_bytes(2, "big", signed=True)
# timestamptz is stored as microseconds since 2000-01-01 00:00 UTC.
PG_EPOCH_US = 946_684_800_000_000


@dataclass(frozen=True)
class Field:
    """How one column goes into the binary stream: PostgreSQL type and numpy wire type."""

    pg_type: str
    wire: str  # big-endian numpy dtype of the value


def field_of(column: Column[Any]) -> Field:
    """Return the binary COPY field of a table column, or refuse a type we do not encode."""
    kind = column.type
    if isinstance(kind, TypeDecorator):
        kind = kind.impl_instance
    if isinstance(kind, DateTime):
        return Field("timestamptz" if kind.timezone else "timestamp", ">i8")
    if isinstance(kind, Boolean):
        return Field("bool", "u1")
    if isinstance(kind, BigInteger):
        return Field("int8", ">i8")
    if isinstance(kind, SmallInteger):
        return Field("int2", ">i2")
    if isinstance(kind, Integer):
        return Field("int4", ">i4")
    if isinstance(kind, Float):  # SQLAlchemy's Float is double precision unless asked less
        single = kind.precision is not None and kind.precision <= 24
        return Field("float4", ">f4") if single else Field("float8", ">f8")
    raise TypeError(f"binary COPY of column {column.name} ({kind}) is not supported")


def _values(series: pd.Series, field: Field) -> tuple[np.ndarray, np.ndarray]:
    """Return a column's values in its wire type and where it is NULL (NaN, NaT, NA)."""
    if field.pg_type.startswith("timestamp"):
        if isinstance(series.dtype, pd.DatetimeTZDtype):
            series = series.dt.tz_convert("UTC").dt.tz_localize(None)
        stamps = series.to_numpy(dtype="datetime64[us]")
        null = np.isnat(stamps)
        return stamps.view(np.int64) - PG_EPOCH_US, null
    null = series.isna().to_numpy()
    if field.wire in (">f8", ">f4"):
        return series.to_numpy(dtype=np.float64, na_value=np.nan), null
    filled = series.fillna(0) if null.any() else series
    return filled.to_numpy(dtype=np.dtype(field.wire).newbyteorder("=")), null


def encode(frame: pd.DataFrame, fields: list[Field]) -> bytes:
    """Return the rows of `frame` (columns in `fields` order) as binary COPY data rows."""
    layout = [("count", ">i2")]
    for i, f in enumerate(fields):
        layout += [(f"len{i}", ">i4"), (f"val{i}", f.wire)]
    rows = np.empty(len(frame), dtype=np.dtype(layout))
    rows["count"] = len(fields)
    keep: np.ndarray | None = None
    for i, (name, f) in enumerate(zip(frame.columns, fields, strict=True)):
        values, null = _values(frame[name], f)
        size = np.dtype(f.wire).itemsize
        rows[f"val{i}"] = values
        rows[f"len{i}"] = np.where(null, -1, size)
        if null.any():
            if keep is None:
                keep = np.ones((len(frame), rows.dtype.itemsize), dtype=bool)
            start = rows.dtype.fields[f"val{i}"][1]  # type: ignore[index]
            keep[null, start : start + size] = False
    flat = rows.view(np.uint8).reshape(len(frame), rows.dtype.itemsize)
    return (flat[keep] if keep is not None else flat).tobytes()
