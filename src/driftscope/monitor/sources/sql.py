"""Inference logs in a SQL database: a table (``analytics.inference_log``) or a query, read
through SQLAlchemy 2 Core (SQLite, PostgreSQL with psycopg, or any dialect installed).

The whole table or query is one part, keyed ``"sql"``. A scan asks the database for the row
count and the timestamps' range with aggregates (``COUNT``, ``MIN``, ``MAX``) when the column
holds real timestamps or dates; a column of ISO 8601 texts is read whole and parsed, since
texts with different offsets (or a few that are not timestamps at all) do not sort as the
instants they name. Each window is one query, ``WHERE ts >= :start AND ts < :end`` over the
table or over the query wrapped as a subquery; only the window's rows come back.

The bound values match what the column holds, found from one of its values: datetimes for a
timestamp column (zoned when the column's values are, so that PostgreSQL compares
``timestamptz`` with ``timestamptz`` and a naive ``timestamp`` with a naive UTC value); for
texts and dates, whose SQL comparison does not know offsets, the day before the window's start
and the second day after its end, a superset (any offset is within a day) that Arrow then
narrows to the exact ``[start, end)``. SQLite has no timestamp type: its values come back as
the texts it stores (SQLAlchemy's ``DateTime`` writes ``2026-03-01 00:00:00.000000``), which
is the text path, so both layouts are read alike.

Identifiers (the table, its schema, the columns) are quoted by SQLAlchemy; the window's bounds
are bound parameters. Each call opens one connection and closes it (and its engine) before it
returns, or when the iteration of windows ends.

>>> import sqlite3, tempfile
>>> path = tempfile.mkdtemp() + "/logs.db"
>>> with sqlite3.connect(path) as db:
...     _ = db.execute("CREATE TABLE log (ts TEXT, x INTEGER)")
...     _ = db.executemany("INSERT INTO log VALUES (?, ?)",
...                        [("2026-03-01T00:30:00Z", 1), ("2026-03-01T01:30:00Z", 2)])
>>> db.close()
>>> source = SqlSource(f"sqlite:///{path}", "ts", table="log")
>>> [(p.key, p.rows) for p in source.scan({})]
[('sql', 2)]
>>> HOUR = 3_600 * 10**9
>>> start = 1_772_323_200 * 10**9  # 2026-03-01T00:00:00Z
>>> windows = [(start, start + HOUR), (start + HOUR, start + 2 * HOUR)]
>>> [w.table.column("x").to_pylist() for w in source.read_windows([], windows)]
[[1], [2]]
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa
from sqlalchemy import (
    ColumnClause,
    ColumnElement,
    Connection,
    CursorResult,
    Engine,
    Executable,
    FromClause,
    Select,
    bindparam,
    column,
    create_engine,
    func,
    literal_column,
    make_url,
    select,
    table,
    text,
)
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from driftscope.errors import ConfigError, InputError
from driftscope.io._numpy import from_numpy
from driftscope.monitor._config_models import mask_password
from driftscope.monitor.sources._python import arrow_column
from driftscope.monitor.sources._union import Piece, union
from driftscope.monitor.sources.base import Part, WindowRows, read_timestamps, rows_between
from driftscope.monitor.windowing import from_nanos, to_nanos

__all__ = ["CONNECT_TIMEOUT_S", "SqlSource"]

CONNECT_TIMEOUT_S = 10
"""How long connecting to a PostgreSQL server waits before calling it unreachable."""
_SUBQUERY = "driftscope_logs"
_SHOWN_COLUMNS = 8
Kind = Literal["datetime", "zoned", "date", "text", "none"]
"""What the timestamp column holds: naive or zoned datetimes, dates, texts, or no value."""


class SqlSource:
    """Logs in the ``table`` (optionally ``schema.table``) or the result of the ``query`` at
    the SQLAlchemy ``url``; rows are placed in time by the column ``timestamp``. Give exactly
    one of ``table`` and ``query``."""

    def __init__(
        self, url: str, timestamp: str, table: str | None = None, query: str | None = None
    ) -> None:
        if (table is None) == (query is None):
            raise ConfigError("SqlSource: give exactly one of 'table' and 'query'")
        self.url = url
        self.timestamp = timestamp
        self.table = table
        self.query = query

    def __repr__(self) -> str:
        what = f"table={self.table!r}" if self.table is not None else "query=..."
        return f"SqlSource(url={_masked(self.url)!r}, timestamp={self.timestamp!r}, {what})"

    @property
    def label(self) -> str:
        """How messages name the logs: ``table 'x' at URL`` or ``the query at URL``."""
        what = f"table {self.table!r}" if self.table is not None else "the query"
        return f"{what} at {_masked(self.url)}"

    def scan(self, known: Mapping[str, Part]) -> list[Part]:
        """The one part, ``"sql"``: rows, timestamps' range, missing and unparseable counts
        (``known`` is not needed: the database answers the aggregates itself)."""
        with self._connect() as conn:
            self._check_timestamp(self._names(conn))
            kind = self._kind(conn)
            stamp: ColumnClause[Any] = column(self.timestamp)
            source = self._source()
            if kind == "text":
                values = self._run(conn, select(stamp).select_from(source)).scalars().all()
                array, _ = arrow_column(values, self.timestamp, self.label)
                stamps = read_timestamps(array, self.timestamp, self.label)
                nanos = stamps.nanos[stamps.valid]
                rows, unparseable = len(values), stamps.unparseable
                first = int(nanos.min()) if len(nanos) else None
                last = int(nanos.max()) if len(nanos) else None
                missing = rows - len(nanos) - unparseable
            else:
                query = select(func.count(), func.count(stamp), func.min(stamp), func.max(stamp))
                rows, present, low, high = tuple(self._run(conn, query.select_from(source)).one())
                first, last = _nanos(low), _nanos(high)
                missing, unparseable = rows - present, 0
        return [Part("sql", 0, 0, rows, first, last, missing, unparseable)]

    def read_windows(
        self,
        parts: Sequence[Part],
        windows: Sequence[tuple[int, int]],
        columns: Sequence[str] | None = None,
    ) -> Iterator[WindowRows]:
        """One :class:`WindowRows` per window (``(start_ns, end_ns)``, sorted), one query
        each; only ``columns`` and the timestamp column when ``columns`` is given (a column
        the logs lack is all nulls, with a note). ``parts`` is not needed: every window asks
        the database."""
        with self._connect() as conn:
            names = self._names(conn)
            self._check_timestamp(names)
            kind = self._kind(conn)
            wanted = None if columns is None else list(dict.fromkeys([*columns, self.timestamp]))
            chosen: list[ColumnElement[Any]] = (
                [literal_column("*")]
                if wanted is None
                else [column(n) for n in wanted if n in names]
            )
            stamp: ColumnClause[Any] = column(self.timestamp)
            query = (
                select(*chosen)
                .select_from(self._source())
                .where(stamp >= bindparam("start"), stamp < bindparam("end"))
            )
            for index, (start, end) in enumerate(windows):
                low, high = _bounds(kind, start, end)
                result = self._run(conn, query, {"start": low, "end": high})
                table, notes = self._table(result)
                stamps = read_timestamps(table.column(self.timestamp), self.timestamp, self.label)
                table = table.filter(from_numpy(rows_between(stamps, start, end)))
                if wanted is not None:
                    table, missing = union([Piece(self.label, table)], wanted)
                    notes += missing
                yield WindowRows(index, table, tuple(notes))

    def _table(self, result: CursorResult[Any]) -> tuple[pa.Table, list[str]]:
        names = list(result.keys())
        rows = result.fetchall()
        values = list(zip(*rows, strict=True)) if rows else [() for _ in names]
        arrays, notes = [], []
        for name, column_values in zip(names, values, strict=True):
            array, note = arrow_column(column_values, name, self.label)
            arrays.append(array)
            if note is not None:
                notes.append(note)
        return pa.table(arrays, names=names), notes

    def _source(self) -> FromClause:
        if self.table is not None:
            schema, _, name = self.table.rpartition(".")
            return table(name, schema=schema or None)
        body = (self.query or "").strip().rstrip(";").strip()
        return text(body).columns().subquery(_SUBQUERY)

    def _names(self, conn: Connection) -> list[str]:
        """The columns of the table or query (from a query asking for no row)."""
        query: Select[Any] = select(literal_column("*")).select_from(self._source()).limit(0)
        result = self._run(conn, query)
        names = list(result.keys())
        result.close()
        return names

    def _check_timestamp(self, names: Sequence[str]) -> None:
        if self.timestamp in names:
            return
        shown = ", ".join(repr(n) for n in names[:_SHOWN_COLUMNS])
        more = ", ..." if len(names) > _SHOWN_COLUMNS else ""
        raise InputError(
            f"logs: {self.label} has no timestamp column {self.timestamp!r} (its columns: "
            f"{shown}{more}); fix columns.timestamp in the config"
        )

    def _kind(self, conn: Connection) -> Kind:
        """What the timestamp column holds, from one of its values."""
        stamp: ColumnClause[Any] = column(self.timestamp)
        query = select(stamp).select_from(self._source()).where(stamp.is_not(None)).limit(1)
        value = self._run(conn, query).scalar()
        if value is None:
            return "none"
        if isinstance(value, datetime):
            return "zoned" if value.tzinfo is not None else "datetime"
        if isinstance(value, date):
            return "date"
        if isinstance(value, str):
            return "text"
        raise InputError(
            f"logs: {self.label}: timestamp column {self.timestamp!r} holds "
            f"{type(value).__name__} values; expected timestamps or RFC 3339 texts such as "
            "2026-03-01T00:00:00Z"
        )

    def _run(
        self, conn: Connection, query: Executable, params: Mapping[str, object] | None = None
    ) -> CursorResult[Any]:
        try:
            return conn.execute(query, dict(params or {}))
        except SQLAlchemyError as exc:
            raise InputError(
                f"logs: cannot read {self.label} ({_reason(exc, self.url)}); check the "
                "table or query and its columns"
            ) from None

    @contextmanager
    def _connect(self) -> Iterator[Connection]:
        shown = _masked(self.url)
        engine = _engine(self.url, shown)
        try:
            try:
                conn = engine.connect()
            except (SQLAlchemyError, OSError) as exc:
                raise InputError(
                    f"logs: cannot connect to {shown} ({_reason(exc, self.url)}); check the "
                    "URL and that the database is reachable"
                ) from None
            with conn:
                yield conn
        finally:
            engine.dispose()


def _engine(url: str, shown: str) -> Engine:
    try:
        parsed = make_url(url)
        if parsed.drivername == "postgresql":  # psycopg 3 is the driver driftscope installs
            parsed = parsed.set(drivername="postgresql+psycopg")
        args: dict[str, Any] = {}
        if parsed.get_backend_name() == "postgresql" and "connect_timeout" not in parsed.query:
            args["connect_timeout"] = CONNECT_TIMEOUT_S
        if parsed.get_backend_name() == "sqlite":
            database = parsed.database or ""
            # SQLite would create an empty database at a wrong path, and then find no table.
            if database not in ("", ":memory:") and not Path(database).is_file():
                raise InputError(f"logs: no SQLite database at {database} (from {shown})")
        return create_engine(parsed, connect_args=args, poolclass=NullPool)
    except ModuleNotFoundError as exc:
        raise InputError(
            f"logs: {shown}: its database driver {exc.name!r} is not installed; install it "
            "(for PostgreSQL, driftscope[postgres])"
        ) from None
    except (SQLAlchemyError, ValueError) as exc:
        raise InputError(
            f"logs: cannot use {shown} ({_reason(exc, url)}); give a SQLAlchemy URL such as "
            "postgresql+psycopg://USER@HOST/DB or sqlite:///FILE"
        ) from None


def _masked(url: str) -> str:
    """``url`` with its password masked (even when it cannot be parsed)."""
    try:
        return mask_password(url)
    except ValueError:
        return "(an unreadable URL)"


def _reason(exc: BaseException, url: str) -> str:
    """The driver's own message, first line, with the URL's password masked should the
    driver echo it."""
    orig = getattr(exc, "orig", None) or exc
    lines = str(orig).strip().splitlines() or [type(orig).__name__]
    try:
        password = make_url(url).password
    except (SQLAlchemyError, ValueError):
        password = None
    first = lines[0].strip()
    return first.replace(str(password), "***") if password else first


def _nanos(value: object) -> int | None:
    """An aggregate's timestamp (datetime, date or None) in epoch nanoseconds."""
    if isinstance(value, datetime):
        return to_nanos(value)
    if isinstance(value, date):
        return to_nanos(datetime.combine(value, time(), UTC))
    return None


def _bounds(kind: Kind, start: int, end: int) -> tuple[object, object]:
    """The values bound to ``:start`` and ``:end`` for a window ``[start, end)``: exact
    datetimes (microseconds, rounded outwards), else days with a day's margin each side."""
    low, high = from_nanos(start), from_nanos(-(-end // 1_000) * 1_000)
    if kind == "zoned":
        return low, high
    if kind == "datetime":
        return low.replace(tzinfo=None), high.replace(tzinfo=None)
    day = timedelta(days=1)
    first, after = (low - day).date(), (from_nanos(end - 1) + 2 * day).date()
    if kind == "date":
        return first, after
    return first.isoformat(), after.isoformat()
