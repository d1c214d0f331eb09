"""How columns become slice candidates: every column encoded once to small integer codes,
shared by both sides, so that counting a slice is a ``np.bincount`` over combined codes.

- numeric: :data:`NUMERIC_BINS` quantile bins of the reference (a value equal to an edge falls
  in the bin on its right, as in :mod:`driftscope.stats._binning`); each bin is a slice
  ``(low, high)``, ``low <= x < high`` (the last bin includes ``high``);
- categorical: the :data:`MAX_CATEGORIES` most frequent values over both sides, each a slice;
  the rest pooled into one "other" code, which is counted but never a slice (it names nothing);
- boolean: ``False`` and ``True``;
- missing values: a code of their own, a slice "x is missing" (filter value ``None``).

The same codes serve as the bins of a feature whose distribution is compared inside a slice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from driftscope._types import ColumnType
from driftscope.io import numeric_values
from driftscope.io._arrow import decoded
from driftscope.io._numpy import from_numpy, to_numpy, valid_mask
from driftscope.result import SegmentValue

NUMERIC_BINS = 7
"""Quantile bins of a numeric column (plus a missing code: 8 codes fit in 3 bits)."""
MAX_CATEGORIES = 14
"""Most category values kept apart (plus "other" and missing: 16 codes fit in 4 bits)."""
MAX_CODES = 16
"""Codes per column at most: each takes at most 4 bits of a combined code."""
SLICED_TYPES = frozenset({ColumnType.NUMERIC, ColumnType.CATEGORICAL, ColumnType.BOOLEAN})
"""The column types sliced and compared; datetimes, text and embeddings are left out."""

Codes = NDArray[np.uint8]
_OTHER = object()  # the pooled rare categories: counted, never a slice


@dataclass(frozen=True, slots=True)
class Encoded:
    """One column as codes ``0 .. size - 1`` on the sampled rows of each side.

    ``values[c]`` is what code ``c`` means in a filter (a category, a ``(low, high)``
    interval, ``None`` for missing); ``sliceable[c]`` is False for the pooled "other" code.
    ``edges`` are a numeric column's inner bin edges (empty for other columns); ``keys`` a
    category column's kept values, in code order, as Arrow values (to find them in the full
    data: building Arrow scalars from Python values would import pandas)."""

    name: str
    type: ColumnType
    reference: Codes
    current: Codes
    values: tuple[SegmentValue, ...]
    sliceable: tuple[bool, ...]
    edges: tuple[float, ...] = ()
    keys: pa.Array | None = None

    @property
    def size(self) -> int:
        """How many codes the column has."""
        return len(self.values)

    @property
    def bits(self) -> int:
        """Bits a code takes in a combined code."""
        return max(1, (self.size - 1).bit_length())

    def side(self, current: bool) -> Codes:
        """The codes of one side."""
        return self.current if current else self.reference


def encode(
    reference: pa.Table,
    current: pa.Table,
    columns: Mapping[str, ColumnType],
    rows: tuple[NDArray[np.int64] | None, NDArray[np.int64] | None],
) -> list[Encoded]:
    """Every sliced column of ``columns`` encoded on the rows kept of each side (``None``:
    all of them); columns of other types are left out.

    >>> ref = pa.table({"x": [1.0, 2.0, 3.0, None], "c": ["a", "b", "a", "a"]})
    >>> types = {"x": ColumnType.NUMERIC, "c": ColumnType.CATEGORICAL}
    >>> [(e.name, e.reference.tolist(), e.values[-1]) for e in encode(ref, ref, types, (None,) * 2)]
    [('x', [0, 3, 6, 7], None), ('c', [0, 1, 0, 0], 'b')]
    """
    encoded = []
    for name, column_type in columns.items():
        if column_type not in SLICED_TYPES:
            continue
        ref, cur = (
            _taken(t.column(name), r) for t, r in zip((reference, current), rows, strict=True)
        )
        if column_type == ColumnType.NUMERIC:
            encoded.append(_numeric(name, ref, cur))
        elif column_type == ColumnType.BOOLEAN and pa.types.is_boolean(ref.type):
            encoded.append(_boolean(name, ref, cur))
        else:
            encoded.append(_categorical(name, column_type, ref, cur))
    return encoded


def _taken(column: pa.ChunkedArray, rows: NDArray[np.int64] | None) -> pa.Array:
    taken = column if rows is None else column.take(from_numpy(rows))
    return decoded(taken).combine_chunks()


def _numeric(name: str, ref: pa.Array, cur: pa.Array) -> Encoded:
    x_ref, x_cur = numeric_values(ref, name=name), numeric_values(cur, name=name)
    present = x_ref[~np.isnan(x_ref)]
    edges = (
        np.unique(np.quantile(present, np.arange(1, NUMERIC_BINS) / NUMERIC_BINS))
        if present.size
        else np.empty(0)
    )
    bins = edges.size + 1
    missing = bool(np.isnan(x_ref).any() or np.isnan(x_cur).any())
    codes = []
    for x in (x_ref, x_cur):
        c = np.searchsorted(edges, x, side="right").astype(np.uint8)
        c[np.isnan(x)] = bins
        codes.append(c)
    low, high = _range(x_ref, x_cur)
    bounds = [low, *edges.tolist(), high]
    values: list[SegmentValue] = [(bounds[i], bounds[i + 1]) for i in range(bins)]
    values += [None] * missing
    return Encoded(
        name, ColumnType.NUMERIC, codes[0], codes[1], tuple(values), (True,) * len(values),
        tuple(edges.tolist()),
    )  # fmt: skip


def _range(*sides: NDArray[np.float64]) -> tuple[float, float]:
    present = [x[~np.isnan(x)] for x in sides]
    present = [x for x in present if x.size]
    if not present:
        return (0.0, 0.0)
    return (float(min(x.min() for x in present)), float(max(x.max() for x in present)))


def _boolean(name: str, ref: pa.Array, cur: pa.Array) -> Encoded:
    codes, missing = [], False
    for side in (ref, cur):
        c = to_numpy(side).astype(np.uint8)
        valid = valid_mask(side)
        if valid is not None:
            c[~valid] = 2
            missing = True
        codes.append(c)
    values: tuple[SegmentValue, ...] = (False, True, None) if missing else (False, True)
    return Encoded(name, ColumnType.BOOLEAN, codes[0], codes[1], values, (True,) * len(values))


def _categorical(name: str, column_type: ColumnType, ref: pa.Array, cur: pa.Array) -> Encoded:
    sides = [pc.dictionary_encode(side) for side in (ref, cur)]
    totals: dict[Any, int] = {}
    source: dict[Any, pa.Array] = {}
    for side in sides:
        counts = _index_counts(side)
        # Only each side's most frequent values reach Python: an id column's million values
        # must not become a million dictionary lookups.
        top = np.argsort(counts, kind="stable")[::-1][: 2 * MAX_CATEGORIES]
        top = top[counts[top] > 0]
        taken = side.dictionary.take(from_numpy(top))
        for i, (index, value) in enumerate(zip(top.tolist(), taken.to_pylist(), strict=True)):
            totals[value] = totals.get(value, 0) + int(counts[index])
            source.setdefault(value, taken.slice(i, 1))
    kept = sorted(totals, key=lambda v: -totals[v])[:MAX_CATEGORIES]
    other_code, codes = len(kept), []
    any_other = any_missing = False
    for side in sides:
        lookup = _lookup(side.dictionary, [source[v] for v in kept], other_code)
        indices = to_numpy(side.indices).astype(np.int64)
        valid = valid_mask(side.indices)
        if valid is not None:
            indices = np.where(valid, indices, len(side.dictionary))
        c = lookup[indices]
        present = c if valid is None else c[valid]
        any_other |= bool((present == other_code).any())
        if valid is not None:
            any_missing = True
            c[~valid] = 255  # replaced below, once it is known whether "other" takes a code
        codes.append(c)
    missing_code = other_code + any_other
    for c in codes:
        c[c == 255] = missing_code
    values: list[SegmentValue] = [_segment_value(v) for v in kept]
    sliceable = [True] * len(kept)
    if any_other:
        values.append("(other)")
        sliceable.append(False)
    if any_missing:
        values.append(None)
        sliceable.append(True)
    keys = (
        pa.concat_arrays([source[v].cast(sides[0].dictionary.type) for v in kept]) if kept else None
    )
    return Encoded(name, column_type, codes[0], codes[1], tuple(values), tuple(sliceable), (), keys)


def _lookup(dictionary: pa.Array, kept: list[pa.Array], other_code: int) -> Codes:
    """Code per dictionary index (one more slot, for missing rows): the position of its value
    among ``kept``, else ``other_code``; found in Arrow, so a side's values need not match the
    other side's dictionary order or Arrow type."""
    lookup = np.full(len(dictionary) + 1, other_code, dtype=np.uint8)
    if not kept:
        return lookup
    value_set = pa.concat_arrays([k.cast(dictionary.type) for k in kept])
    found = pc.index_in(dictionary, value_set=value_set)
    valid = valid_mask(found)
    positions = to_numpy(found).astype(np.int64)
    hit = np.ones(len(found), dtype=bool) if valid is None else valid
    lookup[: len(dictionary)][hit] = positions[hit]
    return lookup


def _index_counts(side: pa.DictionaryArray) -> NDArray[np.int64]:
    indices = to_numpy(side.indices).astype(np.int64)
    valid = valid_mask(side.indices)
    if valid is not None:
        indices = indices[valid]
    return np.bincount(indices, minlength=len(side.dictionary))


def _segment_value(value: Any) -> SegmentValue:
    if value is None or isinstance(value, str | bool | int | float):
        return value
    return str(value)


def full_codes(column: pa.ChunkedArray, encoded: Encoded) -> Codes:
    """The codes of every row of a full column (not only the sampled rows), for counting the
    rows of the slices reported.

    >>> col = pa.chunked_array([[1.0, None, 9.0]])
    >>> e = encode(pa.table({"x": col}), pa.table({"x": col}), {"x": ColumnType.NUMERIC},
    ...            (None, None))[0]
    >>> full_codes(col, e).tolist()
    [0, 7, 6]
    """
    missing = encoded.values.index(None) if None in encoded.values else 255
    if encoded.type == ColumnType.NUMERIC:
        x = numeric_values(column, name=encoded.name)
        codes = np.searchsorted(np.asarray(encoded.edges), x, side="right").astype(np.uint8)
        codes[np.isnan(x)] = missing
        return codes
    plain = decoded(column).combine_chunks()
    if encoded.type == ColumnType.BOOLEAN and pa.types.is_boolean(plain.type):
        codes = to_numpy(plain).astype(np.uint8)
        valid = valid_mask(plain)
    else:
        other = encoded.values.index("(other)") if not all(encoded.sliceable) else 255
        codes = np.full(len(plain), other, dtype=np.uint8)
        if encoded.keys is not None:
            found = pc.index_in(plain, value_set=encoded.keys.cast(plain.type))
            hit = valid_mask(found)
            hit = np.ones(len(found), dtype=bool) if hit is None else hit
            codes[hit] = to_numpy(found).astype(np.uint8)[hit]
        valid = valid_mask(plain)
    if valid is not None:
        codes[~valid] = missing
    return codes


def display(value: SegmentValue) -> str:
    """How a filter value reads in a message.

    >>> display("north"), display((1.5, 2.0)), display(None)
    ("= 'north'", 'in [1.5, 2)', 'is missing')
    """
    if value is None:
        return "is missing"
    if isinstance(value, tuple):
        return f"in [{value[0]:.4g}, {value[1]:.4g})"
    return f"= {value!r}"
