"""Inputs that crashed, hung or lied (issue 11), each as a test, and each class of them as a
property that would have found it: time-of-day columns, JSON Lines Arrow's reader cannot
take, delimiters, exact numbers, special files and long paths, and encodings."""

from __future__ import annotations

import codecs
import csv
import decimal
import encodings.aliases
import gzip
import json
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from driftscope._types import ColumnType
from driftscope.errors import ConfigError, DriftscopeError, InputError, SchemaError
from driftscope.io import (
    _head,
    category_counts,
    infer_type,
    numeric_values,
    read_chunks,
    read_dataset,
)
from driftscope.io._head import DELIMITERS, sniff_delimiter
from driftscope.io._jsonl_scan import MAX_JSON_DEPTH, _first_deep_line, check_json_lines

FILES = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _fails(data: object, error: type[Exception] = InputError, **kwargs: str) -> str:
    with pytest.raises(error) as info:
        read_dataset(data, **kwargs)
    message = str(info.value)
    assert "\n" not in message
    return message


def _chunks_fail(path: Path, error: type[Exception] = InputError, **kwargs: str) -> str:
    with pytest.raises(error) as info:
        list(read_chunks(path, **kwargs).tables)
    message = str(info.value)
    assert "\n" not in message
    return message


def _outcome(read: Callable[[], object], error: type[Exception] = InputError) -> str | None:
    """None when ``read`` succeeds, the message when it raises ``error`` (anything else
    propagates and fails the test)."""
    try:
        read()
    except error as exc:
        return str(exc)
    return None


# --- times of day ----------------------------------------------------------------------------

TIME_TYPES = {
    "time32_s": (pa.time32("s"), 1),
    "time32_ms": (pa.time32("ms"), 1_000),
    "time64_us": (pa.time64("us"), 1_000_000),
    "time64_ns": (pa.time64("ns"), 1_000_000_000),
}


@pytest.mark.parametrize("arrow_type", TIME_TYPES, ids=list(TIME_TYPES))
def test_times_of_day_are_seconds_since_midnight(arrow_type: str) -> None:
    t, per_second = TIME_TYPES[arrow_type]
    seconds = [0, 45_000, 86_399, None]
    column = pa.chunked_array([[None if s is None else s * per_second for s in seconds]], t)
    assert infer_type("at", column) == ColumnType.NUMERIC
    np.testing.assert_array_equal(numeric_values(column), [0.0, 45_000.0, 86_399.0, np.nan])


def test_a_csv_time_of_day_column_is_read_as_seconds(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("at,x\n12:30,1\n00:00,2\n23:59:59,3\n")
    column = read_dataset(path).table.column("at")
    assert numeric_values(column).tolist() == [45_000.0, 0.0, 86_399.0]


def test_parquet_times_of_day_count_as_categories(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"at": pa.array([3_600, 7_200, 3_600], pa.time32("s"))}), path)
    column = read_dataset(path).table.column("at")
    counts = category_counts(column, column)
    assert counts.reference.tolist() == [2, 1]


TEMPORAL = st.sampled_from(
    [
        *(t for t, _ in TIME_TYPES.values()),
        pa.date32(),
        pa.date64(),
        pa.timestamp("s"),
        pa.timestamp("ns", tz="UTC"),
        pa.duration("ms"),
        pa.duration("ns"),
    ]
)


@given(t=TEMPORAL, data=st.data())
@settings(deadline=None)
def test_every_temporal_type_converts_without_an_internal_error(
    t: pa.DataType, data: st.DataObject
) -> None:
    """The class of the time32 crash: each temporal Arrow type readers can produce goes
    through inference, numeric values and category counts (then any type would)."""
    high = {32: 2**31 - 1, 64: 2**62}[t.bit_width]
    if pa.types.is_time(t):
        high = 86_399 * {"s": 1, "ms": 10**3, "us": 10**6, "ns": 10**9}[t.unit]
    if pa.types.is_date64(t):
        high = 10**12 // 86_400_000 * 86_400_000
    ticks = data.draw(st.lists(st.one_of(st.none(), st.integers(0, high)), max_size=20))
    if pa.types.is_date64(t):
        ticks = [None if v is None else v // 86_400_000 * 86_400_000 for v in ticks]
    storage = pa.int32() if t.bit_width == 32 else pa.int64()
    column = pa.chunked_array([pa.array(ticks, storage).cast(t)], t)
    kind = infer_type("c", column)
    assert kind in (ColumnType.NUMERIC, ColumnType.DATETIME)
    values = numeric_values(column)
    assert len(values) == len(ticks)
    assert np.isnan(values).sum() == ticks.count(None)
    counts = category_counts(column, column)
    assert counts.reference.sum() == len(ticks) - ticks.count(None)


# --- JSON Lines ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("null\nnull\n", "line 1: holds null; expected one JSON object per line"),
        ('{"a": 1}\n\nnull\n', "line 3: holds null"),
        ('{"a": 1}\n[1, 2]\n', "line 2: holds an array"),
        ('{"a": 1}\n7\n', "line 2: holds a number"),
        ('{"a": 1}\n"s"\n', "line 2: holds a string"),
        ('{"a": 1}\ntrue\n', "line 2: holds a boolean"),
    ],
    ids=["null_lines", "null_after_blank", "array_line", "number_line", "string_line", "bool"],
)
def test_json_lines_that_are_not_objects_are_named(tmp_path: Path, text: str, needle: str) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text(text)
    message = _fails(path)
    assert message.startswith(f"{path}: ")
    assert needle in message
    assert _chunks_fail(path) == message


@pytest.mark.parametrize("kind", ["objects", "arrays"])
def test_json_nested_ten_thousand_deep_is_refused_with_its_line(tmp_path: Path, kind: str) -> None:
    depth = 10_000
    deep = (
        '{"a": ' * depth + "1" + "}" * depth
        if kind == "objects"
        else ('{"a": ' + "[" * depth + "]" * depth + "}")
    )
    path = tmp_path / "x.jsonl"
    path.write_text('{"a": 1}\n' + deep + "\n")
    assert _fails(path).startswith(f"{path}: line 2: nests objects or arrays more than 64 deep")


def test_json_nesting_up_to_the_limit_is_read(tmp_path: Path) -> None:
    depth = MAX_JSON_DEPTH - 1
    path = tmp_path / "x.jsonl"
    path.write_text('{"a": ' + "[" * depth + "]" * depth + ', "b": "[[[[{{{{"}\n')
    assert read_dataset(path).column_names == ("a", "b")


def test_brackets_inside_strings_do_not_count_as_nesting(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    text = json.dumps({"s": "[" * 500 + '\\"' + "{" * 500})
    path.write_text(text + "\n")
    assert read_dataset(path).column_names == ("s",)


def test_a_truncated_gzip_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl.gz"
    whole = gzip.compress(b"".join(b'{"a": %d}\n' % i for i in range(2_000)))
    path.write_bytes(whole[: len(whole) // 2])
    expected = f"{path}: the compressed file is truncated (it ends mid-stream)"
    assert _fails(path) == expected
    assert _chunks_fail(path) == expected


def test_a_file_named_gz_that_is_not_gzip_is_named(tmp_path: Path) -> None:
    path = tmp_path / "x.csv.gz"
    path.write_bytes(b"a,b\n1,2\n")
    assert _fails(path).startswith(f"{path}: cannot read file (")


def _reference_depth(line: str) -> int:
    """The deepest nesting in a JSON line, by Python's own parser."""

    def depth(value: object) -> int:
        if isinstance(value, dict):
            return 1 + max((depth(v) for v in value.values()), default=0)
        if isinstance(value, list):
            return 1 + max((depth(v) for v in value), default=0)
        return 0

    return depth(json.loads(line))


JSON_TEXT = st.text(alphabet=st.sampled_from('ab"\\[]{}\n\t é'), max_size=8)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | JSON_TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(JSON_TEXT, inner, max_size=3),
    max_leaves=20,
)


@st.composite
def json_lines(draw: st.DrawFn) -> list[str]:
    lines = []
    for _ in range(draw(st.integers(1, 6))):
        value = draw(st.dictionaries(JSON_TEXT, JSON_VALUES, max_size=3))
        depth = draw(st.sampled_from([0, 0, 0, MAX_JSON_DEPTH - 2, MAX_JSON_DEPTH, 3_000]))
        if depth:
            open_, close = draw(st.sampled_from([("[", "]"), ('{"k": ', "}")]))
            value = json.loads(open_ * depth + "1" + close * depth) if depth < 500 else value
            line = (
                json.dumps({"deep": value})
                if depth < 500
                else ('{"deep": ' + open_ * depth + "1" + close * depth + "}")
            )
        else:
            line = json.dumps(value, ensure_ascii=draw(st.booleans()))
        lines.append(line)
    return lines


@given(lines=json_lines())
@settings(max_examples=150, deadline=None)
def test_the_depth_scan_agrees_with_pythons_parser(lines: list[str]) -> None:
    """Escaped quotes, brackets in strings and blank lines: the numpy scan finds the same
    first too-deep line as a recursive walk of what ``json.loads`` returns."""
    text = "\n".join(lines) + "\n"
    expected = next((i for i, line in enumerate(lines) if _depth_of(line) > MAX_JSON_DEPTH), None)
    data = text.encode()
    raw = np.frombuffer(data, np.uint8)
    assert _first_deep_line(data, raw, np.flatnonzero(raw == ord("\n"))) == expected


def _depth_of(line: str) -> int:
    try:
        return _reference_depth(line)
    except RecursionError:
        return 10**9


SCALAR_LINES = st.sampled_from(["null", "1", "-2.5", '"x"', "true", "[]", "[1]", "{}", ""])


@given(lines=st.lists(st.one_of(json_lines(), st.lists(SCALAR_LINES, max_size=3)), max_size=4))
@FILES
def test_any_json_lines_file_reads_or_fails_with_one_line(
    tmp_path_factory: pytest.TempPathFactory, lines: list[list[str]]
) -> None:
    """The class of the segfaults: whatever the lines hold (objects, scalars, null, deep
    nesting, blank lines), reading returns a table or raises one InputError line; a crash
    inside Arrow would take this test process down with it."""
    path = tmp_path_factory.mktemp("jsonl") / "x.jsonl"
    path.write_text("\n".join(line for group in lines for line in group) + "\n")
    message = _outcome(lambda: read_dataset(path))
    assert message is None or (message.startswith(f"{path}: ") and "\n" not in message)


def test_scan_counts_lines_across_blocks(tmp_path: Path) -> None:
    path = "x.jsonl"
    blocks = [b'{"a": 1}\n{"a"', b": 2}\n\n", b"null\n"]
    with pytest.raises(InputError, match=r"^x\.jsonl: line 4: holds null"):
        check_json_lines(path, blocks)


# --- delimiters ------------------------------------------------------------------------------


def test_a_semicolon_csv_is_split_on_semicolons(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a;b;c\n" + "".join(f"{i};{i % 7},5;x{i % 3}\n" for i in range(100)))
    dataset = read_dataset(path)
    assert dataset.column_names == ("a", "b", "c")
    assert [t.column_names for t in read_chunks(path).tables] == [["a", "b", "c"]]


def test_a_given_delimiter_is_used_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a;b\n1;2\n")
    assert read_dataset(path, delimiter=",").column_names == ("a;b",)


def test_a_one_column_csv_stays_one_column(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("value\n1\n2\n")
    assert read_dataset(path).column_names == ("value",)


def test_commas_win_when_semicolons_are_inside_the_values() -> None:
    assert sniff_delimiter("a,b\nx;y,1\nz;w,2\n") == ","


CELLS = st.one_of(
    st.integers(-1000, 1000).map(str),
    st.text(alphabet="xyz ,;|\t", min_size=1, max_size=6),
)


@given(
    delimiter=st.sampled_from(DELIMITERS),
    width=st.integers(2, 5),
    data=st.data(),
)
@FILES
def test_every_supported_delimiter_is_found_without_being_told(
    tmp_path_factory: pytest.TempPathFactory, delimiter: str, width: int, data: st.DataObject
) -> None:
    """The class of the one-column semicolon file: a table written with any of the guessed
    separators (values quoted where they hold one) reads back with its columns."""
    names = [f"c{i}" for i in range(width)]
    rows = data.draw(st.lists(st.lists(CELLS, min_size=width, max_size=width), min_size=1))
    path = tmp_path_factory.mktemp("csv") / "x.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter, quoting=csv.QUOTE_MINIMAL)
        writer.writerow(names)
        writer.writerows(rows)
    assert read_dataset(path).column_names == tuple(names)


# --- exact numbers ---------------------------------------------------------------------------


@given(
    st.lists(
        st.decimals(
            min_value=-(10**11), max_value=10**11, places=6, allow_nan=False, allow_infinity=False
        ),
        min_size=1,
        max_size=50,
    )
)
def test_decimals_convert_to_the_nearest_float(values: list[decimal.Decimal]) -> None:
    """The class of the one-ulp decimal error: each decimal becomes the float Python's
    correctly rounded conversion gives, so a float column written as decimals does not drift."""
    column = pa.chunked_array([pa.array(values, pa.decimal128(18, 6))])
    assert numeric_values(column).tolist() == [float(v) for v in values]


def test_a_float_column_and_its_decimal_copy_do_not_differ() -> None:
    rng = np.random.default_rng(3)
    x = np.round(rng.normal(size=2_000) * 1_000, 6)
    as_decimal = pa.array(
        [decimal.Decimal(float(v)).quantize(decimal.Decimal("0.000001")) for v in x],
        pa.decimal128(18, 6),
    )
    np.testing.assert_array_equal(numeric_values(as_decimal), x)
    counts = category_counts(as_decimal, pa.array(x))
    assert counts.reference.tolist() == counts.current.tolist()


def test_integers_beyond_float_precision_are_categories() -> None:
    k = np.arange(200) % 20
    reference = pa.chunked_array([pa.array(2**60 + k)])
    current = pa.chunked_array([pa.array(2**60 + k + 3)])
    assert infer_type("x", reference) == ColumnType.CATEGORICAL
    counts = category_counts(reference, current)
    assert len(counts.labels) == 23  # every exact value its own category
    assert infer_type("x", pa.chunked_array([pa.array(k + 2**50)])) == ColumnType.NUMERIC


@given(
    st.lists(st.integers(0, 2**64 - 1), min_size=1, max_size=20),
    st.lists(st.integers(-(2**63), 2**63 - 1), min_size=1, max_size=20),
)
def test_integer_categories_are_counted_exactly(big: list[int], signed: list[int]) -> None:
    """uint64 against int64: exact values, whatever their size."""
    counts = category_counts(pa.array(big, pa.uint64()), pa.array(signed, pa.int64()))
    assert sorted(counts.labels) == sorted({str(v) for v in big + signed})
    assert counts.reference.sum() == len(big)
    assert counts.current.sum() == len(signed)


# --- special files, long names, long headers -------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_is_named_as_such_without_blocking(tmp_path: Path) -> None:
    path = tmp_path / "pipe.csv"
    os.mkfifo(path)
    expected = f"{path}: is a FIFO (named pipe), not a regular file; driftscope reads only files"
    assert _fails(path) == expected
    assert _chunks_fail(path) == expected


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_a_device_is_named_as_such_without_being_read() -> None:
    assert _fails("/dev/zero") == (
        "/dev/zero: is a character device, not a regular file; driftscope reads only files"
    )


@pytest.mark.parametrize("where", ["folder", "file"])
def test_a_path_part_over_255_characters_is_named(tmp_path: Path, where: str) -> None:
    long = "a" * 300
    path = tmp_path / long / "x.csv" if where == "folder" else tmp_path / f"{long}.csv"
    message = _fails(path)
    assert message == f"{path}: the path or a part of it is too long for the file system " + (
        "(255 bytes a part)"
    )
    assert _chunks_fail(path) == message


def test_a_header_line_over_a_megabyte_is_read(tmp_path: Path) -> None:
    names = [f"c{i}_" + "x" * 600 for i in range(2_000)]
    path = tmp_path / "wide.csv"
    path.write_text(",".join(names) + "\n" + ",".join("1" for _ in names) + "\n")
    assert path.stat().st_size > 1 << 20
    assert read_dataset(path).column_names == tuple(names)
    assert [t.num_columns for t in read_chunks(path).tables] == [2_000]


def test_a_header_without_a_line_end_is_read_only_up_to_the_cap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_head, "MAX_HEADER_BYTES", 1_000)
    monkeypatch.setattr(_head, "_PIECE", 512)
    path = tmp_path / "x.csv"
    path.write_bytes(b"a" * 5_000)
    assert _fails(path) == (
        f"{path}: the header line is longer than 1,000 bytes without a line end; is this a "
        "CSV file?"
    )


def test_an_empty_csv_is_still_called_empty(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("")
    assert _fails(path) == f"{path}: file is empty (no header line)"


# --- encodings -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "encoding", ["rot13", "base64", "zlib", "hex", "klingon", "punycode", "idna", ""]
)
def test_codecs_that_are_not_file_encodings_are_config_errors(
    tmp_path: Path, encoding: str
) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a\n1\n")
    expected = "parameter 'encoding' must be a text encoding Python knows; got " + repr(encoding)
    assert _fails(path, ConfigError, encoding=encoding) == f"read_dataset: {expected}"
    with pytest.raises(ConfigError, match=r"^read_chunks: "):
        read_chunks(path, encoding=encoding)


ALL_CODECS = sorted(set(encodings.aliases.aliases.values()) | {"punycode", "idna", "rot13"})


@given(encoding=st.sampled_from(ALL_CODECS), as_jsonl=st.booleans())
@FILES
def test_every_codec_python_knows_reads_or_fails_with_one_line(
    tmp_path_factory: pytest.TempPathFactory, encoding: str, as_jsonl: bool
) -> None:
    """The class of ``--encoding rot13``: any codec name reads the file or raises one of
    driftscope's own errors, through both readers."""
    try:
        codecs.lookup(encoding)
    except LookupError:
        return
    folder = tmp_path_factory.mktemp("enc")
    path = folder / ("x.jsonl" if as_jsonl else "x.csv")
    path.write_text('{"a": 1}\n' if as_jsonl else "a,b\n1,2\n")
    for read in (read_dataset, lambda p, **k: list(read_chunks(p, **k).tables)):
        message = _outcome(lambda read=read: read(path, encoding=encoding), DriftscopeError)
        assert message is None or "\n" not in message


def test_reading_a_csv_in_chunks_refuses_duplicate_column_names(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b,a\n1,2,3\n")
    assert _chunks_fail(path, SchemaError) == f"{path}: duplicate column name 'a'"
