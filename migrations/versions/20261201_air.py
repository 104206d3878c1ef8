"""Air quality: stations, readings, imports, fire hotspots, PM10 surfaces.

Revision ID: 20261201_air
Revises: 20261125_leads
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

from models.base import JSONType, UTCDateTime
from models.spatial import discard_geometry_column

revision: str = "20261201_air"
down_revision: str | None = "20261125_leads"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VALUES = (
    "pm10", "pm25", "so2", "no2", "co", "o3", "o3_8h",
    "wind_dir", "wind_speed", "temp", "pres", "dewpoint", "humidity", "rain",
)  # fmt: skip


def _fk(table: str, column: str, target: str) -> sa.ForeignKey:
    return sa.ForeignKey(f"{target}.id", name=f"fk_{table}_{column}_{target}")


def upgrade() -> None:
    """Create the air-quality tables."""
    op.create_table(
        "air_stations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("city", sa.String(100)),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("org_id", sa.Integer(), _fk("air_stations", "org_id", "organisations")),
        sa.Column("geom", Geometry("POINT", srid=4326, spatial_index=True), nullable=False),
        sa.Column("source", sa.String(200)),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("code", name="uq_air_stations_code"),
    )
    op.create_index("ix_air_stations_org_id", "air_stations", ["org_id"])
    op.create_table(
        "air_imports",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("format", sa.String(20), nullable=False),
        sa.Column("files", JSONType, nullable=False),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("rows_stored", sa.Integer(), nullable=False),
        sa.Column("report", JSONType, nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "air_readings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "station_id",
            sa.Integer(),
            _fk("air_readings", "station_id", "air_stations"),
            nullable=False,
        ),
        sa.Column("at", UTCDateTime(), nullable=False),
        *(sa.Column(name, sa.Float()) for name in VALUES),
        sa.Column("invalid", sa.Integer(), nullable=False),
        sa.Column(
            "import_id",
            sa.Integer(),
            _fk("air_readings", "import_id", "air_imports"),
            nullable=False,
        ),
        sa.UniqueConstraint("station_id", "at", name="uq_air_readings_station_at"),
    )
    op.create_index("ix_air_readings_at", "air_readings", ["at"])
    op.create_table(
        "fire_hotspots",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(120), nullable=False),
        sa.Column("geom", Geometry("POINT", srid=4326, spatial_index=True), nullable=False),
        sa.Column("acquired_at", UTCDateTime(), nullable=False),
        sa.Column("instrument", sa.String(10), nullable=False),
        sa.Column("satellite", sa.String(20), nullable=False),
        sa.Column("confidence_raw", sa.String(20), nullable=False),
        sa.Column("confidence_pct", sa.Float()),
        sa.Column("confidence_class", sa.String(10), nullable=False),
        sa.Column("frp", sa.Float()),
        sa.Column("brightness", sa.Float()),
        sa.Column("daynight", sa.String(2)),
        sa.Column("properties", JSONType, nullable=False),
        sa.Column(
            "import_id",
            sa.Integer(),
            _fk("fire_hotspots", "import_id", "air_imports"),
            nullable=False,
        ),
        sa.Column(
            "evidence_id", sa.Integer(), _fk("fire_hotspots", "evidence_id", "evidence_items")
        ),
        sa.UniqueConstraint("key", name="uq_fire_hotspots_key"),
    )
    op.create_index("ix_fire_hotspots_acquired_at", "fire_hotspots", ["acquired_at"])
    op.create_index("ix_fire_hotspots_import_id", "fire_hotspots", ["import_id"])
    op.create_table(
        "air_surfaces",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("pollutant", sa.String(10), nullable=False),
        sa.Column("period", sa.String(10), nullable=False),
        sa.Column("start", UTCDateTime(), nullable=False),
        sa.Column("label", sa.String(40), nullable=False),
        sa.Column("method", sa.String(20), nullable=False),
        sa.Column("bbox", JSONType, nullable=False),
        sa.Column("cell_m", sa.Float(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("stats", JSONType, nullable=False),
        sa.Column("file", sa.String(200), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_air_surfaces_start", "air_surfaces", ["start"])


def downgrade() -> None:
    """Drop the air-quality tables."""
    op.drop_table("air_surfaces")
    discard_geometry_column(op.get_bind(), "fire_hotspots", "geom")
    op.drop_table("fire_hotspots")
    op.drop_table("air_readings")
    op.drop_table("air_imports")
    discard_geometry_column(op.get_bind(), "air_stations", "geom")
    op.drop_table("air_stations")
