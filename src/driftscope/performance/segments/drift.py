"""Drift concentration: did a feature move inside a slice differently from the rest of the data?

For one slice and one feature the counts form a 2 x 2 x K table: side (reference, current) x
stratum (inside the slice, outside) x the feature's codes. H0 is the log-linear model without
the three-way interaction: the feature's distribution may change between the sides, and
differ between inside and outside, but the change is the same multiplicative tilt inside as
outside. That null holds when every row shifts alike (a Gaussian location shift is the same
exponential tilt everywhere), and when only how many rows fall in the slice changes (a
covariate shift of the slicing column leaves each slice's conditional distribution alone), so
neither gives a localized finding. The model is fitted by iterative proportional fitting and
tested with the likelihood-ratio statistic G on ``K_informative - 1`` degrees of freedom.

Its effect, :func:`beyond_distance`, is the total variation distance between the slice's
current distribution and the one expected if the slice had moved like the rest: the reference's
in-slice distribution tilted by the outside's current/reference ratio.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import special

from driftscope.performance.segments.slices import MAX_CODES, Codes, Encoded

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

PACK_BITS = 12
"""Bits of feature codes counted in one ``np.bincount`` pass beside the slice's own code
(4 bits, or 8 for a pair): 2**16 bins, small enough to stay in cache."""
IPF_ITERATIONS = 50
"""Most rounds of iterative proportional fitting (2 x 2 x K tables converge in a few)."""
IPF_TOLERANCE = 1e-7
"""Fitting stops when every fitted margin is within this share of its observed value."""
STABLE_DISTANCE = 0.02
"""A numeric column whose own codes moved at least this far between the sides (and
significantly, at :data:`STABLE_LEVEL`) is not sliced: see :func:`unstable`."""
STABLE_LEVEL = 0.01
"""Level of the test of a numeric slicing column's own change (2 x K G test)."""
SMOOTHING = 0.5
"""Added to each outside count before the outside's current/reference ratio is taken, so that
a bin empty on one side gives a finite tilt."""


@dataclass(frozen=True, slots=True)
class DriftTests:
    """One row per (slice, feature) tested: the slice's index, the feature's column index,
    the raw p-value, and three distances between the sides over the feature's codes: inside
    the slice, outside it, and inside beyond what the outside's change predicts."""

    slice_index: IntArray
    feature: IntArray
    p_value: FloatArray
    beyond: FloatArray
    inside: FloatArray
    outside: FloatArray


def packs(columns: Sequence[Encoded], features: Sequence[int], bits: int) -> list[list[int]]:
    """Features grouped so each group's codes fit in ``bits`` bits together (one bincount
    pass counts a whole group)."""
    groups: list[list[int]] = []
    used = bits + 1
    for f in features:
        need = columns[f].bits
        if used + need > bits:
            groups.append([])
            used = 0
        groups[-1].append(f)
        used += need
    return groups


@dataclass(frozen=True, slots=True)
class Packed:
    """Each group's feature codes of one side packed into one integer per row (computed once,
    reused for every slice column); ``shifts`` gives where each feature's bits start."""

    groups: tuple[tuple[int, ...], ...]
    shifts: tuple[tuple[int, ...], ...]
    codes: tuple[NDArray[np.uint32], ...]
    bits: int


def pack(
    columns: Sequence[Encoded], groups: Sequence[Sequence[int]], current: bool, bits: int
) -> Packed:
    """The groups' codes of one side, packed (see :func:`packs` for the grouping)."""
    all_shifts, all_codes = [], []
    for group in groups:
        packed = np.zeros(columns[0].side(current).size, dtype=np.uint32)
        shifts, shift = [], 0
        for f in group:
            packed |= columns[f].side(current).astype(np.uint32) << np.uint32(shift)
            shifts.append(shift)
            shift += columns[f].bits
        all_shifts.append(tuple(shifts))
        all_codes.append(packed)
    return Packed(tuple(tuple(g) for g in groups), tuple(all_shifts), tuple(all_codes), bits)


def count_inside(
    columns: Sequence[Encoded],
    packed: Packed,
    slice_codes: Codes | NDArray[np.uint16],
    n_slices: int,
) -> FloatArray:
    """Counts of each feature's codes inside each slice: shape ``(n_slices, len(columns),
    MAX_CODES)`` (features not packed stay zero). ``slice_codes`` gives each row's slice
    (``0 .. n_slices - 1``)."""
    out = np.zeros((n_slices, len(columns), MAX_CODES))
    bits = packed.bits
    base = slice_codes.astype(np.uint32) << np.uint32(bits)
    for group, codes in zip(packed.groups, packed.codes, strict=True):
        counts = np.bincount(base | codes, minlength=n_slices << bits)
        used = sum(columns[f].bits for f in group)
        # the group's codes sit side by side, the first feature in the lowest bits: as an
        # array, one axis per feature, the last feature first
        shape = (n_slices, *(1 << columns[f].bits for f in reversed(group)))
        cube = counts.reshape(n_slices, 1 << bits)[:, : 1 << used].reshape(shape)
        for k, f in enumerate(group):
            axis = len(group) - k
            others = tuple(a for a in range(1, len(group) + 1) if a != axis)
            out[:, f, : columns[f].size] = cube.sum(axis=others)[:, : columns[f].size]
    return out


def totals(columns: Sequence[Encoded], current: bool) -> FloatArray:
    """Counts of each feature's codes over all rows of a side: ``(len(columns), MAX_CODES)``."""
    out = np.zeros((len(columns), MAX_CODES))
    for f, column in enumerate(columns):
        out[f, : column.size] = np.bincount(column.side(current), minlength=column.size)
    return out


def interaction_test(tables: FloatArray) -> tuple[FloatArray, FloatArray]:
    """G statistic and p-value of no three-way interaction, for tables of shape
    ``(T, 2 sides, 2 strata, K)``.

    A table whose inside moved like its outside gives a large p-value; one where only the
    inside moved, a small one:

    >>> alike = np.array([[[[50, 50], [500, 500]], [[30, 70], [300, 700]]]], dtype=float)
    >>> apart = np.array([[[[50, 50], [500, 500]], [[10, 90], [500, 500]]]], dtype=float)
    >>> [round(float(p), 4) for p in interaction_test(np.concatenate([alike, apart]))[1]]
    [1.0, 0.0]
    """
    side_stratum = tables.sum(axis=3, keepdims=True)
    side_bin = tables.sum(axis=2, keepdims=True)
    stratum_bin = tables.sum(axis=1, keepdims=True)
    fit = np.ones_like(tables)
    for _ in range(IPF_ITERATIONS):
        fit *= _ratio(side_stratum, fit.sum(axis=3, keepdims=True))
        fit *= _ratio(side_bin, fit.sum(axis=2, keepdims=True))
        fit *= _ratio(stratum_bin, fit.sum(axis=1, keepdims=True))
        gap = np.abs(fit.sum(axis=3, keepdims=True) - side_stratum) / np.maximum(side_stratum, 1)
        gap_bins = np.abs(fit.sum(axis=2, keepdims=True) - side_bin) / np.maximum(side_bin, 1)
        if max(float(gap.max(initial=0.0)), float(gap_bins.max(initial=0.0))) < IPF_TOLERANCE:
            break
    positive = tables > 0
    logs = np.log(np.where(positive, tables, 1.0) / np.where(positive, fit, 1.0))
    g = np.maximum(2.0 * (tables * logs).sum(axis=(1, 2, 3)), 0.0)
    # A code tells about the interaction only when both sides and both strata have rows in it.
    informative = (side_bin[:, :, 0, :] > 0).all(axis=1) & (stratum_bin[:, 0, :, :] > 0).all(axis=1)
    df = informative.sum(axis=1) - 1.0
    p = np.ones_like(g)
    ok = df >= 1
    p[ok] = special.chdtrc(df[ok], g[ok])
    return g, p


def _ratio(observed: FloatArray, fitted: FloatArray) -> FloatArray:
    out = np.zeros_like(fitted)
    np.divide(observed, fitted, out=out, where=fitted > 0)
    return out


def distances(tables: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """(beyond, inside, outside) total variation distances per table ``(T, 2, 2, K)``:
    the slice's current distribution against its reference one tilted like the outside,
    then reference against current inside the slice, and outside it.

    >>> t = np.array([[[[50, 50], [500, 500]], [[10, 90], [500, 500]]]], dtype=float)
    >>> [round(float(d[0]), 2) for d in distances(t)]
    [0.4, 0.4, 0.0]
    """
    ref_in, ref_out = _shares(tables[:, 0, 0]), _shares(tables[:, 0, 1])
    cur_in, cur_out = _shares(tables[:, 1, 0]), _shares(tables[:, 1, 1])
    tilt = (tables[:, 1, 1] + SMOOTHING) / (tables[:, 0, 1] + SMOOTHING)
    expected = _shares(ref_in * tilt)
    return (_tvd(cur_in, expected), _tvd(cur_in, ref_in), _tvd(cur_out, ref_out))


def _shares(counts: FloatArray) -> FloatArray:
    total = counts.sum(axis=-1, keepdims=True)
    out = np.zeros_like(counts)
    np.divide(counts, total, out=out, where=total > 0)
    return out


def _tvd(p: FloatArray, q: FloatArray) -> FloatArray:
    return np.asarray(0.5 * np.abs(p - q).sum(axis=-1), dtype=np.float64)


def tables(
    inside: tuple[FloatArray, FloatArray], total: tuple[FloatArray, FloatArray], features: IntArray
) -> FloatArray:
    """The ``(len(features), 2, 2, MAX_CODES)`` tables of one slice, from its in-slice counts
    ``(F, MAX_CODES)`` and the totals ``(F, MAX_CODES)`` of the reference and current side."""
    sides = [
        np.stack([inside[s][features], total[s][features] - inside[s][features]], axis=1)
        for s in (0, 1)
    ]
    return np.stack(sides, axis=1)


def drift_tests(slice_index: IntArray, feature: IntArray, counts: FloatArray) -> DriftTests:
    """Test every table of ``counts`` ``(T, 2, 2, K)``, one per (slice, feature)."""
    if not len(slice_index):
        empty = np.empty(0)
        return DriftTests(slice_index, feature, empty, empty, empty, empty)
    _, p = interaction_test(counts)
    beyond, within, outside = distances(counts)
    return DriftTests(slice_index, feature, p, beyond, within, outside)


def unstable(total: tuple[FloatArray, FloatArray], columns: Sequence[Encoded]) -> list[bool]:
    """Per column: True for a numeric column whose own distribution moved (its bins' total
    variation distance at least :data:`STABLE_DISTANCE`, significant at :data:`STABLE_LEVEL`).

    Its reference quantile bins hold other rows in the current data, so every feature
    correlated with it would seem to move inside them: an echo of the column's own drift,
    which the column-level report shows. Category values are exact, so they stay sliced.
    """
    ref, cur = total
    shares_ref, shares_cur = _shares(ref), _shares(cur)
    distance = _tvd(shares_cur, shares_ref)
    pooled = _shares(ref + cur)
    n_ref, n_cur = ref.sum(axis=1, keepdims=True), cur.sum(axis=1, keepdims=True)
    g = np.zeros(len(columns))
    for observed, n in ((ref, n_ref), (cur, n_cur)):
        expected = pooled * n
        positive = observed > 0
        ratio = np.where(positive, observed, 1.0) / np.where(positive, expected, 1.0)
        g += 2.0 * (observed * np.log(ratio)).sum(axis=1)
    df = np.maximum((pooled > 0).sum(axis=1) - 1, 1)
    p = special.chdtrc(df, g)
    return [
        bool(c.type == "numeric" and distance[i] >= STABLE_DISTANCE and p[i] < STABLE_LEVEL)
        for i, c in enumerate(columns)
    ]
