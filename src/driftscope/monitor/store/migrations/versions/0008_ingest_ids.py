"""The row ids of posted log batches (issue 15: ``POST .../labels`` answers how many of its ids
the service holds): ``ds_ingest_ids`` keeps each id once per project, ``ds_ingest_indexed``
names the batches whose ids are in it. Both are filled when labels are posted, from the
batches not indexed yet, never while logs are posted.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``ds_ingest_ids`` and ``ds_ingest_indexed``."""
    op.create_table(
        "ds_ingest_ids",
        sa.Column("project", sa.String(200), primary_key=True),
        sa.Column("row_id", sa.String(500), primary_key=True),
    )
    op.create_table(
        "ds_ingest_indexed",
        sa.Column("batch_id", sa.Integer, primary_key=True, autoincrement=False),
    )


def downgrade() -> None:
    """Drop ``ds_ingest_indexed`` and ``ds_ingest_ids``."""
    op.drop_table("ds_ingest_indexed")
    op.drop_table("ds_ingest_ids")
