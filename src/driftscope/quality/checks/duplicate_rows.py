"""``duplicate_rows``: more rows repeating an earlier row exactly than the constraint allows.

Rows are compared over the constrained columns the data has, identifiers (``unique: true``)
left out: a batch loaded twice is often numbered afresh. The count is tested against the
written share with a one-sided binomial test, so fresh data passes while a batch loaded twice
fails. The share of duplicates grows with the number of rows where the columns have few
combinations: a constraint inferred on N rows suits data of up to about N rows.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa

from driftscope.quality.checks._format import part, percent
from driftscope.quality.constraints import Constraints
from driftscope.quality.rowkeys import duplicate_rows
from driftscope.quality.tolerance import too_many
from driftscope.result import QualityIssue

CHECK = "duplicate_rows"


def check(
    table: pa.Table, columns: Sequence[str], constraints: Constraints, source: str
) -> QualityIssue | None:
    """A ``duplicate_rows`` warning with the count and share of repeated rows."""
    limit = constraints.dataset.duplicate_rows
    rows = table.num_rows
    if limit is None or rows < 2 or not columns:
        return None
    count = duplicate_rows(table, columns)
    if not too_many(count, rows, limit):
        return None
    return QualityIssue(
        None,
        CHECK,
        "warning",
        f"{part(count, rows, 'rows')} in {source} repeat an earlier row exactly; expected at "
        f"most {percent(limit)}",
        current=count / rows,
        expected={"max_share": limit},
    )
