"""Bulk loading (binary COPY, executemany) round-trips values, NULLs and times."""

from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest
from geoalchemy2.shape import from_shape
from shapely import Point
from sqlalchemy import select

from models import AirImport, AirReading, AirStation
from models.base import SRID
from models.bulk import copy_rows
from tests.conftest import Backend


def test_rows_come_back_as_written(db: Backend) -> None:
    with db.sessions.begin() as s:
        station = AirStation(
            code="T1", name="t", kind="national", geom=from_shape(Point(116, 40), SRID)
        )
        record = AirImport(
            format="prsa", files=[], rows_read=3, rows_stored=3, actor="t", report={}
        )
        s.add_all([station, record])
        s.flush()
        frame = pd.DataFrame(
            {
                "station_id": [station.id] * 3,
                "at": pd.to_datetime(
                    ["2013-02-28 16:00", "2013-02-28 17:00:00.000250", "1999-12-31 23:00"],
                    format="ISO8601",
                ).tz_localize("UTC"),
                "pm10": [12.5, np.nan, -5.0],
                "co": [np.nan, np.nan, 1e-3],
                "invalid": np.array([0, 0, 1], dtype=np.int64),
                "import_id": [record.id] * 3,
            }
        )
        assert copy_rows(s.connection(), AirReading.__table__, frame, chunk=2) == 3  # type: ignore[arg-type]
    with db.sessions() as s:
        rows = s.scalars(select(AirReading).order_by(AirReading.at)).all()
        assert [r.at for r in rows] == [
            datetime(1999, 12, 31, 23, tzinfo=UTC),
            datetime(2013, 2, 28, 16, tzinfo=UTC),
            datetime(2013, 2, 28, 17, 0, 0, 250, tzinfo=UTC),
        ]
        assert [r.pm10 for r in rows] == [-5.0, 12.5, None]
        assert [r.co for r in rows] == [1e-3, None, None]
        assert [r.invalid for r in rows] == [1, 0, 0]
        # Bulk-loaded times compare equal to bound parameters (SQLite stores them as text).
        hit = s.scalar(
            select(AirReading.pm10).where(AirReading.at == datetime(2013, 2, 28, 16, tzinfo=UTC))
        )
        assert hit == 12.5


def test_a_failed_copy_leaves_nothing(db: Backend) -> None:
    with pytest.raises(Exception), db.sessions.begin() as s:  # noqa: B017 - the driver's own
        record = AirImport(
            format="prsa", files=[], rows_read=1, rows_stored=1, actor="t", report={}
        )
        s.add(record)
        s.flush()
        frame = pd.DataFrame(
            {
                "station_id": [999_999],  # no such station: the foreign key refuses it
                "at": pd.to_datetime(["2013-03-01"]).tz_localize("UTC"),
                "invalid": [0],
                "import_id": [record.id],
            }
        )
        copy_rows(s.connection(), AirReading.__table__, frame)  # type: ignore[arg-type]
    with db.sessions() as s:
        assert s.scalars(select(AirImport)).all() == []
