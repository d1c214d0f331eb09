"""`driftscope profile`: a bad input is one line that names the file, never twice."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from driftscope.cli import main


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "good.csv").write_text("a,b,city\n1,2,x\n3,4,y\n")
    (tmp_path / "latin.csv").write_bytes("a,b,city\n1,2,Zürich\n3,4,Genève\n".encode("latin-1"))
    (tmp_path / "broken.csv").write_text("a,b,city\n1,2,x\n3,4,y,extra\n")
    (tmp_path / "fake.parquet").write_bytes(b"this is not parquet at all" * 10)
    (tmp_path / "bad.dsprof").write_bytes(b"not a profile")
    binary = pa.table({"raw": pa.array([b"x", b"y"])})
    pq.write_table(binary, tmp_path / "bytes.parquet")
    (tmp_path / "b").mkdir()  # a name that is in many words of the message
    pq.write_table(binary, tmp_path / "b" / "bytes.parquet")
    (tmp_path / "parts").mkdir()
    (tmp_path / "parts" / "0.parquet").write_bytes(b"this is not parquet at all" * 10)
    pq.write_table(pa.table({"x": [1.0, 2.0]}), tmp_path / "parts" / "1.parquet")
    return tmp_path


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        pytest.param(["missing.parquet"], "missing.parquet", id="missing-file"),
        pytest.param(["fake.parquet"], "fake.parquet", id="not-parquet"),
        pytest.param(["broken.csv"], "broken.csv", id="broken-csv"),
        pytest.param(["latin.csv", "--encoding", "ascii"], "latin.csv", id="wrong-encoding"),
        pytest.param(["latin.csv"], "latin.csv", id="undecodable-text-column"),
        pytest.param(["bytes.parquet"], "bytes.parquet", id="binary-column"),
        pytest.param(["bad.dsprof"], "bad.dsprof", id="unreadable-profile"),
        pytest.param(["missing.dsprof"], "missing.dsprof", id="missing-profile"),
        pytest.param(["good.csv", "--bins", "good.csv"], "good.csv", id="bins-not-a-profile"),
        pytest.param(["good.csv", "--bins", "bad.dsprof"], "bad.dsprof", id="bins-unreadable"),
        pytest.param(["nomatch*.parquet"], "nomatch*.parquet", id="glob-without-files"),
        pytest.param(["parts/*.parquet"], "parts/0.parquet", id="broken-file-in-a-glob"),
        pytest.param(["parts"], "parts/0.parquet", id="broken-file-in-a-folder"),
        pytest.param(["b"], "b: column 'raw'", id="binary-column-in-a-folder"),
    ],
)
def test_a_bad_input_is_named_once(capsys, monkeypatch, files, argv, named):
    monkeypatch.chdir(files)
    assert main(["profile", *argv, "-o", "out.dsprof"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert len(err.splitlines()) == 1, err
    assert err.startswith("driftscope: error: "), err
    assert err.count(named) == 1, err
    assert not (files / "out.dsprof").exists()


def test_an_error_about_several_inputs_names_them(capsys, monkeypatch, files):
    monkeypatch.chdir(files)
    assert main(["profile", "good.csv", "latin.csv", "-o", "out.dsprof"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("driftscope: error: good.csv, latin.csv: column 'city' "), err


def test_many_inputs_are_named_by_the_first_three(capsys, monkeypatch, files):
    monkeypatch.chdir(files)
    for i in range(4):
        (files / f"part{i}.csv").write_text("a,b,city\n1,2,x\n")
    parts = [f"part{i}.csv" for i in range(4)]
    assert main(["profile", *parts, "latin.csv", "-o", "out.dsprof"]) == 2
    err = capsys.readouterr().err
    assert "error: part0.csv, part1.csv, part2.csv and 2 more: column 'city' " in err


def test_an_unknown_encoding_names_the_option(capsys, files):
    argv = ["profile", str(files / "good.csv"), "--encoding", "klingon", "-o", "o.dsprof"]
    assert main(argv) == 2
    assert capsys.readouterr().err == (
        "driftscope: error: --encoding: expected a text encoding Python knows; got 'klingon'\n"
    )


def test_an_option_error_is_not_blamed_on_the_data(capsys, files):
    assert main(["profile", str(files / "good.csv"), "--k", "3", "-o", "o.dsprof"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("driftscope: error: profile: parameter 'k'"), err
