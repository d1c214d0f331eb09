"""One table from pieces whose schemas differ: the union of columns, one type each, notes."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from driftscope.monitor.sources._union import Piece, common_type, union


@pytest.mark.parametrize(
    ("types", "expected"),
    [
        pytest.param([pa.int8(), pa.uint32()], pa.int64(), id="integers"),
        pytest.param([pa.int64(), pa.float32()], pa.float64(), id="integer-float"),
        pytest.param([pa.decimal128(5, 2), pa.int64()], pa.float64(), id="decimal-integer"),
        pytest.param([pa.string(), pa.dictionary(pa.int32(), pa.string())], pa.string(), id="dict"),
        pytest.param([pa.string(), pa.large_string()], pa.large_string(), id="large-string"),
        pytest.param(
            [pa.timestamp("s"), pa.timestamp("us", "Europe/Paris")],
            pa.timestamp("us", "UTC"),
            id="timestamps",
        ),
        pytest.param([pa.date32(), pa.timestamp("ms")], pa.timestamp("ms"), id="date-timestamp"),
        pytest.param([pa.bool_(), pa.int64()], pa.string(), id="bool-integer"),
        pytest.param([pa.list_(pa.int64()), pa.string()], pa.string(), id="list-string"),
    ],
)
def test_common_types(types: list[pa.DataType], expected: pa.DataType) -> None:
    assert common_type(types) == expected


def test_layout_differences_widen_silently() -> None:
    a = Piece(
        "a", pa.table({"n": pa.array([1], pa.int8()), "s": pa.array(["x"]).dictionary_encode()})
    )
    b = Piece("b", pa.table({"n": pa.array([2**40]), "s": pa.array(["y"])}))
    table, notes = union([a, b])
    assert notes == ()
    assert table.column("n").to_pylist() == [1, 2**40]
    assert table.column("s").to_pylist() == ["x", "y"]


def test_values_that_do_not_fit_fall_back_to_floats_or_text() -> None:
    a = Piece("a", pa.table({"n": pa.array([2**64 - 1], pa.uint64()), "l": pa.array([[1, 2]])}))
    b = Piece("b", pa.table({"n": pa.array([-1]), "l": pa.array(["x"])}))
    table, notes = union([a, b])
    assert table.column("n").to_pylist() == [float(2**64 - 1), -1.0]
    assert table.column("l").to_pylist() == ["[1, 2]", "x"]
    assert len(notes) == 1  # the list and the string


def test_naive_and_zoned_timestamps_meet_in_utc() -> None:
    naive = pa.array([0], pa.timestamp("s"))
    zoned = pa.array([1_000], pa.timestamp("ms", "UTC"))
    table, notes = union([Piece("a", pa.table({"t": naive})), Piece("b", pa.table({"t": zoned}))])
    assert table.column("t").type == pa.timestamp("ms", "UTC")
    assert table.column("t").to_pylist() == [
        dt.datetime(1970, 1, 1, tzinfo=dt.UTC),
        dt.datetime(1970, 1, 1, 0, 0, 1, tzinfo=dt.UTC),
    ]
    assert notes == ()


def test_an_all_null_column_takes_the_others_type_without_a_note() -> None:
    a = Piece("a", pa.table({"x": pa.nulls(2)}))
    b = Piece("b", pa.table({"x": pa.array([1.5])}))
    table, notes = union([a, b])
    assert table.column("x").type == pa.float64()
    assert notes == ()


def test_pieces_without_rows_take_no_part_in_the_schema() -> None:
    empty = Piece("a", pa.table({"x": pa.array([], pa.string())}))
    full = Piece("b", pa.table({"x": pa.array([1])}))
    table, notes = union([empty, full])
    assert (table.column("x").type, notes) == (pa.int64(), ())


def test_no_piece_gives_the_columns_asked_for_empty() -> None:
    table, notes = union([], ["a", "ts"])
    assert (table.column_names, table.num_rows, notes) == (["a", "ts"], 0, ())
