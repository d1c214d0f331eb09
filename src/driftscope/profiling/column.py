"""Per-column profiles: numeric moments and a quantile sketch, or exact category counts.

Both kinds are frozen values; :mod:`~driftscope.profiling.merging` combines profiles of the
same column into a new one.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from driftscope._types import ColumnType
from driftscope.profiling._sketch import DEFAULT_K, DistinctSketch, FrequentItems, QuantileSketch
from driftscope.profiling.histogram import Histogram
from driftscope.stats._scaling import scale_exponent

MAX_CATEGORIES = 100_000
"""Most distinct categories a categorical profile counts exactly. Beyond it (in one profile or
after a merge) the column keeps a frequent-items sketch of its most common labels instead,
with approximate counts, and the categorical tests refuse it."""

NUMERIC_TYPES = frozenset({ColumnType.NUMERIC, ColumnType.DATETIME})
"""Types profiled with moments and a quantile sketch (datetimes as seconds since the epoch)."""

CATEGORICAL_TYPES = frozenset({ColumnType.CATEGORICAL, ColumnType.BOOLEAN})
"""Types profiled with exact category counts."""

FLOAT_DISTINCT_LIMIT = 65_536
"""Most distinct values a part of a float or datetime column may have for the column to keep a
distinct-count sketch. The sketch takes one update per distinct value: cheap for discrete
values (ratings, rounded prices, integers that pandas turned into floats for their NaN, a
stuck sensor), one per row for continuous ones, which would double the cost of profiling
them. Past the limit in any part, the merged column has no distinct sketch."""


@dataclass(frozen=True, slots=True, eq=False)
class NumericProfile:
    """Summary of a numeric (or datetime) column.

    ``count`` values are present (finite or infinite), ``missing`` are null or NaN, ``n_inf``
    of the present ones are +/-inf. ``mean``, ``m2`` (sum of squared deviations from the mean),
    ``min``, ``max``, ``sketch`` and ``histogram`` describe the finite values only; ``mean``,
    ``min`` and ``max`` are None when there are none. ``histogram`` (counts on the reference's
    bin edges, see :mod:`~driftscope.profiling.histogram`) is None when the column was
    profiled without bins, or merged from parts binned on different edges. ``type_counts``
    counts the present values by the type they arrived as (see
    :func:`driftscope.io.value_kind`); None in profiles written before it existed.

    Examples
    --------
    >>> import numpy as np
    >>> col = numeric_profile(np.array([1.0, 2.0, np.nan, 4.0, np.inf]))
    >>> col.count, col.missing, col.n_inf, col.mean, col.variance, col.min, col.max
    (4, 1, 1, 2.3333333333333335, 2.333333333333333, 1.0, 4.0)
    >>> col.sketch.quantile(0.5)
    2.0
    """

    column_type: ColumnType
    count: int
    missing: int
    n_inf: int
    mean: float | None
    m2: float
    min: float | None
    max: float | None
    sketch: QuantileSketch
    histogram: Histogram | None = None
    distinct: DistinctSketch | None = None
    type_counts: Mapping[str, int] | None = None

    @property
    def n_finite(self) -> int:
        """Number of finite values (those in the moments and the sketch)."""
        return self.count - self.n_inf

    @property
    def variance(self) -> float | None:
        """Sample variance of the finite values (``ddof=1``); None below two values."""
        n = self.n_finite
        return self.m2 / (n - 1) if n >= 2 else None


@dataclass(frozen=True, slots=True)
class CategoricalProfile:
    """Counts per category of a categorical (or boolean) column.

    ``counts`` maps each category label (booleans as ``"False"``/``"True"``, numbers as Arrow
    formats them) to its positive count, sorted by label; ``missing`` counts null and NaN.
    Above :data:`MAX_CATEGORIES` labels, ``counts`` is empty and ``frequent`` keeps the most
    common labels approximately. ``distinct`` estimates the number of labels (None in
    profiles written before it existed). ``type_counts`` counts the present values by the
    type they arrived as (see :func:`driftscope.io.value_kind`).

    Examples
    --------
    >>> col = categorical_profile({"b": 2, "a": 1}, missing=1)
    >>> dict(col.counts), col.count, col.missing, col.n_distinct
    ({'a': 1, 'b': 2}, 3, 1, 2.0)
    """

    column_type: ColumnType
    counts: Mapping[str, int]
    missing: int
    distinct: DistinctSketch | None = field(default=None, compare=False)
    frequent: FrequentItems | None = field(default=None, compare=False)
    type_counts: Mapping[str, int] | None = None

    @property
    def exact(self) -> bool:
        """Whether ``counts`` holds every label's exact count."""
        return self.frequent is None

    @property
    def count(self) -> int:
        """Number of present values (exact either way)."""
        return sum(self.counts.values()) if self.frequent is None else self.frequent.total

    @property
    def n_distinct(self) -> float | None:
        """Number of labels: exact while counted, else the distinct sketch's estimate."""
        if self.frequent is None:
            return float(len(self.counts))
        return self.distinct.estimate if self.distinct is not None else None


ColumnProfile = NumericProfile | CategoricalProfile


def numeric_profile(
    values: npt.NDArray[np.float64],
    *,
    column_type: ColumnType = ColumnType.NUMERIC,
    k: int = DEFAULT_K,
    n_bins: int | None = None,
    edges: tuple[float, ...] | None = None,
    distinct: bool = False,
    distinct_limit: int | None = None,
    kind: str | None = None,
) -> NumericProfile:
    """Profile float64 values, NaN meaning missing.

    Parameters
    ----------
    values
        1-D float64 array (as :func:`driftscope.io.numeric_values` returns).
    column_type
        ``numeric`` or ``datetime``; recorded so that merging refuses to mix them.
    k
        Accuracy of the KLL quantile sketch (8 to 65535; larger is more accurate and bigger).
    n_bins, edges
        Without ``n_bins``, no histogram. With ``n_bins`` alone, a histogram on these values'
        own quantile edges (a reference profiled in one piece); with ``edges`` too, on those
        edges (the reference's, for a current profile or a part of a reference).
    distinct, distinct_limit
        Keep a distinct-count sketch too: it costs one update per distinct value. With a
        limit, only when there are at most that many (see :data:`FLOAT_DISTINCT_LIMIT`).
    kind
        The type the values arrived as (:func:`driftscope.io.value_kind`), recorded as
        ``type_counts``; None records nothing.
    """
    # Sorted once: the sketch updates fastest from sorted values (see QuantileSketch.of_sorted),
    # and the histogram, its edges, min, max and distinct values then cost a few lookups.
    # numpy sorts -inf first and +inf, then NaN, last, so the finite values are one slice.
    ordered = np.sort(np.asarray(values, dtype=np.float64))
    low = int(np.searchsorted(ordered, -np.inf, side="right"))
    high = int(np.searchsorted(ordered, np.inf, side="left"))
    present = int(np.searchsorted(ordered, np.inf, side="right"))
    finite = ordered[low:high]
    missing = int(ordered.size) - present
    count = present
    sketch = QuantileSketch.of_sorted(finite, k=k)
    histogram = None
    if n_bins is not None:
        histogram = (
            Histogram.of_reference(finite, n_bins)
            if edges is None
            else Histogram.count_sorted(finite, edges, n_bins=n_bins)
        )
    elif edges is not None:
        raise ValueError("edges need n_bins")
    unique = DistinctSketch.of_numbers(finite, limit=distinct_limit) if distinct else None
    kinds = None if kind is None else _one_kind(kind, count)
    if finite.size == 0:
        return NumericProfile(
            column_type,
            count,
            missing,
            count,
            None,
            0.0,
            None,
            None,
            sketch,
            histogram,
            unique,
            kinds,
        )
    mean, m2 = _moments(finite)
    return NumericProfile(
        column_type,
        count,
        missing,
        count - int(finite.size),
        mean,
        m2,
        float(finite[0]),
        float(finite[-1]),
        sketch,
        histogram,
        unique,
        kinds,
    )


def _moments(finite: npt.NDArray[np.float64]) -> tuple[float, float]:
    """Mean and sum of squared deviations of sorted finite values.

    Two passes (mean, then squared deviations) are more accurate than one pass of sums.
    Values past 2**500 are rescaled by a power of two first (exact), as the raw-data path
    does, so the mean is always finite; m2 is then inf only when it is itself past float64's
    range (a standard deviation of about 1e154 over each value), never by an intermediate.
    """
    if finite[0] == finite[-1]:  # constant: exact, where numpy's mean can be off by a rounding
        return float(finite[0]), 0.0
    exponent = scale_exponent(finite)
    scaled = finite if exponent == 0 else np.ldexp(finite, -exponent)
    mean = float(scaled.mean())
    deviations = scaled - mean
    # In place and summed pairwise by numpy: no second temporary, and no BLAS call (whose
    # threads would compete with the worker processes).
    m2 = float(np.square(deviations, out=deviations).sum())
    if exponent == 0:
        return mean, m2
    with np.errstate(over="ignore"):
        return math.ldexp(mean, exponent), float(np.ldexp(m2, 2 * exponent))


def categorical_profile(
    counts: Mapping[str, int],
    *,
    missing: int,
    column_type: ColumnType = ColumnType.CATEGORICAL,
    distinct: DistinctSketch | None = None,
    type_counts: Mapping[str, int] | None = None,
) -> CategoricalProfile:
    """A categorical profile from exact counts per label (zero counts are dropped).

    ``distinct`` is computed from the labels unless given; above :data:`MAX_CATEGORIES`
    labels the counts go into a frequent-items sketch. ``type_counts``: see
    :class:`CategoricalProfile`.
    """
    kept = (
        dict(counts)
        if counts and min(counts.values()) > 0
        else {k: n for k, n in counts.items() if n}
    )
    if distinct is None:
        distinct = DistinctSketch.of_strings(kept)
    if type_counts is not None and not isinstance(type_counts, MappingProxyType):
        type_counts = MappingProxyType(dict(type_counts))
    if len(kept) > MAX_CATEGORIES:
        frequent = FrequentItems.of_counts(kept)
        return CategoricalProfile(
            column_type, _NO_COUNTS, int(missing), distinct, frequent, type_counts
        )
    labels = list(kept)
    if not all(map(operator.le, labels, labels[1:])):  # decoded profiles come sorted
        kept = dict(sorted(kept.items()))
    return CategoricalProfile(
        column_type, MappingProxyType(kept), int(missing), distinct, None, type_counts
    )


_NO_COUNTS: Mapping[str, int] = MappingProxyType({})


def _one_kind(kind: str, count: int) -> Mapping[str, int]:
    return MappingProxyType({kind: count} if count else {})
