"""Column extraction for the statistics: float arrays for numeric tests, aligned counts for
categorical ones. Both treat null and float NaN alike as missing."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from driftscope.errors import SchemaError
from driftscope.io._arrow import (
    as_chunked,
    describe,
    float64_values,
    is_number,
    is_string_like,
    parse_iso_datetimes,
    unsupported_type,
)
from driftscope.io._counts import value_counts
from driftscope.io._numpy import from_numpy, numpy_dtype, to_numpy, valid_mask

_SECONDS_PER_UNIT = {"s": 1.0, "ms": 1e3, "us": 1e6, "ns": 1e9}
# "False" and "True" at positions 0 and 1, built from buffers: pa.array(["False", "True"])
# would make pyarrow import pandas.
_BOOLEAN_LABELS = pa.Array.from_buffers(
    pa.large_string(),
    2,
    [None, pa.py_buffer(np.array([0, 5, 9], np.int64)), pa.py_buffer(b"FalseTrue")],
)


def numeric_values(
    column: pa.ChunkedArray | pa.Array, *, name: str | None = None
) -> npt.NDArray[np.float64]:
    """The column as a 1-D float64 array, missing values as NaN.

    Integers, floats, decimals, booleans (0/1), timestamps and dates (seconds since the Unix
    epoch, UTC), durations and times of day (seconds), and ISO-8601 date strings (as
    timestamps). A single float64 chunk without nulls is returned without copying, as a
    read-only view of Arrow's memory; copy it before writing to it.

    Parameters
    ----------
    column
        The column (an Array is accepted too).
    name
        Column name for error messages.

    Raises
    ------
    SchemaError
        For strings that are not ISO dates, and for types without a numeric meaning.

    Examples
    --------
    >>> import pyarrow as pa
    >>> numeric_values(pa.chunked_array([[1, None, 3], [4]])).tolist()
    [1.0, nan, 3.0, 4.0]
    """
    column = as_chunked(column)
    if column.num_chunks == 1:
        return _chunk_values(column.chunk(0), name)
    out = np.empty(len(column), dtype=np.float64)
    start = 0
    for chunk in column.chunks:
        out[start : start + len(chunk)] = _chunk_values(chunk, name)
        start += len(chunk)
    return out


def _chunk_values(chunk: pa.Array, name: str | None) -> npt.NDArray[np.float64]:
    t = chunk.type
    if pa.types.is_dictionary(t):
        if is_string_like(t.value_type):
            return _chunk_values(_parsed_dates(chunk, name), name)
        return _chunk_values(chunk.dictionary_decode(), name)
    if pa.types.is_null(t):
        return np.full(len(chunk), np.nan)
    if pa.types.is_float64(t):
        return _float_array(chunk)
    if is_number(t) or pa.types.is_boolean(t):
        # int64 beyond 2**53 loses low digits, as any float conversion must (type inference
        # makes such columns categorical); decimals convert exactly.
        return _float_array(float64_values(chunk))
    if pa.types.is_date32(t):
        return _float_array(chunk.cast(pa.int32()).cast(pa.float64())) * 86_400.0
    if pa.types.is_date64(t):
        return _float_array(chunk.cast(pa.int64()).cast(pa.float64(), safe=False)) / 1e3
    if pa.types.is_timestamp(t) or pa.types.is_duration(t) or pa.types.is_time(t):
        # Arrow casts time32 only to int32 (and time64 to int64); both widen exactly.
        storage = pa.int32() if pa.types.is_time32(t) else pa.int64()
        ticks = chunk.cast(storage).cast(pa.float64(), safe=False)
        return _float_array(ticks) / _SECONDS_PER_UNIT[t.unit]
    if is_string_like(t):
        return _chunk_values(_parsed_dates(chunk, name), name)
    raise unsupported_type(name, t)


def _float_array(array: pa.Array) -> npt.NDArray[np.float64]:
    """A float64 Arrow array as numpy with NaN for nulls; a read-only view when none."""
    values = np.asarray(to_numpy(array), dtype=np.float64)
    valid = valid_mask(array)
    if valid is None:
        return values
    values = values.copy()
    values[~valid] = np.nan
    return values


def _parsed_dates(chunk: pa.Array, name: str | None) -> pa.Array:
    parsed = parse_iso_datetimes(pa.chunked_array([chunk]))
    if parsed is None:
        raise SchemaError(
            f"{describe(name)} holds strings, not numbers; numeric tests need numbers, "
            "booleans or ISO dates"
        )
    return parsed.combine_chunks()


@dataclass(frozen=True, slots=True, eq=False)
class CategoryCounts:
    """Counts of each category on both sides, over the union of categories seen.

    ``labels`` are the categories as strings (booleans as ``"False"``/``"True"``, numbers as
    Arrow formats them, so ``1.0`` is ``"1"``), sorted by value; ``reference`` and ``current``
    are int64 counts aligned with ``labels`` (read-only); ``*_missing`` count null and NaN.
    Every label has a positive count on at least one side.
    """

    labels: tuple[str, ...]
    reference: npt.NDArray[np.int64]
    current: npt.NDArray[np.int64]
    reference_missing: int
    current_missing: int


def category_counts(
    reference: pa.ChunkedArray | pa.Array,
    current: pa.ChunkedArray | pa.Array,
    *,
    name: str | None = None,
) -> CategoryCounts:
    """Count categories on both sides and align the counts on the union of categories.

    Dictionary-encoded columns are counted from their codes (``numpy.bincount``), other
    columns hash their values (``pyarrow.compute.value_counts``). When the two sides hold
    different kinds of values (integers in one, strings in the other), both are compared by
    their string labels.

    Parameters
    ----------
    reference, current
        The two columns.
    name
        Column name for error messages.

    Raises
    ------
    SchemaError
        For nested or binary columns.

    Examples
    --------
    >>> import pyarrow as pa
    >>> counts = category_counts(
    ...     pa.chunked_array([["b", "a", None, "b"]]), pa.chunked_array([["c", "b"]])
    ... )
    >>> counts.labels, counts.reference.tolist(), counts.current.tolist()
    (('a', 'b', 'c'), [1, 2, 0], [0, 1, 1])
    >>> counts.reference_missing, counts.current_missing
    (1, 0)
    """
    ref = value_counts(reference, name=name)
    cur = value_counts(current, name=name)
    common = _common_type(ref.values.type, cur.values.type)
    if common is None:
        ref_values, cur_values = _as_labels(ref.values), _as_labels(cur.values)
    else:
        if pa.types.is_float16(common):
            common = pa.float32()  # exact, and arithmetic kernels exist for it
        ref_values, cur_values = _cast(ref.values, common), _cast(cur.values, common)
        if pa.types.is_floating(common):
            # -0.0 + 0.0 is 0.0: one category for zero, however it was signed (_place adds
            # up the counts of values that land on the same category).
            zero = from_numpy(np.zeros(1, numpy_dtype(common)))[0]
            ref_values, cur_values = pc.add(ref_values, zero), pc.add(cur_values, zero)
    union = pc.unique(pa.concat_arrays([ref_values, cur_values]))
    union = union.take(pc.sort_indices(union))
    ref_counts = _place(ref_values, ref.counts, union)
    cur_counts = _place(cur_values, cur.counts, union)
    labels = _format(union)
    if len(set(labels)) != len(labels):
        labels, ref_counts, cur_counts = _merge_equal_labels(labels, ref_counts, cur_counts)
    ref_counts.setflags(write=False)
    cur_counts.setflags(write=False)
    return CategoryCounts(tuple(labels), ref_counts, cur_counts, ref.missing, cur.missing)


def _common_type(a: pa.DataType, b: pa.DataType) -> pa.DataType | None:
    """A type both sides' values convert to without changing their labels, or None."""
    if a.equals(b):
        return a
    if pa.types.is_null(a):
        return b
    if pa.types.is_null(b):
        return a
    if is_string_like(a) and is_string_like(b):
        return pa.large_string()
    if pa.types.is_integer(a) and pa.types.is_integer(b):
        # uint64 beyond 2**63 does not fit int64: such sides meet as labels, exactly
        return None if pa.types.is_uint64(a) or pa.types.is_uint64(b) else pa.int64()
    if is_number(a) and is_number(b):
        return pa.float64()
    return None


def _cast(values: pa.Array, target: pa.DataType) -> pa.Array:
    return float64_values(values) if pa.types.is_float64(target) else values.cast(target)


def _as_labels(values: pa.Array) -> pa.Array:
    """Labels for distinct values: strings as they are, booleans as Python spells them,
    everything else as Arrow formats it (so 1.0 is "1")."""
    if pa.types.is_boolean(values.type):
        return _BOOLEAN_LABELS.take(values.cast(pa.int8()))
    return values.cast(pa.large_string())


def _format(values: pa.Array) -> list[str]:
    return [str(v) for v in _as_labels(values).to_pylist()]


def _place(
    values: pa.Array, counts: npt.NDArray[np.int64], union: pa.Array
) -> npt.NDArray[np.int64]:
    out = np.zeros(len(union), np.int64)
    if len(values):
        positions = to_numpy(pc.index_in(values, value_set=union))
        np.add.at(out, positions, counts)
    return out


def _merge_equal_labels(
    labels: list[str], ref: npt.NDArray[np.int64], cur: npt.NDArray[np.int64]
) -> tuple[list[str], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Add up counts of distinct values that format to the same label (e.g. -0.0 and 0.0)."""
    order: dict[str, int] = {}
    slots = np.array([order.setdefault(label, len(order)) for label in labels])
    merged_ref = np.zeros(len(order), np.int64)
    merged_cur = np.zeros(len(order), np.int64)
    np.add.at(merged_ref, slots, ref)
    np.add.at(merged_cur, slots, cur)
    return list(order), merged_ref, merged_cur
