"""``uniqueness``: a value that should identify one row occurs more than once."""

from __future__ import annotations

import numpy as np

from driftscope.quality.checks._format import examples
from driftscope.quality.constraints import ColumnConstraints
from driftscope.quality.measure import ColumnData
from driftscope.result import QualityIssue

CHECK = "uniqueness"


def check(data: ColumnData, rule: ColumnConstraints, source: str) -> QualityIssue | None:
    """A ``uniqueness`` warning naming the repeated values, most repeated first."""
    if not rule.unique or data.present < 2:
        return None
    # Telling whether any value repeats is cheaper than counting each; most columns stop here.
    if data.all_distinct():
        return None
    counts = data.counts()
    repeated = np.flatnonzero(counts.counts > 1)
    if repeated.size == 0:  # NaN, counted apart as missing
        return None
    order = repeated[np.argsort(-counts.counts[repeated], kind="stable")]
    extra = int((counts.counts[repeated] - 1).sum())
    shown = counts.values.take(order[:3]).to_pylist()
    return QualityIssue(
        rule.name,
        CHECK,
        "warning",
        f"column {rule.name!r}: {repeated.size:,} value(s) occur more than once in {source} "
        f"({extra:,} rows repeat a value){examples(shown)}",
        current=extra / data.present,
        expected=True,
    )
