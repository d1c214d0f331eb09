"""``rows``: a row count outside the written bounds (an empty file, a truncated load)."""

from __future__ import annotations

from driftscope.quality.constraints import Constraints
from driftscope.result import QualityIssue

CHECK = "rows"


def check(rows: int, constraints: Constraints, source: str) -> QualityIssue | None:
    """A ``rows`` warning when the count is below ``min`` or above ``max``."""
    bounds = constraints.dataset.rows
    if bounds is None:
        return None
    if bounds.min is not None and rows < bounds.min:
        wanted = f"at least {bounds.min:,}"
    elif bounds.max is not None and rows > bounds.max:
        wanted = f"at most {bounds.max:,}"
    else:
        return None
    return QualityIssue(
        None,
        CHECK,
        "warning",
        f"{source} has {rows:,} rows; expected {wanted}",
        current=float(rows),
        expected=bounds.as_written(),
    )
