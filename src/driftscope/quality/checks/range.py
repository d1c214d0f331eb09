"""``range``: numbers outside the written bounds (any one value fails).

The bounds were widened at inference (:func:`driftscope.quality.tolerance.widened_range`), so
fresh data passes them; a value beyond them is a break: a units change, a sign that was never
there, a sentinel.
"""

from __future__ import annotations

import numpy as np

from driftscope.quality.checks._format import examples, part, shown
from driftscope.quality.constraints import ColumnConstraints
from driftscope.quality.measure import NUMBER_KINDS, ColumnData
from driftscope.result import QualityIssue

CHECK = "range"


def check(data: ColumnData, rule: ColumnConstraints, source: str) -> QualityIssue | None:
    """A ``range`` warning naming how many values fall outside the bounds, and the extremes."""
    bounds = rule.range
    if bounds is None or data.kind not in NUMBER_KINDS or data.present == 0:
        return None
    values = data.numbers()
    outside = np.zeros(values.size, dtype=bool)
    if bounds.min is not None:
        outside |= values < bounds.min
    if bounds.max is not None:
        outside |= values > bounds.max
    count = int(np.count_nonzero(outside))
    if count == 0:
        return None
    bad = np.unique(values[outside])
    # The extremes tell a units change or a sentinel at a glance.
    shown = [bad[0], bad[-1]] if bad.size > 1 else [bad[0]]
    interval = f"[{_end(bounds.min, '-inf')}, {_end(bounds.max, 'inf')}]"
    return QualityIssue(
        rule.name,
        CHECK,
        "warning",
        f"column {rule.name!r}: {part(count, data.present)} outside {interval} in {source}"
        f"{examples(float(v) for v in shown)}",
        current=count / data.present,
        expected=bounds.as_written(),
    )


def _end(value: float | None, unbounded: str) -> str:
    return unbounded if value is None else shown(value)
