"""Case paths: administrative or civil public-interest case, chosen at filing; the
consultation record and the civil path's public notice.

Existing filed leads (case_filed and later, or with a suggestion) were all on the only path
there was, suggestion to the agency: they become administrative. The seeded procedure rows of
the legal bases get the elements per basis (administrative: the agency failed to act and the
harm persists, no harm appraisal; civil: causation and the notice), unless users edited them.

Revision ID: 20261203_case_paths
Revises: 20261203_legal_versions
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.base import JSONType, UTCDateTime

revision: str = "20261203_case_paths"
down_revision: str | None = "20261203_legal_versions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FILED = ("case_filed", "suggestion_issued", "follow_up", "litigation")
# The seeded elements of the two procedure rows, before and after (by article).
ELEMENTS = {
    "第二十五条第四款 (art. 25(4))": (
        ["agency_duty", "activity_evidence", "harm_assessment"],
        ["agency_duty", "activity_evidence", "agency_unlawful", "harm_persists"],
    ),
    "第五十八条 (art. 58)": (
        ["responsible_party", "activity_evidence", "harm_assessment"],
        [
            "responsible_party",
            "activity_evidence",
            "harm_assessment",
            "causation",
            "notice_expired",
        ],
    ),
}
# Downgrade: each new state to the nearest state the old workflow knows.
OLD_STATE = {
    "consultation": "case_filed",
    "public_notice": "case_filed",
    "support_suit": "litigation",
    "terminated": "closed_remedied",
}


def upgrade() -> None:
    """Add leads.path, consultation, notice_start, notice_end, notice_plaintiff; filed leads
    become administrative."""
    for column in (
        sa.Column("path", sa.String(20)),
        sa.Column("consultation", JSONType),
        sa.Column("notice_start", UTCDateTime()),
        sa.Column("notice_end", UTCDateTime()),
        sa.Column("notice_plaintiff", sa.String(200)),
    ):
        op.add_column("leads", column)
    leads = sa.table(
        "leads",
        sa.column("id", sa.Integer),
        sa.column("status", sa.String),
        sa.column("path", sa.String),
    )
    suggestions = sa.table("suggestions", sa.column("lead_id", sa.Integer))
    op.execute(
        sa.update(leads)
        .where(
            sa.or_(
                leads.c.status.in_(FILED),
                leads.c.id.in_(sa.select(suggestions.c.lead_id)),
            )
        )
        .values(path="administrative")
    )
    _swap_elements(new=True)


def _swap_elements(*, new: bool) -> None:
    """Give the seeded procedure rows their new (or back their old) elements, when unedited."""
    bases = sa.table(
        "legal_bases",
        sa.column("id", sa.Integer),
        sa.column("article", sa.String),
        sa.column("elements", JSONType),
    )
    conn = op.get_bind()
    rows = conn.execute(sa.select(bases).where(bases.c.article.in_(list(ELEMENTS)))).all()
    for row in rows:
        old, fresh = ELEMENTS[row.article]
        if list(row.elements or []) == (old if new else fresh):
            conn.execute(
                sa.update(bases).where(bases.c.id == row.id).values(elements=fresh if new else old)
            )


def downgrade() -> None:
    """Move leads in the new states to the nearest old state; drop the path columns."""
    _swap_elements(new=False)
    leads = sa.table("leads", sa.column("status", sa.String))
    for new, old in OLD_STATE.items():
        op.execute(sa.update(leads).where(leads.c.status == new).values(status=old))
    # Plain ALTER TABLE ... DROP COLUMN (SQLite >= 3.35): a batch copy of the table would
    # lose the SpatiaLite registration of its geometry column.
    for column in ("notice_plaintiff", "notice_end", "notice_start", "consultation", "path"):
        op.drop_column("leads", column)
