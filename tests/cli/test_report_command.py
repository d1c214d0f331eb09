"""`driftscope report`: the table, the files, the exit codes of the CI gate."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from driftscope.cli import main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_prints_a_table_and_writes_both_reports(capsys, parquet_pair, tmp_path):
    ref, cur = parquet_pair
    html, js = tmp_path / "r.html", tmp_path / "r.json"
    code, out, err = run(capsys, "report", str(ref), str(cur), "-o", str(html), "--json", str(js))
    assert code == 0, err
    lines = out.splitlines()
    header = ["column", "role", "type", "method", "statistic", "p-value", "effect", "status"]
    assert lines[0].split() == header
    drifted_rows = [ln.split()[:2] for ln in lines if ln.rstrip().endswith("DRIFT")]
    assert sorted(drifted_rows) == [["plan", "feature"], ["shifted", "feature"]]
    assert "Dataset drift (MAJOR): 2 of 5 features drifted" in out
    data = json.loads(js.read_text())
    assert data["reference"] == {"rows": 3000, "source": str(ref)}
    assert html.read_text().lstrip().lower().startswith("<!doctype html")


def test_json_to_stdout_is_pure_json(capsys, parquet_pair):
    code, out, _ = run(capsys, "report", *map(str, parquet_pair), "--json", "-")
    assert code == 0
    assert json.loads(out)["schema_version"] == 1


# Both drifted columns graded mild: 2 of 5 features drift, below the 50% dataset share.
MILD = ("--tiers", "shifted=0.01,0.9", "--tiers", "plan=0.01,0.9")


@pytest.mark.parametrize(
    ("fail_on", "extra", "expected"),
    [
        pytest.param("drift", [], 1, id="drift-major-columns"),
        pytest.param("drift", [*MILD], 0, id="drift-mild-and-narrow"),
        pytest.param("warning", [*MILD], 1, id="warning-mild-and-narrow"),
        pytest.param("drift", [*MILD, "--share-threshold", "0.4"], 1, id="drift-share-reached"),
        pytest.param("any", [*MILD, "--share-threshold", "0.4"], 1, id="any-with-drift"),
        pytest.param("quality", [], 0, id="quality-clean"),
    ],
)
def test_fail_on_sets_the_exit_code(capsys, parquet_pair, fail_on, extra, expected):
    code, _, _ = run(capsys, "report", *map(str, parquet_pair), "--fail-on", fail_on, *extra)
    assert code == expected


def test_fail_on_quality_trips_on_a_missing_column(capsys, tmp_path, tables):
    import pyarrow.parquet as pq

    ref, cur = tables
    pq.write_table(ref, tmp_path / "r.parquet")
    pq.write_table(cur.drop_columns(["stable"]), tmp_path / "c.parquet")
    code, out, _ = run(
        capsys,
        "report",
        str(tmp_path / "r.parquet"),
        str(tmp_path / "c.parquet"),
        "--fail-on",
        "quality",
    )
    assert code == 1
    assert "missing_column" not in out  # people read messages, not check ids
    assert "'stable' is in the reference but not in" in out


def test_method_threshold_and_type_options(capsys, parquet_pair, tmp_path):
    js = tmp_path / "r.json"
    code, _, err = run(
        capsys,
        "report",
        *map(str, parquet_pair),
        "--json",
        str(js),
        "--method",
        "stable=psi",
        "--method",
        "count=wasserstein",
        "--threshold",
        "stable=0.3",
        "--type",
        "count=categorical",
        "--columns",
        "stable,count",
    )
    assert code == 2, "count became categorical, so wasserstein cannot apply"
    assert "wasserstein" in err
    assert "count" in err
    code, _, err = run(
        capsys,
        "report",
        *map(str, parquet_pair),
        "--json",
        str(js),
        "--method",
        "stable=psi",
        "--threshold",
        "stable=0.3",
        "--type",
        "count=categorical",
    )
    assert code == 0, err
    cols = {c["name"]: c for c in json.loads(js.read_text())["columns"]}
    assert cols["stable"]["method"] == "psi"
    assert cols["stable"]["threshold"] == 0.3
    assert cols["count"]["type"] == "categorical"
    assert cols["count"]["method"] == "chi2"


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        pytest.param(["--method", "nope"], "nope", id="unknown-method"),
        pytest.param(["--threshold", "abc"], "abc", id="threshold-not-a-number"),
        pytest.param(["--columns", "ghost"], "ghost", id="unknown-column"),
        pytest.param(["--type", "stable=colour"], "colour", id="unknown-type"),
        pytest.param(["--target", "ghost"], "ghost", id="unknown-target"),
    ],
)
def test_bad_options_exit_2_with_one_line(capsys, parquet_pair, argv, needle):
    code, _out, err = run(capsys, "report", *map(str, parquet_pair), *argv)
    assert code == 2
    assert needle in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_console_script_runs_as_a_process(parquet_pair):
    ref, cur = parquet_pair
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "driftscope.cli",
            "report",
            str(ref),
            str(cur),
            "--fail-on",
            "any",
            "--share-threshold",
            "0.2",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    assert "DRIFT" in proc.stdout


def test_every_subcommand_has_help_with_an_example(capsys):
    for sub in ("report", "demo"):
        with pytest.raises(SystemExit) as exc:
            main([sub, "--help"])
        assert exc.value.code == 0
        assert f"driftscope {sub}" in capsys.readouterr().out


def test_no_command_prints_help_and_exits_2(capsys):
    assert main([]) == 2
    assert "report" in capsys.readouterr().err


def test_report_to_an_unwritable_place_is_a_clean_error(capsys, parquet_pair, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, err = run(capsys, "report", *map(str, parquet_pair), "-o", str(blocker / "r.html"))
    assert code == 2
    assert str(blocker) in err
    assert not Path(blocker / "r.html").exists()


def test_default_report_on_large_inputs_imports_neither_scipy_stats_nor_pandas(tmp_path):
    """The import budget of the default path: scipy.stats alone costs more than the test."""
    import pyarrow.parquet as pq

    from tests.conftest import make_tables

    ref, cur = make_tables(n=12_000)  # above the exact-KS limit of 10,000 rows
    pq.write_table(ref, tmp_path / "ref.parquet")
    pq.write_table(cur, tmp_path / "cur.parquet")
    out = tmp_path / "r.json"
    script = (
        "import sys\n"
        "from driftscope.cli import main\n"
        f"code = main(['report', {str(tmp_path / 'ref.parquet')!r}, "
        f"{str(tmp_path / 'cur.parquet')!r}, '--json', {str(out)!r}, '-o', "
        f"{str(tmp_path / 'r.html')!r}])\n"
        "heavy = sorted(m for m in ('scipy.stats', 'pandas', 'polars') if m in sys.modules)\n"
        "print(code, heavy)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert result.stdout.strip().splitlines()[-1] == "0 []", result.stdout + result.stderr
    methods = {c["method"] for c in json.loads(out.read_text())["columns"]}
    assert methods == {"ks", "chi2", "z_proportion"}


def test_a_closed_pipe_ends_quietly(parquet_pair):
    ref, cur = parquet_pair
    proc = subprocess.Popen(
        [sys.executable, "-m", "driftscope.cli", "report", str(ref), str(cur)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None
    proc.stdout.close()  # the reader goes away before the table is printed
    _, err = proc.communicate(timeout=60)
    assert err.decode() == ""
    assert proc.returncode == 141
