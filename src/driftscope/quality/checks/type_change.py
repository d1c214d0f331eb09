"""``type_change``: the column holds another kind of value than the reference did.

Kinds are compared in families: whole and decimal numbers are numbers (an integer column read
back as floats, as pandas does once a value is missing, passes while its values are whole);
timestamps and dates are points in time; text, booleans, times of day and durations are each
their own. A column that is all missing (on either side) has no kind to compare. A column the
reference held as ISO-8601 date strings must still parse as dates.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from driftscope._types import ColumnType
from driftscope.io._arrow import decoded, parse_iso_datetimes
from driftscope.quality.checks._format import examples, part
from driftscope.quality.constraints import ColumnConstraints
from driftscope.quality.measure import NUMBER_KINDS, ColumnData
from driftscope.result import QualityIssue

CHECK = "type_change"

_FAMILY = {"integer": "number", "float": "number", "decimal": "number", "date": "timestamp"}

NUMBER_PATTERN = r"^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$"
"""Text that reads as a number: what a CSV column of numbers with a few bad cells holds."""


def check(data: ColumnData, rule: ColumnConstraints, source: str) -> QualityIssue | None:
    """A ``type_change`` error when the column's values are not of the kind written."""
    expected, found = rule.kind, data.kind
    if expected is None or expected == "null" or found == "null" or data.present == 0:
        return None
    written = {"kind": expected, "type": None if rule.type is None else str(rule.type)}
    if _family(expected) != _family(found):
        return QualityIssue(
            rule.name,
            CHECK,
            "error",
            f"column {rule.name!r}: expected {_what(rule)} values, found {found} in {source}"
            + _not_numbers(data, expected),
            expected=written,
        )
    if expected == "integer" and found == "float":
        return _fractions(data, rule, source, written)
    dates = rule.type == ColumnType.DATETIME and found == "string"
    if dates and parse_iso_datetimes(data.column) is None:
        return QualityIssue(
            rule.name,
            CHECK,
            "error",
            f"column {rule.name!r}: expected ISO-8601 dates or timestamps as text, found "
            f"text that does not parse as one in {source}",
            expected=written,
        )
    return None


def _family(kind: str) -> str:
    return _FAMILY.get(kind, kind)


def _what(rule: ColumnConstraints) -> str:
    """``integer (numeric)``: the kind written, and the column type when it says more."""
    if rule.type is None or str(rule.type) == rule.kind:
        return str(rule.kind)
    return f"{rule.kind} ({rule.type})"


def _not_numbers(data: ColumnData, expected: str | None) -> str:
    """For numbers that arrive as text: how many values do not read as a number, and some."""
    if expected not in NUMBER_KINDS or data.kind != "string":
        return ""
    text = decoded(data.column)
    bad = text.filter(pc.invert(pc.match_substring_regex(text, NUMBER_PATTERN)))
    if len(bad) == 0:
        return " (every value reads as a number: numbers written as text, quoted in JSON?)"
    distinct = pc.unique(bad.combine_chunks() if isinstance(bad, pa.ChunkedArray) else bad)
    return f" ({part(len(bad), data.present)} are not numbers{examples(distinct.to_pylist())})"


def _fractions(
    data: ColumnData, rule: ColumnConstraints, source: str, written: dict[str, str | None]
) -> QualityIssue | None:
    """Floats in a column of whole numbers pass while every value is whole."""
    values = data.numbers()
    finite = values[np.isfinite(values)]
    fractional = finite[finite != np.floor(finite)]
    if fractional.size == 0:
        return None
    return QualityIssue(
        rule.name,
        CHECK,
        "error",
        f"column {rule.name!r}: expected whole numbers (integer), found fractions in {source}: "
        f"{part(fractional.size, data.present)}{examples(np.unique(fractional).tolist())}",
        expected=written,
    )
