"""Auth hardening: tokens bound to the token they were minted from; failed sign-ins.

Revision ID: 20261202_hardening_auth
Revises: 20261201_air
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.base import UTCDateTime

revision: str = "20261202_hardening_auth"
down_revision: str | None = "20261201_air"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add tokens.parent_token_id and the login_failures table."""
    # A plain column (no foreign key), added in place: a SQLite batch rebuild of `tokens`
    # would drop the table with foreign keys on and null every reports.token_id.
    op.add_column("tokens", sa.Column("parent_token_id", sa.Integer(), nullable=True))
    op.create_index("ix_tokens_parent_token_id", "tokens", ["parent_token_id"])
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("account", sa.String(200), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("failed_at", UTCDateTime(), nullable=False),
    )
    for col in ("account", "address", "failed_at"):
        op.create_index(f"ix_login_failures_{col}", "login_failures", [col])


def downgrade() -> None:
    """Drop login_failures and tokens.parent_token_id."""
    op.drop_table("login_failures")
    op.drop_index("ix_tokens_parent_token_id", table_name="tokens")
    op.drop_column("tokens", "parent_token_id")
