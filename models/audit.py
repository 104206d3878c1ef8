"""The tamper-evident log: every change to a lead or its evidence, chained by hash."""

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, JSONType, UTCDateTime
from models.spatial import hold_lock


class AuditEntry(Base):
    """One append-only entry; `hash` covers its content and the previous entry's hash."""

    __tablename__ = "audit_entries"
    # One successor per entry: two writers racing for the same tail cannot fork the chain.
    __table_args__ = (UniqueConstraint("prev_hash", name="uq_audit_entries_prev_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Place in the chain, 1 for the first entry: the head (seq, hash) is anchored outside.
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(40), index=True)
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id"), index=True)
    evidence_id: Mapped[int | None] = mapped_column(ForeignKey("evidence_items.id"), index=True)
    change: Mapped[dict[str, Any]] = mapped_column(JSONType)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


# Any 64-bit number works; this one spells "audit" so a DBA reading pg_locks can tell.
CHAIN_LOCK = 0x61756469740000


def lock_chain(session: Session) -> None:
    """Hold the chain's append lock until this transaction ends, so that two writers never
    read the same tail."""
    hold_lock(session, CHAIN_LOCK, "audit_entries")
