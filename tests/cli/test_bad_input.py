"""Every kind of bad input the issue lists: exit 2 with one line naming file/column, or a
per-column error when the rest of the report can still be computed. Never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from driftscope.cli import main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_one_line_error(code: int, err: str, *needles: str) -> None:
    assert code == 2
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    for needle in needles:
        assert needle in err, (needle, err)


@pytest.fixture
def good_csv(tmp_path: Path) -> Path:
    path = tmp_path / "good.csv"
    rng = np.random.default_rng(0)
    rows = ["a,b,city"] + [
        f"{x:.4f},{y:.4f},c{i % 3}" for i, (x, y) in enumerate(rng.normal(size=(200, 2)))
    ]
    path.write_text("\n".join(rows) + "\n")
    return path


def test_missing_file(capsys, good_csv, tmp_path):
    missing = tmp_path / "nope.parquet"
    code, _, err = run(capsys, "report", str(missing), str(good_csv))
    assert_one_line_error(code, err, "nope.parquet")


def test_unknown_format(capsys, good_csv, tmp_path):
    odd = tmp_path / "data.xlsx"
    odd.write_bytes(b"PK\x03\x04")
    code, _, err = run(capsys, "report", str(odd), str(good_csv))
    assert_one_line_error(code, err, "data.xlsx")


def test_unreadable_parquet(capsys, good_csv, tmp_path):
    bad = tmp_path / "broken.parquet"
    bad.write_bytes(b"this is not parquet at all" * 10)
    code, _, err = run(capsys, "report", str(good_csv), str(bad))
    assert_one_line_error(code, err, "broken.parquet")


def test_no_columns_in_common(capsys, good_csv, tmp_path):
    other = tmp_path / "other.csv"
    other.write_text("x,y\n1,2\n3,4\n")
    code, _, err = run(capsys, "report", str(good_csv), str(other))
    assert_one_line_error(code, err, "no columns in common", "good.csv", "other.csv")


@pytest.mark.parametrize("side", ["reference", "current"])
def test_empty_dataset(capsys, good_csv, tmp_path, side):
    empty = tmp_path / "empty.csv"
    empty.write_text("a,b,city\n")
    args = [str(empty), str(good_csv)] if side == "reference" else [str(good_csv), str(empty)]
    code, _, err = run(capsys, "report", *args)
    assert_one_line_error(code, err, "empty.csv", "no rows")


def test_all_missing_column_is_a_column_error(capsys, good_csv, tmp_path):
    cur = tmp_path / "cur.csv"
    cur.write_text("a,b,city\n" + "".join(f"{i},,c1\n" for i in range(50)))
    js = tmp_path / "r.json"
    code, _, err = run(capsys, "report", str(good_csv), str(cur), "--json", str(js))
    assert code == 0, err
    cols = {c["name"]: c for c in json.loads(js.read_text())["columns"]}
    assert "missing" in cols["b"]["error"]
    assert cols["b"]["drifted"] is False
    assert cols["a"]["error"] is None
    assert cols["a"]["statistic"] is not None


def test_infinite_values_are_a_column_error_unless_treated_as_missing(capsys, tmp_path):
    rng = np.random.default_rng(1)
    x = rng.normal(size=300)
    x[5] = np.inf
    x[9] = -np.inf
    pq.write_table(pa.table({"x": x, "y": rng.normal(size=300)}), tmp_path / "r.parquet")
    pq.write_table(
        pa.table({"x": rng.normal(size=300), "y": rng.normal(size=300)}), tmp_path / "c.parquet"
    )
    js = tmp_path / "r.json"
    args = ["report", str(tmp_path / "r.parquet"), str(tmp_path / "c.parquet"), "--json", str(js)]
    assert run(capsys, *args)[0] == 0
    col = json.loads(js.read_text())["columns"][0]
    assert "2 +/-inf" in col["error"]
    assert "'x'" in col["error"]
    assert run(capsys, *args, "--inf-as-missing")[0] == 0
    col = json.loads(js.read_text())["columns"][0]
    assert col["error"] is None
    assert col["reference_missing_share"] == pytest.approx(2 / 300)


def test_numeric_in_one_dataset_and_text_in_the_other(capsys, good_csv, tmp_path):
    cur = tmp_path / "cur.csv"
    cur.write_text("a,b,city\n" + "".join(f"x{i},{i},c1\n" for i in range(50)))
    js = tmp_path / "r.json"
    code, _, err = run(capsys, "report", str(good_csv), str(cur), "--json", str(js))
    assert code == 0, err
    cols = {c["name"]: c for c in json.loads(js.read_text())["columns"]}
    assert "'a' is numeric in" in cols["a"]["error"]
    assert "cur.csv" in cols["a"]["error"]


def test_one_row_current(capsys, good_csv, tmp_path):
    cur = tmp_path / "one.csv"
    cur.write_text("a,b,city\n0.1,0.2,c1\n")
    code, out, err = run(capsys, "report", str(good_csv), str(cur))
    assert code == 0, err
    assert "error" not in out.split("Drift in")[0]


def test_duplicate_column_names(capsys, good_csv, tmp_path):
    dup = tmp_path / "dup.csv"
    dup.write_text("a,a,city\n1,2,x\n3,4,y\n")
    code, _, err = run(capsys, "report", str(dup), str(good_csv))
    assert_one_line_error(code, err, "dup.csv", "'a'")


def test_csv_with_a_broken_line(capsys, good_csv, tmp_path):
    broken = tmp_path / "broken.csv"
    broken.write_text("a,b,city\n1,2,x\n3,4,y,extra\n5,6,z\n")
    code, _, err = run(capsys, "report", str(good_csv), str(broken))
    assert_one_line_error(code, err, "broken.csv")


def test_non_utf8_text(capsys, good_csv, tmp_path):
    latin = tmp_path / "latin.csv"
    latin.write_bytes("a,b,city\n1,2,Zürich\n3,4,Genève\n".encode("latin-1"))
    code, _, err = run(capsys, "report", str(good_csv), str(latin))
    assert_one_line_error(code, err, "latin.csv")
    code, _, err = run(capsys, "report", str(good_csv), str(latin), "--encoding", "latin-1")
    assert code == 0, err
