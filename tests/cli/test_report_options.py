"""`driftscope report` options that used to be refused or silently dropped."""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from driftscope.cli import main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_ks_and_psi_side_by_side(capsys, parquet_pair, tmp_path):
    js = tmp_path / "r.json"
    code, out, err = run(
        capsys, "report", *map(str, parquet_pair), "--method", "ks", "--method", "psi",
        "--json", str(js),
    )  # fmt: skip
    assert code == 0, err
    header = out.splitlines()[0].split()
    assert header[-2:] == ["psi", "status"]
    shifted = next(c for c in json.loads(js.read_text())["columns"] if c["name"] == "shifted")
    assert shifted["method"] == "ks"
    assert [m["method"] for m in shifted["also"]] == ["psi"]


def test_several_methods_for_one_column(capsys, parquet_pair, tmp_path):
    js = tmp_path / "r.json"
    argv = ["--method", "stable=wasserstein", "--method", "stable=ks", "--json", str(js)]
    assert run(capsys, "report", *map(str, parquet_pair), *argv)[0] == 0
    stable = next(c for c in json.loads(js.read_text())["columns"] if c["name"] == "stable")
    assert (stable["method"], [m["method"] for m in stable["also"]]) == ("wasserstein", ["ks"])


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--threshold", "stable=0.1", "--threshold", "stable=0.2"], "column 'stable' is given"),
        (["--method", "stable=ks", "--method", "stable=ks"], "a method is given twice"),
        (["--type", "numeric"], "--type: expected COLUMN=TYPE; got 'numeric'"),
        (["-o", "-"], "the HTML report needs a file name"),
        (["--encoding", "side=latin-1"], "SIDE reference or current"),
        (["--encoding", "rot13"], "a text encoding Python knows"),
        (["--delimiter", "ab"], "delimiter"),
        (["--probability", "p", "--probability", "a=q"], "either COL or CLASS=COL"),
    ],
    ids=["threshold-twice", "method-twice", "type-without-column", "html-to-stdout",
         "encoding-side", "encoding-codec", "delimiter", "probability-mixed"],
)  # fmt: skip
def test_options_are_never_dropped_silently(capsys, parquet_pair, argv, message):
    code, _, err = run(capsys, "report", *map(str, parquet_pair), *argv)
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_probability_keeps_its_class(capsys, tmp_path):
    rng = np.random.default_rng(0)
    n = 2000
    for side, shift in (("ref", 0), ("cur", 2)):
        table = pa.table({"x": rng.normal(0, 1, n), "p_cat": rng.beta(2 + shift, 5, n)})
        pq.write_table(table, tmp_path / f"{side}.parquet")
    js = tmp_path / "r.json"
    paths = [str(tmp_path / "ref.parquet"), str(tmp_path / "cur.parquet")]
    code, _, err = run(
        capsys, "report", *paths, "--probability", "cat=p_cat", "--json", str(js), "--fail-on",
        "drift",
    )  # fmt: skip
    assert code == 1, err
    data = json.loads(js.read_text())
    assert data["options"]["probability"] == {"cat": "p_cat"}
    p_cat = next(c for c in data["columns"] if c["name"] == "p_cat")
    assert p_cat["role"] == "prediction"
    assert data["dataset"]["model_drift"] == [
        {"name": "p_cat", "role": "prediction", "severity": "major"}
    ]


def test_encoding_per_side_and_delimiter(capsys, tmp_path):
    rng = np.random.default_rng(1)
    cities = ["Zürich", "Genève", "Köln"]
    for side, encoding in (("ref", "utf-8"), ("cur", "latin-1")):
        rows = "".join(f"{i};{rng.choice(cities)}\n" for i in range(1000))
        (tmp_path / f"{side}.csv").write_bytes(("n;city\n" + rows).encode(encoding))
    paths = [str(tmp_path / "ref.csv"), str(tmp_path / "cur.csv")]
    code, out, err = run(
        capsys, "report", *paths, "--delimiter", ";", "--encoding", "current=latin-1",
        "--fail-on", "any",
    )  # fmt: skip
    assert code == 0, out + err
    code, out, _ = run(
        capsys, "report", *paths, "--delimiter", ";", "--encoding", "latin-1", "--fail-on",
        "quality",
    )  # fmt: skip
    assert code == 1
    assert "valid UTF-8" in out


def test_profile_takes_a_delimiter(capsys, tmp_path):
    path = tmp_path / "eu.csv"
    path.write_text("price;city\n" + "1;Bern\n2;Köln\n" * 100)
    out_path = tmp_path / "p.dsprof"
    code, out, err = run(capsys, "profile", str(path), "--delimiter", ";", "-o", str(out_path))
    assert code == 0, err
    assert "2 columns" in out


def test_effective_sample_size_flag_reaches_the_comparison(capsys, tmp_path):
    rng = np.random.default_rng(3)
    n = 4000

    def ar1(start: float) -> np.ndarray:
        x = np.empty(n)
        x[0] = start
        for i in range(1, n):
            x[i] = 0.95 * x[i - 1] + rng.normal()
        return x

    for side, start in (("ref", 0.0), ("cur", 5.0)):
        pq.write_table(pa.table({"x": ar1(start)}), tmp_path / f"{side}.parquet")
    paths = [str(tmp_path / "ref.parquet"), str(tmp_path / "cur.parquet")]
    plain_json, corrected_json = tmp_path / "plain.json", tmp_path / "corrected.json"
    run(capsys, "report", *paths, "--json", str(plain_json))
    code, _, err = run(
        capsys, "report", *paths, "--effective-sample-size", "--json", str(corrected_json)
    )
    assert code == 0, err
    plain = json.loads(plain_json.read_text())
    corrected = json.loads(corrected_json.read_text())
    assert corrected["options"]["effective_sample_size"] is True
    x_plain = next(c for c in plain["columns"] if c["name"] == "x")
    x_corrected = next(c for c in corrected["columns"] if c["name"] == "x")
    assert x_corrected["p_value"] > x_plain["p_value"]
