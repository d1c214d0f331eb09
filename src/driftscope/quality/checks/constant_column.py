"""``constant_column``: one value on every row where the reference's values varied.

Checked from ``VARIES_MIN_VALUES`` non-missing values: inference writes ``varies: true`` only
when no single value held more than ``VARIES_MAX_TOP_SHARE`` of the reference, so a fresh
sample of that many values is all one value with probability below 0.8**100 (2e-10).
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from driftscope.quality.checks._format import shown
from driftscope.quality.constraints import ColumnConstraints
from driftscope.quality.measure import NUMBER_KINDS, SCALAR_KINDS, ColumnData
from driftscope.result import QualityIssue

CHECK = "constant_column"

VARIES_MIN_VALUES = 100
"""Current values needed before a column that is all one value is reported."""


def check(data: ColumnData, rule: ColumnConstraints, source: str) -> QualityIssue | None:
    """A ``constant_column`` warning naming the one value."""
    if not rule.varies or data.present < VARIES_MIN_VALUES or data.kind not in SCALAR_KINDS:
        return None
    value = _only_value(data)
    if value is None:
        return None
    return QualityIssue(
        rule.name,
        CHECK,
        "warning",
        f"column {rule.name!r}: all {data.present:,} values in {source} are {shown(value)}; "
        "the reference's values varied",
        current=1.0,
        expected=True,
    )


def _only_value(data: ColumnData) -> object | None:
    """The column's one value when it has one (else None)."""
    if data.kind in NUMBER_KINDS:
        values = data.numbers()
        low, high = values.min(), values.max()
        return float(low) if low == high else None
    column = data.column
    if pa.types.is_dictionary(column.type) or pa.types.is_boolean(column.type):
        counts = data.counts()
        return counts.values.to_pylist()[0] if len(counts.values) == 1 else None
    if int(pc.count_distinct(column, mode="only_valid").as_py()) != 1:
        return None
    first: object = column.drop_null()[0].as_py()
    return first
