"""The constraints file: YAML that people read and edit, written with a header that explains
every key, read back with errors that name the file, the line and the key.

Values round-trip exactly: floats are written as Python's shortest repr (in YAML's spelling,
``1.0e-05``), text is quoted wherever YAML would read it as something else (``'2024'``,
``'yes'``), and categories keep the kind of the column: text as text, integers and booleans
bare (``[1, 2, 3]``, ``[false, true]``).
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Iterator
from pathlib import Path

import yaml

from driftscope._types import ColumnType
from driftscope._yaml import YamlList, YamlMap, read_yaml, where
from driftscope.errors import ConfigError
from driftscope.quality.constraints import (
    FORMAT_VERSION,
    Bounds,
    Categories,
    Category,
    ColumnConstraints,
    Constraints,
    DatasetConstraints,
)
from driftscope.quality.tolerance import FALSE_FAILURE_LEVEL, RANGE_WIDENING

WHAT = "constraints file"

HEADER = f"""\
# driftscope constraints: what current data must satisfy. Edit freely; `driftscope baseline`
# wrote this from the reference named in `source`, with tolerances, so that fresh data from
# the reference's own distribution passes and real breaks fail.
#
# dataset:
#   rows: {{min, max}}            the row count (null: no bound)
#   duplicate_rows: {{max_share}} the largest share of rows that repeat an earlier row in every
#                               column but the identifiers (unique: true); the reference's
#                               share at an upper confidence bound, binomial test as below
# columns, each NAME: (leave a key out, or set it to null, to drop that constraint)
#   kind          the kind of value: integer, float, string, boolean, timestamp, ...;
#                 integer and float are both numbers (whole floats pass as integers);
#                 another kind is a type_change error
#   type          driftscope's column type: numeric, categorical, boolean, datetime, text
#   present       true: the column must be in the data (missing_column error); false: it
#                 may be absent (a target whose labels come later)
#   completeness  the least share of values present; tested with a one-sided binomial
#                 test at level {FALSE_FAILURE_LEVEL:g}, so chance alone does not fail it
#   range         {{min, max}}: any value outside fails. Widened from the reference on the
#                 log scale: max * (max / median) ** {RANGE_WIDENING:g} (mirrored for the minimum,
#                 never crossing zero), rounded outward
#   categories    values: the allowed values; other_share: the share of rows tolerated
#                 outside them (values the reference never saw; Good-Turing estimate at
#                 an upper confidence bound; 0: none tolerated), binomial test as above
#   unique        true: no value may occur twice (identifiers)
#   varies        true: the column must not hold one value on every row (checked once
#                 there are 100 values)
"""

_TOP = ("version", "source", "dataset", "columns")
_DATASET = ("rows", "duplicate_rows")
_COLUMN = (
    "kind",
    "type",
    "present",
    "completeness",
    "range",
    "categories",
    "unique",
    "varies",
)
_BOUNDS = ("min", "max")
_CATEGORIES = ("values", "other_share")


def save_constraints(constraints: Constraints, path: str | Path) -> Path:
    """Write ``constraints`` as a commented YAML file at ``path`` (atomically); return the path.

    >>> import tempfile
    >>> from driftscope.quality.constraints import ColumnConstraints
    >>> rules = Constraints((ColumnConstraints("age", kind="integer", completeness=0.98),))
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = save_constraints(rules, Path(folder) / "constraints.yaml")
    ...     load_constraints(path) == rules
    True
    """
    from driftscope.io.atomic import write_text_atomic

    return Path(write_text_atomic(path, to_yaml(constraints)))


def to_yaml(constraints: Constraints) -> str:
    """The text of a constraints file (header included)."""
    lines = [HEADER, f"version: {constraints.version}", f"source: {_scalar(constraints.source)}"]
    data = constraints.dataset
    lines.append("dataset:")
    lines.append(f"  rows: {_bounds(data.rows)}")
    share = (
        "null" if data.duplicate_rows is None else f"{{max_share: {_scalar(data.duplicate_rows)}}}"
    )
    lines.append(f"  duplicate_rows: {share}")
    lines.append("columns:" if constraints.columns else "columns: {}")
    for rule in constraints.columns:
        lines.append(f"  {_scalar(rule.name)}:")
        lines.extend(f"    {line}" for line in _column_lines(rule))
    return "\n".join(lines) + "\n"


def _column_lines(rule: ColumnConstraints) -> Iterator[str]:
    yield f"kind: {_scalar(rule.kind)}"
    yield f"type: {_scalar(None if rule.type is None else str(rule.type))}"
    yield f"present: {_scalar(rule.present)}"
    if rule.completeness is not None:
        yield f"completeness: {_scalar(rule.completeness)}"
    if rule.range is not None:
        yield f"range: {_bounds(rule.range)}"
    if rule.categories is not None:
        yield "categories:"
        yield f"  other_share: {_scalar(rule.categories.other_share)}"
        values = rule.categories.values
        yield "  values:" if values else "  values: []"
        yield from (f"    - {_scalar(v)}" for v in values)
    if rule.unique:
        yield "unique: true"
    if rule.varies:
        yield "varies: true"


def _bounds(bounds: Bounds | None) -> str:
    if bounds is None:
        return "null"
    return f"{{min: {_scalar(bounds.min)}, max: {_scalar(bounds.max)}}}"


def _scalar(value: object) -> str:
    """One YAML scalar on one line that reads back as ``value``."""
    text: str = yaml.safe_dump(value, allow_unicode=True, width=math.inf)
    text = text.removesuffix("\n...\n").removesuffix("\n")
    if "\n" in text or yaml.safe_load(text) != value:
        text = yaml.safe_dump(value, allow_unicode=True, width=math.inf, default_style='"')
        text = text.removesuffix("\n")
    return text


def load_constraints(path: str | Path) -> Constraints:
    """Read a constraints file; a ConfigError names its file, line and key for anything
    wrong (an unknown key, a value of the wrong type, a range with min > max, ...)."""
    doc = read_yaml(path, WHAT)
    _known(doc, _TOP, "the file")
    for key in ("version", "columns"):
        if key not in doc:
            raise ConfigError(f"{where(doc)}: the {WHAT} has no {key!r} key")
    version = doc["version"]
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ConfigError(f"{where(doc, 'version')}: 'version' must be 1; got {version!r}")
    if version > FORMAT_VERSION:
        raise ConfigError(
            f"{where(doc, 'version')}: version {version} was written by a newer driftscope; "
            f"this one reads version {FORMAT_VERSION}"
        )
    source = doc.get("source")
    if source is not None and not isinstance(source, str):
        raise ConfigError(f"{where(doc, 'source')}: 'source' must be text; got {source!r}")
    columns = _mapping(doc, "columns", "the file")
    rules = tuple(_column(columns, str(name)) for name in columns) if columns else ()
    return Constraints(rules, _dataset(doc), source=source, version=version)


def _dataset(doc: YamlMap) -> DatasetConstraints:
    node = _mapping(doc, "dataset", "the file")
    if node is None:
        return DatasetConstraints()
    _known(node, _DATASET, "'dataset'")
    rows = _bounds_of(node, "rows", "'dataset'", _count)
    shares = _mapping(node, "duplicate_rows", "'dataset'")
    share = None
    if shares is not None:
        _known(shares, ("max_share",), "'duplicate_rows'")
        share = _share(shares, "max_share", "'duplicate_rows'")
    return DatasetConstraints(rows, share)


def _column(columns: YamlMap, name: str) -> ColumnConstraints:
    owner = f"column {name!r}"
    node = _mapping(columns, name, owner) or YamlMap()
    _known(node, _COLUMN, owner)
    kind = node.get("kind")
    if kind is not None and not isinstance(kind, str):
        raise _bad(node, "kind", owner, "text (integer, float, string, ...)")
    ctype = node.get("type")
    if ctype is not None:
        try:
            ctype = ColumnType(ctype)
        except ValueError:
            raise _bad(node, "type", owner, f"one of {', '.join(ColumnType)}") from None
    return ColumnConstraints(
        name,
        kind=kind,
        type=ctype,
        present=_flag(node, "present", owner, default=True),
        completeness=_share(node, "completeness", owner),
        range=_bounds_of(node, "range", owner, _number),
        categories=_categories(node, owner),
        unique=_flag(node, "unique", owner, default=False),
        varies=_flag(node, "varies", owner, default=False),
    )


def _categories(node: YamlMap, owner: str) -> Categories | None:
    value = node.get("categories")
    if value is None:
        return None
    if isinstance(value, YamlList):
        return Categories(_category_values(value, owner))
    if not isinstance(value, YamlMap):
        raise _bad(node, "categories", owner, "a list of values, or {values, other_share}")
    _known(value, _CATEGORIES, f"{owner} 'categories'")
    values = value.get("values")
    if not isinstance(values, YamlList):
        raise _bad(value, "values", f"{owner} 'categories'", "a list of values")
    share = _share(value, "other_share", f"{owner} 'categories'")
    return Categories(_category_values(values, owner), share or 0.0)


def _category_values(values: YamlList, owner: str) -> tuple[Category, ...]:
    for i, item in enumerate(values):
        if not isinstance(item, str | int | float) or (
            isinstance(item, float) and math.isnan(item)
        ):
            raise ConfigError(
                f"{where(values, i)}: {owner} 'categories': each value must be text, a number "
                f"or a boolean; got {item!r}"
            )
    return tuple(values)


def _mapping(node: YamlMap, key: str, owner: str) -> YamlMap | None:
    value = node.get(key)
    if value is None or isinstance(value, YamlMap):
        return value
    raise _bad(node, key, owner, "a mapping of keys to values")


def _known(node: YamlMap, keys: tuple[str, ...], owner: str) -> None:
    for key in node:
        if key not in keys:
            close = difflib.get_close_matches(key, keys, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise ConfigError(
                f"{where(node, key)}: unknown key {key!r} in {owner}; {hint}"
                f"expected one of {', '.join(keys)}"
            )


def _flag(node: YamlMap, key: str, owner: str, *, default: bool) -> bool:
    value = node.get(key, default)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise _bad(node, key, owner, "true or false")
    return value


def _number(node: YamlMap, key: str, owner: str) -> int | float | None:
    value = node.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        raise _bad(node, key, owner, "a number (or null)")
    return value


def _count(node: YamlMap, key: str, owner: str) -> int | float | None:
    value = node.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _bad(node, key, owner, "a whole number >= 0 (or null)")
    return value


def _share(node: YamlMap, key: str, owner: str) -> float | None:
    value = node.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise _bad(node, key, owner, "a number from 0 to 1 (or null)")
    return float(value)


def _bounds_of(
    node: YamlMap,
    key: str,
    owner: str,
    read: Callable[[YamlMap, str, str], int | float | None],
) -> Bounds | None:
    bounds = _mapping(node, key, owner)
    if bounds is None:
        return None
    inner = f"{owner} {key!r}"
    _known(bounds, _BOUNDS, inner)
    low, high = read(bounds, "min", inner), read(bounds, "max", inner)
    if low is not None and high is not None and low > high:
        raise ConfigError(f"{where(bounds, 'min')}: {inner}: min {low!r} is above max {high!r}")
    return Bounds(low, high)


def _bad(node: YamlMap, key: str, owner: str, expected: str) -> ConfigError:
    value = node.get(key)
    return ConfigError(f"{where(node, key)}: {owner}: {key!r} must be {expected}; got {value!r}")
