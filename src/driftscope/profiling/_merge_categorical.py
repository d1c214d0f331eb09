"""The categorical (and boolean) columns' merge: exact counts up to the cap, a frequent-items
sketch past it."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple

import numpy as np

from driftscope._types import ColumnType
from driftscope.profiling import column as _column
from driftscope.profiling._merge_common import IntArray, add_distinct, add_kinds, frozen_kinds
from driftscope.profiling._sketch import DistinctSketch, DistinctUnion, FrequentItems, FrequentUnion
from driftscope.profiling.column import CategoricalProfile, categorical_profile


# Labels and CategoricalFields are NamedTuples for the reason given beside NumericSketches.
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
        self._distinct = add_distinct(self._distinct, part.distinct)
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
