"""Procuratorial suggestions: the day the agency received it, whether it complied, and the
follow-up reviews.

Revision ID: 20261202_suggestion_reply
Revises: 20261202_partners
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.base import JSONType, UTCDateTime

revision: str = "20261202_suggestion_reply"
down_revision: str | None = "20261202_partners"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add suggestions.served_at, complied and follow_ups (served_at = issued_at so far)."""
    with op.batch_alter_table("suggestions") as batch:
        batch.add_column(sa.Column("served_at", UTCDateTime()))
        batch.add_column(sa.Column("complied", sa.Boolean()))
        batch.add_column(sa.Column("follow_ups", JSONType))
    op.execute("UPDATE suggestions SET served_at = issued_at")


def downgrade() -> None:
    """Drop the reply columns."""
    with op.batch_alter_table("suggestions") as batch:
        batch.drop_column("follow_ups")
        batch.drop_column("complied")
        batch.drop_column("served_at")
