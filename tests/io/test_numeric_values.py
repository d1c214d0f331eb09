"""numeric_values against independent numpy conversions."""

from __future__ import annotations

import datetime as dt
import decimal

import numpy as np
import pyarrow as pa
import pytest

from driftscope.errors import SchemaError
from driftscope.io import numeric_values


def _same(actual: np.ndarray, expected: np.ndarray) -> None:
    assert actual.dtype == np.float64
    assert actual.ndim == 1
    np.testing.assert_array_equal(actual, np.asarray(expected, dtype=np.float64))


def test_float64_without_nulls_is_not_copied() -> None:
    values = np.random.default_rng(0).normal(size=1000)
    array = pa.array(values)
    out = numeric_values(pa.chunked_array([array]))
    _same(out, values)
    assert not out.flags.writeable
    assert out.ctypes.data == array.buffers()[1].address


def test_nulls_and_nan_both_become_nan() -> None:
    out = numeric_values(pa.chunked_array([pa.array([1.0, None, np.nan, 4.0])]))
    _same(out, [1.0, np.nan, np.nan, 4.0])


@pytest.mark.parametrize(
    "type_",
    [pa.int8(), pa.int32(), pa.int64(), pa.uint16(), pa.uint64(), pa.float16(), pa.float32()],
    ids=str,
)
def test_numbers_of_every_width_convert(type_: pa.DataType) -> None:
    raw = np.array([0, 1, 7, 42, 100], dtype=type_.to_pandas_dtype())
    column = pa.chunked_array([pa.array(raw, type_)])
    _same(numeric_values(column), raw.astype(np.float64))


def test_integers_with_nulls_keep_their_values() -> None:
    out = numeric_values(pa.chunked_array([[3, None, -5]], pa.int64()))
    _same(out, [3.0, np.nan, -5.0])


def test_large_integers_round_like_numpy() -> None:
    raw = np.array([2**62 + 1, -(2**60) - 3], dtype=np.int64)
    _same(numeric_values(pa.chunked_array([raw])), raw.astype(np.float64))


def test_decimals_convert() -> None:
    column = pa.chunked_array([[decimal.Decimal("1.25"), None, decimal.Decimal("-3.5")]])
    _same(numeric_values(column), [1.25, np.nan, -3.5])


def test_booleans_are_zero_and_one() -> None:
    _same(numeric_values(pa.chunked_array([[True, False, None]])), [1.0, 0.0, np.nan])


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
def test_timestamps_are_seconds_since_epoch(unit: str) -> None:
    stamps = np.array(["1970-01-01T00:00:01", "2024-02-29T12:34:56.5"], dtype=f"datetime64[{unit}]")
    expected = (stamps - np.datetime64("1970-01-01T00:00:00", unit)) / np.timedelta64(1, "s")
    _same(numeric_values(pa.chunked_array([stamps])), expected)


def test_zoned_timestamps_count_from_the_utc_epoch() -> None:
    when = dt.datetime(2024, 1, 1, 12, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    column = pa.chunked_array([pa.array([when], pa.timestamp("ms", tz="Europe/Oslo"))])
    _same(numeric_values(column), [when.timestamp()])


def test_dates_are_seconds_since_epoch() -> None:
    days = [dt.date(1970, 1, 2), None, dt.date(2024, 2, 29)]
    expected = [86_400.0, np.nan, dt.datetime(2024, 2, 29, tzinfo=dt.UTC).timestamp()]
    _same(numeric_values(pa.chunked_array([pa.array(days, pa.date32())])), expected)
    _same(numeric_values(pa.chunked_array([pa.array(days, pa.date64())])), expected)


def test_durations_and_times_are_seconds() -> None:
    waits = np.array([1500, 0, 60_000], dtype="timedelta64[ms]")
    _same(numeric_values(pa.chunked_array([waits])), [1.5, 0.0, 60.0])
    times = pa.array([dt.time(0, 0, 1), dt.time(1, 0)], pa.time64("us"))
    _same(numeric_values(pa.chunked_array([times])), [1.0, 3600.0])


def test_iso_date_strings_become_timestamps() -> None:
    column = pa.chunked_array([["2024-01-01", None, "2024-01-02T00:00:30"]])
    base = dt.datetime(2024, 1, 1, tzinfo=dt.UTC).timestamp()
    _same(numeric_values(column), [base, np.nan, base + 86_430.0])
    _same(numeric_values(column.dictionary_encode()), [base, np.nan, base + 86_430.0])


def test_several_chunks_are_concatenated() -> None:
    column = pa.chunked_array([[1, 2], [], [None, 4]], pa.int32())
    _same(numeric_values(column), [1.0, 2.0, np.nan, 4.0])


def test_dictionary_of_numbers_is_decoded() -> None:
    column = pa.chunked_array([pa.DictionaryArray.from_arrays([1, 0, None, 1], [2.5, 7.0])])
    _same(numeric_values(column), [7.0, 2.5, np.nan, 7.0])


def test_null_type_is_all_nan() -> None:
    _same(numeric_values(pa.chunked_array([pa.nulls(3)])), [np.nan] * 3)


def test_empty_column_gives_an_empty_array() -> None:
    _same(numeric_values(pa.chunked_array([], pa.float64())), [])


def test_plain_array_is_accepted() -> None:
    _same(numeric_values(pa.array([1, 2])), [1.0, 2.0])


@pytest.mark.parametrize(
    "column",
    [pa.chunked_array([["a", "b"]]), pa.chunked_array([["a", "b"]]).dictionary_encode()],
    ids=["strings", "dictionary_strings"],
)
def test_strings_raise_naming_the_column(column: pa.ChunkedArray) -> None:
    with pytest.raises(SchemaError, match=r"^column 'city' holds strings, not numbers"):
        numeric_values(column, name="city")


def test_nested_types_raise_naming_the_column() -> None:
    with pytest.raises(SchemaError, match=r"^column 'payload' has type struct<a: int64>"):
        numeric_values(pa.chunked_array([[{"a": 1}]]), name="payload")
