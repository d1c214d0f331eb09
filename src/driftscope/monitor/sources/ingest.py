"""Inference logs posted to the HTTP API (SPEC section 8), which "always count as logs too":
each request's rows are kept in the store as one batch, and :class:`IngestSource` reads the
batches of a project as a log source like any other.

The service turns a request's rows into an Arrow table, calls :func:`encode_batch` (the
table as an Arrow IPC stream, with the summary a scan needs: rows, the range of the valid
timestamps, rows without a usable one) and hands both to
:meth:`~driftscope.monitor.store.base.Store.append_logs`, which answers once the batch is
durable. A batch never changes after that, so a scan is a read of the summaries alone (no body
is read), and a batch is a part keyed ``ingest:{id}`` whose modification time is 0.

Reading windows follows :class:`~driftscope.monitor.sources.files.FileSource`: the batches
whose timestamps overlap the current window are fetched (their bodies asked for in groups of
at most :data:`FETCH_BATCHES` batches or :data:`FETCH_BYTES` bytes, one query per group),
decoded, held while the windows pass over them and let go once their last timestamp is behind
the next window's start. Batches whose columns differ (a new column, a changed type) are
united as log files are, with a note naming each batch.

A batch's body is an Arrow IPC stream, compressed with zstd (:data:`COMPRESSION`, which
pyarrow's own builds include) from :data:`COMPRESS_FROM` bytes on: on logs of 10,000 rows and
26 columns it kept a third of the bytes for about 5 ms to write and 2 ms to read a batch, where
lz4 kept half and no compression all; below that (a JSON request's 1,000 rows) compressing
cost more of the request than the bytes it saved cost to commit. A posted Parquet file is kept
as it came (it is read whole first, so a damaged one is refused): :func:`decode_batch` tells
the two apart by their first bytes.

>>> from datetime import UTC, datetime
>>> from driftscope.monitor.store import MemoryStore
>>> HOUR = 3_600 * 10**9
>>> store = MemoryStore()
>>> for hours in ([0, 1], [2, 3]):
...     stamps = pa.array([h * HOUR for h in hours], pa.timestamp("ns", "UTC"))
...     batch = encode_batch(pa.table({"ts": stamps, "x": hours}), "ts")
...     _ = store.append_logs("fraud", *batch, at=datetime(2026, 3, 1, tzinfo=UTC))
>>> source = IngestSource(store, "fraud", "ts")
>>> parts = source.scan({})
>>> [(p.key, p.rows, p.last // HOUR) for p in parts]
[('ingest:1', 2, 1), ('ingest:2', 2, 3)]
>>> windows = [(0, 3 * HOUR), (3 * HOUR, 4 * HOUR)]
>>> [w.table.column("x").to_pylist() for w in source.read_windows(parts, windows)]
[[0, 1, 2], [3]]
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

import pyarrow as pa
from pyarrow import ipc

from driftscope.errors import InputError
from driftscope.io._arrow import first_line
from driftscope.monitor.sources._union import Piece, union
from driftscope.monitor.sources.base import Part, WindowRows, check_windows, read_timestamps

# The held-batch index is the one files use (rows in time order, found by binary search).
from driftscope.monitor.sources.files import _Window

if TYPE_CHECKING:
    from driftscope.monitor.sources.base import LogSource
    from driftscope.monitor.store.base import Store

__all__ = [
    "COMPRESSION",
    "FETCH_BATCHES",
    "FETCH_BYTES",
    "IngestSource",
    "decode_batch",
    "decode_column",
    "encode_batch",
]

COMPRESSION: str | None = "zstd" if pa.Codec.is_available("zstd") else None
"""How the buffers of a batch of :data:`SMALL_BATCH` bytes or more are compressed in its IPC
stream (None for a pyarrow built without zstd); a reader needs nothing to know it, the stream
says so itself."""
SMALL_COMPRESSION: str | None = "lz4" if pa.Codec.is_available("lz4") else None
"""How a smaller batch's buffers are compressed: on the 1,000 rows of a typical JSON request
(26 columns, 240 KB, mostly random floats) zstd took 1.1 ms, a tenth of the request, to keep
156 KB; lz4 took 0.26 ms to keep 193 KB."""
SMALL_BATCH = 4 * 2**20
"""Batches smaller than this (bytes in memory) are compressed with :data:`SMALL_COMPRESSION`."""
PARQUET_MAGIC = b"PAR1"
"""How a Parquet file starts: a posted Parquet file is kept as its batch's body as it is."""
FETCH_BATCHES = 32
"""The most batch bodies asked of the store in one query while reading windows."""
FETCH_BYTES = 64 * 2**20
"""The most body bytes asked of the store in one query (one larger batch is asked alone)."""
KEY_PREFIX = "ingest:"
"""What the key of a batch's part starts with; the batch id follows."""
_SHOWN_COLUMNS = 8


def encode_batch(
    table: pa.Table, timestamp: str, parquet: bytes | None = None
) -> tuple[bytes, int, int | None, int | None, int, int]:
    """The posted rows ``table`` as a batch body (an Arrow IPC stream) with its summary:
    ``(body, rows, first, last, missing, unparseable)``, the arguments of
    :meth:`~driftscope.monitor.store.base.Store.append_logs` after the project. With
    ``parquet``, the Parquet file ``table`` was read from (whole), that file is the body as it
    is: re-encoding 100,000 rows of 26 columns cost 52 ms where reading them cost 22 ms.

    ``first`` and ``last`` are the earliest and latest valid timestamps of the column
    ``timestamp`` (epoch nanoseconds, UTC; None when no row has one), read as log files are
    (:func:`~driftscope.monitor.sources.base.read_timestamps`): ``missing`` rows have a null
    or blank one, ``unparseable`` rows a text that is no timestamp. A table without the
    column, or with a column name given twice, is an InputError naming it.

    >>> table = pa.table({"ts": ["2026-03-01T00:00:00Z", None, "soon"], "x": [1, 2, 3]})
    >>> body, *summary = encode_batch(table, "ts")
    >>> summary
    [3, 1772323200000000000, 1772323200000000000, 1, 1]
    >>> decode_batch(body).equals(table)
    True
    >>> encode_batch(table, "time")
    Traceback (most recent call last):
    ...
    driftscope.errors.InputError: posted rows: have no timestamp column 'time' (their columns: 'ts', 'x'); send it in every row or fix columns.timestamp in the config
    """  # noqa: E501
    names = table.column_names
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise InputError(f"posted rows: column {twice[0]!r} is given twice; give it once")
    if timestamp not in names:
        shown = ", ".join(repr(n) for n in names[:_SHOWN_COLUMNS])
        more = ", ..." if len(names) > _SHOWN_COLUMNS else ""
        raise InputError(
            f"posted rows: have no timestamp column {timestamp!r} (their columns: "
            f"{shown}{more}); send it in every row or fix columns.timestamp in the config"
        )
    nanos, valid, unparseable = read_timestamps(table.column(timestamp), timestamp, "posted rows")
    present = nanos[valid]
    rows = int(table.num_rows)
    if parquet is not None:
        if not parquet.startswith(PARQUET_MAGIC):
            raise InputError("posted rows: a Parquet body must start with PAR1")
        body = parquet
    else:
        table = table.replace_schema_metadata(None)  # e.g. pandas'
        sink = pa.BufferOutputStream()
        options = ipc.IpcWriteOptions(compression=_compression(table))
        with ipc.new_stream(sink, table.schema, options=options) as out:
            out.write_table(table)
        body = bytes(sink.getvalue().to_pybytes())
    first = int(present.min()) if len(present) else None
    last = int(present.max()) if len(present) else None
    return body, rows, first, last, rows - len(present) - unparseable, unparseable


def decode_batch(body: bytes, columns: Sequence[str] | None = None) -> pa.Table:
    """The rows of a batch body :func:`encode_batch` made (an Arrow IPC stream or a posted
    Parquet file, told apart by their first bytes), only ``columns`` of them (those the batch
    has) when given; an InputError when ``body`` is neither.

    >>> decode_batch(b"not arrow")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    driftscope.errors.InputError: a log batch body is not an Arrow IPC stream (...)
    """
    if body.startswith(PARQUET_MAGIC):
        return _parquet(body, columns)
    try:
        with ipc.open_stream(body) as reader:
            table = reader.read_all()
    except (pa.ArrowException, OSError) as exc:
        raise InputError(
            f"a log batch body is not an Arrow IPC stream ({first_line(exc)})"
        ) from None
    if columns is None:
        return table
    return table.select([n for n in dict.fromkeys(columns) if n in table.column_names])


def _parquet(body: bytes, columns: Sequence[str] | None) -> pa.Table:
    import io

    import pyarrow.parquet as pq

    try:
        file = pq.ParquetFile(io.BytesIO(body))
        if columns is not None:
            names = file.schema_arrow.names
            columns = [n for n in dict.fromkeys(columns) if n in names]
        table = file.read(columns=columns)
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise InputError(f"a log batch body is not a Parquet file ({first_line(exc)})") from None
    return table.replace_schema_metadata(None)


def _compression(table: pa.Table) -> str | None:
    """:data:`COMPRESSION` for a batch of :data:`SMALL_BATCH` bytes or more, else
    :data:`SMALL_COMPRESSION`."""
    return COMPRESSION if table.nbytes >= SMALL_BATCH else SMALL_COMPRESSION


def decode_column(body: bytes, name: str) -> pa.ChunkedArray | None:
    """The column ``name`` of a batch body, or None when the batch has no such column; only
    that column's buffers are read and decompressed (a posted id column of 100,000 rows out
    of 22 columns: 0.9 ms, against 17 ms for the whole batch).

    >>> body = encode_batch(pa.table({"ts": [None, None], "id": ["a", "b"]}), "ts")[0]
    >>> decode_column(body, "id").to_pylist(), decode_column(body, "other")
    (['a', 'b'], None)
    """
    if body.startswith(PARQUET_MAGIC):
        table = _parquet(body, [name])
        return table.column(0) if table.num_columns else None
    try:
        schema = ipc.open_stream(body).schema
        index = schema.get_field_index(name)
        if index < 0:
            return None
        options = ipc.IpcReadOptions(included_fields=[index])
        with ipc.open_stream(body, options=options) as reader:
            return reader.read_all().column(0)
    except (pa.ArrowException, OSError) as exc:
        raise InputError(
            f"a log batch body is not an Arrow IPC stream ({first_line(exc)})"
        ) from None


class IngestSource:
    """The batches of log rows posted for ``project`` and kept in ``store``, whose rows are
    placed in time by the column ``timestamp``."""

    def __init__(self, store: Store, project: str, timestamp: str) -> None:
        self.store = store
        self.project = project
        self.timestamp = timestamp

    def __repr__(self) -> str:
        return (
            f"IngestSource(store={self.store!r}, project={self.project!r}, "
            f"timestamp={self.timestamp!r})"
        )

    def scan(self, known: Mapping[str, Part]) -> list[Part]:
        """Every batch kept for the project, one part each, in the order they were kept (by
        id), from their summaries alone: no body is read, and ``known`` is not needed, since
        a batch never changes."""
        return [
            Part(
                key=f"{KEY_PREFIX}{batch.id}",
                size=batch.size,
                mtime_ns=0,
                rows=batch.rows,
                first=batch.first,
                last=batch.last,
                missing=batch.missing,
                unparseable=batch.unparseable,
            )
            for batch in self.store.log_batches(self.project)
        ]

    def read_windows(
        self,
        parts: Sequence[Part],
        windows: Sequence[tuple[int, int]],
        columns: Sequence[str] | None = None,
    ) -> Iterator[WindowRows]:
        """One :class:`WindowRows` per window of ``windows`` (``(start_ns, end_ns)``, sorted,
        not overlapping), in order, from the batches of ``parts`` (as :meth:`scan` returned
        them); only ``columns`` and the timestamp column when ``columns`` is given. Rows of
        several batches come in the order the batches were kept."""
        check_windows(windows)
        wanted = None if columns is None else list(dict.fromkeys([*columns, self.timestamp]))
        waiting = sorted(
            (p.first, p.last, batch_id(p.key), p)
            for p in parts
            if p.first is not None and p.last is not None
        )
        following = 0  # the next of ``waiting`` to load
        held: dict[int, _Window] = {}
        schema: pa.Schema | None = None
        for index, (start, end) in enumerate(windows):
            due: list[tuple[int, Part]] = []
            while following < len(waiting) and waiting[following][0] < end:
                _, last, number, part = waiting[following]
                following += 1
                if last >= start:  # else it ends before this window: never needed
                    due.append((number, part))
            held.update(self._load(due, wanted))
            pieces = [
                Piece(f"ingest batch {number}", held[number].rows(start, end))
                for number in sorted(held)
                if held[number]
            ]
            pieces = [p for p in pieces if p.table.num_rows]
            notes: tuple[str, ...] = ()
            if pieces:
                table, notes = union(pieces, wanted)
                schema = table.schema
            elif schema is not None:  # (not schema.empty_table(): it imports pandas)
                table = pa.Table.from_batches([], schema=schema)
            else:
                table = union([], wanted or [self.timestamp])[0]
            yield WindowRows(index, table, notes)
            after = windows[index + 1][0] if index + 1 < len(windows) else None
            for number in [n for n, w in held.items() if after is None or w.last < after]:
                del held[number]

    def _load(
        self, due: Sequence[tuple[int, Part]], wanted: list[str] | None
    ) -> Iterator[tuple[int, _Window]]:
        """The due batches, fetched a group at a time and decoded one by one (each body let
        go once decoded)."""
        for group in _groups(due):
            bodies = self.store.log_batch_bodies(self.project, group)
            for number in group:
                body = bodies.pop(number, None)
                if body is None:
                    raise InputError(
                        f"ingest batch {number} of project {self.project!r}: no longer in the "
                        "store; it was there when the logs were scanned"
                    )
                yield number, self._window(number, body, wanted)

    def _window(self, number: int, body: bytes, wanted: list[str] | None) -> _Window:
        where = f"ingest batch {number}"
        try:
            table = decode_batch(body, wanted)
        except InputError as exc:
            raise InputError(f"{where}: {exc}") from None
        if self.timestamp not in table.column_names:
            names = table.column_names
            shown = ", ".join(repr(n) for n in names[:_SHOWN_COLUMNS])
            more = ", ..." if len(names) > _SHOWN_COLUMNS else ""
            raise InputError(
                f"{where}: has no timestamp column {self.timestamp!r} (its columns: "
                f"{shown}{more}); was columns.timestamp changed since it was posted?"
            )
        if wanted is not None:
            table = table.select([n for n in wanted if n in table.column_names])
        stamps = read_timestamps(table.column(self.timestamp), self.timestamp, where)
        return _Window.of(table, stamps)


def _groups(due: Sequence[tuple[int, Part]]) -> Iterator[list[int]]:
    """The ids of ``due`` in groups of at most :data:`FETCH_BATCHES` batches and
    :data:`FETCH_BYTES` bytes (a larger batch alone)."""
    group: list[int] = []
    size = 0
    for number, part in due:
        if group and (len(group) >= FETCH_BATCHES or size + part.size > FETCH_BYTES):
            yield group
            group, size = [], 0
        group.append(number)
        size += part.size
    if group:
        yield group


def batch_id(key: str) -> int:
    """The batch id of a part's key (``ingest:{id}``); a ValueError for another key.

    >>> batch_id("ingest:42")
    42
    """
    number = key.removeprefix(KEY_PREFIX)
    if number == key or not number.isdigit():
        raise ValueError(f"{key!r} is not the key of an ingest batch ({KEY_PREFIX}ID)")
    return int(number)


if TYPE_CHECKING:
    _: type[LogSource] = IngestSource
