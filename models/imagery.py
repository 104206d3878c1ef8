"""Imagery as evidence: images (scenes, orthomosaics, drone photos), change detections,
their change polygons, and remediation re-checks of a lead."""

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from geo.place import ZoneEntry
from models.base import Base, JSONType, UTCDateTime, geometry_column, utcnow


class Image(Base):
    """One imported image: the original kept byte-exact, a validated COG derived from it
    (none for a drone photo), and the footprint traced from its valid pixels."""

    __tablename__ = "images"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)  # raster | drone_photo
    sensor: Mapped[str] = mapped_column(String(20), index=True)
    title: Mapped[str | None] = mapped_column(String(200))
    original_name: Mapped[str] = mapped_column(String(255))
    original_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    original_key: Mapped[str] = mapped_column(String(120))
    original_bytes: Mapped[int] = mapped_column(BigInteger)
    cog_key: Mapped[str | None] = mapped_column(String(120))
    cog_sha256: Mapped[str | None] = mapped_column(String(64))
    footprint: Mapped[Any] = geometry_column("GEOMETRY", nullable=False)
    acquired_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    bands: Mapped[dict[str, int]] = mapped_column(JSONType, default=dict)
    scale: Mapped[dict[str, float]] = mapped_column(JSONType, default=dict)
    epsg: Mapped[int | None] = mapped_column(Integer)
    gsd_m: Mapped[float | None] = mapped_column(Float)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    band_count: Mapped[int] = mapped_column(Integer)
    dtype: Mapped[str] = mapped_column(String(20))
    illustrative: Mapped[bool] = mapped_column(Boolean, default=False)
    properties: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    evidence_id: Mapped[int | None] = mapped_column(ForeignKey("evidence_items.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ChangeDetection(Base):
    """A change detection between two images: its parameters, grid and summary."""

    __tablename__ = "change_detections"

    id: Mapped[int] = mapped_column(primary_key=True)
    before_id: Mapped[int] = mapped_column(ForeignKey("images.id"), index=True)
    after_id: Mapped[int] = mapped_column(ForeignKey("images.id"), index=True)
    index: Mapped[str] = mapped_column(String(10))
    threshold: Mapped[float] = mapped_column(Float)
    min_area_m2: Mapped[float] = mapped_column(Float)
    direction: Mapped[str] = mapped_column(String(10))
    summary: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ChangePolygon(Base):
    """One area that changed: size, mean index change, confidence, and the evidence item
    it became when it lies in a protected zone."""

    __tablename__ = "change_polygons"

    id: Mapped[int] = mapped_column(primary_key=True)
    detection_id: Mapped[int] = mapped_column(ForeignKey("change_detections.id"), index=True)
    geom: Mapped[Any] = geometry_column("GEOMETRY", nullable=False)
    area_ha: Mapped[float] = mapped_column(Float)
    mean_change: Mapped[float] = mapped_column(Float)
    pixels: Mapped[int] = mapped_column(Integer)
    confidence: Mapped[str] = mapped_column(String(10))  # low | high | highest
    confirmations: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    zones: Mapped[list[ZoneEntry]] = mapped_column(JSONType, default=list)
    category: Mapped[str | None] = mapped_column(String(50))
    evidence_id: Mapped[int | None] = mapped_column(ForeignKey("evidence_items.id"), index=True)


class Recheck(Base):
    """A remediation re-check of a lead: how much of its changed area is restored."""

    __tablename__ = "rechecks"

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id"), index=True)
    after_id: Mapped[int] = mapped_column(ForeignKey("images.id"))
    restored_fraction: Mapped[float | None] = mapped_column(Float)
    polygons: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
