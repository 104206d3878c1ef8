"""Organisations (procuratorates, own and partner), their jurisdictions, users and tokens."""

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, JSONType, TimestampMixin, UTCDateTime, geometry_column, utcnow

ORG_ROLES = ("own", "partner")
ORG_LEVELS = ("province", "city", "county")


class Organisation(TimestampMixin, Base):
    """A procuratorate; users (issue 3) belong to one, leads are routed by jurisdiction."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    level: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    admin_code: Mapped[str | None] = mapped_column(String(32))
    jurisdiction: Mapped[Any] = geometry_column("MULTIPOLYGON")
    # Where the jurisdiction geometry came from, e.g. "admin-county v1 #130730".
    jurisdiction_source: Mapped[str | None] = mapped_column(String(300))


ROLES = ("admin", "prosecutor", "volunteer", "partner")


class User(TimestampMixin, Base):
    """A person or machine client; belongs to one organisation and has one role."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    username: Mapped[str] = mapped_column(String(200), unique=True)
    phone: Mapped[str | None] = mapped_column(String(32), unique=True)
    email: Mapped[str | None] = mapped_column(String(200), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(default=True)


class Token(Base):
    """A bearer token: a login session or a long-lived API token. Only its hash is kept."""

    __tablename__ = "tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    name: Mapped[str | None] = mapped_column(String(200))
    scopes: Mapped[list[str]] = mapped_column(JSONType, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The token this one was minted from: it works only while that one does. No foreign
    # key: SQLite can add one only by rebuilding `tokens`, whose DROP (foreign keys on)
    # would null reports.token_id; a missing parent counts as revoked.
    parent_token_id: Mapped[int | None] = mapped_column(index=True)


class LoginFailure(Base):
    """One failed sign-in, kept for the throttling window (shared by every process)."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The name as typed, stripped and case-folded, whether or not such an account exists.
    account: Mapped[str] = mapped_column(String(200), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
