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
``timestamptz`` with ``timestamptz`` and a naive ``timestamp`` with a naive UTC value), the
days a window touches for a date column. Texts do not sort as the instants they name (offsets,
``T`` or a space, fractions), so for a text column the call first reads every timestamp text
once, parses them and, for each window, binds the smallest and the largest text (bytewise, with
a bytewise collation) among those whose instant falls in it: ``WHERE ts >= :start AND ts <=
:end`` then returns every row of the window and, when texts are written alike, no other; Arrow
narrows whatever else comes back to the exact ``[start, end)``, and a window no text falls in
costs no query. SQLite has no timestamp type: its values come back as the texts it stores
(SQLAlchemy's ``DateTime`` writes ``2026-03-01 00:00:00.000000``), so both layouts take the
text path. The price of the text path is one read of the timestamp column per call (the scan
reads it too), held in memory while the windows are read.

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
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
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
from driftscope.monitor._urls import masked, reason
from driftscope.monitor.sources._python import arrow_column
from driftscope.monitor.sources._union import Piece, union
from driftscope.monitor.sources.base import (
    Part,
    WindowRows,
    check_windows,
    read_timestamps,
    rows_between,
)
from driftscope.monitor.windowing import Timestamps, from_nanos, to_nanos

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
        return f"SqlSource(url={masked(self.url)!r}, timestamp={self.timestamp!r}, {what})"

    @property
    def label(self) -> str:
        """How messages name the logs: ``table 'x' at URL`` or ``the query at URL``."""
        what = f"table {self.table!r}" if self.table is not None else "the query"
        return f"{what} at {masked(self.url)}"

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
        check_windows(windows)
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
            stamp: ColumnElement[Any] = column(self.timestamp)
            texts = self._texts(conn) if kind == "text" else None
            if texts is not None:  # texts compare as bytes, whatever the column's collation
                stamp = stamp.collate(_BYTEWISE.get(conn.dialect.name, "C"))
            below = stamp <= bindparam("end") if texts is not None else stamp < bindparam("end")
            query = select(*chosen).select_from(self._source())
            query = query.where(stamp >= bindparam("start"), below)
            for index, (start, end) in enumerate(windows):
                bounds = _bounds(kind, start, end) if texts is None else texts.bounds(start, end)
                if bounds is None:  # no text in the window names an instant in it
                    empty = pa.table({n: pa.nulls(0) for n in (wanted or names)})
                    yield WindowRows(index, empty, ())
                    continue
                result = self._run(conn, query, {"start": bounds[0], "end": bounds[1]})
                table, notes = self._table(result)
                stamps = read_timestamps(table.column(self.timestamp), self.timestamp, self.label)
                table = table.filter(from_numpy(rows_between(stamps, start, end)))
                if wanted is not None:
                    table, missing = union([Piece(self.label, table)], wanted)
                    notes += missing
                yield WindowRows(index, table, tuple(notes))

    def _texts(self, conn: Connection) -> _Texts:
        """Every timestamp text, in time order, to bound each window's query by."""
        stamp: ColumnClause[Any] = column(self.timestamp)
        query = select(stamp).select_from(self._source()).where(stamp.is_not(None))
        values = self._run(conn, query).scalars().all()
        array, _ = arrow_column(values, self.timestamp, self.label)
        return _Texts.of(array, read_timestamps(array, self.timestamp, self.label))

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
        # Verbatim: a colon in the user's SQL ('12 :30', a PostgreSQL ::cast) is no parameter.
        return text(body.replace(":", "\\:")).columns().subquery(_SUBQUERY)

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
                f"logs: cannot read {self.label} ({reason(exc, self.url)}); check the "
                "table or query and its columns"
            ) from None

    @contextmanager
    def _connect(self) -> Iterator[Connection]:
        shown = masked(self.url)
        engine = _engine(self.url, shown)
        try:
            try:
                conn = engine.connect()
            except (SQLAlchemyError, OSError) as exc:
                raise InputError(
                    f"logs: cannot connect to {shown} ({reason(exc, self.url)}); check the "
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
            f"logs: cannot use {shown} ({reason(exc, url)}); give a SQLAlchemy URL such as "
            "postgresql+psycopg://USER@HOST/DB or sqlite:///FILE"
        ) from None


def _nanos(value: object) -> int | None:
    """An aggregate's timestamp (datetime, date or None) in epoch nanoseconds."""
    if isinstance(value, datetime):
        return to_nanos(value)
    if isinstance(value, date):
        return to_nanos(datetime.combine(value, time(), UTC))
    return None


def _bounds(kind: Kind, start: int, end: int) -> tuple[object, object]:
    """The values bound to ``:start`` and ``:end`` for a window ``[start, end)`` of a column
    of datetimes (microseconds, rounded outwards) or dates (the days it touches)."""
    low, high = from_nanos(start), from_nanos(-(-end // 1_000) * 1_000)
    if kind == "zoned":
        return low, high
    if kind == "date":
        return low.date(), (from_nanos(end - 1) + timedelta(days=1)).date()
    return low.replace(tzinfo=None), high.replace(tzinfo=None)


_BYTEWISE = {"sqlite": "BINARY", "postgresql": "C"}
"""Each dialect's collation that orders texts by their bytes, as Arrow does."""


@dataclass(frozen=True, slots=True)
class _Texts:
    """A text timestamp column's valid texts and their instants, in time order."""

    nanos: npt.NDArray[np.int64]
    texts: pa.Array

    @classmethod
    def of(cls, texts: pa.Array, stamps: Timestamps) -> _Texts:
        kept = np.flatnonzero(stamps.valid)
        order = kept[np.argsort(stamps.nanos[kept], kind="stable")]
        return cls(stamps.nanos[order], texts.take(from_numpy(order.astype(np.int64))))

    def bounds(self, start: int, end: int) -> tuple[str, str] | None:
        """The smallest and largest text (bytewise) of the instants in ``[start, end)``:
        every row of the window has a text between them (both included), and few others do
        (none when all texts are written alike), None when no text falls in the window.

        >>> texts = pa.array(["2026-03-01T02:00:00+02:00", "2026-03-01T01:00:00Z"])
        >>> index = _Texts.of(texts, read_timestamps(texts, "ts", "t"))
        >>> index.bounds(0, 1_772_326_800 * 10**9)  # up to 2026-03-01T01:00:00Z
        ('2026-03-01T02:00:00+02:00', '2026-03-01T02:00:00+02:00')
        """
        low, high = np.searchsorted(self.nanos, [start, end], side="left")
        if low == high:
            return None
        extremes = pc.min_max(self.texts.slice(int(low), int(high - low)))
        return extremes["min"].as_py(), extremes["max"].as_py()
