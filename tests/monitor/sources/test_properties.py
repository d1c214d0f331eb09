"""The law of windows: the rows of all windows are exactly the rows whose timestamp lies in
some window, each once, whatever the files, their order and the windows."""

from __future__ import annotations

import datetime as dt
import itertools
import sqlite3
import tempfile
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from driftscope.monitor.sources import FileSource, SqlSource
from driftscope.monitor.sources.base import read_timestamps
from tests.monitor.sources._logs import write_csv, write_parquet

SPAN = 1_000
"""Timestamps are drawn from [0, SPAN) seconds after the epoch, so windows often meet rows."""


@st.composite
def windows(draw: st.DrawFn) -> list[tuple[int, int]]:
    edges = sorted(set(draw(st.lists(st.integers(-10, SPAN + 10), min_size=2, max_size=12))))
    pairs = list(itertools.pairwise(edges))
    kept = [p for p in pairs if draw(st.booleans())] or pairs[:1]
    return [(a * 10**9, b * 10**9) for a, b in kept]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    files=st.lists(
        st.lists(st.one_of(st.none(), st.integers(0, SPAN - 1)), max_size=30),
        min_size=1,
        max_size=4,
    ),
    cuts=windows(),
    csv_every=st.integers(2, 5),
)
def test_windows_hold_exactly_the_rows_inside_them(
    files: list[list[int | None]], cuts: list[tuple[int, int]], csv_every: int
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        expected: Counter[int] = Counter()
        row = 0
        for i, seconds in enumerate(files):
            ids = list(range(row, row + len(seconds)))
            row += len(seconds)
            stamps = [None if s is None else s * 10**9 for s in seconds]
            if i % csv_every == 1:  # some text files among the Parquet ones
                texts = [None if s is None else s for s in stamps]
                write_csv(Path(folder) / f"{i}.csv", texts, id=ids)
            else:
                write_parquet(Path(folder) / f"{i}.parquet", stamps, id=ids)
            for n, s in zip(ids, stamps, strict=True):
                if s is not None and any(a <= s < b for a, b in cuts):
                    expected[n] += 1
        source = FileSource(folder, "ts")
        parts = source.scan({})
        got: Counter[int] = Counter()
        for window in source.read_windows(parts, cuts):
            start, end = cuts[window.index]
            if window.table.num_rows:
                got.update(window.table.column("id").to_pylist())
                stamps = read_timestamps(window.table.column("ts"), "ts", "window")
                assert stamps.valid.all()
                assert all(start <= t < end for t in stamps.nanos.tolist())
        assert got == expected


def _text(seconds: int, minutes_east: int, separator: str, utc_z: bool) -> str:
    """The instant ``seconds`` after the epoch as ISO 8601 text at an offset."""
    local = dt.datetime.fromtimestamp(seconds, dt.UTC) + dt.timedelta(minutes=minutes_east)
    if minutes_east == 0 and utc_z:
        zone = "Z"
    else:
        sign = "+" if minutes_east >= 0 else "-"
        zone = f"{sign}{abs(minutes_east) // 60:02}:{abs(minutes_east) % 60:02}"
    return local.strftime(f"%Y-%m-%d{separator}%H:%M:%S") + zone


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(
        st.tuples(
            st.integers(0, SPAN - 1),
            st.sampled_from([0, 0, 60, -300, 330, 840, -720]),
            st.sampled_from(["T", " "]),
            st.booleans(),
        ),
        max_size=40,
    ),
    cuts=windows(),
)
def test_sql_text_windows_hold_exactly_the_rows_inside_them(
    rows: list[tuple[int, int, str, bool]], cuts: list[tuple[int, int]]
) -> None:
    # Texts at many offsets do not sort as their instants: the per-window text bounds must
    # still let every row of the window through, and the exact filter every other one out.
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "logs.db"
        with sqlite3.connect(path) as db:
            db.execute("CREATE TABLE logs (ts TEXT, id INTEGER)")
            db.executemany(
                "INSERT INTO logs VALUES (?, ?)",
                [(_text(*row), i) for i, row in enumerate(rows)],
            )
        db.close()
        source = SqlSource(f"sqlite:///{path}", "ts", table="logs")
        expected = Counter(
            i for i, row in enumerate(rows) if any(a <= row[0] * 10**9 < b for a, b in cuts)
        )
        got: Counter[int] = Counter()
        for window in source.read_windows(source.scan({}), cuts):
            got.update(window.table.column("id").to_pylist())
        assert got == expected
