""":func:`profile`: read any supported input with :mod:`driftscope.io` and profile each column.

This is the one module of the package that reads data; the profiles themselves
(:mod:`~driftscope.profiling.column`, :mod:`~driftscope.profiling.profile`) only see numpy arrays
and counts.
"""

from __future__ import annotations

from collections.abc import Mapping

import pyarrow as pa

from driftscope._types import ColumnType, Role
from driftscope.errors import ConfigError, SchemaError
from driftscope.io import (
    category_counts,
    infer_type,
    is_id_like,
    numeric_values,
    parse_role,
    parse_type,
    read_dataset,
)
from driftscope.profiling._sketch import DEFAULT_K, check_k
from driftscope.profiling.column import (
    CATEGORICAL_TYPES,
    NUMERIC_TYPES,
    ColumnProfile,
    categorical_profile,
    numeric_profile,
)
from driftscope.profiling.profile import Profile

_SKIPPED_ROLES = frozenset({Role.ID, Role.IGNORED})


def profile(
    data: object,
    *,
    schema: Mapping[str, str | ColumnType] | None = None,
    k: int = DEFAULT_K,
) -> Profile:
    """Profile every column of a dataset into a mergeable :class:`Profile`.

    Numeric and datetime columns get counts (present, missing, infinite), mean, m2, min, max
    and a KLL quantile sketch of their finite values (datetimes in seconds since the epoch);
    categorical and boolean columns get exact counts per category, up to
    :data:`~driftscope.profiling.column.MAX_CATEGORIES` distinct ones. Null and NaN are missing.

    Parameters
    ----------
    data
        Anything :func:`driftscope.io.read_dataset` reads: a dict of 1-D arrays or lists, a
        pyarrow Table, a pandas or polars DataFrame, a Parquet / CSV / JSON Lines path.
    schema
        Column types (``{"zip": "categorical"}``) overriding inference, or ``"ignored"`` /
        ``"id"`` to leave a column out. Columns that look like identifiers are left out, as
        ``compare`` leaves them untested, unless the schema gives them a type. Pass the same
        schema for every chunk you mean to merge: inference looks at one chunk's values, so it
        can decide differently per chunk (an all-null chunk, an integer column whose chunk
        happens to look like an id).
    k
        Accuracy of the quantile sketches (8 to 65535; the default 200 gives about 1.3%
        rank error).

    Returns
    -------
    Profile
        One column profile per column, in table order.

    Raises
    ------
    ConfigError
        For an unknown type in ``schema``, a schema column not in the data, or a bad ``k``.
    SchemaError
        For text and embedding columns (not profiled yet: set them to ``"categorical"`` or
        ``"ignored"``) and for types nothing applies to (structs, binary).
    ProfileError
        For a categorical column with more than ``MAX_CATEGORIES`` categories.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> p = profile({"age": rng.normal(40, 10, 1000), "plan": ["a", "b", None, "a"] * 250})
    >>> p.n_rows, p["age"].count, round(p["age"].mean, 1), p["age"].sketch.n
    (1000, 1000, 39.5, 1000)
    >>> 38.0 < p["age"].sketch.quantile(0.5) < 41.0  # approximate: within the rank error
    True
    >>> dict(p["plan"].counts), p["plan"].missing
    ({'a': 500, 'b': 250}, 250)
    """
    check_k(k)  # before reading: a bad k fails fast even without numeric columns
    table = read_dataset(data).table
    types = _overrides(schema or {}, table.column_names)
    columns: dict[str, ColumnProfile] = {}
    for name in table.column_names:
        column = table.column(name)
        if name not in types and is_id_like(name, column):
            continue  # identifiers are not profiled, as compare() does not test them
        ctype = types[name] if name in types else infer_type(name, column)
        if ctype is not None:
            columns[name] = _profile_column(name, column, ctype, k)
    return Profile(table.num_rows, columns)


def _overrides(
    schema: Mapping[str, str | ColumnType], names: list[str]
) -> dict[str, ColumnType | None]:
    """Column -> type from ``schema``; None for columns to leave out."""
    out: dict[str, ColumnType | None] = {}
    known = set(names)
    for name, value in schema.items():
        if name not in known:
            raise ConfigError(f"schema: column {name!r} is not in the data")
        try:
            role: Role | None = parse_role(str(value), column=name)
        except ConfigError:
            role = None
        out[name] = None if role in _SKIPPED_ROLES else parse_type(str(value), column=name)
    return out


def _profile_column(name: str, column: pa.ChunkedArray, ctype: ColumnType, k: int) -> ColumnProfile:
    if ctype in NUMERIC_TYPES:
        return numeric_profile(numeric_values(column, name=name), column_type=ctype, k=k)
    if ctype in CATEGORICAL_TYPES:
        counts = category_counts(column, column.slice(0, 0), name=name)
        return categorical_profile(
            dict(zip(counts.labels, counts.reference.tolist(), strict=True)),
            missing=counts.reference_missing,
            column_type=ctype,
            name=name,
        )
    raise SchemaError(
        f"profile: column {name!r} looks like free {ctype}, which profiles do not summarise "
        "yet; set its type to 'categorical' or 'ignored' in the schema"
    )
