"""Archived originals: the custody record of each evidence original copied to S3-compatible
object storage under Object Lock (bucket, key, version, retention, checked SHA-256).

Revision ID: 20261208_archived_originals
Revises: 20261208_referral_kinds
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.base import UTCDateTime

revision: str = "20261208_archived_originals"
down_revision: str | None = "20261208_referral_kinds"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create archived_originals."""
    op.create_table(
        "archived_originals",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("bytes", sa.BigInteger(), nullable=False),
        sa.Column("bucket", sa.String(63), nullable=False),
        sa.Column("object_key", sa.String(400), nullable=False),
        sa.Column("version_id", sa.String(200), nullable=False),
        sa.Column("lock_mode", sa.String(20), nullable=False),
        sa.Column("retain_until", UTCDateTime(), nullable=False),
        sa.Column("checksum_sha256", sa.String(64), nullable=False),
        sa.Column("archived_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("sha256", name="uq_archived_originals_sha256"),
    )


def downgrade() -> None:
    """Drop archived_originals."""
    op.drop_table("archived_originals")
