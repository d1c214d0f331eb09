"""The searches over single slices and pairs, with the false-finding rate kept over all of them.

Each kind's share of the rate is split evenly between single slices and pairs. Within each
part, Holm's step-down procedure runs over the size of the *whole* part: every single slice
times every other feature, and every pair of values of two different columns times every
other feature, whether or not the pair was screened in. Pairs are screened on the single
slices' evidence (the :data:`PAIR_COLUMNS` most telling columns, the :data:`PAIR_FEATURES`
most telling features); the pairs left out count as tests that never reject, so screening
costs power, never the rate.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np
from numpy.typing import NDArray

from driftscope.performance.segments import drift
from driftscope.performance.segments.errors import (
    ErrorSums,
    error_sums,
    excess_test,
    is_binary,
    mean_and_variance,
    rise_test,
)
from driftscope.performance.segments.findings import Finding, Slice
from driftscope.performance.segments.slices import Codes, Encoded

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

MIN_SLICE_ROWS = 200
"""Fewest rows a slice (and the rest of the data) must hold on each side searched."""
MIN_SLICE_SHARE = 0.01
"""Smallest share of a side's rows a slice (and the rest) must hold: smaller ones are noise."""
MIN_DRIFT_EFFECT = 0.05
"""Smallest distance beyond the rest of the data's change for a feature to count as moved in
a slice, and smallest margin by which its distance inside must exceed its distance outside
(a significant but smaller one is not worth a segment at a million rows, and a slice that
moved no more than the rest is no localized change)."""
MIN_ERROR_LIFT = 1.2
"""Smallest ratio of a slice's mean error to the one expected of it for an error finding: the
rest's, or with errors on both sides the slice's reference error moved as the rest's did."""
PAIR_COLUMNS = 6
"""Columns whose values are paired for drift: those with the strongest single-slice signal."""
PAIR_FEATURES = 6
"""Features tested inside drift pairs: those with the strongest single-slice signal."""
ERROR_PAIR_COLUMNS = 8
"""Columns whose values are paired for errors: those with the strongest single-slice excess."""
_PAIR_PACK_BITS = 8  # a pair's code takes 8 bits, its features the other 8 of 16


def holm(p: FloatArray, family: int, weight: float) -> FloatArray:
    """Holm-adjusted p-values of the tests run out of a family of ``family`` tests (the rest
    count as never rejecting), divided by ``weight``, the share of the rate this part gets:
    a test is significant when its value is at most the rate.

    >>> holm(np.array([0.01, 0.002]), 10, 0.5).round(4).tolist()
    [0.18, 0.04]
    """
    if p.size == 0:
        return p
    family = max(family, p.size)
    order = np.argsort(p, kind="stable")
    steps = np.minimum(p[order] * (family - np.arange(p.size)), 1.0)
    adjusted = np.empty_like(p)
    adjusted[order] = np.maximum.accumulate(steps)
    return np.asarray(np.minimum(adjusted / weight, 1.0), dtype=np.float64)


def least_rows(n: int) -> float:
    """Fewest rows of ``n`` a slice (and the rest) must hold."""
    return max(MIN_SLICE_ROWS, MIN_SLICE_SHARE * n)


def _pair_codes(columns: Sequence[Encoded], a: int, b: int, current: bool) -> NDArray[np.uint16]:
    high = columns[a].side(current).astype(np.uint16) << np.uint16(columns[b].bits)
    return np.asarray(high | columns[b].side(current), dtype=np.uint16)


def _cells(columns: Sequence[Encoded], a: int, b: int) -> list[tuple[int, Slice]]:
    shift = columns[b].bits
    return [
        ((v << shift) | w, ((a, v), (b, w)))
        for v in range(columns[a].size)
        for w in range(columns[b].size)
        if columns[a].sliceable[v] and columns[b].sliceable[w]
    ]


def _sized(counts: tuple[FloatArray, FloatArray], code: int, least: tuple[float, float]) -> bool:
    return all(least[s] <= counts[s][code] <= counts[s].sum() - least[s] for s in (0, 1))


BATCH_TABLES = 4096
"""(slice, feature) tables fitted together: enough to vectorise, few enough to keep the
memory small however many columns are searched."""


class _DriftBatch:
    """(slice, feature) tests of one part of the family, fitted batch by batch as they come."""

    def __init__(self) -> None:
        self.slices: list[Slice] = []
        self.shares: list[float] = []
        self.done: list[drift.DriftTests] = []
        self.pending: list[tuple[IntArray, IntArray, FloatArray]] = []
        self.size = 0

    def add(self, slice_: Slice, share: float, tables: FloatArray, features: IntArray) -> None:
        index = np.full(len(features), len(self.slices), dtype=np.int64)
        self.slices.append(slice_)
        self.shares.append(share)
        self.pending.append((index, features, tables))
        self.size += len(features)
        if self.size >= BATCH_TABLES:
            self._fit()

    def _fit(self) -> None:
        if self.pending:
            index, features, tables = (np.concatenate(x) for x in zip(*self.pending, strict=True))
            self.done.append(drift.drift_tests(index, features, tables))
        self.pending, self.size = [], 0

    def tests(self) -> drift.DriftTests:
        """Every test of the part."""
        self._fit()
        if not self.done:
            empty = np.empty(0, dtype=np.int64)
            return drift.drift_tests(empty, empty, np.empty((0, 2, 2, 1)))
        return drift.DriftTests(
            *(
                np.concatenate([getattr(t, f) for t in self.done])
                for f in drift.DriftTests.__slots__
            )
        )


def drift_findings(columns: Sequence[Encoded], rate: float) -> list[Finding]:
    """Drift findings over single slices, then pairs of the most telling columns."""
    n = len(columns)
    features = np.array([f for f in range(n) if columns[f].size >= 2], dtype=np.int64)
    if n < 2 or features.size < 2:
        return []
    least = (least_rows(columns[0].reference.size), least_rows(columns[0].current.size))
    total = (drift.totals(columns, False), drift.totals(columns, True))
    groups = drift.packs(columns, features.tolist(), drift.PACK_BITS)
    packed = [drift.pack(columns, groups, current, drift.PACK_BITS) for current in (False, True)]
    moved = drift.unstable(total, columns)
    singles = _DriftBatch()
    for a, column in enumerate(columns):
        if moved[a]:
            continue
        sizes = (total[0][a], total[1][a])
        cells = [v for v in range(column.size) if column.sliceable[v] and _sized(sizes, v, least)]
        if not cells:
            continue
        inside = tuple(
            drift.count_inside(columns, packed[s], column.side(bool(s)), column.size)
            for s in (0, 1)
        )
        others = features[features != a]
        for v in cells:
            share = sizes[1][v] / sizes[1].sum()
            counts = drift.tables((inside[0][v], inside[1][v]), total, others)
            singles.add(((a, v),), share, counts, others)
    sliceable = [sum(c.sliceable) for c in columns]
    parts = 2 if n > 2 else 1
    single_family = sum(s * (n - 1) for s in sliceable)
    tests = singles.tests()
    found = _drift_found(singles, tests, holm(tests.p_value, single_family, 1 / parts), rate, n)
    if parts == 1 or not tests.p_value.size:
        return found
    pairs = _DriftBatch()
    top_columns, top_features = _screen(singles, tests)
    pair_groups = drift.packs(columns, top_features, _PAIR_PACK_BITS)
    pair_packed = [drift.pack(columns, pair_groups, s, _PAIR_PACK_BITS) for s in (False, True)]
    for a, b in combinations(sorted(top_columns), 2):
        chosen = np.array([f for f in top_features if f not in (a, b)], dtype=np.int64)
        if not chosen.size:
            continue
        codes = (_pair_codes(columns, a, b, False), _pair_codes(columns, a, b, True))
        n_slices = columns[a].size << columns[b].bits
        pair_sizes = (
            np.bincount(codes[0], minlength=n_slices).astype(np.float64),
            np.bincount(codes[1], minlength=n_slices).astype(np.float64),
        )
        pair_cells = [c for c in _cells(columns, a, b) if _sized(pair_sizes, c[0], least)]
        if not pair_cells:
            continue
        inside = tuple(
            drift.count_inside(columns, pair_packed[s], codes[s], n_slices) for s in (0, 1)
        )
        for code, slice_ in pair_cells:
            counts = drift.tables((inside[0][code], inside[1][code]), total, chosen)
            pairs.add(slice_, pair_sizes[1][code] / pair_sizes[1].sum(), counts, chosen)
    pair_family = sum(sliceable[a] * sliceable[b] * (n - 2) for a, b in combinations(range(n), 2))
    tests = pairs.tests()
    return found + _drift_found(pairs, tests, holm(tests.p_value, pair_family, 0.5), rate, n)


def _screen(batch: _DriftBatch, tests: drift.DriftTests) -> tuple[list[int], list[int]]:
    """The columns and the features with the strongest single-slice evidence."""
    evidence = -np.log(np.maximum(tests.p_value, 1e-300))
    slice_column = np.array([batch.slices[i][0][0] for i in tests.slice_index], dtype=np.int64)
    size = int(max(slice_column.max(), tests.feature.max())) + 1
    by_column, by_feature = np.zeros(size), np.zeros(size)
    np.maximum.at(by_column, slice_column, evidence)
    np.maximum.at(by_feature, tests.feature, evidence)
    columns = np.argsort(-by_column, kind="stable")[:PAIR_COLUMNS]
    features = np.argsort(-by_feature, kind="stable")[:PAIR_FEATURES]
    return [int(c) for c in columns if by_column[c] > 0], [int(f) for f in features]


def _drift_found(
    batch: _DriftBatch, tests: drift.DriftTests, adjusted: FloatArray, rate: float, n: int
) -> list[Finding]:
    localized = tests.inside - tests.outside >= MIN_DRIFT_EFFECT
    moved = (adjusted <= rate) & (tests.beyond >= MIN_DRIFT_EFFECT) & localized
    found = []
    for i in np.unique(tests.slice_index[moved]):
        rows = np.flatnonzero(moved & (tests.slice_index == i))
        rows = rows[np.argsort(-tests.beyond[rows], kind="stable")]
        top = rows[0]
        slice_ = batch.slices[i]
        found.append(
            Finding(
                kind="drift",
                slice=slice_,
                effect=float(tests.beyond[top]),
                score=float(batch.shares[i] * tests.beyond[rows].sum() / (n - len(slice_))),
                p_value=float(adjusted[rows].min()),
                inside=float(tests.inside[top]),
                outside=float(tests.outside[top]),
                moved=tuple(int(f) for f in tests.feature[rows]),
            )
        )
    return found


@dataclass(frozen=True, slots=True)
class _ErrorTests:
    """Per slice tested: raw p-value, mean error inside and outside, the mean error expected
    inside (the rest's with errors on one side; the reference's inside moved as the rest's
    with errors on both), its share of the side's labelled rows."""

    p: FloatArray
    inside: FloatArray
    outside: FloatArray
    expected: FloatArray
    shares: FloatArray
    slices: list[Slice]


def error_findings(
    columns: Sequence[Encoded], errors: tuple[FloatArray | None, FloatArray | None], rate: float
) -> list[Finding]:
    """Error findings over single slices, then pairs of the most telling columns, on the
    current side when it has errors, else on the reference."""
    side = 1 if errors[1] is not None else 0
    values = errors[side]
    if values is None:
        return []
    binary = is_binary(values)
    n = len(columns)
    parts = 2 if n > 1 else 1
    singles = [
        ((a,), ((a, v),), v)
        for a, column in enumerate(columns)
        for v in range(column.size)
        if column.sliceable[v]
    ]
    single = _error_tests(columns, singles, errors, side, binary)
    family = sum(sum(c.sliceable) for c in columns)
    before = _reference_mean(columns, errors[0] if side == 1 else None)
    found = _error_found(single, holm(single.p, family, 1 / parts), rate, binary, side, before)
    if parts == 1 or not single.p.size:
        return found
    evidence = np.zeros(n)
    np.maximum.at(evidence, [s[0][0] for s in single.slices], -np.log(np.maximum(single.p, 1e-300)))
    top = sorted(int(c) for c in np.argsort(-evidence, kind="stable")[:ERROR_PAIR_COLUMNS])
    pairs = [
        ((a, b), slice_, code)
        for a, b in combinations(top, 2)
        for code, slice_ in _cells(columns, a, b)
    ]
    paired = _error_tests(columns, pairs, errors, side, binary)
    pair_family = sum(
        sum(columns[a].sliceable) * sum(columns[b].sliceable) for a, b in combinations(range(n), 2)
    )
    adjusted = holm(paired.p, pair_family, 0.5)
    return found + _error_found(paired, adjusted, rate, binary, side, before)


def _reference_mean(
    columns: Sequence[Encoded], errors: FloatArray | None
) -> Callable[[Slice], float]:
    """The mean known reference error of a slice (NaN without reference errors or rows), for
    the message of a current-side finding."""

    def mean(slice_: Slice) -> float:
        if errors is None:
            return float("nan")
        inside = ~np.isnan(errors)
        for c, code in slice_:
            inside &= columns[c].reference == code
        return float(errors[inside].mean()) if inside.any() else float("nan")

    return mean


def _codes(columns: Sequence[Encoded], key: tuple[int, ...], current: bool) -> Codes:
    if len(key) == 1:
        return columns[key[0]].side(current)
    return _pair_codes(columns, key[0], key[1], current).astype(np.uint8)


def _error_tests(
    columns: Sequence[Encoded],
    candidates: Sequence[tuple[tuple[int, ...], Slice, int]],
    errors: tuple[FloatArray | None, FloatArray | None],
    side: int,
    binary: bool,
) -> _ErrorTests:
    values = errors[side]
    if values is None:
        return _ErrorTests(*(np.empty(0),) * 5, [])
    before = errors[0] if side == 1 else None  # both sides: where the error rose
    least = least_rows(int((~np.isnan(values)).sum()))
    least_before = 0 if before is None else least_rows(int((~np.isnan(before)).sum()))
    cache: dict[tuple[int, ...], tuple[ErrorSums, ErrorSums | None, tuple[FloatArray, ...]]] = {}
    rows: list[tuple[float, float, float, float, float]] = []
    slices: list[Slice] = []
    for key, slice_, code in candidates:
        if key not in cache:
            n_slices = columns[key[0]].size << (columns[key[1]].bits if len(key) == 2 else 0)
            sums = error_sums(_codes(columns, key, bool(side)), n_slices, values, binary)
            if before is None:
                p, inside, outside = excess_test(sums, binary)
                cache[key] = (sums, None, (p, inside, outside, outside))
            else:
                ref = error_sums(_codes(columns, key, False), n_slices, before, binary)
                p, inside, expected = rise_test(sums, ref, binary)
                outside = np.nan_to_num(mean_and_variance(sums, binary, inside=False)[0])
                cache[key] = (sums, ref, (p, inside, outside, expected))
        sums, ref_sums, (p, inside, outside, expected) = cache[key]
        if not least <= sums.rows[code] <= sums.all_rows - least:
            continue
        if ref_sums is not None and not (
            least_before <= ref_sums.rows[code] <= ref_sums.all_rows - least_before
        ):
            continue
        share = sums.rows[code] / sums.all_rows
        rows.append((p[code], inside[code], outside[code], expected[code], share))
        slices.append(slice_)
    table = np.array(rows, dtype=np.float64).reshape(-1, 5).T
    return _ErrorTests(table[0], table[1], table[2], table[3], table[4], slices)


def _error_found(
    tests: _ErrorTests,
    adjusted: FloatArray,
    rate: float,
    binary: bool,
    side: int,
    reference_mean: Callable[[Slice], float],
) -> list[Finding]:
    found = []
    for i in np.flatnonzero(
        (adjusted <= rate)
        & (tests.inside > tests.expected)
        & (tests.inside >= MIN_ERROR_LIFT * tests.expected)
    ):
        excess = float(tests.inside[i] - tests.expected[i])
        mean = float(tests.inside[i] * tests.shares[i] + tests.outside[i] * (1 - tests.shares[i]))
        found.append(
            Finding(
                kind="error",
                slice=tests.slices[i],
                effect=excess,
                # the share of all errors that are this slice's excess over the rest
                score=float(tests.shares[i] * excess / mean) if mean > 0 else 0.0,
                p_value=float(adjusted[i]),
                inside=float(tests.inside[i]),
                outside=float(tests.outside[i]),
                reference=reference_mean(tests.slices[i]),
                side="current" if side == 1 else "reference",
                binary=binary,
            )
        )
    return found
