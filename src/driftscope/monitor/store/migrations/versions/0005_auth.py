"""Who may use the service (SPEC section 8, issue 14): machine API tokens, kept by the
SHA-256 of their text with a name, a scope and when they were made, used and revoked; and
people's accounts, kept with an argon2 hash of their password.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``ds_tokens`` and ``ds_users``."""
    op.create_table(
        "ds_tokens",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("scope", sa.String(20), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("revoked_at", sa.DateTime, nullable=True),
        sa.Column("last_used_at", sa.DateTime, nullable=True),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "uq_ds_tokens_live_name",
        "ds_tokens",
        ["name"],
        unique=True,
        sqlite_where=sa.text("revoked_at IS NULL"),
        postgresql_where=sa.text("revoked_at IS NULL"),
    )
    op.create_table(
        "ds_users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(200), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(1000), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("disabled", sa.Boolean, nullable=False),
    )


def downgrade() -> None:
    """Drop ``ds_users`` and ``ds_tokens``."""
    op.drop_table("ds_users")
    op.drop_index("uq_ds_tokens_live_name", table_name="ds_tokens")
    op.drop_table("ds_tokens")
