"""What the numeric and the categorical merges share: distinct sketches and type counts, each
kept only while every part has them, and the integer arrays a part's counts travel in."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from driftscope.profiling._sketch import DistinctSketch, DistinctUnion

IntArray = npt.NDArray[np.int64]


def add_distinct(
    union: DistinctUnion | None, sketch: DistinctSketch | None
) -> DistinctUnion | None:
    """None once a part has no distinct sketch (a profile from before them): none at all."""
    if union is None or sketch is None:
        return None
    union.add(sketch)
    return union


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
