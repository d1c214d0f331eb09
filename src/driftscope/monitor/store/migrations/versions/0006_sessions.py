"""People's dashboard sessions (issue 14): kept by the SHA-256 of the session cookie's value,
with the account, the form token (CSRF) and when the session ends.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``ds_sessions``."""
    op.create_table(
        "ds_sessions",
        sa.Column("session_hash", sa.String(64), primary_key=True),
        sa.Column("username", sa.String(200), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("expires_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_ds_sessions_expires_at", "ds_sessions", ["expires_at"])


def downgrade() -> None:
    """Drop ``ds_sessions``."""
    op.drop_index("ix_ds_sessions_expires_at", table_name="ds_sessions")
    op.drop_table("ds_sessions")
