"""Late labels: the outcome of each prediction, by its id, as it arrives (from label files
or the HTTP API), so that an old window's performance can be measured once they are known.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``ds_labels``."""
    op.create_table(
        "ds_labels",
        sa.Column("project", sa.String(200), primary_key=True),
        sa.Column("row_id", sa.String(500), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("received_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_ds_labels_received", "ds_labels", ["project", "received_at"])


def downgrade() -> None:
    """Drop ``ds_labels``."""
    op.drop_index("ix_ds_labels_received", table_name="ds_labels")
    op.drop_table("ds_labels")
