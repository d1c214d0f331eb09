"""Issue 11's inputs through the command line: ``report`` and ``profile`` give a result or
one line and exit 2, never an internal error."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.cli._helpers import run


def assert_one_line_error(code: int, err: str, *needles: str) -> None:
    assert code == 2, err
    assert "internal error" not in err
    assert len(err.strip().splitlines()) == 1, err
    for needle in needles:
        assert needle in err, (needle, err)


def _times_csv(path: Path, seed: int) -> Path:
    rng = np.random.default_rng(seed)
    rows = [
        f"{h:02d}:{m:02d},{x:.4f}"
        for h, m, x in zip(
            rng.integers(0, 24, 300), rng.integers(0, 60, 300), rng.normal(size=300), strict=True
        )
    ]
    path.write_text("at,x\n" + "\n".join(rows) + "\n")
    return path


def _times_parquet(path: Path, seed: int) -> Path:
    rng = np.random.default_rng(seed)
    seconds = rng.integers(0, 86_400, 300)
    table = pa.table(
        {
            "t32": pa.array(seconds.astype(np.int32), pa.time32("s")),
            "t64": pa.array(seconds * 10**6, pa.time64("us")),
            "x": rng.normal(size=300),
        }
    )
    pq.write_table(table, path)
    return path


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_time_of_day_columns_are_reported_and_profiled(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, kind: str
) -> None:
    write = _times_csv if kind == "csv" else _times_parquet
    reference = write(tmp_path / f"ref.{kind}", 0)
    current = write(tmp_path / f"cur.{kind}", 1)
    code, out, err = run(capsys, "report", str(reference), str(current), "--json", "-")
    assert code == 0, err
    assert "error" not in {c["status"] for c in json.loads(out)["columns"]}
    profile = tmp_path / "ref.dsprof"
    code, _, err = run(capsys, "profile", str(reference), "-o", str(profile))
    assert code == 0, err
    code, _, err = run(capsys, "report", str(profile), str(current))
    assert code == 0, err


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"null\nnull\n", "line 1: holds null"),
        (b'{"a": ' * 10_000 + b"1" + b"}" * 10_000 + b"\n", "more than 64 deep"),
        (b'{"a": ' + b"[" * 10_000 + b"]" * 10_000 + b"}\n", "more than 64 deep"),
    ],
    ids=["null_lines", "deep_objects", "deep_arrays"],
)
@pytest.mark.parametrize("command", ["report", "profile"])
def test_json_lines_arrow_cannot_take_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: bytes, needle: str, command: str
) -> None:
    path = tmp_path / "x.jsonl"
    path.write_bytes(content)
    argv = (
        [command, str(path), str(path)]
        if command == "report"
        else [command, str(path), "-o", str(tmp_path / "x.dsprof")]
    )
    code, _, err = run(capsys, *argv)
    assert_one_line_error(code, err, str(path), needle)


@pytest.mark.parametrize("command", ["report", "profile"])
def test_a_truncated_gzip_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str
) -> None:
    path = tmp_path / "x.jsonl.gz"
    whole = gzip.compress(b"".join(b'{"a": %d}\n' % i for i in range(2_000)))
    path.write_bytes(whole[: len(whole) // 2])
    argv = (
        [command, str(path), str(path)]
        if command == "report"
        else [command, str(path), "-o", str(tmp_path / "x.dsprof")]
    )
    code, _, err = run(capsys, *argv)
    assert_one_line_error(code, err, str(path), "truncated")


def test_a_semicolon_csv_is_compared_column_by_column(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    rng = np.random.default_rng(0)
    for name, shift in (("ref", 0.0), ("cur", 1.0)):
        rows = [f"{x:.4f};c{i % 3}" for i, x in enumerate(rng.normal(shift, 1, 500))]
        (tmp_path / f"{name}.csv").write_text("x;city\n" + "\n".join(rows) + "\n")
    code, out, err = run(
        capsys, "report", str(tmp_path / "ref.csv"), str(tmp_path / "cur.csv"), "--json", "-"
    )
    columns = {c["name"]: c for c in json.loads(out)["columns"]}
    assert set(columns) == {"x", "city"}, err
    assert columns["x"]["drifted"]
    assert code == 0, err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
@pytest.mark.parametrize("command", ["report", "profile"])
def test_a_fifo_exits_2_without_blocking(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str
) -> None:
    path = tmp_path / "pipe.csv"
    os.mkfifo(path)
    argv = (
        [command, str(path), str(path)]
        if command == "report"
        else [command, str(path), "-o", str(tmp_path / "x.dsprof")]
    )
    code, _, err = run(capsys, *argv)
    assert_one_line_error(code, err, str(path), "not a regular file")


@pytest.mark.parametrize("command", ["report", "profile"])
def test_a_path_part_over_255_characters_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str
) -> None:
    path = tmp_path / ("a" * 300) / "x.csv"
    argv = (
        [command, str(path), str(path)]
        if command == "report"
        else [command, str(path), "-o", str(tmp_path / "x.dsprof")]
    )
    code, _, err = run(capsys, *argv)
    assert_one_line_error(code, err, "too long")


@pytest.mark.parametrize("encoding", ["rot13", "base64", "zlib", "klingon"])
@pytest.mark.parametrize("command", ["report", "profile"])
def test_codecs_that_are_not_text_encodings_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, encoding: str, command: str
) -> None:
    path = _times_csv(tmp_path / "x.csv", 0)
    argv = (
        [command, str(path), str(path)]
        if command == "report"
        else [command, str(path), "-o", str(tmp_path / "x.dsprof")]
    )
    code, _, err = run(capsys, *argv, "--encoding", encoding)
    assert_one_line_error(code, err, encoding)
