"""The segment search: where in the data drift or the model's errors concentrate.

Slices are the values of each column (:mod:`~driftscope.performance.segments.slices`) and
pairs of them. Each slice is tested for drift concentration against every other feature
(:mod:`~driftscope.performance.segments.drift`) and, with labels, for error concentration
(:mod:`~driftscope.performance.segments.errors`); :mod:`~driftscope.performance.segments.family`
keeps the false-finding rate over everything searched.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import permutations

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from driftscope._types import ColumnType
from driftscope.errors import InputError, SchemaError, param_error
from driftscope.io import numeric_values
from driftscope.performance.segments.family import MIN_ERROR_LIFT, drift_findings, error_findings
from driftscope.performance.segments.findings import Finding, deduplicated, segment
from driftscope.performance.segments.slices import (
    SLICED_TYPES,
    Codes,
    Encoded,
    encode,
    full_codes,
)
from driftscope.result import Segment, SegmentValue

FloatArray = NDArray[np.float64]
Errors = tuple[FloatArray | None, FloatArray | None]

MAX_ROWS = 200_000
"""Rows per side the search counts at most (a seeded sample beyond): a 1% slice still holds
2,000 of them. The reported row counts are exact, from the full data."""

MAX_COLUMNS = 100
"""Columns searched at most, the first ones of ``columns`` in its order: each slicing column
costs a counting pass per few features, so the work grows with the square of the columns
(:func:`searched_columns`)."""

_SIDES = ("reference", "current")


def find_segments(
    reference: pa.Table,
    current: pa.Table,
    columns: Mapping[str, ColumnType],
    *,
    errors: Errors = (None, None),
    rate: float = 0.05,
    max_segments: int = 10,
    seed: int = 0,
    max_rows: int = MAX_ROWS,
) -> tuple[Segment, ...]:
    """The slices where drift or the model's errors concentrate, best first.

    Parameters
    ----------
    reference, current
        The two sides' rows.
    columns
        The features to slice on and test, with their types (numeric, categorical and
        boolean ones are used; others are left out). At most :data:`MAX_COLUMNS` of them
        are searched, the first in this order: put the most relevant first
        (:func:`searched_columns` says which are left out).
    errors
        Per-row model error of each side (0/1 misclassified, or a regression's absolute
        error), aligned with the table's rows; NaN for an unknown row; None for a side
        without labels.
    rate
        The family-wise rate of false findings over everything searched.
    max_segments
        Most segments returned.
    seed
        Seeds the row sample taken beyond ``max_rows`` rows per side.
    max_rows
        Rows per side counted at most.

    Returns
    -------
    tuple of Segment
        Best first; empty when nothing localized changed.

    >>> rng = np.random.default_rng(0)
    >>> def side(shift, n=4000):
    ...     region = rng.choice(np.array(["north", "south", "east", "west"]), n)
    ...     x = rng.normal(0, 1, n) + shift * (region == "north")
    ...     return pa.table({"region": region, "x": x, "y": rng.normal(0, 1, n)})
    >>> types = {"region": ColumnType.CATEGORICAL, "x": ColumnType.NUMERIC,
    ...          "y": ColumnType.NUMERIC}
    >>> [(dict(s.filters), s.kind, s.columns) for s in find_segments(side(0), side(2), types)]
    [({'region': 'north'}, 'drift', ('x',))]
    """
    _check(reference, current, columns, rate, max_segments, max_rows)
    checked = [
        _errors(e, t, side) for e, t, side in zip(errors, (reference, current), _SIDES, strict=True)
    ]
    if reference.num_rows == 0 or current.num_rows == 0 or max_segments == 0:
        return ()
    rng = np.random.default_rng(seed)
    rows = (_sample(reference.num_rows, max_rows, rng), _sample(current.num_rows, max_rows, rng))
    encoded = encode(reference, current, searched_columns(columns)[0], rows)
    if not encoded:
        return ()
    sampled = [
        None if e is None else (e if r is None else e[r])
        for e, r in zip(checked, rows, strict=True)
    ]
    labelled = any(e is not None for e in sampled)
    share = rate / 2 if labelled else rate  # the rate is split evenly between the kinds
    findings = drift_findings(encoded, share)
    if labelled:
        findings += error_findings(encoded, (sampled[0], sampled[1]), share)
    kept = deduplicated(findings)
    if labelled:
        kept = _echoes_left_out(kept, encoded, (sampled[0], sampled[1]), 3 * max_segments)
        kept = _overlaps_left_out(kept, encoded, (sampled[0], sampled[1]))
    kept = kept[:max_segments]
    return tuple(_Reporter(encoded, reference, current).segment(f) for f in kept)


def searched_columns(
    columns: Mapping[str, ColumnType],
) -> tuple[dict[str, ColumnType], tuple[str, ...]]:
    """The columns :func:`find_segments` searches, in order, and the sliceable ones it leaves
    out: the first :data:`MAX_COLUMNS` numeric, categorical or boolean columns of ``columns``
    in its order, and the rest of them (columns of other types are never searched, and not
    counted as left out).

    >>> types = {f"x{j}": ColumnType.NUMERIC for j in range(MAX_COLUMNS + 2)}
    >>> kept, left_out = searched_columns({"when": ColumnType.DATETIME, **types})
    >>> len(kept), list(kept)[0], left_out
    (100, 'x0', ('x100', 'x101'))
    """
    sliced = [(k, ColumnType(v)) for k, v in columns.items() if ColumnType(v) in SLICED_TYPES]
    return dict(sliced[:MAX_COLUMNS]), tuple(name for name, _ in sliced[MAX_COLUMNS:])


def _echoes_left_out(
    findings: Sequence[Finding], columns: Sequence[Encoded], errors: Errors, most: int
) -> list[Finding]:
    """The findings but the error slices that only echo another, whatever their rank: A
    echoes B when A's lift goes once B's rows are left out and B's stays once A's are. A
    wide slice that took in a narrow pocket (``device = 'android' and amount in [116, 189)``
    holding most of ``region = 'north' and device = 'android'``, whose amounts moved) can
    outrank the pocket on size; :func:`_overlaps_left_out` alone would then keep both."""
    current = errors[1] is not None
    values = errors[1] if current else errors[0]
    candidates = [f for f in findings[:most] if f.kind == "error"]
    if values is None or len(candidates) < 2:
        return list(findings)
    known = ~np.isnan(values)
    masks = [_inside(f, columns, current) & known for f in candidates]

    def lifted(inside: NDArray[np.bool_], without: NDArray[np.bool_]) -> bool:
        alone, rest = values[inside & ~without], values[known & ~inside & ~without]
        return bool(alone.size and rest.size and alone.mean() >= MIN_ERROR_LIFT * rest.mean())

    echoes = set()
    for i, j in permutations(range(len(candidates)), 2):
        if i in echoes or j in echoes or not (masks[i] & masks[j]).any():
            continue
        if not lifted(masks[i], masks[j]) and lifted(masks[j], masks[i]):
            echoes.add(i)
    dropped = {id(candidates[i]) for i in echoes}
    return [f for f in findings if id(f) not in dropped]


def _inside(finding: Finding, columns: Sequence[Encoded], current: bool) -> NDArray[np.bool_]:
    mask = np.ones(columns[0].side(current).size, dtype=bool)
    for c, code in finding.slice:
        mask &= columns[c].side(current) == code
    return mask


def _overlaps_left_out(
    findings: Sequence[Finding], columns: Sequence[Encoded], errors: Errors
) -> list[Finding]:
    """The findings but the error slices whose lift goes once the rows of the better-ranked
    error slices kept are left out: ``plan = 'basic' and channel = 'web'`` is above the rest
    only through the rows it shares with ``device = 'android' and plan = 'basic'``."""
    current = errors[1] is not None
    values = errors[1] if current else errors[0]
    if values is None:
        return list(findings)
    known = ~np.isnan(values)
    taken = np.zeros(values.size, dtype=bool)
    kept = []
    for finding in findings:
        if finding.kind == "error":
            inside = _inside(finding, columns, current)
            if taken.any():
                rest = values[~inside & known & ~taken]
                alone = values[inside & known & ~taken]
                if not alone.size or not rest.size or alone.mean() < MIN_ERROR_LIFT * rest.mean():
                    continue
            taken |= inside
        kept.append(finding)
    return kept


def _check(
    reference: pa.Table,
    current: pa.Table,
    columns: Mapping[str, ColumnType],
    rate: float,
    max_segments: int,
    max_rows: int,
) -> None:
    if not 0.0 < rate < 1.0:
        raise param_error("find_segments", "rate", "in (0, 1)", rate)
    if isinstance(max_segments, bool) or not isinstance(max_segments, int) or max_segments < 0:
        raise param_error("find_segments", "max_segments", "an integer >= 0", max_segments)
    if isinstance(max_rows, bool) or not isinstance(max_rows, int) or max_rows < 1:
        raise param_error("find_segments", "max_rows", "an integer >= 1", max_rows)
    kinds, known = ", ".join(t.value for t in ColumnType), set(ColumnType)
    names = [set(t.column_names) for t in (reference, current)]  # built anew on every call
    for name, column_type in columns.items():
        if column_type not in known:
            raise param_error("find_segments", f"columns[{name!r}]", f"one of {kinds}", column_type)
        for side, present in zip(_SIDES, names, strict=True):
            if name not in present:
                raise SchemaError(f"find_segments: column {name!r} is not in the {side} data")


def _errors(errors: object, table: pa.Table, side: str) -> FloatArray | None:
    if errors is None:
        return None
    values = np.asarray(errors, dtype=np.float64)
    if values.ndim != 1 or values.size != table.num_rows:
        raise InputError(
            f"find_segments: the {side} errors hold {values.size:,} values in shape "
            f"{values.shape}; expected one per row of the {side} data ({table.num_rows:,})"
        )
    if np.isinf(values).any():
        raise InputError(f"find_segments: the {side} errors hold infinite values")
    return values


def _sample(n: int, size: int, rng: np.random.Generator) -> NDArray[np.int64] | None:
    if n <= size:
        return None
    return np.sort(rng.choice(n, size, replace=False)).astype(np.int64)


class _Reporter:
    """Turns findings into segments with exact row counts from the full tables, encoding
    each column's full rows once."""

    def __init__(self, columns: Sequence[Encoded], reference: pa.Table, current: pa.Table):
        self.columns, self.tables = columns, (reference, current)
        self.codes: dict[tuple[int, int], Codes] = {}

    def segment(self, finding: Finding) -> Segment:
        masks = [np.ones(t.num_rows, dtype=bool) for t in self.tables]
        filters: dict[str, SegmentValue] = {}
        for c, code in finding.slice:
            column = self.columns[c]
            for s in (0, 1):
                masks[s] &= self._codes(c, s) == code
            filters[column.name] = self._value(column, code)
        rows = (int(masks[0].sum()), int(masks[1].sum()))
        return segment(finding, self.columns, rows, self.tables[1].num_rows, filters)

    def _codes(self, c: int, side: int) -> Codes:
        if (c, side) not in self.codes:
            column = self.tables[side].column(self.columns[c].name)
            self.codes[(c, side)] = full_codes(column, self.columns[c])
        return self.codes[(c, side)]

    def _value(self, column: Encoded, code: int) -> SegmentValue:
        value = column.values[code]
        if not isinstance(value, tuple):
            return value
        low, high = value
        # the outer bins are open: their bounds are the full data's extremes
        if code == 0 or code == len(column.edges):
            seen = [numeric_values(t.column(column.name)) for t in self.tables]
            present = np.concatenate([x[~np.isnan(x)] for x in seen])
            if present.size:
                low = float(present.min()) if code == 0 else low
                high = float(present.max()) if code == len(column.edges) else high
        return (low, high)
