"""Findings: a prosecutor records an evidence element found by investigation (responsible
party, agency duty, harm appraisal, causation, the substance), proven or not, with a note and
the evidence it rests on.

Revision ID: 20261207_lead_findings
Revises: 20261207_legal_seed_digest
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.base import JSONType, UTCDateTime

revision: str = "20261207_lead_findings"
down_revision: str | None = "20261207_legal_seed_digest"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create lead_findings."""
    op.create_table(
        "lead_findings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "lead_id",
            sa.Integer(),
            sa.ForeignKey("leads.id", name="fk_lead_findings_lead_id_leads"),
            nullable=False,
        ),
        sa.Column("element", sa.String(40), nullable=False),
        sa.Column("proven", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("evidence_ids", JSONType, nullable=False),
        sa.Column(
            "created_by_id",
            sa.Integer(),
            sa.ForeignKey("users.id", name="fk_lead_findings_created_by_id_users"),
            nullable=False,
        ),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_lead_findings_lead_id", "lead_findings", ["lead_id"])


def downgrade() -> None:
    """Drop lead_findings."""
    op.drop_index("ix_lead_findings_lead_id", "lead_findings")
    op.drop_table("lead_findings")
