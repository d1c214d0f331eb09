"""Times of day in CSV files are numbers (seconds since midnight), however the hour is
written: ``8:05`` as ``08:05``, with seconds and fractions of a second too."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import driftscope
from driftscope._types import ColumnType
from driftscope.errors import InputError
from driftscope.io import infer_type, numeric_values, read_chunks, read_dataset
from driftscope.profiling.stream import profile_files


def _csv(path: Path, header: str, values: list[str]) -> str:
    path.write_text(header + "\n" + "\n".join(values) + "\n", encoding="utf-8")
    return str(path)


def _seconds(path: str, column: str = "t") -> np.ndarray:
    table = read_dataset(path).table
    assert infer_type(column, table.column(column)) == ColumnType.NUMERIC
    return numeric_values(table.column(column))


@pytest.mark.parametrize(
    ("written", "seconds"),
    [
        pytest.param(["8:05", "9:30"], [8 * 3600 + 5 * 60, 9 * 3600 + 30 * 60], id="h_mm"),
        pytest.param(["9:30:15", "0:00:01"], [9 * 3600 + 30 * 60 + 15, 1], id="h_mm_ss"),
        pytest.param(["9:30:15.250", "23:59:59.5"], [34215.25, 86399.5], id="fractions"),
        pytest.param(["08:05:00.125", "17:00"], [29100.125, 61200.0], id="padded_fraction"),
        pytest.param(["8:05", "08:06", "23:59"], [29100, 29160, 86340], id="mixed_padding"),
    ],
)
def test_times_of_day_without_leading_zero_are_seconds_since_midnight(
    tmp_path: Path, written: list[str], seconds: list[float]
) -> None:
    path = _csv(tmp_path / "t.csv", "t", written)
    assert _seconds(path).tolist() == seconds


def test_an_unpadded_column_reads_as_the_padded_one(tmp_path: Path) -> None:
    times = [f"{h}:{m:02d}:{s:02d}" for h in range(24) for m in (0, 17, 59) for s in (0, 31)]
    padded = _csv(tmp_path / "padded.csv", "t", ["0" + t if t[1] == ":" else t for t in times])
    unpadded = _csv(tmp_path / "unpadded.csv", "t", times)
    assert _seconds(unpadded).tolist() == _seconds(padded).tolist()


def test_missing_values_stay_missing(tmp_path: Path) -> None:
    path = _csv(tmp_path / "t.csv", "t,x", ["8:05,1", ",2", "NA,3", "9:00,4"])
    assert np.isnan(_seconds(path)).tolist() == [False, True, True, False]


@pytest.mark.parametrize(
    "written",
    [
        pytest.param(["8:05", "8:60"], id="minute_60"),
        pytest.param(["8:05", "24:00"], id="hour_24"),
        pytest.param(["8:05", "8:5"], id="one_digit_minute"),
        pytest.param(["8:05", "123:00"], id="three_digit_hour"),
        pytest.param(["8:05", "9:30:61"], id="second_61"),
        pytest.param(["8:05", "9:30:15.1234567890"], id="ten_fraction_digits"),
        pytest.param(["8:05", "late"], id="a_word"),
        pytest.param(["8:05", " 9:00"], id="leading_space"),
    ],
)
def test_a_column_with_anything_but_times_stays_strings(tmp_path: Path, written: list[str]) -> None:
    table = read_dataset(_csv(tmp_path / "t.csv", "t", written)).table
    assert pa.types.is_string(table.column("t").type)
    assert infer_type("t", table.column("t")) != ColumnType.NUMERIC


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 23),
            st.integers(0, 59),
            st.integers(0, 59),
            st.sampled_from(["", ".0", ".5", ".25", ".125"]),
            st.sampled_from(["h:mm", "h:mm:ss", "hh:mm:ss"]),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_any_time_of_day_is_its_seconds_since_midnight(
    times: list[tuple[int, int, int, str, str]],
) -> None:
    import tempfile

    written, expected = [], []
    for h, m, s, fraction, form in times:
        if form == "h:mm":
            written.append(f"{h}:{m:02d}")
            expected.append(h * 3600 + m * 60)
        else:
            hour = f"{h:02d}" if form == "hh:mm:ss" else str(h)
            written.append(f"{hour}:{m:02d}:{s:02d}{fraction}")
            expected.append(h * 3600 + m * 60 + s + float(fraction or 0))
    with tempfile.TemporaryDirectory() as folder:
        path = _csv(Path(folder) / "t.csv", "t", written)
        assert _seconds(path).tolist() == expected


def _blocks_file(path: Path, later: str) -> str:
    """A CSV of three Arrow blocks or more (1 MiB each): times first, then ``later``."""
    rows = [f"{i % 24}:{i % 60:02d}" for i in range(250_000)]
    return _csv(path, "t", [*rows, later, "9:15"])


def test_a_file_read_in_blocks_keeps_its_times_of_day(tmp_path: Path) -> None:
    path = _blocks_file(tmp_path / "t.csv", "")
    chunks = list(read_chunks(path, rows=1).tables)
    assert len(chunks) > 1
    assert {str(c.column("t").type) for c in chunks} == {"time64[ns]"}
    profile = profile_files([path], rows=1)
    assert profile["t"].column_type == ColumnType.NUMERIC
    assert profile["t"].max == 23 * 3600 + 59 * 60


def test_a_block_of_other_values_after_times_is_an_input_error(tmp_path: Path) -> None:
    path = _blocks_file(tmp_path / "t.csv", "late")
    with pytest.raises(InputError, match="holds times of day in the first block"):
        list(read_chunks(path, rows=1).tables)


def test_unpadded_and_padded_times_compare_as_the_same_numbers(tmp_path: Path) -> None:
    times = [f"{h}:{m:02d}" for h in range(7, 19) for m in range(0, 60, 5)]
    ref = _csv(tmp_path / "ref.csv", "t", ["0" + t if t[1] == ":" else t for t in times])
    cur = _csv(tmp_path / "cur.csv", "t", times)
    row = driftscope.compare(ref, cur).columns[0]
    assert row.type == ColumnType.NUMERIC
    assert row.summary.reference_stats == row.summary.current_stats
    assert row.test is not None
    assert row.test.statistic == 0.0
