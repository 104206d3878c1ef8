"""Reserve grade: a nature-reserve feature records its reserve's grade (国家公园, 国家级, 省级,
市级, 县级), since 刑法 art. 342-1 covers only national parks and national-level reserves.

Revision ID: 20261207_reserve_grade
Revises: 20261207_lead_findings
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261207_reserve_grade"
down_revision: str | None = "20261207_lead_findings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add layer_features.grade (empty: not recorded)."""
    op.add_column("layer_features", sa.Column("grade", sa.String(20)))


def downgrade() -> None:
    """Drop layer_features.grade."""
    op.drop_column("layer_features", "grade")
