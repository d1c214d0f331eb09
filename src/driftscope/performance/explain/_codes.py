"""Reference and current rows of one feature as shared bin codes, and the row weights that
move the reference's bin shares onto the current's.

A numeric feature is cut at the reference's quantiles (the end bins stay open, so a shift
past the reference's range lands in them); a category column gets one code per reference
category, most frequent first. Missing values have a bin of their own on both. A current row
whose bin holds no reference row (a new category, a missing value the reference never had, a
value inside a gap of a discrete feature) gets code ``-1``: no weighting of reference rows
can stand for it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from driftscope.errors import InputError, SchemaError
from driftscope.io._arrow import decoded, first_line
from driftscope.io._columns import numeric_values
from driftscope.io._counts import value_counts
from driftscope.io._numpy import from_numpy, to_numpy, valid_mask
from driftscope.performance.classification import FloatArray, IntArray
from driftscope.result import SegmentValue

BoolArray = NDArray[np.bool_]

FEATURE_BINS = 50
"""Most quantile bins of a numeric feature."""
ROWS_PER_BIN = 100
"""Fewest rows of the smaller side per numeric bin: small data gets fewer, wider bins (at
least two), so that each bin's share is not mostly noise."""
GRID_ROWS = 50_000
"""Fewest values binned through a lookup grid rather than a binary search each."""
GRID_CELLS = 1 << 16
"""Cells of that grid, spread evenly from the lowest edge to the highest."""
GRID_BLOCK = 1 << 15
"""Values binned through the grid at a time: the several passes over a block stay in the
CPU's cache (a million values in one block took twice as long, 35 ms against 17)."""
EDGE_ROWS = 100_000
"""Most reference values the bin edges are read from."""
MAX_WEIGHT = 50.0
"""Largest weight of one reference row, in multiples of the average row's: a bin (or a
classifier's region) the reference barely covers would otherwise let a handful of rows
decide the re-weighted metric. It costs a bias where the current data lie far out: capping
the exact density ratio of a 1.5-sd shift explained 0.569 of its 0.579 at 50, 0.534 at 20."""
CLIP_ROUNDS = 50
"""Most rounds of the search for the cap; it settles after a few."""
UNSEEN = -1
"""The code of a current row that no reference row resembles."""


@dataclass(frozen=True, slots=True, eq=False)
class FeatureCodes:
    """One feature as codes ``0 .. size - 1`` on both sides (``UNSEEN`` on the current side
    where the reference has no such rows); ``reference_values`` / ``current_values`` hold a
    numeric feature's values (NaN where missing) for models that split finer than the bins;
    ``unseen`` names a few of the current values the reference lacks."""

    name: str
    reference: IntArray
    current: IntArray
    size: int
    categorical: bool
    reference_values: FloatArray | None = None
    current_values: FloatArray | None = None
    unseen: tuple[str, ...] = ()
    reference_counts: FloatArray | None = None
    """Reference rows per code (None: counted when needed)."""


def numeric_codes(name: str, reference: pa.ChunkedArray, current: pa.ChunkedArray) -> FeatureCodes:
    """Codes of a numeric (or date) feature: quantile bins of the reference, then missing.

    >>> codes = numeric_codes("x", pa.chunked_array([[1.0, 2.0, 3.0, None]]),
    ...                       pa.chunked_array([[0.5, 3.5, None]]))
    >>> codes.reference.tolist(), codes.current.tolist(), codes.size
    ([0, 1, 1, 2], [0, 1, 2], 3)
    """
    ref = numeric_values(reference, name=name)
    cur = numeric_values(current, name=name)
    # evenly spaced rows: the quantiles of a million rows cost 60 ms
    sample = ref[:: -(-ref.size // EDGE_ROWS)] if ref.size > EDGE_ROWS else ref
    finite = sample[np.isfinite(sample)]
    bins = int(np.clip(min(ref.size, cur.size) // ROWS_PER_BIN, 2, FEATURE_BINS))
    if finite.size:
        edges = np.unique(np.quantile(finite, np.arange(1, bins) / bins))
    else:
        edges = np.zeros(0)
    missing = edges.size + 1
    ref_codes, cur_codes = _cut(ref, edges, missing), _cut(cur, edges, missing)
    counts = np.bincount(ref_codes, minlength=missing + 1).astype(np.float64)
    cur_codes[counts[cur_codes] == 0.0] = UNSEEN
    return FeatureCodes(
        name, ref_codes, cur_codes, missing + 1, False, ref, cur, reference_counts=counts
    )


def _cut(values: FloatArray, edges: FloatArray, missing: int) -> IntArray:
    """Each value's bin, ``searchsorted(edges, values, side="right")``, through a lookup grid:
    a binary search per row costs 50 ms a million rows (a branch mispredicted at each step),
    a grid cell per row 10 ms. Rows in a cell within one cell of an edge are searched."""
    if values.size < GRID_ROWS or edges.size < 2 or not edges[-1] > edges[0]:
        codes = np.searchsorted(edges, values, side="right").astype(np.int64)
        codes[np.isnan(values)] = missing
        return codes
    low, cells = float(edges[0]), GRID_CELLS
    scale = cells / (float(edges[-1]) - low)
    bounds = low + (np.arange(-3, cells + 4) / scale)
    bounds[:2], bounds[-2:] = -np.inf, np.inf
    # a cell's rows all share a bin when no edge lies in it or its two neighbours (floating
    # point may put a row one cell off); the other cells look up -1: their rows are searched
    below = np.searchsorted(edges, bounds[:-3], side="left")
    above = np.searchsorted(edges, bounds[3:], side="right")
    lookup = np.where(below == above, below, -1)
    codes = np.empty(values.size, dtype=np.int64)
    position = np.empty(min(GRID_BLOCK, values.size))
    for start in range(0, values.size, GRID_BLOCK):
        block = values[start : start + GRID_BLOCK]
        out, where = codes[start : start + GRID_BLOCK], position[: block.size]
        # cell 1 + k holds [low + (k - 1) / scale, low + k / scale); cells 0 and cells + 3
        # hold everything beyond (NaN goes to 0 and is set apart at the end)
        np.subtract(block, low, out=where)
        where *= scale
        where += 2.0
        np.clip(where, 0.0, cells + 3.0, out=where)
        nan = np.isnan(block)
        where[nan] = 0.0
        np.take(lookup, where.astype(np.intp), out=out)
        unsure = out < 0
        out[unsure] = np.searchsorted(edges, block[unsure], side="right")
        out[nan] = missing
    return codes


def category_codes(name: str, reference: pa.ChunkedArray, current: pa.ChunkedArray) -> FeatureCodes:
    """Codes of a category (or boolean) feature: the reference's categories, most frequent
    first, then missing.

    >>> codes = category_codes("c", pa.chunked_array([["a", "b", "b", None]]),
    ...                        pa.chunked_array([["b", "z", None]]))
    >>> codes.reference.tolist(), codes.current.tolist(), codes.unseen
    ([1, 0, 0, 2], [0, -1, 2], ('z',))
    """
    counts = value_counts(reference, name=name)
    order = np.argsort(-counts.counts, kind="stable")
    categories = counts.values.take(from_numpy(order.astype(np.int64)))
    ref_column, cur_column = decoded(reference), decoded(current)
    try:
        if cur_column.type != ref_column.type:
            cur_column = cur_column.cast(ref_column.type)
        ref_codes = _positions(ref_column, categories)
        cur_codes = _positions(cur_column, categories)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError) as exc:
        raise SchemaError(
            f"explain: column {name!r} holds {ref_column.type} in the reference and "
            f"{current.type} in the current data: {first_line(exc)}"
        ) from None
    missing = len(categories)
    ref_missing = _is_missing(ref_column)
    cur_missing = _is_missing(cur_column)
    ref_codes[ref_missing] = missing
    new = (cur_codes == UNSEEN) & ~cur_missing
    cur_codes[cur_missing] = missing if ref_missing.any() else UNSEEN
    unseen: tuple[str, ...] = ()
    if new.any():
        names = pc.unique(cur_column.filter(pa.chunked_array([from_numpy(new)])))
        unseen = tuple(str(v) for v in names.slice(0, 3).to_pylist())
    return FeatureCodes(name, ref_codes, cur_codes, missing + 1, True, unseen=unseen)


def _positions(column: pa.ChunkedArray, categories: pa.Array) -> IntArray:
    """Each row's position among ``categories``; ``UNSEEN`` where absent or missing."""
    found = pc.index_in(column, value_set=categories).combine_chunks()
    codes = np.asarray(to_numpy(found), dtype=np.int64)
    valid = valid_mask(found)
    if valid is not None:
        codes = codes.copy()
        codes[~valid] = UNSEEN
    return codes


def _is_missing(column: pa.ChunkedArray) -> BoolArray:
    if pa.types.is_floating(column.type):
        nulls = pc.is_null(column, nan_is_null=True)
    else:
        nulls = pc.is_null(column)
    return np.asarray(to_numpy(nulls.combine_chunks()), dtype=bool)


def ratio_weights(codes: FeatureCodes) -> FloatArray:
    """Each reference row's weight: its bin's current share over its reference share (the
    current rows no bin represents left out of the shares), clipped.

    >>> codes = FeatureCodes("x", np.array([0, 0, 1, 1]), np.array([0, 1, 1, 1]), 2, False)
    >>> ratio_weights(codes).tolist()
    [0.5, 0.5, 1.5, 1.5]
    """
    ref_counts = codes.reference_counts
    if ref_counts is None:
        ref_counts = np.bincount(codes.reference, minlength=codes.size).astype(np.float64)
    represented = codes.current[codes.current != UNSEEN]
    if represented.size == 0:
        return np.ones(codes.reference.size)
    cur_counts = np.bincount(represented, minlength=codes.size).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(
            ref_counts > 0,
            (cur_counts / represented.size) / (ref_counts / codes.reference.size),
            0.0,
        )
    # clipped per bin, each bin counted as often as it has rows: the same as per row, and
    # a million rows cost one gather
    return clipped(ratio, ref_counts)[codes.reference]


def clipped(weights: FloatArray, counts: FloatArray | None = None) -> FloatArray:
    """Weights scaled to an average of 1 with none above :data:`MAX_WEIGHT` times the
    average (``counts``: how many rows hold each weight; None: one each). The cap solves
    ``cap = MAX_WEIGHT * mean(min(w, cap))``, so that one huge weight cannot lift the very
    average it is measured against.

    >>> clipped(np.array([1.0, 1.0, 2.0])).tolist()
    [0.75, 0.75, 1.5]
    >>> w = clipped(np.r_[np.ones(99), 1e6])
    >>> round(float(w.max() / w.mean()), 6), round(float(w[0]), 4)
    (50.0, 0.5051)
    >>> clipped(np.array([1.0, 1e6]), np.array([99.0, 1.0])).round(4).tolist()
    [0.5051, 50.0]
    """
    n = float(weights.size) if counts is None else float(counts.sum())
    mass = weights if counts is None else weights * counts
    total = float(mass.sum())
    if not (total > 0.0 and math.isfinite(total)):
        return np.ones(weights.size)
    w = weights * (n / total)
    cap = MAX_WEIGHT
    for _ in range(CLIP_ROUNDS):
        above = w > cap
        capped = float(above.sum()) if counts is None else float(counts[above].sum())
        if capped == 0.0:
            break
        room = n - MAX_WEIGHT * capped
        if room <= 0.0:
            return np.ones(weights.size)
        # the cap at which exactly these rows are capped; it only falls, so the rows above
        # it only grow, and the search stops once they stay the same
        rest = w[~above] if counts is None else w[~above] * counts[~above]
        lower = MAX_WEIGHT * float(rest.sum()) / room
        if lower >= cap:
            break
        cap = lower
    w = np.minimum(w, cap)
    return w * (n / float(w.sum() if counts is None else (w * counts).sum()))


def segment_masks(
    reference: pa.Table, current: pa.Table, filters: Mapping[str, SegmentValue]
) -> tuple[BoolArray, BoolArray]:
    """The rows of each side inside a segment: every column's filter holds (a value; None
    for missing; a ``(low, high)`` interval, ``low <= x < high`` as the segment search cuts
    bins, and ``x == high`` too where ``high`` is the largest value of both sides, the search's
    last bin)."""
    tables = (reference, current)
    masks = [np.ones(t.num_rows, dtype=bool) for t in tables]
    for column, value in filters.items():
        for side, table in zip(("reference", "current"), tables, strict=True):
            if column not in table.column_names:
                raise InputError(f"explain: segment column {column!r} is not in the {side} data")
        if isinstance(value, tuple):
            low, high = value
            xs = [numeric_values(t.column(column), name=column) for t in tables]
            top = max((float(np.nanmax(x)) for x in xs if not np.isnan(x).all()), default=high)
            for i, x in enumerate(xs):
                masks[i] &= (x >= low) & ((x < high) | ((x == high) & (high >= top)))
            continue
        for i, table in enumerate(tables):
            values = decoded(table.column(column))
            masks[i] &= _is_missing(values) if value is None else _equal(values, value, column)
    return masks[0], masks[1]


def _equal(column: pa.ChunkedArray, value: str | int | float | bool, name: str) -> BoolArray:
    try:
        wanted = _one_value(value)
        if wanted.type != column.type:
            wanted = wanted.cast(column.type)
        same = pc.is_in(column, value_set=wanted).combine_chunks()
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        raise InputError(
            f"explain: segment filter {name!r} = {value!r} cannot be compared with the "
            f"column's {column.type} values"
        ) from None
    return np.asarray(to_numpy(same), dtype=bool)  # is_in: False where missing


def _one_value(value: str | int | float | bool) -> pa.Array:
    """A one-value Arrow array, built from buffers: ``pa.scalar`` of a Python value imports
    pandas."""
    if isinstance(value, str):
        data = value.encode()
        offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int32))
        return pa.Array.from_buffers(pa.string(), 1, [None, offsets, pa.py_buffer(data)])
    return from_numpy(np.array([value]))
