"""Column type inference: what kind of values a column holds, and whether it looks like an id.

Rules, in order, for :func:`infer_type` (thresholds are the module constants below):

- null type (a column with no values at all): categorical; the engine then finds it all missing.
- booleans (also dictionary-encoded): boolean.
- integers: numeric, unless :func:`is_id_like` (then categorical, so that nobody runs a
  distribution test on row numbers by accident) or holding a value beyond +/-2**53 (then
  categorical: float64 cannot tell such neighbours apart, so a numeric test would compare
  rounded values, 2**60 + 1 and 2**60 + 2 as one; integers that large are ids, hashes or bit
  patterns far more often than quantities, and their exact values are counted).
- floats, decimals, durations and times of day: numeric (a time of day as seconds since
  midnight: its order and distances mean something, unlike the labels of a category).
- timestamps and dates: datetime.
- lists of numbers (fixed or variable size): embedding.
- dictionary-encoded non-strings (a pandas Categorical of numbers): categorical.
- strings (plain or dictionary-encoded):
  datetime when every value is an ISO-8601 date or timestamp (``2024-05-01``,
  ``2024-05-01T10:00:00``, with or without fraction, ``Z`` or offset; naive and zoned values
  must not be mixed); text when at least ``TEXT_MIN_UNIQUE_SHARE`` of the values are distinct
  and either ``TEXT_MIN_WHITESPACE_SHARE`` of them contain whitespace or their mean length is at
  least ``TEXT_MIN_MEAN_LENGTH`` characters; categorical otherwise (id-like ones included).
- anything else (structs, maps, binary, lists of strings): SchemaError naming the column, for
  the engine to report on that column alone.

Lengths, whitespace and the date pattern are measured on ``SAMPLE_SIZE`` evenly spaced values;
distinct counts are exact (hash-based, or from dictionary codes). A string column that looks like
dates in the sample is parsed in full before it is called datetime.
"""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.compute as pc

from driftscope._types import ColumnType
from driftscope.io._arrow import (
    as_chunked,
    beyond_float,
    is_embedding,
    is_number,
    is_string_like,
    parse_iso_datetimes,
    sample_values,
    unsupported_type,
    value_type,
)
from driftscope.io._counts import value_counts

SAMPLE_SIZE = 10_000
"""Values examined (evenly spaced) for lengths, whitespace and the date pattern."""

ID_MIN_ROWS = 50
"""A column is id-like only with more than this many non-missing values."""

ID_MIN_UNIQUE_SHARE = 0.95
"""...and more than this share of distinct values (for id-like names; otherwise all unique)."""

ID_NAME_PATTERN = re.compile(
    r"^(id|uuid|guid|key)$|[_\-. ](id|uuid|guid|key)$|^(id|uuid|guid)[_\-. ]", re.IGNORECASE
)
"""Names that announce an identifier: ``id``, ``uuid``, ``*_id``, ``*_key``, ``id_*`` (any case)."""

ID_CAMEL_CASE_PATTERN = re.compile(r"[a-z0-9](Id|ID|Key|Uuid|UUID)$")
"""The same in camelCase: ``userId``, ``orderID``, ``sessionKey``."""

TEXT_MIN_UNIQUE_SHARE = 0.5
"""Text needs at least this share of distinct values (else it is a category with long labels)."""

TEXT_MIN_WHITESPACE_SHARE = 0.5
"""...and this share of values containing whitespace..."""

TEXT_MIN_MEAN_LENGTH = 50.0
"""...or this mean length in characters."""

ISO_DATETIME_PATTERN = (
    r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?(Z|[+-]\d{2}:?\d{2})?$"
)
"""What a string must look like to count as a date (checked before parsing)."""


def infer_type(name: str, column: pa.ChunkedArray) -> ColumnType:
    """Classify a column by its Arrow type and, for strings, by its values.

    Parameters
    ----------
    name
        Column name (used by the id-name rule and in error messages).
    column
        The column's values.

    Returns
    -------
    ColumnType
        See the module docstring for the rules; id-like columns come back as categorical, ask
        :func:`is_id_like` to tell them apart.

    Raises
    ------
    SchemaError
        For types driftscope cannot test (structs, maps, binary, lists of non-numbers).

    Examples
    --------
    >>> import numpy as np
    >>> import pyarrow as pa
    >>> rng = np.random.default_rng(0)
    >>> infer_type("age", pa.chunked_array([rng.integers(18, 90, 200)]))
    <ColumnType.NUMERIC: 'numeric'>
    >>> infer_type("city", pa.chunked_array([rng.choice(["Oslo", "Rome"], 200)]))
    <ColumnType.CATEGORICAL: 'categorical'>
    """
    column = as_chunked(column)
    t = column.type
    values = value_type(t)
    if pa.types.is_null(values):
        return ColumnType.CATEGORICAL
    if pa.types.is_boolean(values):
        return ColumnType.BOOLEAN
    if pa.types.is_dictionary(t) and not is_string_like(values):
        return ColumnType.CATEGORICAL
    if pa.types.is_integer(t):
        if is_id_like(name, column) or beyond_float(column):
            return ColumnType.CATEGORICAL
        return ColumnType.NUMERIC
    if is_number(t) or pa.types.is_duration(t) or pa.types.is_time(t):
        return ColumnType.NUMERIC
    if pa.types.is_timestamp(t) or pa.types.is_date(t):
        return ColumnType.DATETIME
    if is_embedding(t):
        return ColumnType.EMBEDDING
    if is_string_like(values):
        return _infer_strings(column)
    raise unsupported_type(name, t)


def is_id_like(name: str, column: pa.ChunkedArray) -> bool:
    """True when a column looks like an identifier rather than a feature.

    That is: string or integer values, more than ``ID_MIN_ROWS`` of them not missing, and either
    a name matching ``ID_NAME_PATTERN`` or ``ID_CAMEL_CASE_PATTERN`` with more than
    ``ID_MIN_UNIQUE_SHARE`` distinct values, or all values distinct (strings only when they do
    not look like free text).

    Examples
    --------
    >>> import pyarrow as pa
    >>> is_id_like("user_id", pa.chunked_array([list(range(100))]))
    True
    >>> is_id_like("visits", pa.chunked_array([[1, 2, 3] * 40]))
    False
    """
    column = as_chunked(column)
    values = value_type(column.type)
    if not (pa.types.is_integer(values) or is_string_like(values)):
        return False
    present = len(column) - column.null_count
    if present <= ID_MIN_ROWS:
        return False
    if ID_NAME_PATTERN.search(name) or ID_CAMEL_CASE_PATTERN.search(name):
        return bool(distinct_count(column) > ID_MIN_UNIQUE_SHARE * present)
    sample = sample_values(column, SAMPLE_SIZE)
    # Any repeat in the sample already rules out "all distinct"; most columns stop here.
    if len(sample) != _distinct(sample):
        return False
    if is_string_like(values) and _looks_like_text(sample):
        return False
    return bool(distinct_count(column) == present)


def is_zero_one(column: pa.ChunkedArray) -> bool:
    """True for an integer column whose values (at least one) are all 0 or 1: a flag.

    >>> import pyarrow as pa
    >>> is_zero_one(pa.chunked_array([[0, 1, 1, None]])), is_zero_one(pa.chunked_array([[0, 2]]))
    (True, False)
    """
    column = as_chunked(column)
    if not pa.types.is_integer(column.type) or column.null_count == len(column):
        return False
    low, high = pc.min_max(column).values()
    return bool(low.as_py() >= 0 and high.as_py() <= 1)


def distinct_count(column: pa.ChunkedArray) -> int:
    """Number of distinct non-missing values (exact)."""
    column = as_chunked(column)
    if pa.types.is_dictionary(column.type):
        return len(value_counts(column).counts)
    return _distinct(column)


def _distinct(values: pa.Array | pa.ChunkedArray) -> int:
    return int(pc.count_distinct(values, mode="only_valid").as_py())


def _infer_strings(column: pa.ChunkedArray) -> ColumnType:
    present = len(column) - column.null_count
    if present == 0:
        return ColumnType.CATEGORICAL
    sample = sample_values(column, SAMPLE_SIZE)
    if _looks_like_dates(sample) and parse_iso_datetimes(column) is not None:
        return ColumnType.DATETIME
    if not _looks_like_text(sample):
        return ColumnType.CATEGORICAL
    if distinct_count(column) >= TEXT_MIN_UNIQUE_SHARE * present:
        return ColumnType.TEXT
    return ColumnType.CATEGORICAL


def _looks_like_text(sample: pa.Array) -> bool:
    """Whitespace in enough values, or long values on average (cardinality checked apart)."""
    if len(sample) == 0:
        return False
    spaced = pc.sum(pc.match_substring_regex(sample, r"\s")).as_py() or 0
    if spaced >= TEXT_MIN_WHITESPACE_SHARE * len(sample):
        return True
    mean_length = pc.mean(pc.utf8_length(sample)).as_py() or 0.0
    return bool(mean_length >= TEXT_MIN_MEAN_LENGTH)


def _looks_like_dates(sample: pa.Array) -> bool:
    if len(sample) == 0:
        return False
    return bool(pc.all(pc.match_substring_regex(sample, ISO_DATETIME_PATTERN)).as_py())
