"""Air quality: monitoring stations, hourly readings, imports, fire hotspots, surfaces."""

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, JSONType, TimestampMixin, UTCDateTime, geometry_column, utcnow

STATION_KINDS = ("national", "provincial", "micro")


class AirStation(TimestampMixin, Base):
    """A monitoring station: national/provincial network or a micro sensor."""

    __tablename__ = "air_stations"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20), default="national")
    # GB 3095-2012 环境空气功能区: 1 一类区 (grade I limits), 2 二类区 (grade II)
    area_class: Mapped[int] = mapped_column(Integer, default=2, server_default="2")
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    geom: Mapped[Any] = geometry_column("POINT", nullable=False)
    source: Mapped[str | None] = mapped_column(String(200))


class AirImport(Base):
    """One import of readings or hotspots: its files (hashed) and its quality report."""

    __tablename__ = "air_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    format: Mapped[str] = mapped_column(String(20))
    files: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)
    rows_read: Mapped[int] = mapped_column(Integer)
    rows_stored: Mapped[int] = mapped_column(Integer)
    report: Mapped[dict[str, Any]] = mapped_column(JSONType)
    actor: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AirReading(Base):
    """One station hour, keyed by the start of the averaging hour (UTC).

    Values are stored as read; bit i of `invalid` marks the i-th value column of
    geo.air.quality.VALUE_COLUMNS as out of range, to be left out of statistics.
    """

    __tablename__ = "air_readings"
    __table_args__ = (UniqueConstraint("station_id", "at", name="uq_air_readings_station_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("air_stations.id"))
    # Not indexed alone: readings are found by station and hour (the unique key above).
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    pm10: Mapped[float | None] = mapped_column(Float)
    pm25: Mapped[float | None] = mapped_column(Float)
    so2: Mapped[float | None] = mapped_column(Float)
    no2: Mapped[float | None] = mapped_column(Float)
    co: Mapped[float | None] = mapped_column(Float)
    o3: Mapped[float | None] = mapped_column(Float)
    o3_8h: Mapped[float | None] = mapped_column(Float)
    wind_dir: Mapped[float | None] = mapped_column(Float)
    wind_speed: Mapped[float | None] = mapped_column(Float)
    temp: Mapped[float | None] = mapped_column(Float)
    pres: Mapped[float | None] = mapped_column(Float)
    dewpoint: Mapped[float | None] = mapped_column(Float)
    humidity: Mapped[float | None] = mapped_column(Float)
    rain: Mapped[float | None] = mapped_column(Float)
    invalid: Mapped[int] = mapped_column(Integer, default=0)
    # Not indexed: every index costs a bulk import dearly, and rows are found by station/hour.
    import_id: Mapped[int] = mapped_column(ForeignKey("air_imports.id"))


class FireHotspot(Base):
    """A satellite fire detection (NASA FIRMS, MODIS or VIIRS) as published."""

    __tablename__ = "fire_hotspots"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)  # instrument|sat|time|lat|lon
    geom: Mapped[Any] = geometry_column("POINT", nullable=False)
    acquired_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    instrument: Mapped[str] = mapped_column(String(10))
    satellite: Mapped[str] = mapped_column(String(20))
    confidence_raw: Mapped[str] = mapped_column(String(20))
    confidence_pct: Mapped[float | None] = mapped_column(Float)
    confidence_class: Mapped[str] = mapped_column(String(10))
    frp: Mapped[float | None] = mapped_column(Float)
    brightness: Mapped[float | None] = mapped_column(Float)
    daynight: Mapped[str | None] = mapped_column(String(2))
    properties: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    import_id: Mapped[int] = mapped_column(ForeignKey("air_imports.id"), index=True)
    evidence_id: Mapped[int | None] = mapped_column(ForeignKey("evidence_items.id"))


class AirSurface(Base):
    """An estimated PM10 surface: method, cross-validation and its GeoTIFF."""

    __tablename__ = "air_surfaces"

    id: Mapped[int] = mapped_column(primary_key=True)
    pollutant: Mapped[str] = mapped_column(String(10))
    period: Mapped[str] = mapped_column(String(10))  # hour | day
    start: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    label: Mapped[str] = mapped_column(String(40))  # the hour or local day it estimates
    method: Mapped[str] = mapped_column(String(20))
    bbox: Mapped[list[float]] = mapped_column(JSONType)
    cell_m: Mapped[float] = mapped_column(Float)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    stats: Mapped[dict[str, Any]] = mapped_column(JSONType)  # min/max/mean, stations, CV
    file: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
