"""Station area class: an air station records its GB 3095-2012 ambient air function area
(1 一类区: nature reserves, scenic areas, other areas needing special protection, judged by
grade I limits; 2 二类区: judged by grade II), default 2.

Revision ID: 20261208_station_area_class
Revises: 20261207_reserve_grade
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261208_station_area_class"
down_revision: str | None = "20261207_reserve_grade"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add air_stations.area_class (existing stations: class 2)."""
    op.add_column(
        "air_stations",
        sa.Column("area_class", sa.Integer(), nullable=False, server_default="2"),
    )


def downgrade() -> None:
    """Drop air_stations.area_class."""
    op.drop_column("air_stations", "area_class")
