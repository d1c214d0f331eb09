"""The first schema: windows, points, alerts, outbox and run locks.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create every table of the store (written out, not imported: a migration stays as it
    was when later revisions change the tables)."""
    op.create_table(
        "ds_windows",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("project", sa.String(200), nullable=False),
        sa.Column("window_start", sa.DateTime, nullable=False),
        sa.Column("window_end", sa.DateTime, nullable=False),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("severity", sa.String(20), nullable=False),
        sa.Column("status", sa.String(40), nullable=False),
        sa.Column("report", sa.Text, nullable=False),
        sa.UniqueConstraint("project", "window_start", "window_end", name="uq_ds_windows_span"),
    )
    op.create_table(
        "ds_points",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "window_id",
            sa.Integer,
            sa.ForeignKey("ds_windows.id", ondelete="CASCADE", name="fk_ds_points_window"),
            nullable=False,
        ),
        sa.Column("column_name", sa.String(500), nullable=False),
        sa.Column("metric", sa.String(200), nullable=False),
        sa.Column("value", sa.Float, nullable=True),
        sa.UniqueConstraint("window_id", "column_name", "metric", name="uq_ds_points_figure"),
    )
    op.create_index("ix_ds_points_metric", "ds_points", ["metric", "column_name"])
    op.create_table(
        "ds_alerts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("project", sa.String(200), nullable=False),
        sa.Column("rule", sa.String(200), nullable=False),
        sa.Column("dedup_key", sa.String(1000), nullable=False),
        sa.Column("severity", sa.String(20), nullable=False),
        sa.Column("columns", sa.Text, nullable=False),
        sa.Column("value", sa.Float, nullable=True),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("opened_at", sa.DateTime, nullable=False),
        sa.Column("resolved_at", sa.DateTime, nullable=True),
        sa.Column("last_notified_at", sa.DateTime, nullable=True),
    )
    op.create_index("ix_ds_alerts_project", "ds_alerts", ["project", "state"])
    op.create_index(
        "uq_ds_alerts_open",
        "ds_alerts",
        ["dedup_key"],
        unique=True,
        sqlite_where=sa.text("state = 'open'"),
        postgresql_where=sa.text("state = 'open'"),
    )
    op.create_table(
        "ds_outbox",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(1000), nullable=False, unique=True),
        sa.Column("project", sa.String(200), nullable=False),
        sa.Column("channel", sa.String(200), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", sa.DateTime, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("last_error", sa.Text, nullable=True),
    )
    op.create_index("ix_ds_outbox_due", "ds_outbox", ["state", "next_attempt_at"])
    op.create_table(
        "ds_locks",
        sa.Column("project", sa.String(200), primary_key=True),
        sa.Column("owner", sa.String(300), nullable=False),
        sa.Column("acquired_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    """Drop every table of the store."""
    for table in ("ds_locks", "ds_outbox", "ds_alerts", "ds_points", "ds_windows"):
        op.drop_table(table)
