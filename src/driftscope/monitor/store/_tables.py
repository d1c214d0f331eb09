"""The store's tables as SQLAlchemy Core objects, for queries. The schema itself is made by the
alembic migrations in ``migrations/``; a test checks that the two agree."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

metadata = MetaData()

# Times are naive UTC in the database (SQLite has no zones); the store converts at its edge.
windows = Table(
    "ds_windows",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("project", String(200), nullable=False),
    Column("window_start", DateTime, nullable=False),
    Column("window_end", DateTime, nullable=False),
    Column("rows", Integer, nullable=False),
    Column("severity", String(20), nullable=False),
    Column("status", String(40), nullable=False),
    Column("report", Text, nullable=False),
    UniqueConstraint("project", "window_start", "window_end", name="uq_ds_windows_span"),
)

points = Table(
    "ds_points",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "window_id",
        Integer,
        ForeignKey("ds_windows.id", ondelete="CASCADE", name="fk_ds_points_window"),
        nullable=False,
    ),
    Column("column_name", String(500), nullable=False),
    Column("metric", String(200), nullable=False),
    # NULL is NaN: SQLite cannot keep a NaN, so both databases write it as NULL.
    Column("value", Float, nullable=True),
    UniqueConstraint("window_id", "column_name", "metric", name="uq_ds_points_figure"),
    Index("ix_ds_points_metric", "metric", "column_name"),
)

alerts = Table(
    "ds_alerts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("project", String(200), nullable=False),
    Column("rule", String(200), nullable=False),
    Column("dedup_key", String(1000), nullable=False),
    Column("severity", String(20), nullable=False),
    Column("columns", Text, nullable=False),  # a JSON list
    Column("value", Float, nullable=True),
    Column("state", String(20), nullable=False),
    Column("opened_at", DateTime, nullable=False),
    Column("resolved_at", DateTime, nullable=True),
    Column("last_notified_at", DateTime, nullable=True),
    Index("ix_ds_alerts_project", "project", "state"),
    # At most one open alert per dedup key, in both databases.
    Index(
        "uq_ds_alerts_open",
        "dedup_key",
        unique=True,
        sqlite_where=text("state = 'open'"),
        postgresql_where=text("state = 'open'"),
    ),
)

outbox = Table(
    "ds_outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(1000), nullable=False, unique=True),
    Column("project", String(200), nullable=False),
    Column("channel", String(200), nullable=False),
    Column("payload", Text, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", DateTime, nullable=False),
    Column("state", String(20), nullable=False),
    Column("last_error", Text, nullable=True),
    Index("ix_ds_outbox_due", "state", "next_attempt_at"),
)

locks = Table(
    "ds_locks",
    metadata,
    Column("project", String(200), primary_key=True),
    Column("owner", String(300), nullable=False),
    Column("acquired_at", DateTime, nullable=False),
)

state = Table(
    "ds_state",
    metadata,
    Column("project", String(200), primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("value", Text, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

labels = Table(
    "ds_labels",
    metadata,
    Column("project", String(200), primary_key=True),
    Column("row_id", String(500), primary_key=True),
    Column("value", Text, nullable=False),  # the label as a JSON scalar
    Column("received_at", DateTime, nullable=False),
    Index("ix_ds_labels_received", "project", "received_at"),
)

ingest = Table(
    "ds_ingest",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("project", String(200), nullable=False),
    Column("received_at", DateTime, nullable=False),
    Column("rows", Integer, nullable=False),
    Column("first_ns", BigInteger, nullable=True),
    Column("last_ns", BigInteger, nullable=True),
    Column("missing", Integer, nullable=False),
    Column("unparseable", Integer, nullable=False),
    # Last, so that SQLite reads the summary of a row without the overflow pages of its body.
    Column("body", LargeBinary, nullable=False),  # an Arrow IPC stream or Parquet; or empty
    # ... when the body lies in a file (``serve --ingest-dir``): size bytes at offset of it.
    Column("body_file", String(1000), nullable=True),
    Column("body_offset", BigInteger, nullable=True),
    Column("body_size", BigInteger, nullable=True),
    Column("body_crc", BigInteger, nullable=True),
    Index("ix_ds_ingest_project", "project", "id"),
    # AUTOINCREMENT: SQLite never gives an id again, even once the newest batch is deleted,
    # so a batch's id names it for good (a monitor remembers the batches it has read by id).
    sqlite_autoincrement=True,
)

# The row ids of posted log batches, filled when labels are posted (``matched``), and the
# batches whose ids are in it.
ingest_ids = Table(
    "ds_ingest_ids",
    metadata,
    Column("project", String(200), primary_key=True),
    Column("row_id", String(500), primary_key=True),
)

ingest_indexed = Table(
    "ds_ingest_indexed",
    metadata,
    Column("batch_id", Integer, primary_key=True, autoincrement=False),
)

tokens = Table(
    "ds_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("scope", String(20), nullable=False),
    # The SHA-256 (hex) of the token, never the token: a token is 256 random bits, so a fast
    # hash is safe and lets a request find its token in one indexed query.
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime, nullable=False),
    Column("revoked_at", DateTime, nullable=True),
    Column("last_used_at", DateTime, nullable=True),
    # A name names one live token; a revoked one's name may be given again.
    Index(
        "uq_ds_tokens_live_name",
        "name",
        unique=True,
        sqlite_where=text("revoked_at IS NULL"),
        postgresql_where=text("revoked_at IS NULL"),
    ),
    sqlite_autoincrement=True,
)

users = Table(
    "ds_users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(200), nullable=False, unique=True),
    Column("password_hash", String(1000), nullable=False),  # argon2's PHC string
    Column("created_at", DateTime, nullable=False),
    Column("disabled", Boolean, nullable=False),
)

sessions = Table(
    "ds_sessions",
    metadata,
    # The SHA-256 (hex) of the session cookie's value, never the value (as for tokens).
    Column("session_hash", String(64), primary_key=True),
    Column("username", String(200), nullable=False),
    Column("csrf", String(64), nullable=False),  # the token every form must carry back
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
    Index("ix_ds_sessions_expires_at", "expires_at"),
)

window_pages = Table(
    "ds_window_pages",
    metadata,
    Column(
        "window_id",
        Integer,
        ForeignKey("ds_windows.id", ondelete="CASCADE", name="fk_ds_window_pages_window"),
        primary_key=True,
    ),
    Column("page", LargeBinary, nullable=False),  # the HTML report, compressed by its writer
)
