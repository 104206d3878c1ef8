"""Audit entries know their place in the chain (seq), so the chain's head can be anchored
outside the database.

Revision ID: 20261202_audit_seq
Revises: 20261202_hardening_auth
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261202_audit_seq"
down_revision: str | None = "20261202_hardening_auth"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add audit_entries.seq, numbered along the chain (1 for the first entry)."""
    with op.batch_alter_table("audit_entries") as batch:
        batch.add_column(sa.Column("seq", sa.BigInteger()))
    op.execute(
        "UPDATE audit_entries SET seq = (SELECT count(*) FROM audit_entries AS e "
        "WHERE e.id <= audit_entries.id)"
    )
    with op.batch_alter_table("audit_entries") as batch:
        batch.alter_column("seq", existing_type=sa.BigInteger(), nullable=False)
        batch.create_unique_constraint("uq_audit_entries_seq", ["seq"])


def downgrade() -> None:
    """Drop audit_entries.seq."""
    with op.batch_alter_table("audit_entries") as batch:
        batch.drop_constraint("uq_audit_entries_seq", type_="unique")
        batch.drop_column("seq")
