"""FileSource: finding log files, scanning them cheaply, and cutting their rows into windows."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

import pyarrow as pa
import pytest

from driftscope.errors import InputError
from driftscope.monitor._config_models import Logs
from driftscope.monitor.sources import FileSource, Part, open_source
from driftscope.monitor.sources import files as files_module
from tests.monitor.sources._logs import (
    DAY,
    HOUR,
    T0,
    write_csv,
    write_jsonl,
    write_parquet,
)


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files opened from now on, in order (every read goes through ``_read_file``)."""
    opened: list[str] = []
    real = files_module._read_file

    def counting(path: str, columns: Sequence[str] | None) -> pa.Table:
        opened.append(Path(path).name)
        return real(path, columns)

    monkeypatch.setattr(files_module, "_read_file", counting)
    return opened


def hours(*offsets: float) -> list[int]:
    return [T0 + int(h * HOUR) for h in offsets]


def tables(
    source: FileSource,
    parts: list[Part],
    windows: list[tuple[int, int]],
    columns: Sequence[str] | None = None,
) -> list[pa.Table]:
    return [w.table for w in source.read_windows(parts, windows, columns)]


def one_line(exc: pytest.ExceptionInfo[InputError]) -> str:
    message = str(exc.value)
    assert "\n" not in message
    return message


# --- finding files ----------------------------------------------------------------------------


def test_a_folder_is_searched_recursively_skipping_bookkeeping_files(tmp_path: Path) -> None:
    write_parquet(tmp_path / "a.parquet", hours(0, 1), x=[1, 2])
    write_csv(tmp_path / "2026" / "03" / "b.csv", hours(2), x=[3])
    write_jsonl(tmp_path / "c.jsonl", hours(3), x=[4])
    write_parquet(tmp_path / "_temporary" / "d.parquet", hours(4), x=[5])
    write_parquet(tmp_path / ".staging" / "e.parquet", hours(4), x=[5])
    write_parquet(tmp_path / "_f.parquet", hours(4), x=[5])
    (tmp_path / "_SUCCESS").write_text("")
    (tmp_path / "README.md").write_text("logs")
    parts = FileSource(str(tmp_path), "ts").scan({})
    assert [Path(p.key).relative_to(tmp_path).as_posix() for p in parts] == [
        "2026/03/b.csv",
        "a.parquet",
        "c.jsonl",
    ]
    assert all(Path(p.key).is_absolute() for p in parts)
    assert [(p.rows, p.first, p.last) for p in parts] == [
        (1, T0 + 2 * HOUR, T0 + 2 * HOUR),
        (2, T0, T0 + HOUR),
        (1, T0 + 3 * HOUR, T0 + 3 * HOUR),
    ]
    assert all((p.missing, p.unparseable) == (0, 0) for p in parts)
    status = (tmp_path / "a.parquet").stat()
    assert (parts[1].size, parts[1].mtime_ns) == (status.st_size, status.st_mtime_ns)


def test_a_single_file_and_a_glob_name_their_files(tmp_path: Path) -> None:
    write_csv(tmp_path / "a.csv", hours(0), x=[1])
    write_csv(tmp_path / "b.csv", hours(1), x=[2])
    write_parquet(tmp_path / "c.parquet", hours(2), x=[3])
    single = FileSource(str(tmp_path / "b.csv"), "ts").scan({})
    assert [Path(p.key).name for p in single] == ["b.csv"]
    globbed = FileSource(str(tmp_path / "*.csv"), "ts").scan({})
    assert [Path(p.key).name for p in globbed] == ["a.csv", "b.csv"]
    everything = FileSource(str(tmp_path / "**" / "*"), "ts").scan({})
    assert [Path(p.key).name for p in everything] == ["a.csv", "b.csv", "c.parquet"]


def test_gzipped_json_lines_and_tsv_are_log_files(tmp_path: Path) -> None:
    import gzip

    write_jsonl(tmp_path / "a.jsonl", hours(0, 1), x=[1, 2])
    (tmp_path / "a.json.gz").write_bytes(gzip.compress((tmp_path / "a.jsonl").read_bytes()))
    (tmp_path / "a.jsonl").unlink()
    (tmp_path / "b.tsv").write_text("ts\tx\n2026-03-01T05:00:00Z\t7\n")
    parts = FileSource(str(tmp_path), "ts").scan({})
    assert [(Path(p.key).name, p.rows) for p in parts] == [("a.json.gz", 2), ("b.tsv", 1)]


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda d: d / "nothing-here", id="missing-path"),
        pytest.param(lambda d: d, id="empty-folder"),
        pytest.param(lambda d: d / "*.parquet", id="glob-matching-nothing"),
    ],
)
def test_a_path_matching_no_log_file_is_one_line(
    tmp_path: Path, make: Callable[[Path], Path]
) -> None:
    (tmp_path / "notes.txt").write_text("not a log")
    path = str(make(tmp_path))
    with pytest.raises(InputError) as exc:
        FileSource(path, "ts").scan({})
    assert one_line(exc).startswith(f"logs: no log file matches {path}; ")


def test_a_single_file_of_unknown_type_is_named(tmp_path: Path) -> None:
    path = tmp_path / "logs.xlsx"
    path.write_bytes(b"PK")
    with pytest.raises(InputError, match="unknown file type") as exc:
        FileSource(str(path), "ts").scan({})
    assert str(path) in one_line(exc)


@pytest.mark.parametrize(
    "writer", [write_parquet, write_csv, write_jsonl], ids=["parquet", "csv", "jsonl"]
)
def test_a_file_without_the_timestamp_column_names_file_and_column(
    tmp_path: Path, writer: Callable[..., Path]
) -> None:
    path = writer(tmp_path / f"a.{writer.__name__.removeprefix('write_')}", hours(0), x=[1])
    with pytest.raises(InputError) as exc:
        FileSource(str(tmp_path), "event_time").scan({})
    message = one_line(exc)
    assert str(path) in message
    assert "'event_time'" in message
    assert "'ts'" in message  # the columns it has


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        pytest.param("a.parquet", b"PAR1 not really", "not a readable Parquet file", id="parquet"),
        pytest.param("a.csv", b"ts,x\n2026-03-01T00:00:00Z,1,2,3\n", "fields", id="csv"),
        pytest.param("a.jsonl", b'{"ts": "2026-03-01T00:00:00Z"}\n[1, 2]\n', "line 2", id="jsonl"),
    ],
)
def test_an_unreadable_file_is_one_line_naming_it(
    tmp_path: Path, name: str, content: bytes, says: str
) -> None:
    (tmp_path / name).write_bytes(content)
    with pytest.raises(InputError) as exc:
        FileSource(str(tmp_path), "ts").scan({})
    message = one_line(exc)
    assert str(tmp_path / name) in message
    assert says in message


# --- scanning ---------------------------------------------------------------------------------


def test_new_files_are_picked_up_and_unchanged_ones_never_reopened(
    tmp_path: Path, reads: list[str]
) -> None:
    old = write_parquet(tmp_path / "a.parquet", hours(0, 1), x=[1, 2])
    write_csv(tmp_path / "b.csv", hours(2), x=[3])
    source = FileSource(str(tmp_path), "ts")
    first = source.scan({})
    assert reads == ["a.parquet", "b.csv"]
    # New content of the same size under the same modification time: a scan that opened the
    # file would see the new timestamps; one that trusts (size, mtime) keeps the old part.
    status = old.stat()
    write_parquet(old, hours(5, 6), x=[1, 2])
    os.utime(old, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert old.stat().st_size == status.st_size
    write_jsonl(tmp_path / "c.jsonl", hours(3), x=[4])
    reads.clear()
    second = source.scan({p.key: p for p in first})
    assert reads == ["c.jsonl"]
    assert second[:2] == first
    assert [Path(p.key).name for p in second] == ["a.parquet", "b.csv", "c.jsonl"]


def test_a_changed_file_is_scanned_again(tmp_path: Path, reads: list[str]) -> None:
    path = write_parquet(tmp_path / "a.parquet", hours(0), x=[1])
    source = FileSource(str(tmp_path), "ts")
    first = source.scan({})
    write_parquet(path, hours(0, 1, 2), x=[1, 2, 3])
    reads.clear()
    (part,) = source.scan({p.key: p for p in first})
    assert reads == ["a.parquet"]
    assert (part.rows, part.last) == (3, T0 + 2 * HOUR)


def test_a_removed_file_drops_out_of_the_scan(tmp_path: Path) -> None:
    write_csv(tmp_path / "a.csv", hours(0), x=[1])
    gone = write_csv(tmp_path / "b.csv", hours(1), x=[2])
    source = FileSource(str(tmp_path), "ts")
    known = {p.key: p for p in source.scan({})}
    gone.unlink()
    assert [Path(p.key).name for p in source.scan(known)] == ["a.csv"]


def test_parquet_is_scanned_for_its_timestamp_column_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_parquet(tmp_path / "a.parquet", hours(0, 1), x=[1, 2], label=["a", "b"])
    asked: list[Sequence[str] | None] = []
    real = files_module._read_file
    monkeypatch.setattr(files_module, "_read_file", lambda p, c: asked.append(c) or real(p, c))
    FileSource(str(tmp_path), "ts").scan({})
    assert asked == [["ts"]]


def test_missing_and_unparseable_timestamps_are_counted_and_left_out(tmp_path: Path) -> None:
    stamps = [T0, "", None, "soon", T0 + HOUR, "2026-13-01T00:00:00Z"]
    write_csv(tmp_path / "a.csv", stamps, x=[1, 2, 3, 4, 5, 6])
    write_jsonl(tmp_path / "b.jsonl", stamps, x=[1, 2, 3, 4, 5, 6])
    write_parquet(tmp_path / "c.parquet", [T0, None, T0 + HOUR], x=[1, 2, 3])
    source = FileSource(str(tmp_path), "ts")
    parts = source.scan({})
    assert [(p.rows, p.missing, p.unparseable) for p in parts] == [(6, 2, 2), (6, 2, 2), (3, 1, 0)]
    assert all((p.first, p.last) == (T0, T0 + HOUR) for p in parts)
    (table,) = tables(source, parts, [(T0 - DAY, T0 + DAY)])
    assert sorted(table.column("x").to_pylist()) == [1, 1, 1, 3, 5, 5]


def test_a_file_without_any_valid_timestamp_has_no_range(tmp_path: Path, reads: list[str]) -> None:
    write_csv(tmp_path / "a.csv", ["soon", None], x=[1, 2])
    source = FileSource(str(tmp_path), "ts")
    (part,) = source.scan({})
    assert (part.first, part.last, part.missing, part.unparseable) == (None, None, 1, 1)
    reads.clear()
    (table,) = tables(source, [part], [(T0, T0 + DAY)])
    assert table.num_rows == 0
    assert reads == []


def test_dates_and_offsets_are_read_as_utc_instants(tmp_path: Path) -> None:
    write_csv(tmp_path / "a.csv", ["2026-03-01", "2026-03-01T03:00:00+02:00"], x=[1, 2])
    (part,) = FileSource(str(tmp_path), "ts").scan({})
    assert (part.first, part.last) == (T0, T0 + HOUR)


# --- reading windows --------------------------------------------------------------------------


def test_a_window_spanning_two_files_takes_rows_from_both(tmp_path: Path, reads: list[str]) -> None:
    write_parquet(tmp_path / "a.parquet", hours(0, 1, 2, 3, 4, 5), x=[0, 1, 2, 3, 4, 5])
    write_parquet(tmp_path / "b.parquet", hours(4.5, 6, 7, 8), x=[45, 6, 7, 8])
    source = FileSource(str(tmp_path), "ts")
    parts = source.scan({})
    reads.clear()
    windows = [(T0, T0 + 3 * HOUR), (T0 + 3 * HOUR, T0 + 6 * HOUR), (T0 + 6 * HOUR, T0 + 9 * HOUR)]
    got = [t.column("x").to_pylist() for t in tables(source, parts, windows)]
    assert got == [[0, 1, 2], [3, 4, 5, 45], [6, 7, 8]]
    assert reads == ["a.parquet", "b.parquet"]


def test_hourly_windows_over_a_daily_file_read_it_once(tmp_path: Path, reads: list[str]) -> None:
    quarters = [T0 + q * HOUR // 4 for q in range(24 * 4)]
    write_parquet(tmp_path / "day.parquet", quarters, x=list(range(96)))
    source = FileSource(str(tmp_path), "ts")
    parts = source.scan({})
    reads.clear()
    windows = [(T0 + h * HOUR, T0 + (h + 1) * HOUR) for h in range(24)]
    got = list(source.read_windows(parts, windows))
    assert [w.index for w in got] == list(range(24))
    assert [w.table.column("x").to_pylist() for w in got] == [
        list(range(4 * h, 4 * h + 4)) for h in range(24)
    ]
    assert reads == ["day.parquet"]


def test_rows_outside_every_window_are_left_out_and_empty_windows_are_empty(tmp_path: Path) -> None:
    write_parquet(tmp_path / "a.parquet", hours(0, 1, 2, 3, 4, 5, 6), x=[0, 1, 2, 3, 4, 5, 6])
    source = FileSource(str(tmp_path), "ts")
    parts = source.scan({})
    windows = [(T0 + HOUR, T0 + 2 * HOUR), (T0 + 4 * HOUR, T0 + 5 * HOUR), (T0 + DAY, T0 + 2 * DAY)]
    got = tables(source, parts, windows)
    assert [t.column("x").to_pylist() for t in got] == [[1], [4], []]
    assert got[2].schema == got[0].schema


def test_a_window_before_any_file_is_an_empty_table_with_the_timestamp(tmp_path: Path) -> None:
    write_parquet(tmp_path / "a.parquet", hours(5), x=[5])
    source = FileSource(str(tmp_path), "ts")
    parts = source.scan({})
    got = tables(source, parts, [(T0, T0 + HOUR), (T0 + 5 * HOUR, T0 + 6 * HOUR)])
    assert got[0].num_rows == 0
    assert "ts" in got[0].column_names
    assert got[1].column("x").to_pylist() == [5]


def test_files_are_read_lazily_and_in_window_order(tmp_path: Path, reads: list[str]) -> None:
    for day in range(3):
        write_parquet(tmp_path / f"{day}.parquet", [T0 + day * DAY + HOUR], x=[day])
    source = FileSource(str(tmp_path), "ts")
    parts = source.scan({})
    reads.clear()
    windows = iter(
        source.read_windows(parts, [(T0 + d * DAY, T0 + (d + 1) * DAY) for d in range(3)])
    )
    next(windows)
    assert reads == ["0.parquet"]
    next(windows)
    assert reads == ["0.parquet", "1.parquet"]


def test_rows_keep_file_order_when_a_file_is_not_sorted_by_time(tmp_path: Path) -> None:
    write_csv(tmp_path / "a.csv", hours(3, 0, 2, 1, 0.5), x=[3, 0, 2, 1, 5])
    source = FileSource(str(tmp_path), "ts")
    parts = source.scan({})
    got = tables(source, parts, [(T0, T0 + 2 * HOUR), (T0 + 2 * HOUR, T0 + 4 * HOUR)])
    assert [t.column("x").to_pylist() for t in got] == [[0, 1, 5], [3, 2]]


def test_text_files_scanned_are_not_read_again_for_their_windows(
    tmp_path: Path, reads: list[str]
) -> None:
    write_csv(tmp_path / "a.csv", hours(0, 1), x=[1, 2])
    write_jsonl(tmp_path / "b.jsonl", hours(2), x=[3])
    source = FileSource(str(tmp_path), "ts")
    parts = source.scan({})
    got = tables(source, parts, [(T0, T0 + DAY)])
    assert got[0].column("x").to_pylist() == [1, 2, 3]
    assert reads == ["a.csv", "b.jsonl"]


def test_columns_selects_them_and_keeps_the_timestamp(tmp_path: Path) -> None:
    write_parquet(tmp_path / "a.parquet", hours(0), x=[1], y=["a"], z=[0.5])
    write_csv(tmp_path / "b.csv", hours(1), x=[2], y=["b"], z=[1.5])
    source = FileSource(str(tmp_path), "ts")
    parts = source.scan({})
    (window,) = source.read_windows(parts, [(T0, T0 + DAY)], columns=["y", "x"])
    assert window.table.column_names == ["y", "x", "ts"]
    assert window.table.column("y").to_pylist() == ["a", "b"]
    assert window.notes == ()
    (window,) = source.read_windows(parts, [(T0, T0 + DAY)], columns=["x", "absent"])
    assert window.table.column("absent").null_count == 2
    assert any("'absent'" in note for note in window.notes)


def test_schema_differences_between_files_become_notes(tmp_path: Path) -> None:
    a = write_parquet(tmp_path / "a.parquet", hours(0), amount=[12], country=["FR"])
    b = write_csv(tmp_path / "b.csv", hours(1), amount=["12 EUR"], device=["ios"])
    c = write_jsonl(tmp_path / "c.jsonl", hours(2), amount=[7.5], country=["DE"], device=["web"])
    source = FileSource(str(tmp_path), "ts")
    parts = source.scan({})
    (window,) = source.read_windows(parts, [(T0, T0 + DAY)])
    table = window.table
    assert table.column_names == ["ts", "amount", "country", "device"]
    assert table.column("amount").to_pylist() == ["12", "12 EUR", "7.5"]
    assert table.column("country").to_pylist() == ["FR", None, "DE"]
    assert table.column("device").to_pylist() == [None, "ios", "web"]
    notes = "\n".join(window.notes)
    assert f"{b}: column 'amount' is string here but int64 in {a}; read as string" in notes
    assert f"{b}: has no column 'country', which {a} has" in notes
    assert f"{a}: has no column 'device', which {b} has" in notes
    assert str(c) in notes  # its float amount differs from the first file's integers
    assert len(window.notes) == 4


def test_numbers_widen_without_turning_into_text(tmp_path: Path) -> None:
    write_parquet(tmp_path / "a.parquet", hours(0), n=pa.array([1], pa.int32()))
    write_parquet(tmp_path / "b.parquet", hours(1), n=pa.array([2], pa.int64()))
    write_parquet(tmp_path / "c.parquet", hours(2), n=[2.5])
    source = FileSource(str(tmp_path), "ts")
    parts = source.scan({})
    got = [
        *source.read_windows(parts, [(T0, T0 + 2 * HOUR)]),
        *source.read_windows(parts, [(T0, T0 + DAY)]),
    ]
    assert got[0].table.column("n").type == pa.int64()
    assert got[0].notes == ()  # int32 and int64 are both integers: no note
    assert got[1].table.column("n").type == pa.float64()
    assert got[1].table.column("n").to_pylist() == [1.0, 2.0, 2.5]
    assert len(got[1].notes) == 1


def test_a_file_changed_after_the_scan_is_read_as_it_is_with_a_note(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", hours(0), x=[1])
    source = FileSource(str(tmp_path), "ts")
    parts = source.scan({})
    write_csv(path, hours(0, 0.5), x=[1, 2])
    (window,) = source.read_windows(parts, [(T0, T0 + HOUR)])
    assert window.table.column("x").to_pylist() == [1, 2]
    assert any("changed since" in note for note in window.notes)


def test_a_file_removed_after_the_scan_is_one_line(tmp_path: Path) -> None:
    path = write_parquet(tmp_path / "a.parquet", hours(0), x=[1])
    source = FileSource(str(tmp_path), "ts")
    parts = source.scan({})
    path.unlink()
    with pytest.raises(InputError) as exc:
        list(source.read_windows(parts, [(T0, T0 + HOUR)]))
    assert str(path) in one_line(exc)


def test_open_source_makes_a_file_source_for_a_path(tmp_path: Path) -> None:
    source = open_source(Logs(path=str(tmp_path / "*.parquet")), "ts")
    assert isinstance(source, FileSource)
    assert (source.path, source.timestamp) == (str(tmp_path / "*.parquet"), "ts")


def test_reading_windows_imports_no_pandas(tmp_path: Path) -> None:
    import subprocess
    import sys

    write_parquet(tmp_path / "a.parquet", hours(0, 1), x=[1, 2], label=["a", "b"])
    write_csv(tmp_path / "b.csv", hours(2), x=[3], label=["c"])
    code = (
        "import sys\n"
        "from driftscope.monitor.sources import FileSource\n"
        f"source = FileSource({str(tmp_path)!r}, 'ts')\n"
        "parts = source.scan({})\n"
        f"windows = [({T0 - DAY}, {T0}), ({T0}, {T0 + DAY})]\n"
        "print([w.table.num_rows for w in source.read_windows(parts, windows)])\n"
        "print('pandas' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == ["[0, 3]", "False"]


@pytest.mark.parametrize(
    "windows",
    [
        pytest.param([(T0, T0 + DAY), (T0 + HOUR, T0 + 2 * DAY)], id="overlapping"),
        pytest.param([(T0 + DAY, T0 + 2 * DAY), (T0, T0 + HOUR)], id="unsorted"),
        pytest.param([(T0, T0)], id="empty"),
    ],
)
def test_windows_must_be_sorted_and_apart(tmp_path: Path, windows: list[tuple[int, int]]) -> None:
    write_parquet(tmp_path / "a.parquet", hours(0), x=[1])
    source = FileSource(str(tmp_path), "ts")
    with pytest.raises(ValueError, match="window"):
        list(source.read_windows(source.scan({}), windows))


def test_an_empty_file_just_created_has_no_rows_and_is_not_opened(
    tmp_path: Path, reads: list[str]
) -> None:
    write_csv(tmp_path / "a.csv", hours(0), x=[1])
    (tmp_path / "b.jsonl").write_bytes(b"")
    source = FileSource(str(tmp_path), "ts")
    parts = source.scan({})
    assert reads == ["a.csv"]
    assert (parts[1].rows, parts[1].first, parts[1].size) == (0, None, 0)
    assert [w.table.num_rows for w in source.read_windows(parts, [(T0, T0 + DAY)])] == [1]


def test_a_glob_matching_folders_takes_the_files_in_them(tmp_path: Path) -> None:
    write_parquet(tmp_path / "2026-03-01" / "a.parquet", hours(0), x=[1])
    write_parquet(tmp_path / "2026-03-02" / "part" / "b.parquet", hours(24), x=[2])
    write_parquet(tmp_path / "2026-04-01" / "c.parquet", hours(24 * 31), x=[3])
    write_parquet(tmp_path / "2026-03-02" / "_tmp" / "d.parquet", hours(24), x=[4])
    parts = FileSource(str(tmp_path / "2026-03-*"), "ts").scan({})
    assert [Path(p.key).name for p in parts] == ["a.parquet", "b.parquet"]
