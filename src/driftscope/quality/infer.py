"""Constraints inferred from a reference dataset, loose enough that fresh data passes them.

Per column: its kind of value and driftscope's type; ``present`` (true, except for the target,
whose labels often arrive later, and columns given the role ``ignored``); ``completeness``
(the reference's share at a lower confidence bound); a ``range`` for numeric columns, widened
(:mod:`driftscope.quality.tolerance`; ``[0, 1]`` for a probability column); allowed
``categories`` for category and boolean columns with at most ``MAX_CATEGORIES`` values, unless
values seen once make up more than ``MAX_UNSEEN_SHARE`` of the rows (then fresh data would
keep bringing new ones: no closed set); ``unique`` for identifiers with no value twice;
``varies`` when no value holds more than ``VARIES_MAX_TOP_SHARE`` of the rows. Dataset: at
least one row, and the share of duplicated rows (equal in every column but the identifiers)
at an upper confidence bound.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from driftscope._types import ROLE_OVERRIDES, ColumnType, Role
from driftscope.errors import ConfigError, InputError, SchemaError
from driftscope.io import infer_type, is_id_like, parse_type
from driftscope.io._arrow import beyond_float, sample_values
from driftscope.io._infer import ID_MIN_ROWS
from driftscope.quality.constraints import (
    Bounds,
    Categories,
    Category,
    ColumnConstraints,
    Constraints,
    DatasetConstraints,
)
from driftscope.quality.measure import NUMBER_KINDS, SCALAR_KINDS, ColumnData
from driftscope.quality.rowkeys import duplicate_rows
from driftscope.quality.tolerance import (
    completeness_bound,
    duplicate_share_bound,
    unseen_share_bound,
    widened_range,
)

MAX_CATEGORIES = 1_000
"""Category columns with more distinct values than this get no list of allowed values."""

MAX_UNSEEN_SHARE = 0.05
"""No closed set when values seen once cover more than this share of the rows (Good-Turing:
about that share of fresh rows would hold values the reference never saw)."""

VARIES_MAX_TOP_SHARE = 0.8
"""``varies: true`` only when no single value holds more than this share of the reference."""

VARIES_MIN_VALUES = 20
"""Fewer reference values than this give no ``varies`` (the commonest value's share is
unknown)."""

VARIES_SAMPLE = 10_000
"""Values (evenly spaced) from which the commonest value's share is estimated."""

CATEGORY_KINDS = frozenset({"string", "integer", "boolean"})
"""Kinds whose values a constraints file lists as categories."""

PROBABILITY_RANGE = Bounds(0.0, 1.0)
"""The range of a probability column (when the reference's values lie in it)."""


def infer_constraints(
    reference: Any,
    *,
    schema: Mapping[str, str | ColumnType] | None = None,
    columns: Sequence[str] | None = None,
    target: str | None = None,
    prediction: str | Sequence[str] | None = None,
    probability: str | Sequence[str] | Mapping[str, str] | None = None,
    encoding: str = "utf-8",
    delimiter: str | None = None,
) -> Constraints:
    """Constraints that ``reference`` (any dataset input) satisfies, with tolerances.

    Parameters
    ----------
    reference
        A path (Parquet, CSV, JSON Lines, folder, glob), an Arrow table, a pandas or polars
        DataFrame, or a dict of arrays.
    schema
        Column types (``numeric``, ``categorical``, ...) or roles (``id``, ``ignored``,
        ``timestamp``) by column, as for :func:`driftscope.compare`.
    columns
        Only these columns (default: all).
    target, prediction, probability
        The model's columns: the target may be absent from current data (``present:
        false``, no completeness); probability columns (a name, names, or ``{class: name}``)
        get the range [0, 1].
    encoding, delimiter
        How CSV and JSON Lines files are read.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> ages, cities = rng.integers(18, 91, 1_000), rng.choice(["Oslo", "Rome"], 1_000)
    >>> rules = infer_constraints({"age": ages, "city": cities})
    >>> rules.column("age").range, rules.column("city").categories.values
    (Bounds(min=1, max=240), ('Oslo', 'Rome'))
    """
    from driftscope.io import read_dataset

    dataset = read_dataset(reference, encoding=encoding, delimiter=delimiter)
    return infer_table(
        dataset.table,
        source=dataset.source,
        schema=schema,
        columns=columns,
        target=target,
        prediction=prediction,
        probability=probability,
    )


def infer_table(
    table: pa.Table,
    *,
    source: str,
    schema: Mapping[str, str | ColumnType] | None = None,
    columns: Sequence[str] | None = None,
    target: str | None = None,
    prediction: str | Sequence[str] | None = None,
    probability: str | Sequence[str] | Mapping[str, str] | None = None,
) -> Constraints:
    """The pure part of :func:`infer_constraints`: constraints from an Arrow table."""
    if table.num_rows == 0:
        # Nothing to learn from; and the reference would fail its own row count.
        raise InputError(f"{source}: no rows to infer constraints from (only a header, or empty)")
    names = _columns(table, columns, source)
    roles, types = _roles(table, source, schema, target, prediction)
    probabilities = set(_probability_columns(probability))
    for name in probabilities:
        _require(table, name, "probability", source)
    rules = []
    for name in names:
        data = ColumnData(name, table.column(name))
        rules.append(_column(data, types.get(name), roles.get(name), name in probabilities))
    # Identifiers left out: a batch loaded twice is often numbered afresh.
    duplicates = duplicate_rows(table, [r.name for r in rules if not r.unique])
    dataset = DatasetConstraints(
        rows=Bounds(1, None), duplicate_rows=duplicate_share_bound(duplicates, table.num_rows)
    )
    return Constraints(columns=tuple(rules), dataset=dataset, source=source)


def _column(
    data: ColumnData, override: ColumnType | None, role: Role | None, probability: bool
) -> ColumnConstraints:
    """One column's constraints."""
    name, kind = data.name, data.kind
    ctype = override
    if ctype is None and kind != "null":
        try:
            ctype = infer_type(name, data.column)
        except SchemaError:  # a type driftscope does not test: its kind and completeness only
            ctype = None
    if role is None and override is None and data.present:
        role = Role.ID if _id_like(data, ctype) else None
    if role == Role.IGNORED:
        return ColumnConstraints(name, kind=kind, type=ctype, present=False)
    identifier = role == Role.ID
    return ColumnConstraints(
        name,
        kind=kind,
        type=ctype,
        present=role != Role.TARGET,
        completeness=None if role == Role.TARGET else completeness_bound(data.present, data.rows),
        range=None if identifier else _range(data, ctype, probability),
        categories=None if identifier else _categories(data, ctype),
        unique=identifier and _all_distinct(data),
        varies=not identifier and _varies(data),
    )


def _id_like(data: ColumnData, ctype: ColumnType | None) -> bool:
    """Whether the column is an identifier. infer_type has already asked for integers (an
    id-like one, or one beyond float's exact range, comes back categorical): counting a
    million distinct values again would double the cost of inference."""
    if data.kind == "integer":
        return ctype == ColumnType.CATEGORICAL and not beyond_float(data.column)
    return data.kind == "string" and is_id_like(data.name, data.column)


def _range(data: ColumnData, ctype: ColumnType | None, probability: bool) -> Bounds | None:
    if ctype != ColumnType.NUMERIC or data.kind not in NUMBER_KINDS:
        return None
    values = data.numbers()
    if probability and values.size and values.min() >= 0 and values.max() <= 1:
        return PROBABILITY_RANGE
    return widened_range(values, integer=data.kind == "integer")


def _categories(data: ColumnData, ctype: ColumnType | None) -> Categories | None:
    if ctype not in (ColumnType.CATEGORICAL, ColumnType.BOOLEAN) or data.present == 0:
        return None
    if data.kind not in CATEGORY_KINDS:
        return None
    counts = data.counts()
    if len(counts.counts) > MAX_CATEGORIES:
        return None
    singletons = int(np.count_nonzero(counts.counts == 1))
    if singletons > MAX_UNSEEN_SHARE * data.present:
        return None
    values: list[Category] = counts.values.to_pylist()
    # Sorted, so that the files of two baselines differ only where the data does.
    return Categories(
        tuple(sorted(values, key=lambda v: (type(v).__name__, v))),
        unseen_share_bound(singletons, data.present),
    )


def _all_distinct(data: ColumnData) -> bool:
    if data.present <= ID_MIN_ROWS:
        return False
    return data.all_distinct()


def _varies(data: ColumnData) -> bool:
    if data.present < VARIES_MIN_VALUES or data.kind not in SCALAR_KINDS:
        return False
    sample = sample_values(data.column, VARIES_SAMPLE)
    if data.kind == "float":
        sample = sample.filter(pc.invert(pc.is_nan(sample)))
    counts = pc.value_counts(sample).field("counts")
    if len(counts) < 2:
        return False
    top = pc.max(counts).as_py()
    return bool(top <= VARIES_MAX_TOP_SHARE * len(sample))


def _columns(table: pa.Table, columns: Sequence[str] | None, source: str) -> list[str]:
    if columns is None:
        return list(table.column_names)
    for name in columns:
        _require(table, name, "columns", source)
    wanted = set(columns)
    return [n for n in table.column_names if n in wanted]


def _roles(
    table: pa.Table,
    source: str,
    schema: Mapping[str, str | ColumnType] | None,
    target: str | None,
    prediction: str | Sequence[str] | None,
) -> tuple[dict[str, Role], dict[str, ColumnType]]:
    """The roles and type overrides the options give, each column checked to exist."""
    roles: dict[str, Role] = {}
    types: dict[str, ColumnType] = {}
    if target is not None:
        _require(table, target, "target", source)
        roles[target] = Role.TARGET
    predictions = [prediction] if isinstance(prediction, str) else list(prediction or [])
    for name in predictions:
        _require(table, name, "prediction", source)
        roles.setdefault(name, Role.PREDICTION)
    for name, value in (schema or {}).items():
        _require(table, name, "schema", source)
        text = str(value).strip().lower()
        if text in ROLE_OVERRIDES:
            roles.setdefault(name, ROLE_OVERRIDES[text])
        else:
            types[name] = parse_type(str(value), column=name)
    return roles, types


def _probability_columns(
    probability: str | Sequence[str] | Mapping[str, str] | None,
) -> list[str]:
    if probability is None:
        return []
    if isinstance(probability, str):
        return [probability]
    if isinstance(probability, Mapping):
        return [str(c) for c in probability.values()]
    return [str(c) for c in probability]


def _require(table: pa.Table, name: str, option: str, source: str) -> None:
    if name not in table.column_names:
        raise ConfigError(f"{option}: column {name!r} is not in {source}")
