"""Organisations (procuratorates, own and partner) and their jurisdictions."""

from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, TimestampMixin, geometry_column

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
