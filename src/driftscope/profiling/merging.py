"""Merging profiles one part at a time, with the numeric columns' numbers as arrays.

:class:`~driftscope.profiling.profile.ProfileMerger` takes each part as a :class:`Part`: the
numeric columns' counts, moments and histogram counts as arrays (:class:`NumericPart`, one row
per column, merged for all columns at once), and per column its sketches and category counts.
A part comes from a profile (:meth:`Part.of`) or straight from serialized bytes
(:mod:`~driftscope.profiling._format_v3`), so merging any number of parts holds one at a time
and builds no profile for them.

Counts, minimum and maximum merge exactly; the mean and the sum of squared deviations (``m2``)
with the parallel formula of Chan, Golub and LeVeque (1979), exact up to floating-point
rounding; the sketches approximately; histograms add up while every part has one on the same
bins, and are None otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from driftscope._types import ColumnType
from driftscope.errors import ProfileError
from driftscope.profiling import column as _column
from driftscope.profiling._sketch import (
    DistinctSketch,
    DistinctUnion,
    FrequentItems,
    FrequentUnion,
    QuantileSketch,
    QuantileUnion,
)
from driftscope.profiling.column import (
    CategoricalProfile,
    ColumnProfile,
    NumericProfile,
    categorical_profile,
)
from driftscope.profiling.histogram import Histogram

IntArray = npt.NDArray[np.int64]
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


# A part's columns travel as the three records below: NamedTuples rather than frozen
# dataclasses, as a merge builds one per column of every part and they cost less than half
# as much to build.
class NumericSketches(NamedTuple):
    """A numeric column's sketches and type counts, as a part carries them."""

    quantiles: QuantileSketch
    distinct: DistinctSketch | None
    type_counts: Mapping[str, int] | None

    @classmethod
    def of(cls, col: NumericProfile) -> NumericSketches:
        """The sketches and type counts of a numeric column profile."""
        return cls(col.sketch, col.distinct, col.type_counts)


class Labels(NamedTuple):
    """Exact category counts: the labels and their counts, in the same order."""

    labels: list[str]
    counts: IntArray

    @classmethod
    def of(cls, counts: Mapping[str, int]) -> Labels:
        """The labels and counts of a column profile's ``counts``."""
        return cls(list(counts), np.fromiter(counts.values(), dtype=np.int64, count=len(counts)))


class CategoricalFields(NamedTuple):
    """A categorical column as a part carries it: its missing count, its ``exact`` counts
    or else (past the cap) its ``frequent``-items sketch, its distinct sketch and type
    counts."""

    missing: int
    exact: Labels | None
    frequent: FrequentItems | None
    distinct: DistinctSketch | None
    type_counts: Mapping[str, int] | None

    @classmethod
    def of(cls, col: CategoricalProfile) -> CategoricalFields:
        """The fields of a categorical column profile."""
        exact = Labels.of(col.counts) if col.frequent is None else None
        return cls(col.missing, exact, col.frequent, col.distinct, col.type_counts)


@dataclass(frozen=True, slots=True)
class Part:
    """One profile to merge, as :class:`~driftscope.profiling.profile.ProfileMerger` takes it:
    ``types`` gives every column in the part's order."""

    n_rows: int
    types: Mapping[str, ColumnType]
    numeric: NumericPart
    sketches: Mapping[str, NumericSketches]
    categorical: Mapping[str, CategoricalFields]

    @classmethod
    def of(cls, columns: Mapping[str, ColumnProfile], n_rows: int) -> Part:
        """The part of a profile's columns."""
        numeric = {n: c for n, c in columns.items() if isinstance(c, NumericProfile)}
        return cls(
            n_rows,
            {name: col.column_type for name, col in columns.items()},
            NumericPart.of(numeric),
            {name: NumericSketches.of(col) for name, col in numeric.items()},
            {
                name: CategoricalFields.of(col)
                for name, col in columns.items()
                if isinstance(col, CategoricalProfile)
            },
        )


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
        self._distinct = _add_distinct(self._distinct, part.distinct)
        self._kinds = add_kinds(self._kinds, part.type_counts)

    def result(self) -> NumericSketches:
        distinct = None if self._distinct is None else self._distinct.result()
        return NumericSketches(self._quantiles.result(), distinct, frozen_kinds(self._kinds))


class CategoricalMerger:
    """Merges profiles of one categorical (or boolean) column.

    Counts stay exact until the merged column has more than
    :data:`~driftscope.profiling.column.MAX_CATEGORIES` labels, or a part arrives that is
    already past the cap; from then on the labels go into a frequent-items sketch. Parts
    listing the same labels as the part before them (partitions that all see every category)
    are added as arrays.

    >>> merger = CategoricalMerger(ColumnType.CATEGORICAL)
    >>> merger.add(CategoricalFields(0, Labels(["a"], np.array([2])), None, None, {}))
    >>> merger.add(CategoricalFields(1, Labels(["a", "b"], np.array([1, 1])), None, None, {}))
    >>> dict(merger.result().counts), merger.result().missing
    ({'a': 3, 'b': 1}, 1)
    """

    __slots__ = (
        "_batch",
        "_counts",
        "_distinct",
        "_frequent",
        "_kinds",
        "_missing",
        "column_type",
    )

    def __init__(self, column_type: ColumnType) -> None:
        self.column_type = column_type
        self._missing = 0
        self._counts: dict[str, int] | None = {}
        self._batch: Labels | None = None  # labels, summed counts
        self._frequent: FrequentUnion | None = None
        self._distinct: DistinctUnion | None = DistinctUnion()
        self._kinds: dict[str, int] | None = {}

    def add(self, part: CategoricalFields) -> None:
        """Add a part: its exact counts, or else its frequent-items sketch."""
        self._missing += part.missing
        exact = part.exact
        if exact is not None and self._frequent is None:
            if self._batch is not None and exact.labels == self._batch.labels:
                np.add(self._batch.counts, exact.counts, out=self._batch.counts)
            else:
                self._flush()
                # a copy, to add into
                self._batch = Labels(exact.labels, exact.counts.astype(np.int64))
        elif exact is not None:
            counts = dict(zip(exact.labels, exact.counts.tolist(), strict=True))
            self._to_frequent().add_counts(counts)
        elif part.frequent is not None:
            self._to_frequent().add(part.frequent)
        self._distinct = _add_distinct(self._distinct, part.distinct)
        self._kinds = add_kinds(self._kinds, part.type_counts)

    def _flush(self) -> None:
        """Move the batch's counts into the dictionary of all counts."""
        if self._batch is None:
            return
        labels, values = self._batch.labels, self._batch.counts
        self._batch = None
        if self._counts is None:  # past the cap since the batch began
            assert self._frequent is not None
            self._frequent.add_counts(dict(zip(labels, values.tolist(), strict=True)))
            return
        totals = self._counts
        if not totals:  # the first labels (every label of a batch differs)
            totals = self._counts = dict(zip(labels, values.tolist(), strict=True))
        else:
            get = totals.get
            for label, n in zip(labels, values.tolist(), strict=True):
                totals[label] = get(label, 0) + n
        if len(totals) > _column.MAX_CATEGORIES:
            self._to_frequent()

    def _to_frequent(self) -> FrequentUnion:
        if self._frequent is None:
            self._flush()  # which itself switches when the batch takes the counts past the cap
        if self._frequent is None:
            self._frequent = FrequentUnion()
            self._frequent.add_counts(self._counts or {})
            self._counts = None
        return self._frequent

    def result(self) -> CategoricalProfile:
        """The merged profile (the merger can go on taking parts)."""
        self._flush()
        distinct = None if self._distinct is None else self._distinct.result()
        kinds = frozen_kinds(self._kinds)
        if self._frequent is None:
            return categorical_profile(
                self._counts or {},
                missing=self._missing,
                column_type=self.column_type,
                distinct=distinct,
                type_counts=kinds,
            )
        return CategoricalProfile(
            self.column_type,
            MappingProxyType({}),
            self._missing,
            distinct,
            self._frequent.result(),
            kinds,
        )


def _add_distinct(
    union: DistinctUnion | None, sketch: DistinctSketch | None
) -> DistinctUnion | None:
    """None once a part has no distinct sketch (a profile from before them): none at all."""
    if union is None or sketch is None:
        return None
    union.add(sketch)
    return union


def type_mismatch(name: str, first: ColumnType, other: ColumnType) -> ProfileError:
    """The error for a column whose type differs between the profiles being merged."""
    return ProfileError(
        f"Profile.merge: column {name!r} is {first} in one profile but {other} in another; "
        "profile all of them with the same schema"
    )


def add_kinds(
    totals: dict[str, int] | None, kinds: Mapping[str, int] | None
) -> dict[str, int] | None:
    """``totals`` with a part's type counts added; None once a part has none (a profile
    written before type counts existed), as a partial tally would mislead."""
    if totals is None or kinds is None:
        return None
    for kind, n in kinds.items():
        totals[kind] = totals.get(kind, 0) + n
    return totals


def frozen_kinds(kinds: dict[str, int] | None) -> Mapping[str, int] | None:
    """Type counts as a profile keeps them: read-only, sorted by kind.

    >>> dict(frozen_kinds({"integer": 3, "float": 1}))
    {'float': 1, 'integer': 3}
    """
    return None if kinds is None else MappingProxyType(dict(sorted(kinds.items())))
