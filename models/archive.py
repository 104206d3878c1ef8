"""Custody of evidence originals copied to WORM object storage."""

from datetime import datetime

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow


class ArchivedOriginal(Base):
    """One original's copy in object storage: where it is (bucket, key, version), that the
    store checked its SHA-256, and until when nobody can delete or overwrite it."""

    __tablename__ = "archived_originals"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    bytes: Mapped[int] = mapped_column(BigInteger)
    bucket: Mapped[str] = mapped_column(String(63))
    object_key: Mapped[str] = mapped_column(String(400))
    version_id: Mapped[str] = mapped_column(String(200))
    lock_mode: Mapped[str] = mapped_column(String(20))  # COMPLIANCE
    retain_until: Mapped[datetime] = mapped_column(UTCDateTime())
    # The object's SHA-256 as the store reports it (base64), checked against `sha256`.
    checksum_sha256: Mapped[str] = mapped_column(String(64))
    archived_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
