"""Versioned legal bases: a stable code per basis, the period each version is in force, the
instrument and edition it quotes, whether its numbering needs review, and the note a
zone-gated row gives outside its zone.

Existing rows keep their values and get no code (the seeder then adds the coded rows, and
matching skips uncoded ones: see app/services/leads/build.py::legal_rows).

Revision ID: 20261203_legal_versions
Revises: 20261203_air_at_index
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261203_legal_versions"
down_revision: str | None = "20261203_air_at_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the version columns to legal_bases and index the code."""
    with op.batch_alter_table("legal_bases") as batch:
        batch.add_column(sa.Column("code", sa.String(50)))
        batch.add_column(sa.Column("effective_from", sa.Date()))
        batch.add_column(sa.Column("effective_to", sa.Date()))
        batch.add_column(sa.Column("source", sa.String(300)))
        batch.add_column(
            sa.Column("needs_review", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("absent_note", sa.Text()))
    op.create_index("ix_legal_bases_code", "legal_bases", ["code"])


def downgrade() -> None:
    """Drop the version columns (and the coded rows, which the old code cannot tell apart)."""
    op.execute("DELETE FROM legal_bases WHERE code IS NOT NULL")
    op.drop_index("ix_legal_bases_code", table_name="legal_bases")
    with op.batch_alter_table("legal_bases") as batch:
        batch.drop_column("absent_note")
        batch.drop_column("needs_review")
        batch.drop_column("source")
        batch.drop_column("effective_to")
        batch.drop_column("effective_from")
        batch.drop_column("code")
