"""Each window's HTML report as the dashboard shows it (issue 14), compressed, beside the
window's row so that listing windows never reads it; dropped with its window.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``ds_window_pages``."""
    op.create_table(
        "ds_window_pages",
        sa.Column(
            "window_id",
            sa.Integer,
            sa.ForeignKey("ds_windows.id", ondelete="CASCADE", name="fk_ds_window_pages_window"),
            primary_key=True,
        ),
        sa.Column("page", sa.LargeBinary, nullable=False),
    )


def downgrade() -> None:
    """Drop ``ds_window_pages``."""
    op.drop_table("ds_window_pages")
