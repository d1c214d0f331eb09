""":func:`profile`: read any supported input with :mod:`driftscope.io` and profile each column.

This is the one module of the package that reads data; the profiles themselves
(:mod:`~driftscope.profiling.column`, :mod:`~driftscope.profiling.profile`) only see numpy arrays
and counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pyarrow as pa

from driftscope._types import ColumnType, Role
from driftscope.errors import ConfigError, ProfileError, SchemaError, param_error
from driftscope.io import (
    category_counts,
    infer_type,
    is_id_like,
    numeric_values,
    parse_role,
    parse_type,
    read_dataset,
    value_kind,
)
from driftscope.profiling._sketch import DEFAULT_K, check_k
from driftscope.profiling.column import (
    CATEGORICAL_TYPES,
    FLOAT_DISTINCT_LIMIT,
    NUMERIC_TYPES,
    ColumnProfile,
    NumericProfile,
    categorical_profile,
    numeric_profile,
)
from driftscope.profiling.histogram import Histogram, sketch_edges
from driftscope.profiling.profile import Profile
from driftscope.stats._binning import N_BINS

_SKIPPED_ROLES = frozenset({Role.ID, Role.IGNORED})

Types = Mapping[str, ColumnType | None]
"""Column -> type to profile it as, or None to leave it out; other columns are inferred."""
Bins = Mapping[str, Histogram]
"""Column -> a histogram whose edges (and n_bins) to count on; its counts are not used."""
MAX_N_BINS = 10_000
"""The most quantile bins a profile's histograms may have: far beyond what a binned test
resolves (their counts spread thin), and it keeps a histogram's memory and time small
(10^8 bins took 80 s and 9.6 GB)."""


def profile(
    data: object,
    *,
    schema: Mapping[str, str | ColumnType] | None = None,
    k: int = DEFAULT_K,
    n_bins: int = N_BINS,
    bins: Profile | None = None,
) -> Profile:
    """Profile every column of a dataset into a mergeable :class:`Profile`.

    Numeric and datetime columns get counts (present, missing, infinite), mean, m2, min, max,
    a KLL quantile sketch of their finite values (datetimes in seconds since the epoch), a
    histogram on the reference's bin edges, and a HyperLogLog distinct-count sketch (integer
    columns always; float and datetime columns while each part has at most
    :data:`~driftscope.profiling.column.FLOAT_DISTINCT_LIMIT` distinct values); categorical
    and boolean columns get exact counts per category up to
    :data:`~driftscope.profiling.column.MAX_CATEGORIES` distinct ones (a frequent-items
    sketch above) and a distinct-count sketch. Every column also counts its present values
    by the kind they arrived as (``type_counts``: integer, float, string, ...; see
    :func:`driftscope.io.value_kind`), which shows a column that changed type between the
    parts of a merged profile. Null and NaN are missing.

    Profile a reference on its own (``bins=None``: its histograms use its own quantile edges),
    and current data with ``bins=reference_profile``, so both are counted on the same bins and
    every binned drift statistic between them is exact.

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
        Accuracy of the quantile sketches (8 to 65535; the default 1000 gives about 0.3%
        rank error).
    n_bins
        Number of quantile bins of the reference's histograms (``bins=None`` only).
    bins
        A reference profile: count each numeric column on its bin edges, and profile each
        column as the type it has there (``schema`` still overrides).

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
        For bin edges that cannot be computed (values spanning more than the float range).

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
    check_n_bins(n_bins)
    if bins is not None and not isinstance(bins, Profile):
        raise param_error("profile", "bins", "a Profile (the reference's) or None", bins)
    table = read_dataset(data).table
    types = overrides(schema or {}, table.column_names)
    if bins is None:
        return profile_table(table, types=types, k=k, n_bins=n_bins)
    return profile_table(table, types={**types_of(bins), **types}, k=k, bins=bins_of(bins))


def check_n_bins(n_bins: object) -> None:
    """Raise ConfigError unless ``n_bins`` is an integer in [2, MAX_N_BINS].

    >>> check_n_bins(10**8)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    driftscope.errors.ConfigError: profile: ... must be an integer in [2, 10000]; got 100000000
    """
    if isinstance(n_bins, bool) or not isinstance(n_bins, int) or not 2 <= n_bins <= MAX_N_BINS:
        raise param_error("profile", "n_bins", f"an integer in [2, {MAX_N_BINS}]", n_bins)


def profile_table(
    table: pa.Table,
    *,
    types: Types,
    k: int = DEFAULT_K,
    n_bins: int | None = None,
    bins: Bins | None = None,
) -> Profile:
    """Profile a table with resolved options (the building block of chunked profiling).

    Histograms: on ``bins``' edges for the columns it has (none for the others); else, with
    ``n_bins``, on each column's own quantile edges; else none.
    """
    columns: dict[str, ColumnProfile] = {}
    for name, column in zip(table.column_names, table.columns, strict=True):
        if name not in types and is_id_like(name, column):
            continue  # identifiers are not profiled, as compare() does not test them
        ctype = types[name] if name in types else infer_type(name, column)
        if ctype is None:
            continue
        binning: tuple[int | None, tuple[float, ...] | None] = (n_bins, None)
        if bins is not None:
            template = bins.get(name)
            binning = (template.n_bins, template.edges) if template else (None, None)
        columns[name] = _profile_column(name, column, ctype, k, binning)
    return Profile(table.num_rows, columns)


def types_of(reference: Profile) -> dict[str, ColumnType | None]:
    """The column types of a profile, as :func:`profile_table`'s ``types``."""
    return {name: col.column_type for name, col in reference.columns.items()}


def fixed_types(
    names: Iterable[str], first: Profile, given: Mapping[str, ColumnType | None]
) -> dict[str, ColumnType | None]:
    """The types a first chunk decided, for every later chunk: each column's type, None for
    the columns it left out (identifiers), and the user's ``given`` types over both."""
    types: dict[str, ColumnType | None] = dict.fromkeys(names)
    types.update(types_of(first))
    types.update(given)
    return types


def bins_of(reference: Profile) -> dict[str, Histogram]:
    """The histograms of a profile's numeric columns, as :func:`profile_table`'s ``bins``.

    A column kept without a histogram (merged from parts counted on different bins) gets the
    deciles of its quantile sketch instead, so current data is still counted exactly on
    edges the reference fixes.
    """
    out: dict[str, Histogram] = {}
    for name, col in reference.columns.items():
        if isinstance(col, NumericProfile):
            histogram = col.histogram or sketch_histogram(name, col, N_BINS)
            if histogram is not None:
                out[name] = histogram
    return out


def sketch_histogram(name: str, col: NumericProfile, n_bins: int) -> Histogram | None:
    """Edges at the ``1/n_bins`` quantiles of the column's sketch, as an empty histogram;
    None for a column without values."""
    if not col.sketch.n:
        return None
    probabilities = [i / n_bins for i in range(1, n_bins)]
    try:
        edges = sketch_edges(col.sketch.quantiles(probabilities))
    except ProfileError as exc:
        raise ProfileError(f"profile: column {name!r}: {exc}") from None
    return Histogram(edges, (0,) * (len(edges) + 1), n_bins)


def resolve_schema(schema: Mapping[str, str | ColumnType]) -> dict[str, ColumnType | None]:
    """Column -> type from a user's ``schema``; None for columns to leave out (id, ignored)."""
    out: dict[str, ColumnType | None] = {}
    for name, value in schema.items():
        try:
            role: Role | None = parse_role(str(value), column=name)
        except ConfigError:
            role = None
        out[name] = None if role in _SKIPPED_ROLES else parse_type(str(value), column=name)
    return out


def overrides(
    schema: Mapping[str, str | ColumnType], names: list[str]
) -> dict[str, ColumnType | None]:
    """:func:`resolve_schema`, after checking that every schema column is in the data."""
    known = set(names)
    for name in schema:
        if name not in known:
            raise ConfigError(f"schema: column {name!r} is not in the data")
    return resolve_schema(schema)


def _profile_column(
    name: str,
    column: pa.ChunkedArray,
    ctype: ColumnType,
    k: int,
    binning: tuple[int | None, tuple[float, ...] | None],
) -> ColumnProfile:
    if ctype in NUMERIC_TYPES:
        n_bins, edges = binning
        values = numeric_values(column, name=name)
        # Integer columns (counts, codes, ratings) mostly have few distinct values, so their
        # distinct sketch is cheap; floats only keep one while they have few (see the limit).
        integer = pa.types.is_integer(column.type)
        try:
            return numeric_profile(
                values,
                column_type=ctype,
                k=k,
                n_bins=n_bins,
                edges=edges,
                distinct=True,
                distinct_limit=None if integer else FLOAT_DISTINCT_LIMIT,
                kind=value_kind(column.type),
            )
        except ProfileError as exc:
            raise ProfileError(f"profile: column {name!r}: {exc}") from None
    if ctype in CATEGORICAL_TYPES:
        counts = category_counts(column, column.slice(0, 0), name=name)
        present = int(counts.reference.sum())
        return categorical_profile(
            dict(zip(counts.labels, counts.reference.tolist(), strict=True)),
            missing=counts.reference_missing,
            column_type=ctype,
            type_counts={value_kind(column.type): present} if present else {},
        )
    raise SchemaError(
        f"profile: column {name!r} looks like free {ctype}, which profiles do not summarise "
        "yet; set its type to 'categorical' or 'ignored' in the schema"
    )
