"""A small key-value state per project: what a run remembers between runs (the log files
already scanned, how far alert rules have been evaluated).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``ds_state``."""
    op.create_table(
        "ds_state",
        sa.Column("project", sa.String(200), primary_key=True),
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    """Drop ``ds_state``."""
    op.drop_table("ds_state")
