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

This module puts a part together and is where the merge's names are imported from; the numeric
merge lives in :mod:`~driftscope.profiling._merge_numeric`, the categorical one in
:mod:`~driftscope.profiling._merge_categorical`, and what both share in
:mod:`~driftscope.profiling._merge_common`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from driftscope._types import ColumnType
from driftscope.errors import ProfileError
from driftscope.profiling._merge_categorical import CategoricalFields, CategoricalMerger, Labels
from driftscope.profiling._merge_common import IntArray, add_kinds, frozen_kinds
from driftscope.profiling._merge_numeric import (
    EDGE,
    BinSpec,
    FloatArray,
    NumericColumns,
    NumericPart,
    NumericSketches,
    NumericSketchUnion,
)
from driftscope.profiling.column import CategoricalProfile, ColumnProfile, NumericProfile

__all__ = [
    "EDGE",
    "BinSpec",
    "CategoricalFields",
    "CategoricalMerger",
    "FloatArray",
    "IntArray",
    "Labels",
    "NumericColumns",
    "NumericPart",
    "NumericSketchUnion",
    "NumericSketches",
    "Part",
    "add_kinds",
    "frozen_kinds",
    "type_mismatch",
]


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


def type_mismatch(name: str, first: ColumnType, other: ColumnType) -> ProfileError:
    """The error for a column whose type differs between the profiles being merged."""
    return ProfileError(
        f"Profile.merge: column {name!r} is {first} in one profile but {other} in another; "
        "profile all of them with the same schema"
    )
