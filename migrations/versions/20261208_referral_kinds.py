"""Referral kinds and receiving bodies: a referral is 移送管辖 (to the competent
procuratorate), 协作 (cooperation), 移送行政机关 (to an agency) or 移送犯罪线索 (a criminal clue to
the police); the last two go to a body outside the platform, named in `receiver`, so
`to_org_id` may be empty. Existing referrals were jurisdiction transfers to partner
procuratorates. Suggestions record the agency's level (办案规则 art. 13).

Revision ID: 20261208_referral_kinds
Revises: 20261208_station_area_class
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261208_referral_kinds"
down_revision: str | None = "20261208_station_area_class"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add referrals.kind and .receiver, let to_org_id be empty; add suggestions.agency_level."""
    with op.batch_alter_table("referrals") as batch:
        batch.add_column(
            sa.Column("kind", sa.String(20), nullable=False, server_default="jurisdiction")
        )
        batch.add_column(sa.Column("receiver", sa.String(200)))
        batch.alter_column("to_org_id", existing_type=sa.Integer(), nullable=True)
    with op.batch_alter_table("suggestions") as batch:
        batch.add_column(sa.Column("agency_level", sa.String(20)))


def downgrade() -> None:
    """Drop them again (external referrals first: they have no organisation)."""
    op.execute("DELETE FROM referrals WHERE to_org_id IS NULL")
    with op.batch_alter_table("suggestions") as batch:
        batch.drop_column("agency_level")
    with op.batch_alter_table("referrals") as batch:
        batch.alter_column("to_org_id", existing_type=sa.Integer(), nullable=False)
        batch.drop_column("receiver")
        batch.drop_column("kind")
