"""Small Arrow helpers shared by the readers, type inference and column extraction."""

from __future__ import annotations

from typing import TypeVar

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from driftscope.errors import SchemaError
from driftscope.io._numpy import from_numpy

ChunkedOrArray = TypeVar("ChunkedOrArray", pa.ChunkedArray, pa.Array)


def as_chunked(column: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray:
    """Return ``column`` as a ChunkedArray (a plain Array becomes a one-chunk column)."""
    if isinstance(column, pa.ChunkedArray):
        return column
    if isinstance(column, pa.Array):
        return pa.chunked_array([column])
    raise TypeError(f"expected a pyarrow ChunkedArray or Array; got {type(column).__name__}")


def describe(name: str | None) -> str:
    """How messages refer to a column: ``column 'age'``, or just ``column`` when unnamed."""
    return f"column {name!r}" if name is not None else "column"


def is_string_like(t: pa.DataType) -> bool:
    """True for the three Arrow UTF-8 string layouts."""
    return bool(pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t))


def value_type(t: pa.DataType) -> pa.DataType:
    """The type of the values: the dictionary's value type for dictionary columns, else ``t``."""
    return t.value_type if pa.types.is_dictionary(t) else t


_KINDS = (
    (pa.types.is_boolean, "boolean"),
    (pa.types.is_integer, "integer"),
    (pa.types.is_floating, "float"),
    (pa.types.is_decimal, "decimal"),
    (is_string_like, "string"),
    (pa.types.is_timestamp, "timestamp"),
    (pa.types.is_date, "date"),
    (pa.types.is_time, "time"),
    (pa.types.is_duration, "duration"),
    (pa.types.is_null, "null"),
)


def value_kind(t: pa.DataType) -> str:
    """The kind of value a column of Arrow type ``t`` holds, as profiles count them: boolean,
    integer, float, decimal, string, timestamp, date, time, duration or null (any width or
    unit, dictionary-encoded or not); Arrow's own name for anything else.

    >>> value_kind(pa.int32()), value_kind(pa.dictionary(pa.int8(), pa.string()))
    ('integer', 'string')
    """
    values = value_type(t)
    for test, kind in _KINDS:
        if test(values):
            return kind
    return str(values)


def is_number(t: pa.DataType) -> bool:
    """Integers, floating point and decimals."""
    return bool(pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t))


def float64_values(values: pa.Array) -> pa.Array:
    """Numbers as float64, each the float nearest its exact value: decimals go through their
    exact decimal text, since Arrow's direct decimal-to-float cast can be one unit in the last
    place off (``0.1`` as decimal128 would not equal the float ``0.1``).

    >>> import decimal
    >>> d = pa.array([decimal.Decimal("0.000001")], pa.decimal128(18, 6))
    >>> float64_values(d).to_pylist() == [0.000001]
    True
    """
    if pa.types.is_decimal(values.type):
        values = pc.cast(values, pa.large_string())
    return pc.cast(values, pa.float64(), safe=False)


FLOAT_EXACT_INTEGERS = 2**53
"""Integers up to this magnitude convert to float64 exactly; beyond it neighbours merge."""


def beyond_float(column: pa.ChunkedArray) -> bool:
    """True for an integer column with a value beyond +/-2**53, where float64 (and so any
    numeric test) can no longer tell neighbouring integers apart.

    >>> beyond_float(pa.chunked_array([[2**60 + 1, 3]])), beyond_float(pa.chunked_array([[7]]))
    (True, False)
    """
    if not pa.types.is_integer(column.type) or column.type.bit_width < 64:
        return False
    if len(column) == column.null_count:
        return False
    low, high = (v.as_py() for v in pc.min_max(column).values())
    return bool(high > FLOAT_EXACT_INTEGERS or low < -FLOAT_EXACT_INTEGERS)


def is_embedding(t: pa.DataType) -> bool:
    """A list (fixed or variable size) of integers or floats: one vector per row."""
    if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_fixed_size_list(t):
        inner = t.value_type
        return bool(pa.types.is_integer(inner) or pa.types.is_floating(inner))
    return False


def sample_positions(length: int, size: int) -> npt.NDArray[np.int64]:
    """Evenly spaced row positions, at most ``size`` of them.

    Evenly spaced rather than the first rows because files are often sorted (by time, by id),
    and the head of a sorted file is not representative.
    """
    if length <= size:
        return np.arange(length, dtype=np.int64)
    return np.linspace(0, length - 1, size).astype(np.int64)


def decoded(column: ChunkedOrArray) -> ChunkedOrArray:
    """A dictionary-encoded column (as Parquet hands strings back) as its plain values; any
    other column as it is."""
    if pa.types.is_dictionary(column.type):
        return column.cast(column.type.value_type)
    return column


def sample_values(column: pa.ChunkedArray, size: int) -> pa.Array:
    """Up to ``size`` non-null values taken at evenly spaced rows, dictionaries decoded."""
    taken = decoded(column.take(from_numpy(sample_positions(len(column), size))))
    combined = taken.combine_chunks() if isinstance(taken, pa.ChunkedArray) else taken
    return combined.drop_null()


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message, to keep error messages to one line."""
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


def unsupported_type(name: str | None, t: pa.DataType) -> SchemaError:
    """The message for a column whose Arrow type no statistic applies to."""
    if pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_fixed_size_binary(t):
        hint = "it holds raw bytes; decode them to text first"
    else:
        hint = "convert it to numbers, strings, booleans or dates first"
    return SchemaError(f"{describe(name)} has type {t}, which driftscope cannot test; {hint}")


def parse_iso_datetimes(column: pa.ChunkedArray) -> pa.ChunkedArray | None:
    """Parse ISO-8601 strings to ``timestamp[us]`` (UTC when they carry offsets), or None.

    None when any value fails to parse or naive and zoned values are mixed.
    """
    column = as_chunked(column)
    if pa.types.is_dictionary(column.type):
        # Parse each distinct string once, then spread the results by the codes.
        chunks = []
        for chunk in column.chunks:
            parsed = _parse_strings(chunk.dictionary)
            if parsed is None:
                return None
            chunks.append(parsed.take(chunk.indices))
        if not chunks:
            return pa.chunked_array([], type=pa.timestamp("us"))
        types = {c.type for c in chunks}
        return pa.chunked_array(chunks) if len(types) == 1 else None
    parsed_column = _parse_strings(column)
    return parsed_column if parsed_column is None else as_chunked(parsed_column)


def _parse_strings(
    values: pa.Array | pa.ChunkedArray,
) -> pa.Array | pa.ChunkedArray | None:
    for target in (pa.timestamp("us"), pa.timestamp("us", tz="UTC")):
        try:
            return pc.cast(values, target)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            continue
    return None
