"""Leads: evidence items, leads, score weights, legal bases, suggestions, audit log.

Revision ID: 20261125_leads
Revises: 20261125_identity_reports
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

from models.base import JSONType, UTCDateTime
from models.spatial import discard_geometry_column

revision: str = "20261125_leads"
down_revision: str | None = "20261125_identity_reports"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fk(table: str, column: str, target: str, **kw: str) -> sa.ForeignKey:
    return sa.ForeignKey(f"{target}.id", name=f"fk_{table}_{column}_{target}", **kw)


def upgrade() -> None:
    """Create the lead tables."""
    op.create_table(
        "leads",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("category", sa.String(50), nullable=False),
        sa.Column("geom", Geometry("GEOMETRY", srid=4326, spatial_index=True), nullable=False),
        sa.Column("org_id", sa.Integer(), _fk("leads", "org_id", "organisations")),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("assignee_id", sa.Integer(), _fk("leads", "assignee_id", "users")),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("score_breakdown", JSONType, nullable=False),
        sa.Column("weights_version", sa.Integer()),
        sa.Column("legal_bases", JSONType, nullable=False),
        sa.Column("geocode", JSONType, nullable=False),
        sa.Column("merged_into_id", sa.Integer(), _fk("leads", "merged_into_id", "leads")),
        sa.Column("first_evidence_at", UTCDateTime()),
        sa.Column("last_evidence_at", UTCDateTime()),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    for col in ("category", "org_id", "status", "assignee_id", "score", "last_evidence_at"):
        op.create_index(f"ix_leads_{col}", "leads", [col])
    op.create_table(
        "evidence_items",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("category", sa.String(50), nullable=False),
        sa.Column("geom", Geometry("GEOMETRY", srid=4326, spatial_index=True), nullable=False),
        sa.Column("observed_at", UTCDateTime(), nullable=False),
        sa.Column("source", sa.String(100)),
        sa.Column("report_id", sa.Integer(), _fk("evidence_items", "report_id", "reports")),
        sa.Column("provenance", JSONType, nullable=False),
        sa.Column("lead_id", sa.Integer(), _fk("evidence_items", "lead_id", "leads")),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    for col in ("kind", "category", "observed_at", "report_id", "lead_id"):
        op.create_index(f"ix_evidence_items_{col}", "evidence_items", [col])
    op.create_table(
        "score_weights",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("weights", JSONType, nullable=False),
        sa.Column("note", sa.Text()),
        sa.Column("created_by_id", sa.Integer(), _fk("score_weights", "created_by_id", "users")),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "legal_bases",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("category", sa.String(50)),
        sa.Column("zone_kind", sa.String(50)),
        sa.Column("zone_level", sa.String(20)),
        sa.Column("law", sa.String(200), nullable=False),
        sa.Column("article", sa.String(100), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("elements", JSONType, nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_legal_bases_category", "legal_bases", ["category"])
    op.create_table(
        "suggestions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("lead_id", sa.Integer(), _fk("suggestions", "lead_id", "leads"), nullable=False),
        sa.Column("agency", sa.String(200), nullable=False),
        sa.Column("issued_at", UTCDateTime(), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("replied_at", UTCDateTime()),
        sa.Column("reply_note", sa.Text()),
    )
    op.create_index("ix_suggestions_lead_id", "suggestions", ["lead_id"])
    op.create_index("ix_suggestions_due_at", "suggestions", ["due_at"])
    op.create_table(
        "audit_entries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("lead_id", sa.Integer(), _fk("audit_entries", "lead_id", "leads")),
        sa.Column(
            "evidence_id", sa.Integer(), _fk("audit_entries", "evidence_id", "evidence_items")
        ),
        sa.Column("change", JSONType, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.UniqueConstraint("prev_hash", name="uq_audit_entries_prev_hash"),
        sa.UniqueConstraint("hash", name="uq_audit_entries_hash"),
    )
    op.create_index("ix_audit_entries_action", "audit_entries", ["action"])
    op.create_index("ix_audit_entries_lead_id", "audit_entries", ["lead_id"])
    op.create_index("ix_audit_entries_evidence_id", "audit_entries", ["evidence_id"])


def downgrade() -> None:
    """Drop the lead tables."""
    op.drop_table("audit_entries")
    op.drop_table("suggestions")
    op.drop_table("legal_bases")
    op.drop_table("score_weights")
    discard_geometry_column(op.get_bind(), "evidence_items", "geom")
    op.drop_table("evidence_items")
    discard_geometry_column(op.get_bind(), "leads", "geom")
    op.drop_table("leads")
