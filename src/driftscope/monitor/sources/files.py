"""Inference logs in files: one file, a folder of them, or a glob; Parquet, CSV, JSON Lines.

A scan lists the files afresh each time (so new ones are picked up) and opens only those
whose size or modification time differ from what the previous scan recorded. Parquet files
are scanned for their timestamp column alone. CSV and JSON Lines have no such reader: a
scan reads the whole file (the row count and the timestamps need every line anyway). To not
read a file twice in one run (scanned, then read for its windows) the source keeps the tables
it scanned in a small cache, at most :data:`CACHE_FILES` files and :data:`CACHE_BYTES` of
Arrow memory, newest kept. The trade-off: a run that finds many new text files still reads
all but the last few of them twice; convert logs to Parquet when that matters.

Reading windows keeps in memory only the files whose timestamps overlap the current window:
files are loaded as the windows reach their first timestamp and let go once their last
timestamp is behind the next window's start, so each file is read at most once per call.
Within a file, rows are found by binary search over its timestamps in time order (a view of
the table when the file is written in time order, as logs are), so many small windows over
one large file cost little more than one.

An empty file is a part without rows (a writer has just created it); a file that changed
between the scan and the read is read as it is now, with a note. A file that cannot be read
(a Parquet file still being written in place, a CSV line with too many fields) stops the
scan with the one-line error :func:`~driftscope.io.read_dataset` gives: writers should write
to a hidden or ``_`` name and rename, which is what skipping those names is for.

>>> import tempfile, pyarrow as pa, pyarrow.parquet as pq
>>> folder = tempfile.mkdtemp()
>>> HOUR = 3_600 * 10**9
>>> stamps = pa.array([0, HOUR, 2 * HOUR, 3 * HOUR], pa.timestamp("ns"))
>>> pq.write_table(pa.table({"ts": stamps, "x": [1, 2, 3, 4]}), folder + "/day.parquet")
>>> source = FileSource(folder, "ts")
>>> parts = source.scan({})
>>> [(p.rows, p.first, p.last // HOUR) for p in parts]
[(4, 0, 3)]
>>> windows = [(0, 2 * HOUR), (2 * HOUR, 3 * HOUR)]
>>> [w.table.column("x").to_pylist() for w in source.read_windows(parts, windows)]
[[1, 2], [3]]
"""

from __future__ import annotations

import glob
import os
import re
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.parquet as pq

from driftscope.errors import InputError
from driftscope.io._arrow import first_line, is_string_like
from driftscope.io._dataset import read_dataset
from driftscope.io._files import (
    COMPRESSION_SUFFIXES,
    CSV_SUFFIXES,
    JSONL_SUFFIXES,
    PARQUET_SUFFIXES,
    file_kind,
)
from driftscope.io._numpy import from_numpy
from driftscope.io._paths import locate
from driftscope.monitor.sources._union import Piece, union
from driftscope.monitor.sources.base import Part, WindowRows, check_windows, read_timestamps
from driftscope.monitor.windowing import Timestamps

__all__ = ["CACHE_BYTES", "CACHE_FILES", "FileSource"]

CACHE_FILES = 4
"""Text files (CSV, JSON Lines) a source keeps in memory after scanning them."""
CACHE_BYTES = 256 * 2**20
"""The most Arrow memory those cached tables may take together; a larger file is not kept."""
LOG_SUFFIXES = PARQUET_SUFFIXES + tuple(
    suffix + compression
    for suffix in CSV_SUFFIXES + JSONL_SUFFIXES
    for compression in ("", *COMPRESSION_SUFFIXES)
)
"""The file names a folder or a glob is searched for."""
_GLOB_CHARS = re.compile(r"[*?\[]")
_SHOWN_COLUMNS = 8


class FileSource:
    """The log files at ``path`` (a file, a folder searched recursively, or a glob), whose
    rows are placed in time by the column ``timestamp``.

    In a folder, hidden files and names starting with ``_`` or ``.`` (at any depth) are
    skipped: they are writers' bookkeeping (``_SUCCESS``, ``.part`` files in progress).
    """

    def __init__(self, path: str, timestamp: str) -> None:
        self.path = path
        self.timestamp = timestamp
        self._cache: OrderedDict[tuple[str, int, int], _Loaded] = OrderedDict()

    def __repr__(self) -> str:
        return f"FileSource(path={self.path!r}, timestamp={self.timestamp!r})"

    def files(self) -> list[str]:
        """The absolute paths of the log files ``path`` names now, sorted; a one-line
        InputError when there is none."""
        where = locate(self.path)
        if where == "file":
            file_kind(self.path)  # an unknown type fails here, naming the file
            found = [self.path]
        elif where == "folder":
            found = _in_folder(Path(self.path))
        elif _GLOB_CHARS.search(self.path):
            # glob.glob rather than Path.glob: the pattern is absolute and may hold "**".
            found = []
            for match in glob.glob(self.path, recursive=True):  # noqa: PTH207
                if Path(match).name.startswith(("_", ".")):
                    continue
                if Path(match).is_dir():  # logs/2026-03-* naming a folder per day
                    found += _in_folder(Path(match))
                elif _is_log(match) and Path(match).is_file():
                    found.append(match)
        else:
            found = []
        if not found:
            raise InputError(
                f"logs: no log file matches {self.path}; give a file, a folder or a glob of "
                "Parquet (.parquet, .pq), CSV (.csv, .tsv) or JSON Lines (.jsonl, .ndjson, "
                ".json) files"
            )
        return sorted({os.path.abspath(f) for f in found})  # noqa: PTH100

    def scan(self, known: Mapping[str, Part]) -> list[Part]:
        """Every log file now present, in path order; an unchanged file (same size and
        modification time as in ``known``) comes from ``known`` without being opened."""
        parts = []
        for path in self.files():
            try:
                status = Path(path).stat()
            except FileNotFoundError:  # removed since it was listed
                continue
            except OSError as exc:
                raise InputError(f"{path}: cannot look it up ({first_line(exc)})") from None
            old = known.get(path)
            if old is not None and (old.size, old.mtime_ns) == (
                status.st_size,
                status.st_mtime_ns,
            ):
                parts.append(old)
                continue
            if status.st_size == 0:  # just created, nothing written yet: no rows to read
                parts.append(Part(path, 0, status.st_mtime_ns, 0, None, None, 0, 0))
                continue
            stamps, rows = self._scan_file(path, status)
            parts.append(_part(path, status, rows, stamps))
        return parts

    def _scan_file(self, path: str, status: os.stat_result) -> tuple[Timestamps, int]:
        if file_kind(path) == "parquet":
            table = _read_file(path, [self.timestamp])
            self._check_timestamp(path, table)
            return self._stamps(path, table), table.num_rows
        loaded = self._load_text(path, status)
        return loaded.stamps, loaded.table.num_rows

    def _load_text(self, path: str, status: os.stat_result) -> _Loaded:
        """A CSV or JSON Lines file read whole, from the cache when it holds it."""
        key = (path, status.st_size, status.st_mtime_ns)
        loaded = self._cache.get(key)
        if loaded is not None:
            self._cache.move_to_end(key)
            return loaded
        table = _read_file(path, None)
        self._check_timestamp(path, table)
        loaded = _Loaded(path, table, self._stamps(path, table))
        if table.nbytes <= CACHE_BYTES:
            self._cache[key] = loaded
            while len(self._cache) > CACHE_FILES or _bytes(self._cache) > CACHE_BYTES:
                self._cache.popitem(last=False)
        return loaded

    def _stamps(self, path: str, table: pa.Table) -> Timestamps:
        return read_timestamps(table.column(self.timestamp), self.timestamp, path)

    def _check_timestamp(self, path: str, table: pa.Table) -> None:
        if self.timestamp in table.column_names:
            return
        names = table.column_names
        if file_kind(path) == "parquet":  # only the wanted columns were read: name them all
            names = _parquet_schema(path).names
        shown = ", ".join(repr(n) for n in names[:_SHOWN_COLUMNS])
        more = ", ..." if len(names) > _SHOWN_COLUMNS else ""
        raise InputError(
            f"{path}: has no timestamp column {self.timestamp!r} (its columns: {shown}{more}); "
            "fix columns.timestamp in the config or the file"
        )

    def read_windows(
        self,
        parts: Sequence[Part],
        windows: Sequence[tuple[int, int]],
        columns: Sequence[str] | None = None,
    ) -> Iterator[WindowRows]:
        """One :class:`WindowRows` per window of ``windows`` (``(start_ns, end_ns)``, sorted,
        not overlapping), in order, from the files of ``parts`` (as :meth:`scan` returned
        them); only ``columns`` and the timestamp column when ``columns`` is given."""
        check_windows(windows)
        wanted = None if columns is None else list(dict.fromkeys([*columns, self.timestamp]))
        waiting = sorted(
            (p.first, p.last, p.key, p) for p in parts if p.first is not None and p.last is not None
        )
        following = 0  # the next of ``waiting`` to load
        held: dict[str, _Window] = {}
        schema: pa.Schema | None = None
        for index, (start, end) in enumerate(windows):
            notes: list[str] = []
            while following < len(waiting) and waiting[following][0] < end:
                _, last, key, part = waiting[following]
                following += 1
                if last >= start:  # else it ends before this window: never needed
                    held[key] = self._load(part, wanted, notes)
            pieces = [Piece(key, held[key].rows(start, end)) for key in sorted(held) if held[key]]
            pieces = [p for p in pieces if p.table.num_rows]
            if pieces:
                table, differences = union(pieces, wanted)
                notes += differences
                schema = table.schema
            elif schema is not None:  # (not schema.empty_table(): it imports pandas)
                table = pa.Table.from_batches([], schema=schema)
            else:
                table = union([], wanted or [self.timestamp])[0]
            yield WindowRows(index, table, tuple(notes))
            after = windows[index + 1][0] if index + 1 < len(windows) else None
            for key in [k for k, w in held.items() if after is None or w.last < after]:
                del held[key]

    def _load(self, part: Part, wanted: list[str] | None, notes: list[str]) -> _Window:
        path = part.key
        try:
            status = Path(path).stat()
        except OSError:
            raise InputError(
                f"{path}: file not found; it was there when the logs were scanned"
            ) from None
        if (status.st_size, status.st_mtime_ns) != (part.size, part.mtime_ns):
            notes.append(
                f"{path}: changed since the logs were scanned; its rows are read as they are "
                "now, and those outside the scanned time range are left to the next run"
            )
        if file_kind(path) == "parquet":
            table = _read_file(path, wanted)
            self._check_timestamp(path, table)
            stamps = self._stamps(path, table)
        else:
            loaded = self._load_text(path, status)
            table, stamps = loaded.table, loaded.stamps
            if wanted is not None:
                table = table.select([n for n in wanted if n in table.column_names])
        return _Window.of(table, stamps)


@dataclass(frozen=True, slots=True)
class _Loaded:
    """A text file read whole at scan, with its timestamps."""

    path: str
    table: pa.Table
    stamps: Timestamps


@dataclass(frozen=True, slots=True)
class _Window:
    """A file held while windows pass over it: its rows with a valid timestamp in time
    order (``order`` indexes the table, ``nanos`` are their timestamps, ascending)."""

    table: pa.Table
    order: npt.NDArray[np.intp]
    nanos: npt.NDArray[np.int64]
    in_order: bool
    """Whether ``order`` is ascending (the file was written in time order, as logs are)."""

    @classmethod
    def of(cls, table: pa.Table, stamps: Timestamps) -> _Window:
        kept = np.flatnonzero(stamps.valid)
        values = stamps.nanos[kept]
        in_order = bool(np.all(values[1:] >= values[:-1]))
        if not in_order:
            step = np.argsort(values, kind="stable")
            kept, values = kept[step], values[step]
        return cls(table, kept.astype(np.intp), values.astype(np.int64), in_order)

    def __bool__(self) -> bool:
        return len(self.order) > 0

    @property
    def last(self) -> int:
        return int(self.nanos[-1]) if len(self.nanos) else -(2**63)

    def rows(self, start: int, end: int) -> pa.Table:
        """The rows with ``start <= timestamp < end``, in file order."""
        low, high = np.searchsorted(self.nanos, [start, end], side="left")
        taken = self.order[low:high]
        if not len(taken):
            return self.table.slice(0, 0)
        if not self.in_order:
            taken = np.sort(taken)
        first = int(taken[0])
        if int(taken[-1]) - first + 1 == len(taken):  # one run of rows: a view, no copy
            return self.table.slice(first, len(taken))
        return self.table.take(from_numpy(taken.astype(np.int64)))


def _part(path: str, status: os.stat_result, rows: int, stamps: Timestamps) -> Part:
    nanos, valid, unparseable = stamps
    present = nanos[valid]
    return Part(
        key=path,
        size=status.st_size,
        mtime_ns=status.st_mtime_ns,
        rows=rows,
        first=int(present.min()) if len(present) else None,
        last=int(present.max()) if len(present) else None,
        missing=rows - len(present) - unparseable,
        unparseable=unparseable,
    )


def _read_file(path: str, columns: Sequence[str] | None) -> pa.Table:
    """The one place files are opened: ``columns`` of a Parquet file (those it has; all of
    them for None, strings as dictionaries as :func:`~driftscope.io.read_dataset` reads
    them), or a whole CSV or JSON Lines file."""
    if file_kind(path) != "parquet":
        return read_dataset(path).table
    schema = _parquet_schema(path)
    names = [n for n in (schema.names if columns is None else columns) if n in schema.names]
    strings = [n for n in names if is_string_like(schema.field(n).type)]
    try:
        with pq.ParquetFile(path, read_dictionary=strings or None) as parquet:
            table = parquet.read(columns=names)
    except (pa.ArrowException, OSError) as exc:
        raise InputError(f"{path}: not a readable Parquet file ({first_line(exc)})") from None
    return table.replace_schema_metadata(None)


def _parquet_schema(path: str) -> pa.Schema:
    """The data columns of a Parquet file, without the index columns pandas stores beside
    them (``__index_level_0__``)."""
    try:
        schema = pq.read_schema(path)
    except (pa.ArrowException, OSError) as exc:
        raise InputError(f"{path}: not a readable Parquet file ({first_line(exc)})") from None
    metadata = schema.pandas_metadata or {}
    index = {c for c in metadata.get("index_columns", []) if isinstance(c, str)}
    return pa.schema([f for f in schema if f.name not in index])


def _in_folder(root: Path) -> list[str]:
    """The log files under ``root``, at any depth, but for hidden and ``_`` names."""
    return [
        str(p)
        for p in root.rglob("*")
        if _is_log(p.name)
        and not any(part.startswith((".", "_")) for part in p.relative_to(root).parts)
        and p.is_file()
    ]


def _is_log(name: str) -> bool:
    return name.lower().endswith(LOG_SUFFIXES)


def _bytes(cache: Mapping[tuple[str, int, int], _Loaded]) -> int:
    return sum(loaded.table.nbytes for loaded in cache.values())
