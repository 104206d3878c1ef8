"""Spine: organisations, reference layers and their versions and features, jobs.

Revision ID: 20261125_spine
Revises:
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

from models.base import JSONType, UTCDateTime
from models.spatial import discard_geometry_column

revision: str = "20261125_spine"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the spine's tables with their spatial indexes."""
    if op.get_context().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_en", sa.String(200)),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column(
            "parent_id",
            sa.Integer(),
            sa.ForeignKey(
                "organisations.id",
                ondelete="SET NULL",
                name="fk_organisations_parent_id_organisations",
            ),
        ),
        sa.Column("admin_code", sa.String(32)),
        sa.Column("jurisdiction", Geometry("MULTIPOLYGON", srid=4326, spatial_index=True)),
        sa.Column("jurisdiction_source", sa.String(300)),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("code", name="uq_organisations_code"),
        sa.CheckConstraint("role IN ('own', 'partner')", name="ck_organisations_role"),
        sa.CheckConstraint(
            "level IN ('province', 'city', 'county')", name="ck_organisations_level"
        ),
    )
    op.create_index("ix_organisations_parent_id", "organisations", ["parent_id"])
    op.create_table(
        "layers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("title", sa.String(200)),
        sa.Column("kind", sa.String(50), nullable=False),
        sa.Column("description", sa.Text()),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("name", name="uq_layers_name"),
    )
    op.create_index("ix_layers_kind", "layers", ["kind"])
    op.create_table(
        "layer_versions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "layer_id",
            sa.Integer(),
            sa.ForeignKey(
                "layers.id", ondelete="CASCADE", name="fk_layer_versions_layer_id_layers"
            ),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("source_filename", sa.String(300), nullable=False),
        sa.Column("source_sha256", sa.String(64), nullable=False),
        sa.Column("source_format", sa.String(30), nullable=False),
        sa.Column("source_crs", sa.String(100), nullable=False),
        sa.Column("feature_count", sa.Integer(), nullable=False),
        sa.Column("repaired_count", sa.Integer(), nullable=False),
        sa.Column("skipped_count", sa.Integer(), nullable=False),
        sa.Column("options", JSONType, nullable=False),
        sa.Column("bbox", JSONType),
        sa.Column("imported_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("layer_id", "version", name="uq_layer_versions_layer_version"),
    )
    op.create_index("ix_layer_versions_layer_id", "layer_versions", ["layer_id"])
    op.create_table(
        "layer_features",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "layer_version_id",
            sa.Integer(),
            sa.ForeignKey(
                "layer_versions.id",
                ondelete="CASCADE",
                name="fk_layer_features_layer_version_id_layer_versions",
            ),
            nullable=False,
        ),
        sa.Column("name", sa.String(300)),
        sa.Column("level", sa.String(50)),
        sa.Column("code", sa.String(100)),
        sa.Column("properties", JSONType, nullable=False),
        sa.Column("geom", Geometry("GEOMETRY", srid=4326, spatial_index=True), nullable=False),
    )
    op.create_index("ix_layer_features_layer_version_id", "layer_features", ["layer_version_id"])
    op.create_index("ix_layer_features_code", "layer_features", ["code"])
    op.create_table(
        "jobs",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("kind", sa.String(50), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("message", sa.Text()),
        sa.Column("params", JSONType, nullable=False),
        sa.Column("result", JSONType),
        sa.Column("error", JSONType),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("started_at", UTCDateTime()),
        sa.Column("finished_at", UTCDateTime()),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'succeeded', 'failed')", name="ck_jobs_status"
        ),
    )
    op.create_index("ix_jobs_kind", "jobs", ["kind"])
    op.create_index("ix_jobs_status", "jobs", ["status"])


def downgrade() -> None:
    """Drop the spine's tables (the PostGIS extension is left in place)."""
    op.drop_table("jobs")
    discard_geometry_column(op.get_bind(), "layer_features", "geom")
    op.drop_table("layer_features")
    op.drop_table("layer_versions")
    op.drop_table("layers")
    discard_geometry_column(op.get_bind(), "organisations", "jurisdiction")
    op.drop_table("organisations")
