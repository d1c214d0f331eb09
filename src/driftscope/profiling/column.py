"""Per-column profiles: numeric moments and a quantile sketch, or exact category counts.

Both kinds are frozen values; :func:`merge_columns` combines two profiles of the same column
into a new one. Counts, minimum and maximum merge exactly; the mean and the sum of squared
deviations (``m2``) merge with the parallel formula of Chan, Golub and LeVeque (1979), exact up
to floating-point rounding; the quantile sketch merges approximately.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from driftscope._types import ColumnType
from driftscope.errors import ProfileError
from driftscope.profiling._sketch import DEFAULT_K, DistinctSketch, FrequentItems, QuantileSketch
from driftscope.profiling.histogram import Histogram

MAX_CATEGORIES = 100_000
"""Most distinct categories a categorical profile counts exactly. Beyond it (in one profile or
after a merge) the column keeps a frequent-items sketch of its most common labels instead,
with approximate counts, and the categorical tests refuse it."""

NUMERIC_TYPES = frozenset({ColumnType.NUMERIC, ColumnType.DATETIME})
"""Types profiled with moments and a quantile sketch (datetimes as seconds since the epoch)."""

CATEGORICAL_TYPES = frozenset({ColumnType.CATEGORICAL, ColumnType.BOOLEAN})
"""Types profiled with exact category counts."""


@dataclass(frozen=True, slots=True, eq=False)
class NumericProfile:
    """Summary of a numeric (or datetime) column.

    ``count`` values are present (finite or infinite), ``missing`` are null or NaN, ``n_inf``
    of the present ones are +/-inf. ``mean``, ``m2`` (sum of squared deviations from the mean),
    ``min``, ``max``, ``sketch`` and ``histogram`` describe the finite values only; ``mean``,
    ``min`` and ``max`` are None when there are none. ``histogram`` (counts on the reference's
    bin edges, see :mod:`~driftscope.profiling.histogram`) is None when the column was
    profiled without bins, or merged from parts binned on different edges.

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
    profiles written before it existed).

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
    distinct
        Keep a distinct-count sketch too (meant for integer columns: it costs one update per
        distinct value, which for continuous values is one per row).
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
    unique = DistinctSketch.of_numbers(finite) if distinct else None
    if finite.size == 0:
        return NumericProfile(
            column_type, count, missing, count, None, 0.0, None, None, sketch, histogram, unique
        )
    # Two passes (mean, then squared deviations) are more accurate than one pass of sums.
    mean = float(finite.mean())
    deviations = finite - mean
    # In place and summed pairwise by numpy: no second temporary, and no BLAS call (whose
    # threads would compete with the worker processes).
    m2 = float(np.square(deviations, out=deviations).sum())
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
    )


def categorical_profile(
    counts: Mapping[str, int],
    *,
    missing: int,
    column_type: ColumnType = ColumnType.CATEGORICAL,
    distinct: DistinctSketch | None = None,
) -> CategoricalProfile:
    """A categorical profile from exact counts per label (zero counts are dropped).

    ``distinct`` is computed from the labels unless given; above :data:`MAX_CATEGORIES`
    labels the counts go into a frequent-items sketch.
    """
    kept = (
        dict(counts)
        if counts and min(counts.values()) > 0
        else {k: n for k, n in counts.items() if n}
    )
    if distinct is None:
        distinct = DistinctSketch.of_strings(kept)
    if len(kept) > MAX_CATEGORIES:
        frequent = FrequentItems.of_counts(kept)
        return CategoricalProfile(column_type, _NO_COUNTS, int(missing), distinct, frequent)
    labels = list(kept)
    if not all(map(operator.le, labels, labels[1:])):  # decoded profiles come sorted
        kept = dict(sorted(kept.items()))
    return CategoricalProfile(column_type, MappingProxyType(kept), int(missing), distinct)


_NO_COUNTS: Mapping[str, int] = MappingProxyType({})


def merge_columns(
    left: ColumnProfile, right: ColumnProfile, *, name: str | None = None
) -> ColumnProfile:
    """Combine two profiles of the same column (the rows of both).

    Raises ProfileError, naming the column, when their types differ.

    Examples
    --------
    >>> import numpy as np
    >>> left, right = numeric_profile(np.array([1.0, 2.0])), numeric_profile(np.array([3.0]))
    >>> both = merge_columns(left, right)
    >>> both.count, both.mean, both.variance, both.sketch.n
    (3, 2.0, 1.0, 3)
    """
    return merge_many([left, right], name=name)


def merge_many(columns: Sequence[ColumnProfile], *, name: str | None = None) -> ColumnProfile:
    """Combine profiles of the same column in one go (the rows of all of them).

    Merging n profiles at once costs one pass over them: one copy of each sketch kind and one
    dictionary of category counts, where n - 1 pairwise merges would copy and rebuild each
    n - 1 times. The result is the same as merging pairwise, left to right.
    """
    first = columns[0]
    for other in columns[1:]:
        if other.column_type != first.column_type or type(other) is not type(first):
            where = f"column {name!r}" if name is not None else "column"
            raise ProfileError(
                f"Profile.merge: {where} is {first.column_type} in one profile but "
                f"{other.column_type} in another; profile all of them with the same schema"
            )
    if len(columns) == 1:
        return first
    if isinstance(first, NumericProfile):
        return _merge_numeric([c for c in columns if isinstance(c, NumericProfile)])
    return _merge_categorical([c for c in columns if isinstance(c, CategoricalProfile)])


def _merge_numeric(columns: Sequence[NumericProfile]) -> NumericProfile:
    n, mean, m2 = 0, None, 0.0
    for col in columns:
        if col.mean is None or col.n_finite == 0:
            continue
        if mean is None:
            n, mean, m2 = col.n_finite, col.mean, col.m2
            continue
        # Chan et al.: combine means weighted by counts, and add the between-group term to m2.
        total = n + col.n_finite
        delta = col.mean - mean
        mean += delta * (col.n_finite / total)
        m2 += col.m2 + delta * delta * (n * col.n_finite / total)
        n = total
    lows = [c.min for c in columns if c.min is not None]
    highs = [c.max for c in columns if c.max is not None]
    first = columns[0]
    return NumericProfile(
        first.column_type,
        sum(c.count for c in columns),
        sum(c.missing for c in columns),
        sum(c.n_inf for c in columns),
        mean,
        m2,
        min(lows) if lows else None,
        max(highs) if highs else None,
        QuantileSketch.union([c.sketch for c in columns]),
        _merge_histograms([c.histogram for c in columns]),
        _merge_distinct([c.distinct for c in columns]),
    )


def _merge_histograms(histograms: Sequence[Histogram | None]) -> Histogram | None:
    """Counts of all on their shared edges; None where the edges differ (or one has none).

    Parts binned on different edges cannot be added up, and refusing the merge would break
    the commonest use, adding up profiles made separately (per day, per partition). So the
    merged column keeps no histogram, and the binned methods say so when it is compared.
    """
    first = histograms[0]
    if first is None or any(h is None or not first.compatible(h) for h in histograms):
        return None
    totals = [sum(counts) for counts in zip(*(h.counts for h in histograms if h), strict=True)]
    return Histogram(first.edges, tuple(totals), first.n_bins)


def _merge_categorical(columns: Sequence[CategoricalProfile]) -> CategoricalProfile:
    distinct = _merge_distinct([c.distinct for c in columns])
    missing = sum(c.missing for c in columns)
    first = columns[0]
    if all(c.frequent is None for c in columns):
        counts: dict[str, int] = {}
        get = counts.get
        for col in columns:
            for label, n in col.counts.items():
                counts[label] = get(label, 0) + n
        return categorical_profile(
            counts, missing=missing, column_type=first.column_type, distinct=distinct
        )
    # Once any part is past the cap, all go into the frequent-items sketch.
    sketches = [c.frequent or FrequentItems.of_counts(c.counts) for c in columns]
    return CategoricalProfile(
        first.column_type, _NO_COUNTS, missing, distinct, FrequentItems.union(sketches)
    )


def _merge_distinct(sketches: Sequence[DistinctSketch | None]) -> DistinctSketch | None:
    """The union of all; None when any has none (profiles from before distinct sketches)."""
    present = [s for s in sketches if s is not None]
    return DistinctSketch.union(present) if len(present) == len(sketches) else None
