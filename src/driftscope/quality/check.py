"""Hold a dataset against constraints: every check, in a fixed order, one list of findings.

Order: the column set (``missing_column``, ``new_column``); per constrained column in file
order its type (``type_change``: a column of the wrong kind is reported once, its values are
not held to the other constraints), ``completeness``, ``range``, ``categories``,
``uniqueness``, ``constant_column``; then the dataset (``rows``, ``duplicate_rows``).
Severity: ``error`` for a broken contract (a required column missing, a type change),
``warning`` for values that break a constraint, ``info`` for a column the constraints do not
mention.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa

from driftscope.quality.checks import (
    categories,
    columns,
    completeness,
    constant_column,
    duplicate_rows,
    range,
    rows,
    type_change,
    uniqueness,
)
from driftscope.quality.constraints import ColumnConstraints, Constraints
from driftscope.quality.measure import ColumnData
from driftscope.result import QualityIssue

ColumnCheck = Callable[[ColumnData, ColumnConstraints, str], QualityIssue | None]

VALUE_CHECKS: tuple[ColumnCheck, ...] = (
    completeness.check,
    range.check,
    categories.check,
    uniqueness.check,
    constant_column.check,
)
"""The checks on a column's values, in the order their findings are listed."""


def check_table(table: pa.Table, constraints: Constraints, *, source: str) -> list[QualityIssue]:
    """The findings of ``table`` (named ``source`` in messages) against ``constraints``.

    >>> import numpy as np
    >>> from driftscope.io._numpy import from_numpy
    >>> from driftscope.quality import infer_constraints
    >>> rng = np.random.default_rng(0)
    >>> rules = infer_constraints({"age": rng.integers(18, 91, 1_000)})
    >>> fresh = pa.table({"age": from_numpy(rng.integers(18, 91, 500))})
    >>> check_table(fresh, rules, source="fresh")
    []
    >>> broken = pa.table({"age": from_numpy(np.full(500, -999))})
    >>> [issue.check for issue in check_table(broken, rules, source="broken")]
    ['range', 'constant_column', 'duplicate_rows']
    """
    issues = columns.check(table.column_names, constraints, source)
    have = set(table.column_names)
    checked = []
    for rule in constraints.columns:
        if rule.name not in have:
            continue
        if not rule.unique:  # identifiers are left out of duplicate rows, as at inference
            checked.append(rule.name)
        data = ColumnData(rule.name, table.column(rule.name))
        changed = type_change.check(data, rule, source)
        if changed is not None:
            issues.append(changed)
            continue
        issues += [i for i in (run(data, rule, source) for run in VALUE_CHECKS) if i is not None]
    dataset = [
        rows.check(table.num_rows, constraints, source),
        duplicate_rows.check(table, checked, constraints, source),
    ]
    return issues + [i for i in dataset if i is not None]


def check_constraints(
    current: Any,
    constraints: Constraints | str | Path,
    *,
    encoding: str = "utf-8",
    delimiter: str | None = None,
) -> tuple[QualityIssue, ...]:
    """Read ``current`` (any dataset input: a path, an Arrow table, a data frame, a dict of
    arrays) and hold it against ``constraints`` (or the constraints file at that path).

    Returns the findings as a tuple, in the order of :func:`check_table`.
    """
    from driftscope.io import read_dataset
    from driftscope.quality.files import load_constraints

    rules = constraints if isinstance(constraints, Constraints) else load_constraints(constraints)
    dataset = read_dataset(current, encoding=encoding, delimiter=delimiter)
    return tuple(check_table(dataset.table, rules, source=dataset.source))
