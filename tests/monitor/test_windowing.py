"""Cutting rows into windows: alignment, timestamp columns, counts, completeness, and laws
checked against a plain Python implementation."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given
from hypothesis import strategies as st

from driftscope.errors import InputError
from driftscope.monitor.windowing import (
    Timestamps,
    WindowAssignment,
    _parse_texts,
    assign_windows,
    complete_windows,
    timestamps_from_arrow,
    to_nanos,
    window_bounds,
)
from driftscope.monitor.windows import Window

PARIS = ZoneInfo("Europe/Paris")
SECOND = 10**9


def utc(*parts: int) -> datetime:
    return datetime(*parts).replace(tzinfo=UTC)


def paris(hour: int, minute: int) -> datetime:
    return datetime(2026, 3, 29, hour, minute, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("window", "instant", "start", "end"),
    [
        ("1h", utc(2026, 1, 31, 23, 59, 59, 999_999), utc(2026, 1, 31, 23), utc(2026, 2, 1)),
        ("1d", utc(2026, 1, 31, 23, 59, 59, 999_999), utc(2026, 1, 31), utc(2026, 2, 1)),
        ("1d", utc(2026, 2, 1), utc(2026, 2, 1), utc(2026, 2, 2)),
        ("1d", utc(2028, 2, 29, 12), utc(2028, 2, 29), utc(2028, 3, 1)),
        ("6h", utc(2026, 12, 31, 23, 30), utc(2026, 12, 31, 18), utc(2027, 1, 1)),
        ("6h", utc(2027, 1, 1, 5, 59), utc(2027, 1, 1), utc(2027, 1, 1, 6)),
        # 7d windows start on Thursdays, as 1970-01-01 was one; they straddle the new year.
        ("7d", utc(2027, 1, 1), utc(2026, 12, 31), utc(2027, 1, 7)),
        ("7d", utc(1970, 1, 1), utc(1970, 1, 1), utc(1970, 1, 8)),
        ("7d", utc(1969, 12, 31, 23), utc(1969, 12, 25), utc(1970, 1, 1)),
        # Across the switch to summer time in Paris (02:00 local becomes 03:00 on 29 March):
        # UTC has no gap, so the local hours 01:30 and 03:30 are consecutive UTC hours.
        ("1h", paris(1, 30), utc(2026, 3, 29), utc(2026, 3, 29, 1)),
        ("1h", paris(3, 30), utc(2026, 3, 29, 1), utc(2026, 3, 29, 2)),
        ("1d", paris(0, 30), utc(2026, 3, 28), utc(2026, 3, 29)),
    ],
    ids=lambda v: str(v) if isinstance(v, str) else None,
)
def test_time_windows_are_aligned_on_the_epoch_in_utc(window, instant, start, end):
    assert window_bounds(instant, Window.parse(window)) == (start, end)
    assignment = assign_windows(np.array([to_nanos(instant)]), Window.parse(window))
    assert assignment.bounds(0) == (start, end)


def test_a_naive_instant_is_utc():
    assert window_bounds(datetime(2026, 3, 1, 7), Window.parse("6h"))[0] == utc(2026, 3, 1, 6)


def test_a_row_window_has_no_bounds_of_its_own():
    with pytest.raises(ValueError, match="50000 rows has no fixed bounds"):
        window_bounds(utc(2026, 1, 1), Window.parse("50000 rows"))


def test_an_aware_arrow_column_in_paris_is_converted_to_utc_across_the_dst_switch():
    local = [datetime(2026, 3, 29, h, 30, tzinfo=PARIS) for h in (0, 1, 3, 4)]
    column = pa.array(local, type=pa.timestamp("us", tz="Europe/Paris"))
    parsed = timestamps_from_arrow(column, "ts")
    expected = [to_nanos(utc(2026, 3, 28, 23, 30)) + h * 3_600 * SECOND for h in range(4)]
    assert parsed.nanos.tolist() == expected
    assignment = assign_windows(parsed, Window.parse("1h"))
    assert [assignment.bounds(i)[0].hour for i in range(len(assignment))] == [23, 0, 1, 2]


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
def test_timestamp_columns_of_any_unit_read_as_nanoseconds_and_naive_means_utc(unit):
    instants = [datetime(2026, 3, 1, 12), datetime(1969, 7, 20, 20, 17, 40), None]
    parsed = timestamps_from_arrow(pa.array(instants, type=pa.timestamp(unit)), "ts")
    assert parsed.valid.tolist() == [True, True, False]
    assert parsed.nanos[:2].tolist() == [to_nanos(t) for t in instants[:2] if t is not None]
    assert parsed.unparseable == 0


def test_instants_beyond_what_nanoseconds_hold_are_unparseable_not_wrapped():
    column = pa.array([datetime(3000, 1, 1), datetime(2026, 1, 1)], type=pa.timestamp("s"))
    parsed = timestamps_from_arrow(column, "ts")
    assert parsed.valid.tolist() == [False, True]
    assert parsed.unparseable == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-01T00:00:00Z", utc(2026, 3, 1)),
        ("2026-03-01t00:00:00z", utc(2026, 3, 1)),
        ("2026-03-01 00:00:00", utc(2026, 3, 1)),
        ("2026-03-01", utc(2026, 3, 1)),
        ("2026-03-01T01:00:00+01:00", utc(2026, 3, 1)),
        ("2026-03-01T05:30:00+0530", utc(2026, 3, 1)),
        ("2026-02-28T23:00:00-01:00", utc(2026, 3, 1)),
        ("2026-03-01T00:00:00.25Z", utc(2026, 3, 1, 0, 0, 0, 250_000)),
        ("2026-03-29T03:30:00+02:00", utc(2026, 3, 29, 1, 30)),
        ("2026-03-01T02Z", utc(2026, 3, 1, 2)),
        ("2026-03-01T02:30+01", utc(2026, 3, 1, 1, 30)),
        ("0001-01-01T00:00:00Z", None),
        ("2028-02-29T00:00:00Z", utc(2028, 2, 29)),
    ],
    ids=str,
)
def test_rfc_3339_and_iso_8601_texts_parse_to_utc(text, expected):
    # Alone, a text Arrow's cast reads takes the fast path; beside an unparseable one, the regex.
    for column in ([text], [text, "not a time"]):
        parsed = timestamps_from_arrow(pa.array(column), "ts")
        if expected is None:  # before 1677: more than int64 nanoseconds hold
            assert parsed.valid.tolist()[0] is False
            assert parsed.unparseable == len(column)
        else:
            assert parsed.valid.tolist()[0] is True
            assert parsed.nanos.tolist()[0] == to_nanos(expected)


def test_nanosecond_fractions_are_kept():
    parsed = timestamps_from_arrow(pa.array(["1970-01-01T00:00:01.000000007Z"]), "ts")
    assert parsed.nanos.tolist() == [SECOND + 7]


def test_missing_and_unparseable_timestamps_are_counted_never_raised():
    texts = [
        "2026-03-01T00:00:00Z",
        None,
        "yesterday",
        "2026-02-30T00:00:00Z",
        "2026-03-01T25:00:00Z",
        "",
        None,
        "2026-03-01T10:00:00Z",
    ]
    parsed = timestamps_from_arrow(pa.array(texts), "ts")
    assert parsed.valid.tolist() == [True, False, False, False, False, False, False, True]
    assert parsed.unparseable == 4
    assignment = assign_windows(parsed, Window.parse("1d"))
    assert (assignment.missing, assignment.unparseable) == (2, 4)
    assert assignment.rows(0).tolist() == [0, 7]


def test_chunked_dictionary_and_large_string_columns_are_read():
    chunked = pa.chunked_array([["2026-03-01T00:00:00Z"], ["2026-03-02T00:00:00Z"]])
    encoded = pa.array(["2026-03-01T00:00:00Z", "2026-03-01T00:00:00Z"]).dictionary_encode()
    large = pa.array(["2026-03-01T00:00:00Z"], type=pa.large_string())
    for column in (chunked, encoded, large):
        parsed = timestamps_from_arrow(column, "ts")
        assert parsed.valid.all()
        assert parsed.nanos[0] == to_nanos(utc(2026, 3, 1))


@pytest.mark.parametrize(
    "column", [pa.array([1, 2]), pa.array([1.5]), pa.array([True])], ids=["int", "float", "bool"]
)
def test_a_column_of_another_type_is_one_input_error_naming_it(column):
    with pytest.raises(InputError, match=r"timestamp column 'when' has type \w+"):
        timestamps_from_arrow(column, "when")


def test_row_windows_follow_timestamp_order_keeping_ties_in_arrival_order():
    assignment = assign_windows(np.array([30, 10, 20, 10, 10, 40, 50]), Window.parse("3 rows"))
    assert [assignment.rows(i).tolist() for i in range(len(assignment))] == [
        [1, 3, 4],
        [2, 0, 5],
        [6],
    ]
    assert assignment.starts.tolist() == [10, 20, 50]
    assert assignment.ends.tolist() == [10, 40, 50]
    assert assignment.counts().tolist() == [3, 3, 1]


def test_no_rows_give_no_windows():
    for window in (Window.parse("1h"), Window.parse("5 rows")):
        empty = assign_windows(np.zeros(0, dtype=np.int64), window)
        assert len(empty) == 0
        assert empty.latest is None
        assert complete_windows(empty, utc(2026, 1, 1)).tolist() == []
        nothing_valid = Timestamps(np.zeros(3, np.int64), np.zeros(3, bool), 1)
        assert (assign_windows(nothing_valid, window).missing, len(empty)) == (2, 0)


HOUR = 3_600 * SECOND
BASE = to_nanos(utc(2026, 3, 1))


def test_a_time_window_is_complete_once_now_passes_its_end():
    assignment = assign_windows(np.array([BASE + HOUR - 1, BASE]), Window.parse("1h"))
    assert complete_windows(assignment, utc(2026, 3, 1, 0, 59, 59)).tolist() == [False]
    assert complete_windows(assignment, utc(2026, 3, 1, 1)).tolist() == [True]


def test_a_time_window_is_complete_once_a_row_at_or_after_its_end_exists():
    assignment = assign_windows(np.array([BASE, BASE + HOUR]), Window.parse("1h"))
    long_ago = utc(2000, 1, 1)
    assert complete_windows(assignment, long_ago).tolist() == [True, False]
    later = utc(2026, 3, 1, 2)
    assert complete_windows(assignment, long_ago, latest_timestamp=later).tolist() == [True, True]
    earlier = utc(2026, 3, 1, 1, 59)
    assert complete_windows(assignment, long_ago, latest_timestamp=earlier).tolist() == [
        True,
        False,
    ]


def test_a_row_window_is_complete_once_it_holds_all_its_rows():
    assignment = assign_windows(np.arange(7), Window.parse("3 rows"))
    far_future = utc(2100, 1, 1)
    assert complete_windows(assignment, far_future).tolist() == [True, True, False]


# Laws, and a plain Python implementation to compare with on small random inputs.

WINDOWS = st.sampled_from(["30m", "1h", "6h", "1d", "7d", "1 row", "2 rows", "3 rows", "7 rows"])
LIMIT = 2**62 - 2**50  # every window's start and end inside int64 nanoseconds (1823 to 2116),
# the earliest start (aligned down by up to a week) included
NANOS = st.one_of(
    st.integers(-LIMIT, LIMIT),
    st.integers(BASE - 40 * 86_400 * SECOND, BASE + 40 * 86_400 * SECOND),  # many share a window
    st.sampled_from([BASE, BASE + HOUR, BASE - 1]),  # ties
)
ROWS = st.lists(st.tuples(NANOS, st.booleans()), max_size=40)


def plain(rows: list[tuple[int, bool]], window: Window) -> list[tuple[int, int, list[int]]]:
    valid = [(t, i) for i, (t, ok) in enumerate(rows) if ok]
    if window.rows is not None:
        ordered = sorted(valid, key=lambda pair: pair[0])  # Python's sort is stable
        chunks = [ordered[k : k + window.rows] for k in range(0, len(ordered), window.rows)]
        return [(c[0][0], c[-1][0], [i for _, i in c]) for c in chunks]
    length = (window.seconds or 0) * SECOND
    groups: dict[int, list[int]] = {}
    for t, i in valid:
        groups.setdefault(t // length * length, []).append(i)
    return [(start, start + length, groups[start]) for start in sorted(groups)]


def run(rows: list[tuple[int, bool]], window: Window) -> WindowAssignment:
    nanos = np.array([t for t, _ in rows], dtype=np.int64)
    valid = np.array([ok for _, ok in rows], dtype=bool)
    return assign_windows(Timestamps(nanos, valid), window)


@given(ROWS, WINDOWS)
def test_windows_match_a_plain_python_implementation(rows, text):
    window = Window.parse(text)
    assignment = run(rows, window)
    got = [
        (int(assignment.starts[i]), int(assignment.ends[i]), assignment.rows(i).tolist())
        for i in range(len(assignment))
    ]
    assert got == plain(rows, window)
    assert assignment.missing == sum(not ok for _, ok in rows)


def test_window_numbers_near_the_top_of_int64_are_exact():
    """Found by hypothesis: rows 292 years apart, where ``number * length`` passes 2**63."""
    rows = [(4_610_995_200_000_000_000, True), (-4_611_600_000_000_000_001, True)]
    assignment = run(rows, Window.parse("7d"))
    assert got_windows(assignment) == plain(rows, Window.parse("7d"))


def got_windows(assignment: WindowAssignment) -> list[tuple[int, int, list[int]]]:
    return [
        (int(assignment.starts[i]), int(assignment.ends[i]), assignment.rows(i).tolist())
        for i in range(len(assignment))
    ]


@given(ROWS, WINDOWS)
def test_every_valid_row_is_in_exactly_one_window_inside_its_bounds(rows, text):
    window = Window.parse(text)
    assignment = run(rows, window)
    nanos = np.array([t for t, _ in rows], dtype=np.int64)
    assert sorted(assignment.order.tolist()) == [i for i, (_, ok) in enumerate(rows) if ok]
    for i in range(len(assignment)):
        inside = nanos[assignment.rows(i)]
        assert len(inside) > 0
        assert (inside >= assignment.starts[i]).all()
        if window.rows is None:
            assert (inside < assignment.ends[i]).all()
        else:
            assert (inside <= assignment.ends[i]).all()
            assert (np.diff(inside) >= 0).all()


@given(ROWS, WINDOWS)
def test_windows_are_sorted_and_do_not_overlap(rows, text):
    assignment = run(rows, Window.parse(text))
    assert (assignment.starts <= assignment.ends).all()
    assert (assignment.ends[:-1] <= assignment.starts[1:]).all()
    if assignment.window.rows is None:
        assert (assignment.ends[:-1] < assignment.ends[1:]).all()


@given(
    st.datetimes(min_value=datetime(1700, 1, 1), max_value=datetime(2200, 1, 1)),
    st.integers(-14 * 60, 14 * 60),
    st.sampled_from(["T", " "]),
)
def test_texts_python_writes_parse_to_the_same_instant(moment, minutes, separator):
    aware = moment.replace(tzinfo=timezone(timedelta(minutes=minutes)))
    parsed = timestamps_from_arrow(pa.array([aware.isoformat(separator)]), "ts")
    assert parsed.valid.tolist() == [True]
    assert parsed.nanos.tolist() == [to_nanos(aware)]


def test_the_monitor_offers_the_windowing_names_loading_pyarrow_only_when_asked():
    code = (
        "import sys, driftscope.monitor as m; before = 'pyarrow' in sys.modules; "
        "m.assign_windows; print(before, 'pyarrow' in sys.modules, 'sqlalchemy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True", "False"]


@pytest.mark.parametrize("spread", [2**62, 10**15, 50], ids=["wide", "a month", "ties"])
def test_many_shuffled_rows_match_numpys_stable_sort(spread):
    nanos = np.random.default_rng(7).integers(-spread, spread, 200_000)
    by_rows = assign_windows(nanos, Window.parse("1000 rows"))
    assert (by_rows.order == np.argsort(nanos, kind="stable")).all()
    by_time = assign_windows(nanos, Window.parse("1h"))
    numbers = nanos // HOUR
    assert (by_time.order == np.argsort(numbers, kind="stable")).all()
    assert (by_time.starts == np.unique(numbers) * HOUR).all()


def texts(months: int, days: int, hours: int, separators: str, zones: list[str]):
    return st.builds(
        "{}-{:02}-{:02}{}{:02}{}{}{}".format,
        st.integers(1678, 2261),
        st.integers(13 - months, months),
        st.integers(32 - days, days),
        st.sampled_from(separators),
        st.integers(0, hours),
        st.sampled_from(["", ":00", ":59", ":60", ":07:33", ":07:61", ":59:59"]),
        st.sampled_from(["", ".5", ".123456789", ",25", ".1234567890"]),
        st.sampled_from(zones),
    )


ANY_TEXT = texts(13, 32, 25, "T t", ["", "Z", "z", "+01:00", "-0930", "+14", " Z", "+1"])
LIKELY = texts(12, 28, 23, "T", ["Z", "+01:00", "-0930", "+14", "-00:00"])


@given(st.one_of(ANY_TEXT, LIKELY))
def test_arrows_cast_and_the_regex_read_texts_alike(text):
    column = pa.array([text])
    regex = _parse_texts(column, np.ones(1, dtype=bool))
    try:
        cast = pc.cast(column, pa.timestamp("ns", "UTC"))
    except pa.ArrowInvalid:
        return
    assert regex.valid.tolist() == [True]
    assert regex.nanos.tolist() == cast.cast(pa.int64()).to_pylist()


def test_a_window_ending_beyond_int64_nanoseconds_is_an_input_error_not_a_wrapped_end():
    last = np.iinfo(np.int64).max
    with pytest.raises(InputError, match="2262 or later has no 1w window end"):
        assign_windows(np.array([0, last]), Window.parse("7d"))
    assert assign_windows(np.array([0, last]), Window.parse("1 row")).ends[-1] == last


def test_reading_texts_the_slow_way_does_not_import_pandas(tmp_path: Path) -> None:
    """pyarrow imports pandas (about a second) to convert a Python scalar in a compute call;
    the text parser passes none."""
    import subprocess
    import sys

    import pyarrow.parquet as pq

    path = tmp_path / "ts.parquet"
    texts = ["2026-03-01 10:00:00+02:00", "not a time", None, "2026-03-01T07:00:00.5-01:30"]
    pq.write_table(pa.table({"t": pa.array(texts, pa.string())}), path)
    code = (
        "import sys, pyarrow.parquet as pq\n"
        "from driftscope.monitor.windowing import timestamps_from_arrow\n"
        f"a = pq.ParquetFile({str(path)!r}).read().column('t').combine_chunks()\n"
        "t = timestamps_from_arrow(a, 't')\n"
        "assert t.unparseable == 1 and t.valid.tolist() == [True, False, False, True], t\n"
        "assert 'pandas' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
