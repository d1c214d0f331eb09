"""PostgreSQL keeps the bodies of posted log batches as they come, without trying to compress
them again: they are Arrow IPC streams (zstd from 4 MiB) or Parquet files, which pglz, the
default TOAST compression, tried whole and gave up on; a 17.5 MB Parquet body took 296 ms to
insert with it and 97 ms without (``STORAGE EXTERNAL``). SQLite has no such setting: nothing
changes there. Bodies stored before keep their storage.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """``ds_ingest.body``: STORAGE EXTERNAL on PostgreSQL (out of line, never compressed)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE ds_ingest ALTER COLUMN body SET STORAGE EXTERNAL")


def downgrade() -> None:
    """Back to PostgreSQL's default for bytea (EXTENDED: compressed when it helps)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE ds_ingest ALTER COLUMN body SET STORAGE EXTENDED")
