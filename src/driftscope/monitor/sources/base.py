"""What every log source offers the monitor: a cheap ``scan`` and a windowed ``read``.

A source is made of parts (the files of a folder, or the one SQL table or query). ``scan``
summarises each part in a :class:`Part` (its size, modification time, rows and the range of
its timestamps) so that the monitor can store the summaries and, on the next run, hand them
back: an unchanged file is then never opened again. ``read_windows`` yields the rows of the
windows the monitor wants to compute, one window at a time, holding only the parts that
overlap the current window in memory.

Timestamps are int64 nanoseconds since the Unix epoch, UTC (as in
:mod:`driftscope.monitor.windowing`); a row whose timestamp is null or empty is *missing*, one
whose text cannot be read is *unparseable*: both are counted in the part, neither ever
appears in a window.

>>> part = Part("/logs/a.parquet", size=10, mtime_ns=5, rows=3, first=0, last=7,
...             missing=1, unparseable=0)
>>> Part.from_json(part.to_json()) == part
True
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Protocol

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from driftscope.errors import InputError
from driftscope.io._numpy import from_numpy, to_numpy
from driftscope.monitor.windowing import Mask, Timestamps, timestamps_from_arrow

__all__ = ["LogSource", "Part", "WindowRows", "check_windows", "read_timestamps", "rows_between"]


@dataclass(frozen=True, slots=True)
class Part:
    """One piece of a source as last scanned: a file, or the whole SQL table/query."""

    key: str
    """The absolute file path; ``"sql"`` for a SQL source."""
    size: int
    """Bytes (files); 0 for SQL."""
    mtime_ns: int
    """``st_mtime_ns`` (files); 0 for SQL."""
    rows: int
    first: int | None
    """Earliest valid timestamp (epoch nanoseconds, UTC); None when no row has one."""
    last: int | None
    """Latest valid timestamp."""
    missing: int
    """Rows whose timestamp is null or empty."""
    unparseable: int
    """Rows whose timestamp text cannot be read."""

    def to_json(self) -> dict[str, object]:
        """The part as a JSON-ready dict (what the store keeps between runs)."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Part:
        """The part :meth:`to_json` wrote; a ValueError naming the field that is wrong."""
        key = data.get("key")
        if not isinstance(key, str):
            raise ValueError(f"a log part needs a text 'key'; got {key!r}")
        return cls(
            key=key,
            size=_int(data, "size"),
            mtime_ns=_int(data, "mtime_ns"),
            rows=_int(data, "rows"),
            first=_optional_int(data, "first"),
            last=_optional_int(data, "last"),
            missing=_int(data, "missing"),
            unparseable=_int(data, "unparseable"),
        )


def _optional_int(data: Mapping[str, object], name: str) -> int | None:
    return None if data.get(name) is None else _int(data, name)


def _int(data: Mapping[str, object], name: str) -> int:
    value = data.get(name)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"log part field {name!r} must be an integer; got {value!r}")
    return value


@dataclass(frozen=True, slots=True)
class WindowRows:
    """The rows of one window, as one Arrow table."""

    index: int
    """Position of the window in the ``windows`` argument of ``read_windows``."""
    table: pa.Table
    """The rows with ``start <= timestamp < end`` (the timestamp column included, as read)."""
    notes: tuple[str, ...]
    """One sentence each: schema differences met while reading (the file named)."""


class LogSource(Protocol):
    """Where inference logs come from: files (:class:`~.files.FileSource`) or SQL
    (:class:`~.sql.SqlSource`)."""

    def scan(self, known: Mapping[str, Part]) -> list[Part]:
        """Every part now present, in key order. A file whose (size, mtime_ns) equal the known
        part's is returned from ``known`` without opening it; new or changed files are read
        for their timestamp column only where the format allows (Parquet)."""
        ...

    def read_windows(
        self,
        parts: Sequence[Part],
        windows: Sequence[tuple[int, int]],
        columns: Sequence[str] | None = None,
    ) -> Iterator[WindowRows]:
        """For windows given as ``(start_ns, end_ns)``, sorted and non-overlapping, one
        :class:`WindowRows` per window in order (an empty table when no row falls in it),
        reading each part at most once per call and holding in memory only the parts that
        overlap the current window. ``columns`` None means all columns."""
        ...


def read_timestamps(column: pa.Array | pa.ChunkedArray, name: str, where: str) -> Timestamps:
    """The timestamps of ``column`` (named ``name``, read from ``where``): what
    :func:`~driftscope.monitor.windowing.timestamps_from_arrow` reads, plus dates (midnight
    UTC) and empty or blank texts, which count as missing rather than unparseable.

    >>> t = read_timestamps(pa.array(["2026-03-01", "", None, "later"]), "ts", "a.csv")
    >>> t.valid.tolist(), t.unparseable
    ([True, False, False, False], 1)
    """
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks() if column.num_chunks else pa.array([], type=column.type)
    if pa.types.is_dictionary(column.type):
        column = column.dictionary_decode()
    if pa.types.is_date(column.type):
        column = column.cast(pa.timestamp("s"))
    elif pa.types.is_null(column.type):
        column = column.cast(pa.string())
    elif pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        # Arrays only, no Python scalars: converting one makes pyarrow import pandas.
        lengths = pc.utf8_length(pc.utf8_trim_whitespace(column)).fill_null(1)
        blank = to_numpy(lengths) == 0
        if blank.any():
            column = pc.if_else(from_numpy(blank), pa.nulls(len(column), column.type), column)
    try:
        return timestamps_from_arrow(column, name)
    except InputError as exc:
        raise InputError(f"{where}: {exc}") from None


def rows_between(timestamps: Timestamps, start: int, end: int) -> Mask:
    """Which rows have a valid timestamp in ``[start, end)``.

    >>> t = Timestamps(np.array([1, 5, 9]), np.array([True, False, True]))
    >>> rows_between(t, 0, 9).tolist()
    [True, False, False]
    """
    nanos, valid, _ = timestamps
    return np.asarray(valid & (nanos >= start) & (nanos < end), dtype=bool)


def check_windows(windows: Sequence[tuple[int, int]]) -> None:
    """A ValueError unless every window ends after it starts and starts no earlier than the
    previous one ends (what ``read_windows`` relies on to read each part once).

    >>> check_windows([(0, 5), (5, 9)])
    >>> check_windows([(0, 5), (4, 9)])
    Traceback (most recent call last):
    ...
    ValueError: windows must be sorted and not overlap: (4, 9) starts before (0, 5) ends
    """
    previous: tuple[int, int] | None = None
    for window in windows:
        start, end = window
        if end <= start:
            raise ValueError(f"a window must end after it starts; got {window}")
        if previous is not None and start < previous[1]:
            raise ValueError(
                f"windows must be sorted and not overlap: {window} starts before {previous} ends"
            )
        previous = window
