"""Decide, before touching any values, what happens to each column.

The plan fixes a column's type (inferred, or the user's override), its role, the method and
threshold; problems that only concern one column become that column's error so the rest of the
report still runs, while mistakes in the user's own options raise ConfigError at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import pyarrow as pa

from driftscope._types import KIND_OF_TYPE, ROLE_OVERRIDES, TESTED_ROLES, ColumnType, Kind, Role
from driftscope.errors import ConfigError, SchemaError
from driftscope.io import Dataset, infer_type, is_id_like, is_zero_one, parse_type
from driftscope.profiling import ColumnProfile
from driftscope.report.model import QualityIssue
from driftscope.stats import get as get_method

DEFAULT_NUMERIC_METHOD = "ks"
DEFAULT_CATEGORICAL_METHOD = "chi2"
DEFAULT_BINARY_METHOD = "z_proportion"
_UNTESTED_TYPES = {
    ColumnType.TEXT: (
        "column {name!r} holds free text, which is not tested for drift yet; to compare its "
        "values as categories, set its type to categorical (--type {name}=categorical)"
    ),
    ColumnType.EMBEDDING: (
        "column {name!r} holds embeddings (vectors), which are not tested for drift yet; "
        "leave it out with --type {name}=ignored to drop this note"
    ),
}


@dataclass(frozen=True, slots=True)
class ColumnPlan:
    """What to do with one column. ``method`` None means the type's default, chosen once the
    number of categories is known; ``error`` set means the column is reported, not tested
    because something is wrong; ``note`` set means it is not tested by design (its type has
    no drift method yet), which is not a problem with the data. ``also``: further methods,
    reported beside ``method``, which alone decides."""

    name: str
    type: ColumnType
    role: Role
    method: str | None
    threshold: float | None
    error: str | None = None
    note: str | None = None
    also: tuple[str, ...] = ()

    @property
    def tested(self) -> bool:
        return self.role in TESTED_ROLES and self.error is None and self.note is None


class Side(Protocol):
    """What planning needs to know of one side: raw data (:class:`TableSide`) or a profile."""

    @property
    def source(self) -> str: ...

    @property
    def column_names(self) -> Sequence[str]: ...

    def column_type(self, name: str) -> ColumnType | None:
        """The column's type, or None when the side says nothing (only nulls)."""

    def looks_like_id(self, name: str) -> bool:
        """Whether the column looks like an identifier rather than a feature."""

    def zero_one(self, name: str) -> bool:
        """Whether the column holds integers that are all 0 or 1 (a flag written as numbers)."""

    def column(self, name: str) -> pa.ChunkedArray | ColumnProfile:
        """The column as the side holds it, for :func:`driftscope.engine.column.evaluate`."""


@dataclass(frozen=True, slots=True)
class TableSide:
    """A side read into an Arrow table: types are inferred from the values."""

    dataset: Dataset

    @property
    def source(self) -> str:
        return self.dataset.source

    @property
    def column_names(self) -> Sequence[str]:
        return list(self.dataset.table.column_names)

    def column_type(self, name: str) -> ColumnType | None:
        column = self.dataset.table.column(name)
        if pa.types.is_null(column.type):
            return None
        return infer_type(name, column)

    def looks_like_id(self, name: str) -> bool:
        return is_id_like(name, self.dataset.table.column(name))

    def zero_one(self, name: str) -> bool:
        return is_zero_one(self.dataset.table.column(name))

    def column(self, name: str) -> pa.ChunkedArray:
        return self.dataset.table.column(name)


Methods = str | Sequence[str] | Mapping[str, str | Sequence[str]]
"""One method or several for every column they apply to, or per column ``{column: method
or [methods]}``; with several, the first that applies decides and the others are reported."""


def _method_list(value: str | Sequence[str], label: str) -> tuple[str, ...]:
    names = (value,) if isinstance(value, str) else tuple(value)
    if not names:
        raise ConfigError(f"{label}: give at least one method")
    for name in names:
        get_method(name)
    if len(set(names)) != len(names):
        raise ConfigError(f"{label}: a method is given twice in {list(names)}")
    return names


def _normalise_methods(
    methods: Methods | None, names: Sequence[str]
) -> tuple[tuple[str, ...], dict[str, tuple[str, ...]]]:
    if methods is None:
        return (), {}
    if isinstance(methods, str) or not isinstance(methods, Mapping):
        return _method_list(methods, "methods"), {}
    per_column: dict[str, tuple[str, ...]] = {}
    for col, value in methods.items():
        if col not in names:
            raise ConfigError(f"methods: column {col!r} is not in both datasets")
        per_column[col] = _method_list(value, f"methods[{col!r}]")
    return (), per_column


def _normalise_thresholds(
    thresholds: float | Mapping[str, float] | None, names: Sequence[str]
) -> tuple[float | None, dict[str, float]]:
    if thresholds is None:
        return None, {}
    if isinstance(thresholds, int | float):
        return float(thresholds), {}
    out: dict[str, float] = {}
    for col, value in thresholds.items():
        if col not in names:
            raise ConfigError(f"thresholds: column {col!r} is not in both datasets")
        out[col] = float(value)
    return None, out


def _applies(method: str, ctype: ColumnType) -> bool:
    """Whether ``method`` can test a column of type ``ctype`` (a binary method is tried on
    any category column; one with more than two categories falls back to the default)."""
    kinds = get_method(method).kinds
    kind = KIND_OF_TYPE.get(ctype)
    if kind == Kind.CATEGORICAL:
        return bool(kinds & {Kind.CATEGORICAL, Kind.BINARY})
    return kind is not None and kind in kinds


def plan_columns(
    reference: Side,
    current: Side,
    *,
    schema: Mapping[str, str | ColumnType] | None = None,
    methods: Methods | None = None,
    thresholds: float | Mapping[str, float] | None = None,
    target: str | None = None,
    prediction: str | Sequence[str] | None = None,
    columns: Sequence[str] | None = None,
) -> tuple[list[ColumnPlan], list[QualityIssue]]:
    """Plan every column the two datasets share; return the plans and column-set findings."""
    ref_names = list(reference.column_names)
    cur_names = list(current.column_names)
    cur_set = set(cur_names)
    ref_set = set(ref_names)
    common = [n for n in ref_names if n in cur_set]
    if not common:
        raise SchemaError(
            f"no columns in common between {reference.source} ({_preview(ref_names)}) "
            f"and {current.source} ({_preview(cur_names)})"
        )
    issues: list[QualityIssue] = []
    if columns is not None:
        for name in columns:
            for ds, names in ((reference, ref_set), (current, cur_set)):
                if name not in names:
                    raise SchemaError(f"{ds.source}: column {name!r} not found")
        wanted = set(columns)
        common = [n for n in common if n in wanted]
    else:
        for name in ref_names:
            if name not in cur_set:
                issues.append(
                    QualityIssue(
                        name,
                        "missing_column",
                        "error",
                        f"column {name!r} is in the reference but not in {current.source}",
                    )
                )
        for name in cur_names:
            if name not in ref_set:
                issues.append(
                    QualityIssue(
                        name,
                        "new_column",
                        "warning",
                        f"column {name!r} is in {current.source} but not in the reference",
                    )
                )

    roles: dict[str, Role] = {}
    if target is not None:
        # Labels often arrive later than predictions: a target only in the reference is fine.
        if target not in ref_set:
            raise ConfigError(f"target column {target!r} not found in {reference.source}")
        roles[target] = Role.TARGET
        issues = [i for i in issues if not (i.column == target and i.check == "missing_column")]
        if target not in cur_set:
            issues.append(
                QualityIssue(
                    target,
                    "target_missing",
                    "info",
                    f"target column {target!r} is not in {current.source}, so label shift is "
                    "not tested (labels often arrive later)",
                )
            )
    preds = [prediction] if isinstance(prediction, str) else list(prediction or [])
    for name in preds:
        _require(name, common, "prediction", reference, current)
        roles[name] = Role.PREDICTION

    type_overrides: dict[str, ColumnType] = {}
    for name, value in (schema or {}).items():
        if name not in common:
            raise ConfigError(f"schema: column {name!r} is not in both datasets")
        text = str(value)
        if text in ROLE_OVERRIDES:
            roles.setdefault(name, ROLE_OVERRIDES[text])
        else:
            type_overrides[name] = parse_type(text)

    global_methods, column_methods = _normalise_methods(methods, common)
    global_threshold, column_thresholds = _normalise_thresholds(thresholds, common)

    plans = []
    for name in common:
        error = None
        if name in type_overrides:
            ctype = type_overrides[name]
        else:
            rtype = reference.column_type(name)
            ctype_cur = current.column_type(name)
            ctype = rtype or ctype_cur or ColumnType.NUMERIC
            if rtype is not None and ctype_cur is not None and _kind(rtype) != _kind(ctype_cur):
                error = (
                    f"column {name!r} is {rtype} in {reference.source} but {ctype_cur} in "
                    f"{current.source}; fix the data or set its type in the schema"
                )
        if (
            name not in type_overrides
            and ctype == ColumnType.NUMERIC
            and reference.zero_one(name)
            and current.zero_one(name)
        ):
            ctype = ColumnType.BOOLEAN  # a 0/1 flag: its share is tested, not its "distribution"
        role = roles.get(name)
        if role is None:
            if ctype == ColumnType.DATETIME:
                role = Role.TIMESTAMP
            elif name not in type_overrides and reference.looks_like_id(name):
                role = Role.ID
            else:
                role = Role.FEATURE
        chosen = column_methods.get(name)
        for asked in chosen or ():
            if not _applies(asked, ctype):
                raise ConfigError(
                    f"methods: {asked!r} does not apply to column {name!r}, which is {ctype}"
                )
        if chosen is None:
            chosen = tuple(m for m in global_methods if _applies(m, ctype))
        method = chosen[0] if chosen else None
        note = None
        if error is None and role in TESTED_ROLES and ctype in _UNTESTED_TYPES:
            note = _UNTESTED_TYPES[ctype].format(name=name)
        if method is None and KIND_OF_TYPE.get(ctype) == Kind.NUMERIC:
            method = DEFAULT_NUMERIC_METHOD
        threshold = column_thresholds.get(name, global_threshold)
        plans.append(ColumnPlan(name, ctype, role, method, threshold, error, note, chosen[1:]))
    return plans, issues


def _kind(ctype: ColumnType) -> str:
    """Types that can be compared with each other: category types share their kind (a
    boolean reads as categories); numbers and datetimes are not compared with each other."""
    if KIND_OF_TYPE.get(ctype) == Kind.CATEGORICAL:
        return str(Kind.CATEGORICAL)
    return str(ctype)


def _require(name: str, common: Sequence[str], label: str, ref: Side, cur: Side) -> None:
    if name not in common:
        raise ConfigError(f"{label} column {name!r} must be in both {ref.source} and {cur.source}")


def _preview(names: Sequence[str], limit: int = 5) -> str:
    shown = ", ".join(repr(n) for n in names[:limit])
    more = len(names) - limit
    return shown + (f", ... {more} more" if more > 0 else "") if names else "no columns"
