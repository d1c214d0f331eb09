"""The numeric columns' merge: their numbers as arrays, merged for all columns at once
(:class:`NumericColumns`; the mean and ``m2`` by the parallel formula of Chan, Golub and
LeVeque, 1979), and each column's sketches and type counts apart (:class:`NumericSketchUnion`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from driftscope._types import ColumnType
from driftscope.profiling._merge_common import IntArray, add_distinct, add_kinds, frozen_kinds
from driftscope.profiling._sketch import (
    DistinctSketch,
    DistinctUnion,
    QuantileSketch,
    QuantileUnion,
)
from driftscope.profiling.column import NumericProfile
from driftscope.profiling.histogram import Histogram

FloatArray = npt.NDArray[np.float64]
BinSpec = tuple[int, int] | None
"""A numeric column's histogram as ``(n_bins, number of edges)``, or None for none."""

EDGE = np.dtype(">f8")
"""How histogram edges are compared and stored: big-endian float64, as serialized."""


@dataclass(frozen=True, slots=True)
class NumericPart:
    """The numbers of a part's numeric columns, one row per column (in ``names`` order).

    ``counts``: count, missing, n_inf. ``moments``: mean, m2, min, max of the finite values
    (NaN for the mean, min and max where there are none). ``bins``: each column's histogram
    shape; ``edges`` all histograms' edges back to back (big-endian float64 bytes, so two
    parts' edges compare as bytes) and ``bin_counts`` their counts.
    """

    names: tuple[str, ...]
    counts: IntArray
    moments: FloatArray
    bins: tuple[BinSpec, ...]
    edges: bytes
    bin_counts: IntArray

    @classmethod
    def of(cls, columns: Mapping[str, NumericProfile]) -> NumericPart:
        """The numbers of these numeric column profiles."""
        nan = float("nan")
        counts = [(c.count, c.missing, c.n_inf) for c in columns.values()]
        moments = [
            (
                nan if c.mean is None else c.mean,
                c.m2,
                nan if c.min is None else c.min,
                nan if c.max is None else c.max,
            )
            for c in columns.values()
        ]
        hists = [c.histogram for c in columns.values()]
        edges = [e for h in hists if h is not None for e in h.edges]
        return cls(
            tuple(columns),
            np.array(counts, dtype=np.int64).reshape(-1, 3),
            np.array(moments, dtype=np.float64).reshape(-1, 4),
            tuple(None if h is None else (h.n_bins, len(h.edges)) for h in hists),
            np.array(edges, dtype=EDGE).tobytes(),
            np.array([n for h in hists if h is not None for n in h.counts], dtype=np.int64),
        )

    def segments(self) -> list[tuple[bytes, IntArray] | None]:
        """Each column's histogram as its edges (bytes, as in ``edges``) and its counts (a
        view of ``bin_counts``); None where the column has none."""
        out: list[tuple[bytes, IntArray] | None] = []
        at = count_at = 0
        for spec in self.bins:
            if spec is None:
                out.append(None)
                continue
            n_edges = spec[1]
            stop = count_at + n_edges + 1
            out.append((self.edges[8 * at : 8 * (at + n_edges)], self.bin_counts[count_at:stop]))
            at, count_at = at + n_edges, stop
        return out

    def reordered(self, names: tuple[str, ...]) -> NumericPart:
        """The same numbers with the columns in ``names`` order (the same set of names)."""
        if names == self.names:
            return self
        where = {name: i for i, name in enumerate(self.names)}
        order = [where[name] for name in names]
        segments = self.segments()
        moved = [seg for i in order if (seg := segments[i]) is not None]
        return NumericPart(
            names,
            self.counts[order],
            self.moments[order],
            tuple(self.bins[i] for i in order),
            b"".join(edges for edges, _ in moved),
            np.concatenate([c for _, c in moved]) if moved else np.zeros(0, dtype=np.int64),
        )


# A part's columns travel as named records (this one, and Labels and CategoricalFields in
# _merge_categorical): NamedTuples rather than frozen dataclasses, as a merge builds one per
# column of every part and they cost less than half as much to build.
class NumericSketches(NamedTuple):
    """A numeric column's sketches and type counts, as a part carries them."""

    quantiles: QuantileSketch
    distinct: DistinctSketch | None
    type_counts: Mapping[str, int] | None

    @classmethod
    def of(cls, col: NumericProfile) -> NumericSketches:
        """The sketches and type counts of a numeric column profile."""
        return cls(col.sketch, col.distinct, col.type_counts)


class NumericColumns:
    """The running merge of the numbers of a profile's numeric columns, all at once (their
    sketches merge apart, in :class:`NumericSketchUnion`).

    >>> from driftscope.profiling.column import numeric_profile
    >>> merged, sketches = NumericColumns(("x",)), NumericSketchUnion()
    >>> for values in ([1.0, 2.0], [3.0, np.nan]):
    ...     part = numeric_profile(np.array(values))
    ...     merged.add(NumericPart.of({"x": part}))
    ...     sketches.add(NumericSketches.of(part))
    >>> x = merged.profile(0, ColumnType.NUMERIC, sketches.result())
    >>> x.count, x.missing, x.n_inf, x.mean, x.m2, x.min, x.max
    (3, 1, 0, 2.0, 2.0, 1.0, 3.0)
    """

    __slots__ = (
        "_bin_counts",
        "_bins",
        "_counts",
        "_edges",
        "_high",
        "_histograms",
        "_low",
        "_m2",
        "_mean",
        "_n",
        "names",
    )

    def __init__(self, names: tuple[str, ...]) -> None:
        size = len(names)
        self.names = names
        self._counts = np.zeros((size, 3), dtype=np.int64)
        self._n = np.zeros(size, dtype=np.float64)  # finite values so far
        self._mean = np.full(size, np.nan)
        self._m2 = np.zeros(size)
        self._low = np.full(size, np.nan)
        self._high = np.full(size, np.nan)
        # The first part's histograms: their shapes and edges, the counts so far, and per
        # column its edges and a view of its counts, None once a part had other bins.
        self._bins: tuple[BinSpec, ...] | None = None
        self._edges = b""
        self._bin_counts = np.zeros(0, dtype=np.int64)
        self._histograms: list[tuple[bytes, IntArray] | None] = []

    def add(self, part: NumericPart) -> None:
        """Add a part whose columns are ``names`` (in this order)."""
        self._counts += part.counts
        n_i = (part.counts[:, 0] - part.counts[:, 2]).astype(np.float64)
        mean_i, m2_i = part.moments[:, 0], part.moments[:, 1]
        has = n_i > 0
        first = has & (self._n == 0)
        both = has & (self._n > 0)
        if first.any():
            self._mean[first] = mean_i[first]
            self._m2[first] = m2_i[first]
        if both.any():
            # Chan et al.: means weighted by counts, plus the between-group term in m2.
            n, n_b = self._n[both], n_i[both]
            total = n + n_b
            # m2 past float64's range becomes inf, as in numeric_profile (no warning: the
            # methods that need the variance say so; see engine.profiled._check_variance).
            with np.errstate(over="ignore"):
                delta = mean_i[both] - self._mean[both]
                self._mean[both] += delta * (n_b / total)
                self._m2[both] += m2_i[both] + delta * delta * (n * n_b / total)
        self._n += n_i
        np.fmin(self._low, part.moments[:, 2], out=self._low)
        np.fmax(self._high, part.moments[:, 3], out=self._high)
        self._add_histograms(part)

    def _add_histograms(self, part: NumericPart) -> None:
        if self._bins is None:
            self._bins, self._edges = part.bins, part.edges
            self._bin_counts = part.bin_counts.copy()
            self._histograms = replace(part, bin_counts=self._bin_counts).segments()
            return
        if part.bins == self._bins and part.edges == self._edges:
            self._bin_counts += part.bin_counts
            return
        # Parts binned on different edges cannot be added up, and refusing the merge would
        # break the commonest use, adding up profiles made separately (per day, per
        # partition); so those columns keep no histogram, and the binned methods say so.
        for i, theirs in enumerate(part.segments()):
            mine = self._histograms[i]
            if mine is None:
                continue
            if theirs is None or theirs[0] != mine[0] or part.bins[i] != self._bins[i]:
                self._histograms[i] = None
            else:
                mine[1][:] += theirs[1]

    def profile(self, i: int, column_type: ColumnType, sketches: NumericSketches) -> NumericProfile:
        """Column ``i``'s profile: its merged numbers (count, missing, n_inf, mean, m2, min,
        max and histogram) with its merged ``sketches``."""
        count, missing, n_inf = (int(v) for v in self._counts[i])
        finite = count > n_inf
        histogram = None
        kept = self._histograms[i] if self._histograms else None
        if kept is not None and self._bins is not None:
            spec = self._bins[i]
            assert spec is not None
            edges = np.frombuffer(kept[0], EDGE).tolist()
            histogram = Histogram(tuple(edges), tuple(kept[1].tolist()), spec[0])
        return NumericProfile(
            column_type=column_type,
            count=count,
            missing=missing,
            n_inf=n_inf,
            mean=float(self._mean[i]) if finite else None,
            m2=float(self._m2[i]),
            min=float(self._low[i]) if finite else None,
            max=float(self._high[i]) if finite else None,
            sketch=sketches.quantiles,
            histogram=histogram,
            distinct=sketches.distinct,
            type_counts=sketches.type_counts,
        )


class NumericSketchUnion:
    """The sketches and type counts of one numeric column, merged."""

    __slots__ = ("_distinct", "_kinds", "_quantiles")

    def __init__(self) -> None:
        self._quantiles = QuantileUnion()
        self._distinct: DistinctUnion | None = DistinctUnion()
        self._kinds: dict[str, int] | None = {}

    def add(self, part: NumericSketches) -> None:
        self._quantiles.add(part.quantiles)
        self._distinct = add_distinct(self._distinct, part.distinct)
        self._kinds = add_kinds(self._kinds, part.type_counts)

    def result(self) -> NumericSketches:
        distinct = None if self._distinct is None else self._distinct.result()
        return NumericSketches(self._quantiles.result(), distinct, frozen_kinds(self._kinds))
