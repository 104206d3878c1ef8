"""Drop the index on air_readings.at: every query finds readings by station and hour (the
unique (station_id, at) key serves them), and the extra index cost a bulk import ~7 %.

Revision ID: 20261203_air_at_index
Revises: 20261202_suggestion_reply
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from alembic import op

revision: str = "20261203_air_at_index"
down_revision: str | None = "20261202_suggestion_reply"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Drop ix_air_readings_at."""
    op.drop_index("ix_air_readings_at", table_name="air_readings")


def downgrade() -> None:
    """Recreate ix_air_readings_at."""
    op.create_index("ix_air_readings_at", "air_readings", ["at"])
