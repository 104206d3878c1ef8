"""Reference layers, their immutable versions, and the features of each version."""

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, JSONType, UTCDateTime, geometry_column, utcnow


class Layer(Base):
    """A named reference layer of a kind; its content lives in versions."""

    __tablename__ = "layers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(50), index=True)
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class LayerVersion(Base):
    """One import of a layer; never modified after it is written."""

    __tablename__ = "layer_versions"
    __table_args__ = (
        UniqueConstraint("layer_id", "version", name="uq_layer_versions_layer_version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    layer_id: Mapped[int] = mapped_column(ForeignKey("layers.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    source_filename: Mapped[str] = mapped_column(String(300))
    source_sha256: Mapped[str] = mapped_column(String(64))
    source_format: Mapped[str] = mapped_column(String(30))
    source_crs: Mapped[str] = mapped_column(String(100))
    feature_count: Mapped[int] = mapped_column(Integer)
    repaired_count: Mapped[int] = mapped_column(Integer, default=0)
    skipped_count: Mapped[int] = mapped_column(Integer, default=0)
    options: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    bbox: Mapped[list[float] | None] = mapped_column(JSONType)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class LayerFeature(Base):
    """A feature of a layer version, in EPSG:4326, with normalised name/level/code."""

    __tablename__ = "layer_features"

    id: Mapped[int] = mapped_column(primary_key=True)
    layer_version_id: Mapped[int] = mapped_column(
        ForeignKey("layer_versions.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str | None] = mapped_column(String(300))
    level: Mapped[str | None] = mapped_column(String(50))
    # A nature reserve's grade (rules/kinds.py RESERVE_GRADES); empty when not recorded.
    grade: Mapped[str | None] = mapped_column(String(20))
    code: Mapped[str | None] = mapped_column(String(100), index=True)
    properties: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    geom: Mapped[Any] = geometry_column("GEOMETRY", nullable=False)
