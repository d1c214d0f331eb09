"""The metric store (SPEC sections 8 and 9): windows, their points and reports, alerts and
the outbox of deliveries, behind the :class:`Store` protocol.

:func:`open_store` opens the real one (SQLite or PostgreSQL, through SQLAlchemy);
:class:`MemoryStore` is the in-memory one for tests. SQLAlchemy and alembic are imported only
when this package is, so ``import driftscope`` stays light.
"""

from __future__ import annotations

from driftscope.monitor.store.base import (
    DATASET_COLUMN,
    LIMITS,
    STALE_LOCK_AFTER,
    Alert,
    Delivery,
    MetricPoint,
    Store,
    StoreBusy,
    WindowRecord,
)
from driftscope.monitor.store.memory import MemoryStore
from driftscope.monitor.store.sql import SqlStore, open_store

__all__ = [
    "DATASET_COLUMN",
    "LIMITS",
    "STALE_LOCK_AFTER",
    "Alert",
    "Delivery",
    "MemoryStore",
    "MetricPoint",
    "SqlStore",
    "Store",
    "StoreBusy",
    "WindowRecord",
    "open_store",
]
