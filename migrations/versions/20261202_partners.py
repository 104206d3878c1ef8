"""Cross-region partners: sharing agreements, referrals, joint handling, webhooks.

Revision ID: 20261202_partners
Revises: 20261202_imagery
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

from models.base import JSONType, UTCDateTime
from models.spatial import discard_geometry_column

revision: str = "20261202_partners"
down_revision: str | None = "20261202_imagery"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fk(table: str, column: str, target: str) -> sa.ForeignKey:
    return sa.ForeignKey(f"{target}.id", name=f"fk_{table}_{column}_{target}")


def _id(table: str, column: str, target: str, nullable: bool = True) -> sa.Column:
    return sa.Column(column, sa.Integer(), _fk(table, column, target), nullable=nullable)


def upgrade() -> None:
    """Create the partner tables."""
    op.create_table(
        "partner_shares",
        sa.Column("id", sa.Integer(), primary_key=True),
        _id("partner_shares", "org_id", "organisations", nullable=False),
        sa.Column("area_kind", sa.String(30), nullable=False),
        sa.Column("buffer_m", sa.Float()),
        _id("partner_shares", "layer_feature_id", "layer_features"),
        sa.Column("geom", Geometry("GEOMETRY", srid=4326, spatial_index=True), nullable=False),
        sa.Column("note", sa.Text()),
        _id("partner_shares", "granted_by_id", "users"),
        sa.Column("granted_at", UTCDateTime(), nullable=False),
        sa.Column("revoked_at", UTCDateTime()),
    )
    op.create_index("ix_partner_shares_org_id", "partner_shares", ["org_id"])
    op.create_table(
        "referrals",
        sa.Column("id", sa.Integer(), primary_key=True),
        _id("referrals", "lead_id", "leads", nullable=False),
        _id("referrals", "from_org_id", "organisations", nullable=False),
        _id("referrals", "to_org_id", "organisations", nullable=False),
        sa.Column("basis", sa.Text(), nullable=False),
        sa.Column("note", sa.Text()),
        sa.Column("grants_originals", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("receipt_due_at", UTCDateTime(), nullable=False),
        sa.Column("received_at", UTCDateTime()),
        _id("referrals", "received_by_id", "users"),
        sa.Column("receipt_note", sa.Text()),
        sa.Column("progress", JSONType, nullable=False),
        sa.Column("outcome", sa.Text()),
        sa.Column("concluded_at", UTCDateTime()),
        _id("referrals", "created_by_id", "users"),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    for column in ("lead_id", "from_org_id", "to_org_id", "status", "receipt_due_at"):
        op.create_index(f"ix_referrals_{column}", "referrals", [column])
    op.create_table(
        "lead_organisations",
        sa.Column(
            "lead_id",
            sa.Integer(),
            _fk("lead_organisations", "lead_id", "leads"),
            primary_key=True,
        ),
        sa.Column(
            "org_id",
            sa.Integer(),
            _fk("lead_organisations", "org_id", "organisations"),
            primary_key=True,
        ),
        sa.Column("role", sa.String(10), nullable=False),
        _id("lead_organisations", "added_by_id", "users"),
        sa.Column("added_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Integer(), primary_key=True),
        _id("subscriptions", "org_id", "organisations", nullable=False),
        _id("subscriptions", "created_by_id", "users"),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("events", JSONType, nullable=False),
        sa.Column("area", Geometry("GEOMETRY", srid=4326, spatial_index=True)),
        sa.Column("secret", sa.String(200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("disabled_reason", sa.Text()),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_subscriptions_org_id", "subscriptions", ["org_id"])
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.Integer(), primary_key=True),
        _id("webhook_deliveries", "subscription_id", "subscriptions", nullable=False),
        sa.Column("message_id", sa.String(64), nullable=False),
        sa.Column("event", sa.String(40), nullable=False),
        sa.Column("payload", JSONType, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime()),
        sa.Column("claimed_by", sa.String(120)),
        sa.Column("claimed_until", UTCDateTime()),
        sa.Column("log", JSONType, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("delivered_at", UTCDateTime()),
        sa.UniqueConstraint("message_id", name="uq_webhook_deliveries_message_id"),
    )
    for column in ("subscription_id", "status", "next_attempt_at"):
        op.create_index(f"ix_webhook_deliveries_{column}", "webhook_deliveries", [column])


def downgrade() -> None:
    """Drop the partner tables."""
    op.drop_table("webhook_deliveries")
    discard_geometry_column(op.get_bind(), "subscriptions", "area")
    op.drop_table("subscriptions")
    op.drop_table("lead_organisations")
    op.drop_table("referrals")
    discard_geometry_column(op.get_bind(), "partner_shares", "geom")
    op.drop_table("partner_shares")
