"""Citizen snap-and-report (随手拍) reports and their photos."""

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import InstrumentedAttribute, Mapped, mapped_column

from geo.place import Place
from models.base import Base, JSONType, UTCDateTime, geometry_column, utcnow

REPORT_STATUSES = (
    "received",
    "under_review",
    "lead_created",
    "rejected",
    "closed",
    "transferred",
)


class Report(Base):
    """One submission from a volunteer: category, description, located photos."""

    __tablename__ = "reports"
    __table_args__ = (
        UniqueConstraint("user_id", "idempotency_key", name="uq_reports_user_idempotency"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_id: Mapped[int | None] = mapped_column(
        ForeignKey("tokens.id", ondelete="SET NULL"), index=True
    )
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    content_hash: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(50), index=True)
    description: Mapped[str] = mapped_column(Text)
    location: Mapped[Any] = geometry_column("POINT", nullable=False)
    location_source: Mapped[str] = mapped_column(String(20))
    accuracy_m: Mapped[float | None] = mapped_column(Float)
    device_location: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    observed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    flags: Mapped[list[str]] = mapped_column(JSONType, default=list)
    geocode: Mapped[Place] = mapped_column(JSONType)
    status: Mapped[str] = mapped_column(String(20), default="received")
    status_note: Mapped[str | None] = mapped_column(Text)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"))


class ReportPhoto(Base):
    """A photo of a report: the original is kept byte for byte in the evidence store."""

    __tablename__ = "report_photos"
    __table_args__ = (UniqueConstraint("report_id", "position", name="uq_report_photos_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    original_filename: Mapped[str | None] = mapped_column(String(300))
    format: Mapped[str] = mapped_column(String(10))
    size_bytes: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    phash: Mapped[str] = mapped_column(String(16), index=True)
    # The pHash cut into geo.photos.duplicates.PHASH_BANDS 16-bit bands (most significant
    # first), each indexed: near duplicates are looked up among rows sharing a probed band.
    phash_band0: Mapped[int] = mapped_column(Integer, index=True)
    phash_band1: Mapped[int] = mapped_column(Integer, index=True)
    phash_band2: Mapped[int] = mapped_column(Integer, index=True)
    phash_band3: Mapped[int] = mapped_column(Integer, index=True)
    exif: Mapped[dict[str, Any]] = mapped_column(JSONType)
    taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("report_photos.id"))

    @classmethod
    def band_columns(cls) -> tuple[InstrumentedAttribute[int], ...]:
        """Return the pHash band columns, most significant band first."""
        return (cls.phash_band0, cls.phash_band1, cls.phash_band2, cls.phash_band3)
