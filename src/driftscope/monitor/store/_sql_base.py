"""What every part of the SQL store shares: the engine, connections that turn a lost or
locked database into a one-line ConfigError, times kept naive in UTC, and small helpers."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, Insert, Table
from sqlalchemy.exc import InterfaceError, OperationalError

from driftscope.errors import ConfigError, InputError
from driftscope.monitor._urls import masked, reason
from driftscope.monitor.store.base import utc

BATCH = 1_000
"""Rows inserted per statement."""


def db_time(moment: datetime, name: str = "time") -> datetime:
    return utc(moment, name).replace(tzinfo=None)


def py_time(moment: datetime | None) -> datetime | None:
    return None if moment is None else moment.replace(tzinfo=UTC)


def db_value(value: float | None) -> float | None:
    # + 0.0 turns -0.0 into 0.0, as SQLite would: every store keeps the same value.
    return None if value is None or math.isnan(value) else float(value) + 0.0


class SqlBase:
    """The connection handling of :class:`~driftscope.monitor.store.sql.SqlStore`."""

    def __init__(self, engine: Engine, url: str) -> None:
        self._engine = engine
        self._url = url
        self._shown = masked(url)
        self._sqlite = engine.dialect.name == "sqlite"

    def __repr__(self) -> str:
        return f"SqlStore({self._shown!r})"

    @contextmanager
    def _translated(self) -> Iterator[None]:
        # A database gone or locked past the busy timeout while a run uses it: one line naming
        # the store, as when it cannot be opened, not a driver's traceback.
        try:
            yield
        except (OperationalError, InterfaceError) as exc:
            raise ConfigError(
                f"store {self._shown}: cannot use it ({reason(exc, self._url)}); "
                "check that the database is reachable and not held by another program"
            ) from None

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self._translated(), self._engine.connect() as conn:
            yield conn

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self._read() as conn:
            if self._sqlite:
                conn.execution_options(immediate=True)
            with conn.begin():
                yield conn

    def close(self) -> None:
        self._engine.dispose()


def insert_ignoring_duplicates(sqlite: bool) -> Callable[[Table], Insert]:
    """An INSERT that skips rows whose key is there already (ON CONFLICT DO NOTHING)."""
    if sqlite:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return lambda table: sqlite_insert(table).on_conflict_do_nothing()
    from sqlalchemy.dialects.postgresql import insert as pg_insert

    return lambda table: pg_insert(table).on_conflict_do_nothing()


def found(rowcount: int, kind: str, item_id: int) -> None:
    if rowcount == 0:
        raise InputError(f"store: there is no {kind} with id {item_id}")
