"""Imagery as evidence: images, change detections, change polygons, re-checks.

Revision ID: 20261202_imagery
Revises: 20261202_durable_jobs
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

from models.base import JSONType, UTCDateTime
from models.spatial import discard_geometry_column

revision: str = "20261202_imagery"
down_revision: str | None = "20261202_durable_jobs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fk(table: str, column: str, target: str) -> sa.ForeignKey:
    return sa.ForeignKey(f"{target}.id", name=f"fk_{table}_{column}_{target}")


def _geom() -> Geometry:
    return Geometry("GEOMETRY", srid=4326, spatial_index=True)


def upgrade() -> None:
    """Create the imagery tables."""
    op.create_table(
        "images",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("sensor", sa.String(20), nullable=False),
        sa.Column("title", sa.String(200)),
        sa.Column("original_name", sa.String(255), nullable=False),
        sa.Column("original_sha256", sa.String(64), nullable=False),
        sa.Column("original_key", sa.String(120), nullable=False),
        sa.Column("original_bytes", sa.BigInteger(), nullable=False),
        sa.Column("cog_key", sa.String(120)),
        sa.Column("cog_sha256", sa.String(64)),
        sa.Column("footprint", _geom(), nullable=False),
        sa.Column("acquired_at", UTCDateTime(), nullable=False),
        sa.Column("bands", JSONType, nullable=False),
        sa.Column("scale", JSONType, nullable=False),
        sa.Column("epsg", sa.Integer()),
        sa.Column("gsd_m", sa.Float()),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("band_count", sa.Integer(), nullable=False),
        sa.Column("dtype", sa.String(20), nullable=False),
        sa.Column("illustrative", sa.Boolean(), nullable=False),
        sa.Column("properties", JSONType, nullable=False),
        sa.Column("evidence_id", sa.Integer(), _fk("images", "evidence_id", "evidence_items")),
        sa.Column("created_by_id", sa.Integer(), _fk("images", "created_by_id", "users")),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("original_sha256", name="uq_images_original_sha256"),
    )
    op.create_index("ix_images_kind", "images", ["kind"])
    op.create_index("ix_images_sensor", "images", ["sensor"])
    op.create_index("ix_images_acquired_at", "images", ["acquired_at"])
    op.create_table(
        "change_detections",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "before_id", sa.Integer(), _fk("change_detections", "before_id", "images"),
            nullable=False,
        ),
        sa.Column(
            "after_id", sa.Integer(), _fk("change_detections", "after_id", "images"),
            nullable=False,
        ),
        sa.Column("index", sa.String(10), nullable=False),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("min_area_m2", sa.Float(), nullable=False),
        sa.Column("direction", sa.String(10), nullable=False),
        sa.Column("summary", JSONType, nullable=False),
        sa.Column(
            "created_by_id", sa.Integer(), _fk("change_detections", "created_by_id", "users")
        ),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_change_detections_before_id", "change_detections", ["before_id"])
    op.create_index("ix_change_detections_after_id", "change_detections", ["after_id"])
    op.create_table(
        "change_polygons",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "detection_id", sa.Integer(),
            _fk("change_polygons", "detection_id", "change_detections"), nullable=False,
        ),
        sa.Column("geom", _geom(), nullable=False),
        sa.Column("area_ha", sa.Float(), nullable=False),
        sa.Column("mean_change", sa.Float(), nullable=False),
        sa.Column("pixels", sa.Integer(), nullable=False),
        sa.Column("confidence", sa.String(10), nullable=False),
        sa.Column("confirmations", JSONType, nullable=False),
        sa.Column("zones", JSONType, nullable=False),
        sa.Column("category", sa.String(50)),
        sa.Column(
            "evidence_id", sa.Integer(), _fk("change_polygons", "evidence_id", "evidence_items")
        ),
    )
    op.create_index("ix_change_polygons_detection_id", "change_polygons", ["detection_id"])
    op.create_index("ix_change_polygons_evidence_id", "change_polygons", ["evidence_id"])
    op.create_table(
        "rechecks",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("lead_id", sa.Integer(), _fk("rechecks", "lead_id", "leads"), nullable=False),
        sa.Column(
            "after_id", sa.Integer(), _fk("rechecks", "after_id", "images"), nullable=False
        ),
        sa.Column("restored_fraction", sa.Float()),
        sa.Column("polygons", JSONType, nullable=False),
        sa.Column("note", sa.Text()),
        sa.Column("created_by_id", sa.Integer(), _fk("rechecks", "created_by_id", "users")),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_rechecks_lead_id", "rechecks", ["lead_id"])


def downgrade() -> None:
    """Drop the imagery tables."""
    op.drop_table("rechecks")
    discard_geometry_column(op.get_bind(), "change_polygons", "geom")
    op.drop_table("change_polygons")
    op.drop_table("change_detections")
    discard_geometry_column(op.get_bind(), "images", "footprint")
    op.drop_table("images")
