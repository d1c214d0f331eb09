"""Distinct values and their counts for one column, from dictionary codes when it has them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from driftscope.io._arrow import as_chunked, is_number, is_string_like, unsupported_type
from driftscope.io._numpy import from_numpy, to_numpy


@dataclass(frozen=True, slots=True, eq=False)
class ValueCounts:
    """Distinct non-missing values of one column (dictionaries decoded) and their counts."""

    values: pa.Array
    counts: npt.NDArray[np.int64]
    missing: int


def value_counts(column: pa.ChunkedArray | pa.Array, *, name: str | None = None) -> ValueCounts:
    """Distinct values and counts of one column; null and NaN are counted as missing."""
    column = as_chunked(column)
    t = column.type
    if pa.types.is_null(t):
        return ValueCounts(pa.nulls(0), np.zeros(0, np.int64), len(column))
    if pa.types.is_dictionary(t):
        values, counts = _dictionary_counts(column)
        missing = column.null_count
    else:
        if not _countable(t):
            raise unsupported_type(name, t)
        result = pc.value_counts(column)
        values = result.field("values")
        counts = np.asarray(to_numpy(result.field("counts")), dtype=np.int64)
        missing = 0
    # Null dictionary entries, null value_counts rows and NaN all count as missing.
    invalid_arrow = values.is_null(nan_is_null=True)
    invalid = np.asarray(to_numpy(invalid_arrow), dtype=bool)
    if invalid.any():
        missing += int(counts[invalid].sum())
        values, counts = values.filter(pc.invert(invalid_arrow)), counts[~invalid]
    return ValueCounts(values, counts, int(missing))


def _countable(t: pa.DataType) -> bool:
    return bool(
        is_string_like(t) or is_number(t) or pa.types.is_boolean(t) or pa.types.is_temporal(t)
    )


def _dictionary_counts(column: pa.ChunkedArray) -> tuple[pa.Array, npt.NDArray[np.int64]]:
    """Counts per dictionary value, from the codes; values never used are dropped."""
    pieces: list[tuple[pa.Array, npt.NDArray[np.int64]]] = []
    for chunk in column.chunks:
        codes = chunk.indices
        if chunk.null_count:
            codes = codes.drop_null()
        codes_np = to_numpy(codes)
        if codes_np.dtype == np.uint64:
            codes_np = codes_np.astype(np.intp)  # bincount refuses uint64
        counts = np.bincount(codes_np, minlength=len(chunk.dictionary)).astype(np.int64)
        pieces.append((chunk.dictionary, counts))
    if not pieces:
        return pa.nulls(0, column.type.value_type), np.zeros(0, np.int64)
    dictionary, total = pieces[0]
    if all(d is dictionary or d.equals(dictionary) for d, _ in pieces[1:]):
        total = np.sum([c for _, c in pieces], axis=0)
    else:
        # Chunks (row groups, files) carry different dictionaries: map each onto their union.
        dictionary = pc.unique(pa.concat_arrays([d for d, _ in pieces]))
        total = np.zeros(len(dictionary), np.int64)
        for d, c in pieces:
            # Every entry is found: the union was built from these very dictionaries.
            positions = pc.index_in(d, value_set=dictionary, skip_nulls=False)
            np.add.at(total, to_numpy(positions), c)
    used = total > 0
    if used.all():
        return dictionary, total
    return dictionary.filter(from_numpy(used)), total[used]
