"""Counts of a numeric column's finite values on bin edges that the reference fixes.

The binned drift methods (psi, jensen_shannon, hellinger, kl, tvd, l_infinity) need only the
number of values per bin, on the same bins for both sides. A profile therefore keeps those
counts on the reference's edges, and a current profile is counted on the very same edges
(``profile(current, bins=reference_profile)``), so every binned statistic computed from the two
profiles equals the one computed from the raw values on those edges, at any size.

The edges follow SPEC section 2: the reference quantiles at ``1/k .. (k-1)/k`` (numpy's
'linear' rule), duplicates removed, open outer bins, a value equal to an edge in the bin on its
right. A reference profiled in one piece gets exactly those edges; one profiled in chunks or
partitions gets them from its merged quantile sketch (within the sketch's rank error of the
exact quantiles), since exact quantiles of data never held in memory would need a sort.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from driftscope.errors import ProfileError
from driftscope.stats._binning import bin_counts, reference_edges

SORT_BELOW = 1024
"""Below this many values, :meth:`Histogram.count` sorts them and searches the edges."""

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Histogram:
    """Finite values counted per bin: ``len(edges) + 1`` counts around the inner ``edges``.

    ``n_bins`` is the number of bins asked for; ``edges`` may be fewer when quantiles coincide.

    Examples
    --------
    >>> h = Histogram.count(np.array([0.0, 1.0, 1.0, 5.0]), (1.0, 2.0), n_bins=3)
    >>> h.counts, h.total
    ((1, 2, 1), 4)
    """

    edges: tuple[float, ...]
    counts: tuple[int, ...]
    n_bins: int

    def __post_init__(self) -> None:
        if len(self.counts) != len(self.edges) + 1:
            raise ProfileError(
                f"a histogram needs one count more than its edges; got {len(self.counts)} "
                f"counts for {len(self.edges)} edges"
            )
        if not all(map(operator.lt, self.edges, self.edges[1:])):
            raise ProfileError("histogram edges must be strictly increasing")
        if min(self.counts) < 0:
            raise ProfileError("histogram counts must not be negative")

    @classmethod
    def count(cls, values: FloatArray, edges: tuple[float, ...], *, n_bins: int) -> Histogram:
        """Count finite ``values`` (any order) on ``edges``: one comparison pass per edge,
        several times faster than sorting for the ten or so edges of a histogram; below
        :data:`SORT_BELOW` values, one sort and one binary search (the same counts), where
        a numpy call per edge costs more than the values."""
        if values.size < SORT_BELOW:
            # values < edge, as below: searchsorted's left side counts the values before it
            under_sorted = np.searchsorted(np.sort(values), np.asarray(edges, np.float64))
            counts = np.diff(np.concatenate(([0], under_sorted, [values.size])))
            return cls(edges, tuple(int(c) for c in counts), n_bins)
        below = np.empty(values.size, dtype=bool)
        # values < edge: a value equal to an edge is not below it, so it lands on its right.
        under = [int(np.count_nonzero(np.less(values, e, out=below))) for e in edges]
        counts = np.diff(np.array([0, *under, values.size], dtype=np.int64))
        return cls(edges, tuple(int(c) for c in counts), n_bins)

    @classmethod
    def count_sorted(
        cls, values: FloatArray, edges: tuple[float, ...], *, n_bins: int
    ) -> Histogram:
        """Count sorted finite ``values`` on ``edges``: one binary search per edge."""
        counts = bin_counts(values, np.asarray(edges, dtype=np.float64))
        return cls(edges, tuple(int(c) for c in counts), n_bins)

    @classmethod
    def of_reference(cls, values: FloatArray, n_bins: int) -> Histogram:
        """Count sorted finite ``values`` on their own quantile edges (SPEC section 2).

        >>> Histogram.of_reference(np.array([1.0, 2.0, 2.0, 2.0, 3.0]), 4).edges
        (2.0,)
        """
        return cls.count_sorted(values, exact_edges(values, n_bins), n_bins=n_bins)

    @property
    def total(self) -> int:
        """Number of values counted."""
        return sum(self.counts)

    def compatible(self, other: Histogram) -> bool:
        """Whether both count on the same bins (so they can be added or compared)."""
        return self.edges == other.edges and self.n_bins == other.n_bins

    def merged(self, other: Histogram) -> Histogram:
        """Counts of both histograms; ProfileError unless both have the same bins."""
        if not self.compatible(other):
            raise ProfileError("histograms on different bin edges cannot be added")
        counts = tuple(a + b for a, b in zip(self.counts, other.counts, strict=True))
        return Histogram(self.edges, counts, self.n_bins)


def exact_edges(values: FloatArray, n_bins: int) -> tuple[float, ...]:
    """Inner edges: the quantiles of sorted ``values`` at 1/k .. (k-1)/k, deduplicated, as
    :func:`driftscope.stats.binned.reference_edges` computes them for ``compare``.

    >>> exact_edges(np.array([1.0, 2.0, 3.0, 4.0]), 2)
    (2.5,)
    """
    if values.size == 0:
        return ()
    try:
        return tuple(float(e) for e in reference_edges(values, n_bins))
    except ValueError as exc:
        raise ProfileError(str(exc)) from None


def sketch_edges(quantiles: list[float]) -> tuple[float, ...]:
    """Inner edges from a quantile sketch's answers at 1/k .. (k-1)/k, deduplicated."""
    return tuple(float(e) for e in np.unique(np.asarray(quantiles, dtype=np.float64)))
