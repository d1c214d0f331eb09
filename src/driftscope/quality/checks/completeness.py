"""``completeness``: fewer values present than the constraint asks, beyond sampling noise.

The current count of non-missing values is tested against the written share with a one-sided
binomial test (:func:`driftscope.quality.tolerance.too_few`), so fresh data with the
reference's missing rate passes at any size while a null spike fails.
"""

from __future__ import annotations

from driftscope.quality.checks._format import part, percent
from driftscope.quality.constraints import ColumnConstraints
from driftscope.quality.measure import ColumnData
from driftscope.quality.tolerance import too_few
from driftscope.result import QualityIssue

CHECK = "completeness"


def check(data: ColumnData, rule: ColumnConstraints, source: str) -> QualityIssue | None:
    """A ``completeness`` warning when significantly fewer values are present than asked."""
    if rule.completeness is None or not too_few(data.present, data.rows, rule.completeness):
        return None
    return QualityIssue(
        rule.name,
        CHECK,
        "warning",
        f"column {rule.name!r}: {part(data.present, data.rows)} present in {source} "
        f"({data.missing:,} missing); expected at least {percent(rule.completeness)}",
        current=data.present / data.rows,
        expected=rule.completeness,
    )
