"""Identity (users, tokens) and volunteers' reports with their photos.

Revision ID: 20261125_identity_reports
Revises: 20261125_spine
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

from models.base import JSONType, UTCDateTime
from models.spatial import discard_geometry_column

revision: str = "20261125_identity_reports"
down_revision: str | None = "20261125_spine"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create users, tokens, reports and report photos."""
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "org_id",
            sa.Integer(),
            sa.ForeignKey("organisations.id", name="fk_users_org_id_organisations"),
            nullable=False,
        ),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("username", sa.String(200), nullable=False),
        sa.Column("phone", sa.String(32)),
        sa.Column("email", sa.String(200)),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("username", name="uq_users_username"),
        sa.UniqueConstraint("phone", name="uq_users_phone"),
        sa.UniqueConstraint("email", name="uq_users_email"),
        sa.CheckConstraint(
            "role IN ('admin', 'prosecutor', 'volunteer', 'partner')", name="ck_users_role"
        ),
    )
    op.create_index("ix_users_org_id", "users", ["org_id"])
    op.create_table(
        "tokens",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "user_id",
            sa.Integer(),
            sa.ForeignKey("users.id", ondelete="CASCADE", name="fk_tokens_user_id_users"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("name", sa.String(200)),
        sa.Column("scopes", JSONType, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("revoked_at", UTCDateTime()),
        sa.Column("last_used_at", UTCDateTime()),
        sa.UniqueConstraint("token_hash", name="uq_tokens_token_hash"),
        sa.CheckConstraint("kind IN ('session', 'api')", name="ck_tokens_kind"),
    )
    op.create_index("ix_tokens_user_id", "tokens", ["user_id"])
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "user_id",
            sa.Integer(),
            sa.ForeignKey("users.id", name="fk_reports_user_id_users"),
            nullable=False,
        ),
        sa.Column(
            "token_id",
            sa.Integer(),
            sa.ForeignKey("tokens.id", ondelete="SET NULL", name="fk_reports_token_id_tokens"),
        ),
        sa.Column(
            "org_id",
            sa.Integer(),
            sa.ForeignKey("organisations.id", name="fk_reports_org_id_organisations"),
            nullable=False,
        ),
        sa.Column("idempotency_key", sa.String(200)),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("category", sa.String(50), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("location", Geometry("POINT", srid=4326, spatial_index=True), nullable=False),
        sa.Column("location_source", sa.String(20), nullable=False),
        sa.Column("accuracy_m", sa.Float()),
        sa.Column("device_location", JSONType),
        sa.Column("observed_at", UTCDateTime()),
        sa.Column("submitted_at", UTCDateTime(), nullable=False),
        sa.Column("flags", JSONType, nullable=False),
        sa.Column("geocode", JSONType, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("status_note", sa.Text()),
        sa.Column(
            "duplicate_of_id",
            sa.Integer(),
            sa.ForeignKey("reports.id", name="fk_reports_duplicate_of_id_reports"),
        ),
        sa.UniqueConstraint("user_id", "idempotency_key", name="uq_reports_user_idempotency"),
    )
    for col in ("user_id", "token_id", "org_id", "category", "submitted_at"):
        op.create_index(f"ix_reports_{col}", "reports", [col])
    op.create_table(
        "report_photos",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "report_id",
            sa.Integer(),
            sa.ForeignKey(
                "reports.id", ondelete="CASCADE", name="fk_report_photos_report_id_reports"
            ),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("original_filename", sa.String(300)),
        sa.Column("format", sa.String(10), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("phash", sa.String(16), nullable=False),
        sa.Column("exif", JSONType, nullable=False),
        sa.Column("taken_at", UTCDateTime()),
        sa.Column(
            "duplicate_of_id",
            sa.Integer(),
            sa.ForeignKey(
                "report_photos.id", name="fk_report_photos_duplicate_of_id_report_photos"
            ),
        ),
        sa.UniqueConstraint("report_id", "position", name="uq_report_photos_position"),
    )
    for col in ("report_id", "sha256", "phash"):
        op.create_index(f"ix_report_photos_{col}", "report_photos", [col])
    with op.batch_alter_table("jobs") as jobs:
        jobs.add_column(sa.Column("created_by_id", sa.Integer()))
        jobs.create_foreign_key("fk_jobs_created_by_id_users", "users", ["created_by_id"], ["id"])


def downgrade() -> None:
    """Drop reports, photos, tokens and users."""
    with op.batch_alter_table("jobs") as jobs:
        jobs.drop_constraint("fk_jobs_created_by_id_users", type_="foreignkey")
        jobs.drop_column("created_by_id")
    op.drop_table("report_photos")
    discard_geometry_column(op.get_bind(), "reports", "location")
    op.drop_table("reports")
    op.drop_table("tokens")
    op.drop_table("users")
