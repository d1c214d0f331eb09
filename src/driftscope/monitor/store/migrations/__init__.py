"""Alembic migrations of the store, run by :func:`driftscope.monitor.store.open_store`."""
