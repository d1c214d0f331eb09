"""``driftscope check --suite``: pass/fail per test, JUnit XML, and the CI exit codes."""

from __future__ import annotations

from xml.etree import ElementTree as ET

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from tests.cli._helpers import run

N = 2_000


def _write(path, seed: int, *, shift: float = 0.0, labels: bool = True, scale: float = 1.0) -> str:
    rng = np.random.default_rng(seed)
    score = rng.uniform(0, 1, N)
    columns = {
        "amount": rng.normal(100 + shift, 15, N) * scale,
        "region": rng.choice(["north", "south"], N),
        "score": score,
    }
    if labels:
        columns["y"] = (rng.uniform(0, 1, N) < score).astype(np.int64)
    pq.write_table(pa.table(columns), path)
    return str(path)


def _suite(tmp_path, text: str) -> str:
    path = tmp_path / "suite.yaml"
    path.write_text(text)
    return str(path)


SUITE = """\
options: {target: y, probability: score}
tests:
  - drift: {fail_on: drift}
  - performance: {metric: roc_auc, min: 0.6}
"""


def test_every_test_passing_exits_0_and_prints_pass_lines(tmp_path, capsys):
    ref, cur = _write(tmp_path / "ref.parquet", 0), _write(tmp_path / "cur.parquet", 1)
    code, out, err = run(capsys, "check", "--suite", _suite(tmp_path, SUITE), ref, cur)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].startswith("PASS  drift: dataset fails on drift: the dataset did not drift")
    assert lines[1].startswith("PASS  performance: roc_auc >= 0.6: roc_auc 0.")
    assert lines[-1].startswith("2 passed, 0 failed")


def test_a_failed_test_exits_1_and_writes_junit_json_and_html(tmp_path, capsys):
    ref = _write(tmp_path / "ref.parquet", 0)
    cur = _write(tmp_path / "cur.parquet", 1, shift=40.0)
    junit, report, page = tmp_path / "gate.xml", tmp_path / "r.json", tmp_path / "r.html"
    code, out, _ = run(
        capsys, "check", "--suite", _suite(tmp_path, SUITE), ref, cur,
        "--junit", str(junit), "--json", str(report), "-o", str(page),
    )  # fmt: skip
    assert code == 1
    assert "FAIL  drift: dataset fails on drift: the dataset drifted" in out
    assert out.splitlines()[-1].startswith("1 passed, 1 failed")
    root = ET.parse(junit).getroot()
    assert (root.get("tests"), root.get("failures")) == ("2", "1")
    failure = root.find("testsuite/testcase/failure")
    assert "the dataset drifted" in failure.get("message")
    assert report.read_text().startswith("{")
    assert "<html" in page.read_text()


def test_quiet_prints_failures_and_the_count_only(tmp_path, capsys):
    ref = _write(tmp_path / "ref.parquet", 0)
    cur = _write(tmp_path / "cur.parquet", 1, shift=40.0)
    code, out, _ = run(capsys, "check", "--suite", _suite(tmp_path, SUITE), ref, cur, "-q")
    assert code == 1
    assert [line[:4] for line in out.splitlines()] == ["FAIL", "1 pa"]


def test_command_line_options_override_the_suite_and_fill_what_it_lacks(tmp_path, capsys):
    ref = _write(tmp_path / "ref.parquet", 0)
    cur = _write(tmp_path / "cur.parquet", 1, shift=40.0)
    suite = _suite(tmp_path, "tests:\n  - performance: {metric: roc_auc, min: 0.6}\n")
    code, out, _ = run(capsys, "check", "--suite", suite, ref, cur, "--target", "y",
                       "--probability", "score")  # fmt: skip
    assert code == 0, out
    suite = _suite(tmp_path, "options: {columns: [region]}\ntests:\n  - drift: {}\n")
    assert run(capsys, "check", "--suite", suite, ref, cur)[0] == 0
    assert run(capsys, "check", "--suite", suite, ref, cur, "--columns", "amount")[0] == 1


def test_a_bad_suite_exits_2_with_one_line_naming_file_and_line(tmp_path, capsys):
    ref, cur = _write(tmp_path / "ref.parquet", 0), _write(tmp_path / "cur.parquet", 1)
    suite = _suite(tmp_path, "tests:\n  - drift: {fail_on: sometimes}\n")
    code, out, err = run(capsys, "check", "--suite", suite, ref, cur)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert f"{suite}, line 2: fail_on must be one of" in err
    assert "Traceback" not in err


def test_a_missing_suite_and_an_output_over_an_input_exit_2(tmp_path, capsys):
    ref, cur = _write(tmp_path / "ref.parquet", 0), _write(tmp_path / "cur.parquet", 1)
    code, _, err = run(capsys, "check", "--suite", str(tmp_path / "none.yaml"), ref, cur)
    assert code == 2
    assert "suite file not found" in err
    suite = _suite(tmp_path, SUITE)
    code, _, err = run(capsys, "check", "--suite", suite, ref, cur, "--junit", suite)
    assert code == 2
    assert "--junit" in err
    code, _, err = run(capsys, "check", ref, cur)
    assert code == 2
    assert "--suite" in err


def test_report_takes_constraints_and_segments_and_prints_them(tmp_path, capsys):
    ref = _write(tmp_path / "ref.parquet", 0)
    cur = _write(tmp_path / "cur.parquet", 1, scale=100.0)  # amounts now in cents
    constraints = tmp_path / "constraints.yaml"
    assert run(capsys, "baseline", ref, "-o", str(constraints))[0] == 0
    code, out, err = run(
        capsys, "report", ref, cur, "--constraints", str(constraints), "--segments",
        "--json", str(tmp_path / "r.json"), "--fail-on", "quality",
    )  # fmt: skip
    assert (code, err) == (1, "")
    assert "Segments: " in out
    assert "outside" in out  # amounts moved past the inferred range
    import json

    data = json.loads((tmp_path / "r.json").read_text())
    assert data["options"]["constraints"] == str(constraints)
    assert data["options"]["segments"] is True
    assert any(q["check"] == "range" and q["expected"] for q in data["quality"])
    assert isinstance(data["segments"], list)
