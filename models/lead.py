"""Evidence items, the leads (线索) that group them, scoring weights and legal bases."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, Float, ForeignKey, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from geo.place import Place
from models.base import Base, JSONType, TimestampMixin, UTCDateTime, geometry_column, utcnow
from rules.workflow import CLOSED_STATUSES, OPEN_STATUSES

# Every state of a lead: worked on, closed after work, or ended otherwise.
LEAD_STATUSES = (*OPEN_STATUSES, *CLOSED_STATUSES, "rejected", "duplicate", "transferred")


class EvidenceItem(Base):
    """One piece of evidence of any kind, with its place, time, provenance and source record."""

    __tablename__ = "evidence_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), index=True)
    category: Mapped[str] = mapped_column(String(50), index=True)
    geom: Mapped[Any] = geometry_column("GEOMETRY", nullable=False)
    observed_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    source: Mapped[str | None] = mapped_column(String(100))
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"), index=True)
    provenance: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Lead(TimestampMixin, Base):
    """A possible violation worth looking into: one place, one problem, all its evidence."""

    __tablename__ = "leads"

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(50), index=True)
    geom: Mapped[Any] = geometry_column("GEOMETRY", nullable=False)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    status: Mapped[str] = mapped_column(String(30), default="new", index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    score: Mapped[float] = mapped_column(Float, default=0.0, index=True)
    score_breakdown: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    weights_version: Mapped[int | None] = mapped_column(Integer)
    legal_bases: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    # {} until the lead is geocoded
    geocode: Mapped[Place | dict[str, Any]] = mapped_column(JSONType, default=dict)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id"))
    first_evidence_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_evidence_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    # The case path chosen at filing (rules.workflow.PATHS); None before filing.
    path: Mapped[str | None] = mapped_column(String(20))
    # The pre-suggestion consultation (磋商): {on: YYYY-MM-DD (CST), note, by}.
    consultation: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    # The civil path's public notice: published (start of its CST day) and its period's end.
    notice_start: Mapped[datetime | None] = mapped_column(UTCDateTime())
    notice_end: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The organisation entitled to sue that did sue (the procuratorate supports its suit).
    notice_plaintiff: Mapped[str | None] = mapped_column(String(200))


class ScoreWeights(Base):
    """A version of the scoring weights; the newest is in force. Admins add versions."""

    __tablename__ = "score_weights"

    id: Mapped[int] = mapped_column(primary_key=True)
    weights: Mapped[dict[str, float]] = mapped_column(JSONType)
    note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class LegalBasis(Base):
    """Which statute a category (and zone kind/level) touches, and the evidence it needs: one
    version of the basis `code`, in force from `effective_from` to `effective_to` (inclusive;
    None: still in force). Rows without a code predate versioning and are not matched."""

    __tablename__ = "legal_bases"

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str | None] = mapped_column(String(50), index=True)
    zone_kind: Mapped[str | None] = mapped_column(String(50))
    zone_level: Mapped[str | None] = mapped_column(String(20))
    law: Mapped[str] = mapped_column(String(200))
    article: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    elements: Mapped[list[str]] = mapped_column(JSONType, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    code: Mapped[str | None] = mapped_column(String(50), index=True)
    effective_from: Mapped[date | None] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str | None] = mapped_column(String(300))  # instrument and edition quoted
    # The current article numbering/text could not be confirmed from a primary text.
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Set on a row that requires its zone: outside it, this note replaces any article.
    absent_note: Mapped[str | None] = mapped_column(Text)
    # SHA-256 of the row as the seed wrote it (rules.legal.row_digest): while the row still
    # has it, nobody edited it, and a corrected seed replaces it.
    seed_digest: Mapped[str | None] = mapped_column(String(64))


class Suggestion(Base):
    """A pre-litigation procuratorial suggestion (诉前检察建议): when the agency received it,
    its reply deadline, the reply, and the follow-up reviews."""

    __tablename__ = "suggestions"

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id"), index=True)
    agency: Mapped[str] = mapped_column(String(200))
    # The agency's level (rules/referrals.py AGENCY_LEVELS; 办案规则 art. 13), if recorded.
    agency_level: Mapped[str | None] = mapped_column(String(20))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    # The day the agency received it (the reply period runs from there; CST calendar day).
    served_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reply_note: Mapped[str | None] = mapped_column(Text)
    complied: Mapped[bool | None] = mapped_column(Boolean)
    # Follow-up reviews (跟进监督) after the reply: [{at, by, note, remedied}].
    follow_ups: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONType)


class LeadFinding(Base):
    """A prosecutor's finding on an evidence element the service cannot prove itself (who is
    responsible, the agency's duty, the harm appraisal, causation, the substance): proven or
    not, why, and the evidence items it rests on. The newest per element counts."""

    __tablename__ = "lead_findings"

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id"), index=True)
    element: Mapped[str] = mapped_column(String(40))
    proven: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(Text)
    evidence_ids: Mapped[list[int]] = mapped_column(JSONType, default=list)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
