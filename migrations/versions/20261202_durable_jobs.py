"""Durable jobs: the worker holding a running job, its heartbeat, and the number of claims,
so that jobs cut off by a crash are run again or failed instead of staying 'running'.

Revision ID: 20261202_durable_jobs
Revises: 20261202_photo_dups
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.base import UTCDateTime

revision: str = "20261202_durable_jobs"
down_revision: str | None = "20261202_photo_dups"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add jobs.claimed_by, heartbeat_at, attempts; index the queue's claim order."""
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("claimed_by", sa.String(120)))
        batch.add_column(sa.Column("heartbeat_at", UTCDateTime()))
        batch.add_column(
            sa.Column("attempts", sa.Integer(), nullable=False, server_default="0")
        )
    op.create_index("ix_jobs_status_created_at", "jobs", ["status", "created_at"])


def downgrade() -> None:
    """Drop the durability columns (running jobs are then failed by the old start-up)."""
    op.drop_index("ix_jobs_status_created_at", table_name="jobs")
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("attempts")
        batch.drop_column("heartbeat_at")
        batch.drop_column("claimed_by")
