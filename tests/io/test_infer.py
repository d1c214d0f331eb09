"""Type inference over many kinds of columns, id-like detection and override parsing."""

from __future__ import annotations

import datetime as dt
import decimal
import string
import time
import uuid

import numpy as np
import pyarrow as pa
import pytest

from driftscope._types import ColumnType, Role
from driftscope.errors import ConfigError, SchemaError
from driftscope.io import infer_type, is_id_like, parse_role, parse_type
from driftscope.io._infer import (
    TEXT_MIN_MEAN_LENGTH,
    TEXT_MIN_UNIQUE_SHARE,
)

N = 400
RNG = np.random.default_rng(7)
WORDS = ["red", "green", "blue", "big", "small", "fast", "slow", "old", "new", "odd"]


def _sentences(n: int) -> list[str]:
    rng = np.random.default_rng(1)
    return [" ".join(rng.choice(WORDS, 8)) + f" #{i}" for i in range(n)]


def _col(values: object, type_: pa.DataType | None = None) -> pa.ChunkedArray:
    return pa.chunked_array([pa.array(values, type_)])


CASES: dict[str, tuple[str, pa.ChunkedArray, ColumnType]] = {
    "int64": ("age", _col(RNG.integers(18, 90, N)), ColumnType.NUMERIC),
    "int8_with_nulls": ("score", _col([1, None, 3, 4] * 100, pa.int8()), ColumnType.NUMERIC),
    "float64": ("price", _col(RNG.normal(size=N)), ColumnType.NUMERIC),
    "float32_unique": ("ratio", _col(RNG.random(N).astype(np.float32)), ColumnType.NUMERIC),
    "decimal": (
        "amount",
        _col([decimal.Decimal("1.25"), decimal.Decimal("2.50")]),
        ColumnType.NUMERIC,
    ),
    "duration": ("wait", _col(np.arange(N).astype("timedelta64[s]")), ColumnType.NUMERIC),
    "time_of_day": ("at", _col([dt.time(1, 2), dt.time(3, 4)]), ColumnType.NUMERIC),
    "boolean": ("churned", _col([True, False, None] * 10), ColumnType.BOOLEAN),
    "dictionary_of_booleans": (
        "ok",
        pa.chunked_array([pa.DictionaryArray.from_arrays([0, 1, 0], [True, False])]),
        ColumnType.BOOLEAN,
    ),
    "timestamp": ("seen", _col(np.arange(N).astype("datetime64[s]")), ColumnType.DATETIME),
    "timestamp_utc": ("seen", _col([dt.datetime(2024, 1, 1, tzinfo=dt.UTC)]), ColumnType.DATETIME),
    "date": ("day", _col([dt.date(2024, 1, 1), None]), ColumnType.DATETIME),
    "iso_date_strings": ("day", _col(["2024-01-01", "2024-02-29", None] * 50), ColumnType.DATETIME),
    "iso_timestamp_strings": (
        "ts",
        _col(["2024-01-01T10:00:00", "2024-01-02 11:30:15.25"]),
        ColumnType.DATETIME,
    ),
    "iso_strings_with_offsets": (
        "ts",
        _col(["2024-01-01T10:00:00Z", "2024-01-01T10:00:00+02:00"]),
        ColumnType.DATETIME,
    ),
    "naive_and_zoned_mixed": (
        "ts",
        _col(["2024-01-01T10:00:00Z", "2024-01-01T10:00:00"]),
        ColumnType.CATEGORICAL,
    ),
    "date_like_but_invalid": ("ts", _col(["2024-13-45", "2024-01-01"]), ColumnType.CATEGORICAL),
    "dictionary_iso_dates": (
        "day",
        _col(["2024-01-01", "2024-01-02"] * 5).dictionary_encode(),
        ColumnType.DATETIME,
    ),
    "low_cardinality_strings": (
        "city",
        _col(RNG.choice(["Oslo", "Rome", "Lima"], N)),
        ColumnType.CATEGORICAL,
    ),
    "dictionary_strings": (
        "city",
        _col(RNG.choice(["Oslo", "Rome"], N)).dictionary_encode(),
        ColumnType.CATEGORICAL,
    ),
    "dictionary_of_ints": ("grade", _col([1, 2, 3, 1]).dictionary_encode(), ColumnType.CATEGORICAL),
    "categories_with_spaces": (
        "plan",
        _col(RNG.choice(["basic plan", "pro plan"], N)),
        ColumnType.CATEGORICAL,
    ),
    "few_long_labels": ("desc", _col(["x" * 80, "y" * 90] * 100), ColumnType.CATEGORICAL),
    "sentences": ("review", _col(_sentences(N)), ColumnType.TEXT),
    "long_unique_strings_without_spaces": (
        "url",
        _col([f"https://example.com/{'a' * 60}/{i}" for i in range(N)]),
        ColumnType.TEXT,
    ),
    "uuids": (
        "token",
        _col([str(uuid.UUID(int=int(i) * 7919 + 1)) for i in range(N)]),
        ColumnType.CATEGORICAL,
    ),
    "integer_ids": ("user_id", _col(np.arange(N)), ColumnType.CATEGORICAL),
    "all_null_strings": ("empty", _col([None, None], pa.string()), ColumnType.CATEGORICAL),
    "null_type": ("empty", _col([None, None]), ColumnType.CATEGORICAL),
    "empty_strings_column": ("empty", _col([], pa.string()), ColumnType.CATEGORICAL),
    "fixed_size_list_of_floats": (
        "emb",
        _col([[0.1, 0.2], [0.3, 0.4]], pa.list_(pa.float32(), 2)),
        ColumnType.EMBEDDING,
    ),
    "list_of_floats": ("emb", _col([[0.1, 0.2, 0.3], [0.4]]), ColumnType.EMBEDDING),
}


@pytest.mark.parametrize("case", list(CASES))
def test_infer_type_classifies_column(case: str) -> None:
    name, column, expected = CASES[case]
    assert infer_type(name, column) == expected


@pytest.mark.parametrize(
    ("column", "fragment"),
    [
        (_col([{"a": 1}]), "struct<a: int64>"),
        (_col([b"\x00\x01"]), "raw bytes"),
        (_col([["a", "b"]]), "list<item: string>"),
        (_col([[("k", 1)]], pa.map_(pa.string(), pa.int64())), "map<string, int64>"),
    ],
    ids=["struct", "binary", "list_of_strings", "map"],
)
def test_unsupported_types_raise_naming_the_column(column: pa.ChunkedArray, fragment: str) -> None:
    with pytest.raises(SchemaError) as info:
        infer_type("payload", column)
    message = str(info.value)
    assert message.startswith("column 'payload' has type ")
    assert fragment in message
    assert "\n" not in message


def test_infer_type_accepts_a_plain_array() -> None:
    assert infer_type("x", pa.array([1.0, 2.0])) == ColumnType.NUMERIC


@pytest.mark.parametrize(
    ("name", "column", "expected"),
    [
        ("user_id", _col(np.arange(N)), True),
        ("row", _col(np.arange(N)), True),
        ("token", _col([str(uuid.UUID(int=i + 1)) for i in range(N)]), True),
        ("visits", _col(RNG.integers(0, 10, N)), False),
        ("price", _col(RNG.normal(size=N)), False),
        ("review", _col(_sentences(N)), False),
        ("user_id", _col(np.arange(50)), False),
        ("user_id", _col(np.arange(51)), True),
        ("flag", _col([True, False] * 100), False),
    ],
    ids=[
        "named_unique_ints",
        "unnamed_unique_ints",
        "unique_uuid_strings",
        "repeated_ints",
        "floats_never",
        "free_text",
        "too_few_rows",
        "just_enough_rows",
        "booleans_never",
    ],
)
def test_is_id_like(name: str, column: pa.ChunkedArray, expected: bool) -> None:
    assert is_id_like(name, column) is expected


# 97 distinct of 100: above the 0.95 share an id name needs, but not all unique.
_NEARLY_UNIQUE = _col([*range(97), 0, 1, 2])


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("id", True),
        ("ID", True),
        ("uuid", True),
        ("customer_id", True),
        ("ORDER_ID", True),
        ("account-key", True),
        ("id_customer", True),
        ("userId", True),
        ("orderID", True),
        ("idea", False),
        ("monkey", False),
        ("valid", False),
        ("paid", False),
        ("kid_age", False),
    ],
    ids=str,
)
def test_id_names_count_with_nearly_unique_values(name: str, expected: bool) -> None:
    assert is_id_like(name, _NEARLY_UNIQUE) is expected


def test_id_name_needs_a_high_unique_share() -> None:
    assert not is_id_like("customer_id", _col([1, 2, 3, 4] * 30))


def test_id_like_strings_are_categorical() -> None:
    column = _col([f"K{i:06d}" for i in range(N)]).dictionary_encode()
    assert is_id_like("code", column)
    assert infer_type("code", column) == ColumnType.CATEGORICAL


def test_text_needs_enough_distinct_values() -> None:
    repeated = _sentences(10) * 40  # whitespace, but only 10 distinct of 400
    assert TEXT_MIN_UNIQUE_SHARE > 10 / 400
    assert infer_type("note", _col(repeated)) == ColumnType.CATEGORICAL


def test_long_mean_length_alone_makes_unique_strings_text() -> None:
    values = [string.ascii_letters[: int(TEXT_MIN_MEAN_LENGTH)] + str(i) for i in range(N)]
    assert infer_type("blob", _col(values)) == ColumnType.TEXT


def test_dates_are_judged_on_every_value_not_only_the_sample() -> None:
    values = ["2024-01-01"] * 50_000
    values[12_345] = "2024-99-99"  # never in the 10,000-value sample
    assert infer_type("day", _col(values)) == ColumnType.CATEGORICAL


def test_infer_type_is_fast_on_a_million_rows() -> None:
    rng = np.random.default_rng(0)
    labels = np.array([f"v{i:04d}" for i in range(1000)])
    columns = {
        "cat": pa.chunked_array([labels[rng.integers(0, 1000, 1_000_000)]]),
        "num": pa.chunked_array([rng.normal(size=1_000_000)]),
        "count": pa.chunked_array([rng.poisson(4.0, 1_000_000)]),
    }
    for name, column in columns.items():
        start = time.perf_counter()
        infer_type(name, column)
        # Generous: a Python loop over the rows would take seconds.
        assert time.perf_counter() - start < 0.5, name


@pytest.mark.parametrize("kind", list(ColumnType))
def test_parse_type_accepts_every_type_name(kind: ColumnType) -> None:
    assert parse_type(kind.value) is kind
    assert parse_type(f"  {kind.value.upper()} ") is kind


def test_parse_type_lists_the_valid_names() -> None:
    with pytest.raises(ConfigError) as info:
        parse_type("numerc", column="age")
    assert str(info.value) == (
        "schema: column 'age' has type 'numerc'; valid types are numeric, categorical, "
        "boolean, datetime, text, embedding"
    )


@pytest.mark.parametrize("value", ["id-like", "id", "ID_LIKE"])
def test_parse_type_points_id_like_to_the_role(value: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_type(value, column="user_id")
    assert "role 'id'" in str(info.value)
    assert "column 'user_id'" in str(info.value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("id", Role.ID), ("id-like", Role.ID), ("Target", Role.TARGET), ("ignore", Role.IGNORED)],
    ids=["id", "id_like", "target", "ignore"],
)
def test_parse_role(value: str, expected: Role) -> None:
    assert parse_role(value) is expected


def test_parse_role_lists_the_valid_names() -> None:
    with pytest.raises(ConfigError, match="valid roles are feature, target, prediction"):
        parse_role("label")
