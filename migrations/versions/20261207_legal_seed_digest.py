"""Legal bases follow corrections of the seed: each coded row records the digest of what the
seed said when it was written (`seed_digest`), so that a row nobody edited can be told apart
from an edited one and replaced when the seed corrects it (app/services/leads/legal.py).

Existing coded rows get the digest of their current content: the service has no way to edit
legal bases, so they are as the seed wrote them unless edited in the database by hand, and
such an edit made before this revision is taken for the seed's.

Revision ID: 20261207_legal_seed_digest
Revises: 20261203_case_paths
Create Date: 2026-12-07
"""

import json
from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from alembic import op

from rules.legal import BasisRow, row_digest

revision: str = "20261207_legal_seed_digest"
down_revision: str | None = "20261203_case_paths"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FIELDS = (
    "code, category, zone_kind, zone_level, law, article, text, elements, effective_from, "
    "effective_to, source, needs_review, absent_note"
)


def upgrade() -> None:
    """Add legal_bases.seed_digest and fill it for the coded rows."""
    with op.batch_alter_table("legal_bases") as batch:
        batch.add_column(sa.Column("seed_digest", sa.String(64)))
    bind = op.get_bind()
    table = sa.table(
        "legal_bases",
        sa.column("id", sa.Integer),
        sa.column("seed_digest", sa.String),
        *(sa.column(name.strip()) for name in FIELDS.split(",")),
    )
    rows = bind.execute(
        sa.select(table).where(table.c.code.is_not(None), table.c.effective_from.is_not(None))
    ).mappings()
    for r in list(rows):
        elements = r["elements"]
        if isinstance(elements, str):  # untyped, SQLite hands JSON and dates back as text
            elements = json.loads(elements)
        effective_from, effective_to = r["effective_from"], r["effective_to"]
        if isinstance(effective_from, str):
            effective_from = date.fromisoformat(effective_from)
            effective_to = date.fromisoformat(effective_to) if effective_to else None
        row = BasisRow(
            r["code"], r["category"], r["zone_kind"], r["zone_level"], r["law"], r["article"],
            r["text"], tuple(elements or ()), effective_from, effective_to, r["source"] or "",
            bool(r["needs_review"]), r["absent_note"],
        )  # fmt: skip
        bind.execute(
            table.update().where(table.c.id == r["id"]).values(seed_digest=row_digest(row))
        )


def downgrade() -> None:
    """Drop legal_bases.seed_digest."""
    with op.batch_alter_table("legal_bases") as batch:
        batch.drop_column("seed_digest")
