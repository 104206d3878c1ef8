"""Report photos carry their pHash in four indexed 16-bit bands, so near duplicates are
found by index (multi-index hashing) instead of comparing every stored photo.

Revision ID: 20261202_photo_dups
Revises: 20261202_audit_seq
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261202_photo_dups"
down_revision: str | None = "20261202_audit_seq"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BANDS = ("phash_band0", "phash_band1", "phash_band2", "phash_band3")
_BATCH = 5000


def _bands(phash: str) -> dict[str, int]:
    """Cut a 64-bit hex pHash into four 16-bit bands, most significant first (frozen here:
    the rows must match what geo.photos.duplicates computed when this revision was made)."""
    value = int(phash, 16)
    return {name: (value >> (48 - 16 * i)) & 0xFFFF for i, name in enumerate(BANDS)}


def upgrade() -> None:
    """Add the band columns, fill them from report_photos.phash, index them."""
    # Only ADD COLUMN and CREATE INDEX, which SQLite does in place: rebuilding report_photos
    # (batch "recreate") would DROP it, and its self-referencing duplicate_of_id foreign key
    # refuses that once any photo is linked to an earlier one.
    with op.batch_alter_table("report_photos") as batch:
        for name in BANDS:
            batch.add_column(sa.Column(name, sa.Integer()))
    photos = sa.table("report_photos", sa.column("id", sa.Integer()), *map(sa.column, BANDS))
    update = (
        sa.update(photos)
        .where(photos.c.id == sa.bindparam("pid"))
        .values({name: sa.bindparam(name) for name in BANDS})
    )
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, phash FROM report_photos ORDER BY id")).all()
    for start in range(0, len(rows), _BATCH):
        chunk = rows[start : start + _BATCH]
        bind.execute(update, [{"pid": pid, **_bands(phash)} for pid, phash in chunk])
    if op.get_context().dialect.name == "postgresql":
        # SQLite adds NOT NULL columns only with a default (a band of 0 would be a lie);
        # there the service, which always writes the bands, is the guard.
        for name in BANDS:
            op.alter_column("report_photos", name, existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("report_photos") as batch:
        for name in BANDS:
            batch.create_index(f"ix_report_photos_{name}", [name])


def downgrade() -> None:
    """Drop the band columns and their indexes."""
    for name in BANDS:
        op.drop_index(f"ix_report_photos_{name}", table_name="report_photos")
    # Plain DROP COLUMN (SQLite >= 3.35 does it in place), not a batch rebuild: see upgrade.
    for name in BANDS:
        op.drop_column("report_photos", name)
