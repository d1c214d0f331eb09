"""``missing_column`` and ``new_column``: the column set against the constraints.

A column the constraints require (``present: true``) that the data lacks is an error: every
consumer of it breaks. A column the constraints do not mention is ``info``: it breaks no
constraint (the model does not read it yet), but an upstream schema change is worth seeing.
"""

from __future__ import annotations

from collections.abc import Sequence

from driftscope.quality.constraints import Constraints
from driftscope.result import QualityIssue

MISSING = "missing_column"
NEW = "new_column"


def check(names: Sequence[str], constraints: Constraints, source: str) -> list[QualityIssue]:
    """The findings for required columns ``names`` lacks and columns it adds."""
    have = set(names)
    known = set(constraints.names)
    issues = [
        QualityIssue(
            rule.name,
            MISSING,
            "error",
            f"column {rule.name!r} is required by the constraints but not in {source}",
            expected={"present": True},
        )
        for rule in constraints.columns
        if rule.present and rule.name not in have
    ]
    issues += [
        QualityIssue(
            name,
            NEW,
            "info",
            f"column {name!r} is in {source} but not in the constraints (none checked)",
        )
        for name in names
        if name not in known
    ]
    return issues
