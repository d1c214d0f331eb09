"""Part, WindowRows and the timestamp reading every source shares."""

from __future__ import annotations

import json

import pyarrow as pa
import pytest

from driftscope.errors import InputError
from driftscope.monitor.sources.base import Part, read_timestamps


def test_a_part_survives_json() -> None:
    part = Part(
        "/logs/a.csv",
        size=10,
        mtime_ns=2**62,
        rows=3,
        first=-5,
        last=None,
        missing=1,
        unparseable=2,
    )
    assert Part.from_json(json.loads(json.dumps(part.to_json()))) == part


@pytest.mark.parametrize(
    ("field", "value"),
    [("key", 3), ("size", "10"), ("rows", None), ("first", 1.5), ("missing", True)],
)
def test_a_part_from_bad_json_names_the_field(field: str, value: object) -> None:
    data = Part("k", 1, 2, 3, 4, 5, 0, 0).to_json()
    data[field] = value
    with pytest.raises(ValueError, match=repr(field)):
        Part.from_json(data)


def test_blank_texts_are_missing_and_bad_ones_unparseable() -> None:
    stamps = read_timestamps(pa.array(["2026-03-01T00:00:00Z", " ", "", None, "x"]), "ts", "f")
    assert stamps.valid.tolist() == [True, False, False, False, False]
    assert stamps.unparseable == 1


def test_dictionary_and_date_columns_are_timestamps() -> None:
    words = pa.array(["1970-01-01T00:00:01Z", None]).dictionary_encode()
    assert read_timestamps(words, "ts", "f").nanos[0] == 10**9
    days = pa.array([1, None], pa.int32()).cast(pa.date32())
    stamps = read_timestamps(pa.chunked_array([days]), "ts", "f")
    assert stamps.nanos[0] == 86_400 * 10**9
    assert stamps.valid.tolist() == [True, False]


def test_an_all_null_column_is_all_missing() -> None:
    stamps = read_timestamps(pa.chunked_array([pa.nulls(3)]), "ts", "f")
    assert (stamps.valid.any(), stamps.unparseable) == (False, 0)


def test_a_column_of_numbers_is_refused_naming_where() -> None:
    with pytest.raises(InputError, match=r"^logs/a\.csv: timestamp column 'ts' has type int64"):
        read_timestamps(pa.array([1, 2]), "ts", "logs/a.csv")
