"""Log rows posted to the HTTP API (SPEC section 8): each request's rows kept as one batch, an
Arrow IPC stream with the summary a monitor scans (row count, timestamp range, rows without a
usable timestamp), so that a monitor reads them as one more log source.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``ds_ingest``."""
    op.create_table(
        "ds_ingest",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("project", sa.String(200), nullable=False),
        sa.Column("received_at", sa.DateTime, nullable=False),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("first_ns", sa.BigInteger, nullable=True),
        sa.Column("last_ns", sa.BigInteger, nullable=True),
        sa.Column("missing", sa.Integer, nullable=False),
        sa.Column("unparseable", sa.Integer, nullable=False),
        sa.Column("body", sa.LargeBinary, nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_ds_ingest_project", "ds_ingest", ["project", "id"])


def downgrade() -> None:
    """Drop ``ds_ingest``."""
    op.drop_index("ix_ds_ingest_project", table_name="ds_ingest")
    op.drop_table("ds_ingest")
