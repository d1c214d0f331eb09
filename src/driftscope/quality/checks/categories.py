"""``categories``: values outside the allowed categories, more than the tolerated share.

The allowed values were the reference's; ``other_share`` tolerates the values a fresh sample
brings that the reference never saw (see :func:`driftscope.quality.tolerance.
unseen_share_bound`). The count of current rows outside the set is tested against it with a
one-sided binomial test, so one new rare value passes and a new category on many rows fails;
with ``other_share`` 0 any value outside the set fails.
"""

from __future__ import annotations

import numpy as np

from driftscope.quality.checks._format import examples, part, percent
from driftscope.quality.constraints import ColumnConstraints
from driftscope.quality.measure import ColumnData
from driftscope.quality.tolerance import too_many
from driftscope.result import QualityIssue

CHECK = "categories"


def check(data: ColumnData, rule: ColumnConstraints, source: str) -> QualityIssue | None:
    """A ``categories`` warning with the count of rows outside the set and the commonest
    values among them."""
    allowed = rule.categories
    if allowed is None or data.present == 0:
        return None
    counts = data.counts()
    # Distinct current values only: a handful even for a million rows.
    known = set(allowed.values)
    values = counts.values.to_pylist()
    outside = np.array([_key(v) not in known for v in values], dtype=bool)
    count = int(counts.counts[outside].sum()) if outside.any() else 0
    if not too_many(count, data.present, allowed.other_share):
        return None
    order = np.argsort(-counts.counts[outside], kind="stable")
    new = [values[i] for i in np.flatnonzero(outside)[order]]
    tolerated = f" (tolerated: {percent(allowed.other_share)})" if allowed.other_share else ""
    return QualityIssue(
        rule.name,
        CHECK,
        "warning",
        f"column {rule.name!r}: {part(count, data.present)} in {source} are none of the "
        f"{len(allowed.values):,} allowed categories{tolerated}; {len(new):,} new "
        f"value(s){examples(new)}",
        current=count / data.present,
        expected=allowed.as_written(),
    )


def _key(value: object) -> object:
    """Whole floats compare as the integers a constraints file writes (1.0 is category 1)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
