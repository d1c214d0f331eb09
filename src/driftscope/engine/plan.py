"""Decide, before touching any values, what happens to each column.

The plan fixes a column's type (inferred, or the user's override), its role, the method and
threshold; problems that only concern one column become that column's error so the rest of the
report still runs, while mistakes in the user's own options raise ConfigError at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import pyarrow as pa

from driftscope._types import KIND_OF_TYPE, ROLE_OVERRIDES, TESTED_ROLES, ColumnType, Kind, Role
from driftscope.engine.options import CompareOptions, check_columns
from driftscope.errors import ConfigError, SchemaError
from driftscope.io import Dataset, infer_type, is_id_like, is_zero_one, parse_type
from driftscope.profiling import ColumnProfile
from driftscope.result import QualityIssue
from driftscope.stats import get as get_method

DEFAULT_NUMERIC_METHOD = "ks"
DEFAULT_CATEGORICAL_METHOD = "chi2"
DEFAULT_BINARY_METHOD = "z_proportion"
TEXT_METHOD = "text"
"""The method of a text column: :func:`driftscope.multivariate.text.text_drift`."""
EMBEDDING_METHOD = "embedding"
"""The method of an embedding column: :func:`driftscope.multivariate.embeddings.embedding_drift`."""
_EMBEDDING_FROM_PROFILE = (
    "column {name!r} holds embeddings (vectors), which are tested from the vectors "
    "themselves, not from a profile; leave it out with --type {name}=ignored to drop this note"
)
_TEXT_FROM_PROFILE = (
    "column {name!r} holds free text, which is tested from the texts themselves, not from a "
    "profile; to compare its values as categories, set its type to categorical "
    "(--type {name}=categorical)"
)


@dataclass(frozen=True, slots=True)
class ColumnPlan:
    """What to do with one column. ``method`` None means the type's default, chosen once the
    values are known (the number of categories; for numbers, whether they are a few whole
    numbers, tested on their counts, or else ``ks``); ``error`` set means the column is
    reported, not tested because something is wrong; ``note`` set means it is not tested by
    design (its type has no drift method yet), which is not a problem with the data.
    ``also``: further methods, reported beside ``method``, which alone decides.
    ``asked``: the methods were named for this column, so one that does not fit its values
    is an error rather than a fallback to the default."""

    name: str
    type: ColumnType
    role: Role
    method: str | None
    threshold: float | None
    error: str | None = None
    note: str | None = None
    also: tuple[str, ...] = ()
    asked: bool = False

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

    def has_values(self, name: str) -> bool:
        """Whether the side holds the column's values (not only a profile of them)."""

    def column(self, name: str) -> pa.ChunkedArray | ColumnProfile:
        """The column as the side holds it, for :func:`driftscope.engine.column.evaluate`."""


@dataclass(frozen=True, slots=True)
class TableSide:
    """A side read into an Arrow table: types are inferred from the values."""

    dataset: Dataset
    # name -> column, built once: Table.column(name) looks the name up in the schema on every
    # call, which planning and evaluating 20,000 columns did 100,000 times.
    _columns: Mapping[str, pa.ChunkedArray] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        table = self.dataset.table
        object.__setattr__(
            self, "_columns", dict(zip(table.column_names, table.columns, strict=True))
        )

    @property
    def source(self) -> str:
        return self.dataset.source

    @property
    def column_names(self) -> Sequence[str]:
        return list(self._columns)

    def column_type(self, name: str) -> ColumnType | None:
        column = self._columns[name]
        if pa.types.is_null(column.type):
            return None
        return infer_type(name, column)

    def looks_like_id(self, name: str) -> bool:
        return is_id_like(name, self._columns[name])

    def zero_one(self, name: str) -> bool:
        return is_zero_one(self._columns[name])

    def has_values(self, name: str) -> bool:
        return name in self._columns

    def column(self, name: str) -> pa.ChunkedArray:
        return self._columns[name]


def _method_list(value: str | Sequence[str], label: str) -> tuple[str, ...]:
    names = (value,) if isinstance(value, str) else tuple(value)
    if not names:
        raise ConfigError(f"{label}: give at least one method")
    for name in names:
        get_method(name)
    if len(set(names)) != len(names):
        raise ConfigError(f"{label}: a method is given twice in {list(names)}")
    return names


def _applies(method: str, ctype: ColumnType) -> bool:
    """Whether ``method`` can test a column of type ``ctype`` (a binary method is tried on
    any category column; one with more than two categories falls back to the default)."""
    kinds = get_method(method).kinds
    kind = KIND_OF_TYPE.get(ctype)
    if kind == Kind.CATEGORICAL:
        return bool(kinds & {Kind.CATEGORICAL, Kind.BINARY})
    return kind is not None and kind in kinds


def plan_columns(
    reference: Side, current: Side, options: CompareOptions
) -> tuple[list[ColumnPlan], list[QualityIssue]]:
    """Plan every column the two datasets share; return the plans and column-set findings.

    In four steps, each its own function: which columns are compared (and which are missing
    or new), what roles the options give, each column's type, then its role and methods.
    """
    common, issues = _column_set(reference, current, options.columns)
    roles, types, issues = _given_roles(reference, current, options, common, issues)
    _check_per_column(options, common)
    plans = []
    for name in common:
        ctype, error = _column_type(name, reference, current, types.get(name))
        role = roles.get(name) or _inferred_role(name, ctype, reference, overridden=name in types)
        role = _role_for_methods(name, role, given=name in roles, options=options)
        raw = reference.has_values(name) and current.has_values(name)
        plans.append(_plan(name, ctype, role, error, options, raw=raw))
    return plans, issues


def _column_set(
    reference: Side, current: Side, columns: Sequence[str] | None
) -> tuple[list[str], list[QualityIssue]]:
    """The columns both sides share (or those asked for), and a finding for each column
    only one side has (when no columns were asked for)."""
    ref_names = list(reference.column_names)
    cur_names = list(current.column_names)
    ref_set, cur_set = set(ref_names), set(cur_names)
    common = [n for n in ref_names if n in cur_set]
    if not common:
        raise SchemaError(
            f"no columns in common between {reference.source} ({_preview(ref_names)}) "
            f"and {current.source} ({_preview(cur_names)})"
        )
    if columns is not None:
        for name in columns:
            for side, names in ((reference, ref_set), (current, cur_set)):
                if name not in names:
                    raise SchemaError(f"{side.source}: column {name!r} not found")
        wanted = set(columns)
        return [n for n in common if n in wanted], []
    missing = [
        QualityIssue(
            name,
            "missing_column",
            "error",
            f"column {name!r} is in the reference but not in {current.source}",
        )
        for name in ref_names
        if name not in cur_set
    ]
    new = [
        QualityIssue(
            name,
            "new_column",
            "warning",
            f"column {name!r} is in {current.source} but not in the reference",
        )
        for name in cur_names
        if name not in ref_set
    ]
    return common, missing + new


def _given_roles(
    reference: Side,
    current: Side,
    options: CompareOptions,
    common: Sequence[str],
    issues: list[QualityIssue],
) -> tuple[dict[str, Role], dict[str, ColumnType], list[QualityIssue]]:
    """The roles the options give (target, predictions and probabilities, schema roles),
    the schema's type overrides, and the findings updated for a target only the reference
    has (labels often arrive later than predictions: that is a note, not an error)."""
    roles: dict[str, Role] = {}
    target = options.target
    if target is not None:
        if target not in reference.column_names:
            raise ConfigError(f"target column {target!r} not found in {reference.source}")
        roles[target] = Role.TARGET
        issues = [i for i in issues if not (i.column == target and i.check == "missing_column")]
        if target not in current.column_names:
            issues.append(
                QualityIssue(
                    target,
                    "target_missing",
                    "info",
                    f"target column {target!r} is not in {current.source}, so label shift is "
                    "not tested (labels often arrive later)",
                )
            )
    for name in options.model_outputs():
        if name not in common:
            raise ConfigError(
                f"prediction column {name!r} must be in both {reference.source} and "
                f"{current.source}"
            )
        roles[name] = Role.PREDICTION
    types: dict[str, ColumnType] = {}
    for name, value in (options.schema or {}).items():
        if name not in common:
            raise ConfigError(f"schema: column {name!r} is not in both datasets")
        text = str(value)
        if text in ROLE_OVERRIDES:
            roles.setdefault(name, ROLE_OVERRIDES[text])
        else:
            types[name] = parse_type(text)
    return roles, types, issues


def _check_per_column(options: CompareOptions, common: Sequence[str]) -> None:
    """ConfigError for a per-column option naming a column that is not compared, or a
    method list that is empty, repeats a method or names an unknown one."""
    for option in ("methods", "thresholds"):
        check_columns(option, getattr(options, option), set(common))
    methods = options.methods
    if isinstance(methods, Mapping):
        for name, value in methods.items():
            _method_list(value, f"methods[{name!r}]")
    elif methods is not None:
        _method_list(methods, "methods")


def _column_type(
    name: str, reference: Side, current: Side, override: ColumnType | None
) -> tuple[ColumnType, str | None]:
    """The column's type (the schema's, else inferred from the sides) and the error when
    the two sides disagree on it."""
    if override is not None:
        return override, _override_error(name, override, reference, current)
    rtype, ctype = reference.column_type(name), current.column_type(name)
    chosen = rtype or ctype or ColumnType.NUMERIC
    if rtype is not None and ctype is not None and _kind(rtype) != _kind(ctype):
        return chosen, (
            f"column {name!r} is {rtype} in {reference.source} but {ctype} in "
            f"{current.source}; fix the data or set its type in the schema"
        )
    if chosen == ColumnType.NUMERIC and reference.zero_one(name) and current.zero_one(name):
        return ColumnType.BOOLEAN, None  # a 0/1 flag: its share is tested, not a distribution
    return chosen, None


def _role_for_methods(name: str, role: Role, *, given: bool, options: CompareOptions) -> Role:
    """Methods named for a column ask for it to be tested: an inferred timestamp or
    identifier becomes a feature; a role the options give that is not tested (``ignored``,
    ``id``, ``timestamp``) contradicts them, a ConfigError."""
    if role in TESTED_ROLES or not (
        isinstance(options.methods, Mapping) and name in options.methods
    ):
        return role
    if given:
        raise ConfigError(
            f"methods: column {name!r} is given methods {list(options.column(name).methods)} "
            f"but its role is {role}, which is not tested; drop one of the two"
        )
    return Role.FEATURE


def _override_error(name: str, override: ColumnType, *sides: Side) -> str | None:
    """Why the schema's type does not fit the values: a datetime must hold dates or times
    (Arrow timestamps or dates, or ISO-8601 strings) on both sides. (A boolean holding more
    than two values is found when the values are counted.)"""
    if override != ColumnType.DATETIME:
        return None
    for side in sides:
        found = side.column_type(name)
        if found not in (ColumnType.DATETIME, None):
            return (
                f"column {name!r} is set to datetime but its values in {side.source} are "
                f"{found}, not dates or times (Arrow timestamps or dates, or ISO-8601 text); "
                "fix the data or its type in the schema"
            )
    return None


def _inferred_role(name: str, ctype: ColumnType, reference: Side, *, overridden: bool) -> Role:
    """A column's role when the options give none: timestamps and identifiers are reported,
    not tested; everything else is a feature."""
    if ctype == ColumnType.DATETIME:
        return Role.TIMESTAMP
    if not overridden and reference.looks_like_id(name):
        return Role.ID
    return Role.FEATURE


def _plan(
    name: str,
    ctype: ColumnType,
    role: Role,
    error: str | None,
    options: CompareOptions,
    *,
    raw: bool = True,
) -> ColumnPlan:
    """The column's methods (its own, else the global ones that apply; the first decides),
    threshold and note."""
    asked = options.column(name)
    per_column = isinstance(options.methods, Mapping) and name in options.methods
    if per_column:
        for given in asked.methods:
            if not _applies(given, ctype):
                raise ConfigError(
                    f"methods: {given!r} does not apply to column {name!r}, which is {ctype}"
                )
        chosen = asked.methods
    else:
        chosen = tuple(m for m in asked.methods if _applies(m, ctype))
    method = chosen[0] if chosen else None
    note = None
    if ctype == ColumnType.TEXT:
        method, chosen = TEXT_METHOD, (TEXT_METHOD,)
        if error is None and role in TESTED_ROLES and not raw:
            note = _TEXT_FROM_PROFILE.format(name=name)
    if ctype == ColumnType.EMBEDDING:
        method, chosen = EMBEDDING_METHOD, (EMBEDDING_METHOD,)
        if error is None and role in TESTED_ROLES and not raw:
            note = _EMBEDDING_FROM_PROFILE.format(name=name)
    return ColumnPlan(
        name, ctype, role, method, asked.threshold, error, note, chosen[1:], asked=per_column
    )


def _kind(ctype: ColumnType) -> str:
    """Types that can be compared with each other: category types share their kind (a
    boolean reads as categories); numbers and datetimes are not compared with each other."""
    if KIND_OF_TYPE.get(ctype) == Kind.CATEGORICAL:
        return str(Kind.CATEGORICAL)
    return str(ctype)


def _preview(names: Sequence[str], limit: int = 5) -> str:
    shown = ", ".join(repr(n) for n in names[:limit])
    more = len(names) - limit
    return shown + (f", ... {more} more" if more > 0 else "") if names else "no columns"
