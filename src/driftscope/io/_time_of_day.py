"""Times of day in CSV text: ``8:05``, ``9:30:15``, ``23:59:59.250``.

Arrow's CSV reader reads ``HH:MM`` and ``HH:MM:SS`` with a two-digit hour as ``time32[s]``
and leaves any other spelling as strings, so a column written ``8:05`` (as spreadsheets and
many loggers write times) would be compared as categories, and one written ``08:05:00.250``
too. Here a string column whose every value is a time of day (see
:data:`TIME_OF_DAY_PATTERN`: an hour of one or two digits in 0-23, two-digit minutes and
seconds, a fraction of up to nine digits) becomes ``time64[ns]``, which the rest of the
package reads as numbers: seconds since midnight, as for Arrow's own times.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from driftscope.errors import InputError
from driftscope.io._arrow import is_string_like, sample_values

TIME_OF_DAY_PATTERN = (
    r"^(?P<hour>[01]?[0-9]|2[0-3]):(?P<minute>[0-5][0-9])"
    r"(?::(?P<second>[0-5][0-9])(?:\.(?P<fraction>[0-9]{1,9}))?)?$"
)
"""``H:MM``, ``H:MM:SS`` or ``H:MM:SS.f`` (up to nine fraction digits); hours 0-23."""

SAMPLE_SIZE = 100
"""Values looked at (evenly spaced) before a column is parsed in full."""

_NANOS = 1_000_000_000


def parse_times_of_day(column: pa.ChunkedArray) -> pa.ChunkedArray | None:
    """A string column as ``time64[ns]`` when every value is a time of day, else None.

    Missing values stay missing; a column with no values is left as it is (None).

    >>> parse_times_of_day(pa.chunked_array([["8:05", None, "23:59:59.5"]])).to_pylist()
    [datetime.time(8, 5), None, datetime.time(23, 59, 59, 500000)]
    >>> parse_times_of_day(pa.chunked_array([["8:05", "8:60"]])) is None
    True
    """
    if not is_string_like(column.type) or column.null_count == len(column):
        return None
    sample = sample_values(column, SAMPLE_SIZE)
    if not pc.all(pc.match_substring_regex(sample, TIME_OF_DAY_PATTERN)).as_py():
        return None
    parts = pc.extract_regex(column, TIME_OF_DAY_PATTERN)
    if parts.null_count != column.null_count:  # a value that is not a time of day
        return None
    hour, minute = _integer(parts, "hour"), _integer(parts, "minute")
    # Optional groups that did not take part come back as "": no seconds, no fraction.
    second = _integer(parts, "second", missing="0")
    fraction = pc.utf8_rpad(pc.struct_field(parts, "fraction"), width=9, padding="0")
    seconds = pc.add(pc.multiply(pc.add(pc.multiply(hour, 60), minute), 60), second)
    nanos = pc.add(pc.multiply(seconds, _NANOS), pc.cast(fraction, pa.int64()))
    return pc.cast(nanos, pa.time64("ns"))


def with_times_of_day(table: pa.Table) -> tuple[pa.Table, tuple[str, ...]]:
    """``table`` with each string column of times of day as ``time64[ns]``, and the names
    of the columns converted."""
    converted = []
    for i, column in enumerate(table.columns):
        parsed = parse_times_of_day(column)
        if parsed is not None:
            table = table.set_column(i, table.field(i).with_type(parsed.type), parsed)
            converted.append(table.field(i).name)
    return table, tuple(converted)


def as_times_of_day(table: pa.Table, names: tuple[str, ...], source: str) -> pa.Table:
    """``table`` with the columns ``names`` (times of day in an earlier block of the same
    file) as ``time64[ns]``; InputError naming ``source`` when one holds something else."""
    for name in names:
        i = table.schema.get_field_index(name)
        column = table.column(i)
        if column.null_count == len(column):
            parsed = pa.chunked_array([pa.nulls(len(column), pa.time64("ns"))])
        else:
            found = parse_times_of_day(column)
            if found is None:
                raise InputError(
                    f"{source}: cannot read it in blocks (column {name!r} holds times of day "
                    "in the first block but other values later); fix the values or convert "
                    "the file to Parquet"
                )
            parsed = found
        table = table.set_column(i, table.field(i).with_type(parsed.type), parsed)
    return table


def _integer(parts: pa.ChunkedArray, name: str, *, missing: str | None = None) -> pa.ChunkedArray:
    text = pc.struct_field(parts, name)
    if missing is not None:
        text = pc.if_else(pc.equal(text, ""), missing, text)
    return pc.cast(text, pa.int64())
