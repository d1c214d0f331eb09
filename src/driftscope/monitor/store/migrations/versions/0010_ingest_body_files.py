"""A posted log batch's body may lie in a file beside the store (``serve --ingest-dir``):
``ds_ingest`` says where (file, offset, size, CRC-32), and such a row's ``body`` is empty.
The new columns are nullable and ``body`` keeps its NOT NULL, so that SQLite adds them in
place instead of copying a table that may hold gigabytes of bodies.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

COLUMNS = ("body_file", "body_offset", "body_size", "body_crc")


def upgrade() -> None:
    """Add ``body_file``, ``body_offset``, ``body_size`` and ``body_crc`` to ``ds_ingest``."""
    op.add_column("ds_ingest", sa.Column("body_file", sa.String(1000), nullable=True))
    for name in COLUMNS[1:]:
        op.add_column("ds_ingest", sa.Column(name, sa.BigInteger, nullable=True))


def downgrade() -> None:
    """Drop them (batches kept in files are then lost to the store: delete them first)."""
    with op.batch_alter_table("ds_ingest") as batch:
        for name in reversed(COLUMNS):
            batch.drop_column(name)
