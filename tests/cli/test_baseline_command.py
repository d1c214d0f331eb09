"""`driftscope baseline`: writes an editable constraints file from a reference; bad input is
one line on stderr and exit 2."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from driftscope.quality import check_constraints, load_constraints
from tests.cli._helpers import run
from tests.quality._data import draw


@pytest.fixture
def reference(tmp_path: Path) -> Path:
    path = tmp_path / "ref.parquet"
    pq.write_table(draw(np.random.default_rng(0), 2_000), path)
    return path


def test_baseline_writes_constraints_and_says_what_it_wrote(
    capsys: pytest.CaptureFixture[str], reference: Path, tmp_path: Path
) -> None:
    out = tmp_path / "constraints.yaml"
    code, stdout, stderr = run(capsys, "baseline", str(reference), "-o", str(out))
    assert (code, stderr) == (0, "")
    rules = load_constraints(out)
    assert rules.source == str(reference)
    assert len(rules.columns) == 9
    assert stdout.startswith(f"9 columns of {reference}: ")
    assert "range 6" in stdout
    assert "categories 2" in stdout
    assert "unique 1" in stdout
    assert stdout.endswith(f"constraints: {out}\n")
    fresh = draw(np.random.default_rng(1), 1_000)
    assert check_constraints(fresh.drop_columns(["customer_id"]), out)[0].check == (
        "missing_column"
    )


def test_role_and_type_options_shape_the_file(
    capsys: pytest.CaptureFixture[str], reference: Path, tmp_path: Path
) -> None:
    out = tmp_path / "c.yaml"
    argv = ["baseline", str(reference), "-o", str(out), "--target", "member"]
    argv += ["--probability", "score", "--type", "visits=categorical", "--type", "age=ignored"]
    argv += ["--columns", "member,score,visits,age,city", "-q"]
    code, stdout, stderr = run(capsys, *argv)
    assert (code, stdout, stderr) == (0, "", "")
    rules = load_constraints(out)
    assert rules.names == ("age", "score", "visits", "city", "member")  # table order
    assert rules.column("member").present is False
    assert rules.column("age").present is False
    assert rules.column("age").range is None
    assert rules.column("visits").categories is not None
    score = rules.column("score").range
    assert score is not None
    assert (score.min, score.max) == (0.0, 1.0)


def test_baseline_help_shows_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    code, stdout, _ = run(capsys, "baseline", "--help")
    assert code == 0
    assert "driftscope baseline reference.parquet -o constraints.yaml" in stdout
    assert "--target" in stdout
    assert "--type" in stdout
    assert "--probability" in stdout


def test_baseline_is_listed_among_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    code, stdout, _ = run(capsys, "--help")
    assert code == 0
    assert "baseline" in stdout


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        pytest.param(["missing.parquet", "-o", "c.yaml"], "missing.parquet", id="missing-file"),
        pytest.param(["ref.parquet", "-o", "ref.parquet"], "is also an input", id="overwrite"),
        pytest.param(["ref.parquet", "-o", "-"], "-o/--output", id="stdout"),
        pytest.param(["ref.parquet", "-o", "no/such/c.yaml"], "does not exist", id="no-folder"),
        pytest.param(
            ["ref.parquet", "-o", "c.yaml", "--target", "label"],
            "target: column 'label' is not in",
            id="unknown-target",
        ),
        pytest.param(
            ["ref.parquet", "-o", "c.yaml", "--type", "age=number"],
            "column 'age' has type 'number'",
            id="unknown-type",
        ),
        pytest.param(
            ["ref.parquet", "-o", "c.yaml", "--type", "numeric"],
            "--type: expected COLUMN=TYPE",
            id="type-without-column",
        ),
        pytest.param(
            ["ref.parquet", "-o", "c.yaml", "--columns", "nope"],
            "columns: column 'nope' is not in",
            id="unknown-column",
        ),
        pytest.param(["ref.parquet"], "-o/--output", id="no-output"),
        pytest.param(
            ["ref.parquet", "-o", "c.yaml", "--encoding", "nope"],
            "--encoding: expected a text encoding",
            id="unknown-encoding",
        ),
        pytest.param(["notes.txt", "-o", "c.yaml"], "unknown file type '.txt'", id="not-data"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str],
    reference: Path,
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    words: str,
) -> None:
    monkeypatch.chdir(reference.parent)
    (reference.parent / "notes.txt").write_text("not data\n")
    code, stdout, stderr = run(capsys, "baseline", *argv)
    assert code == 2
    assert stdout == ""
    assert stderr.startswith("driftscope: error: ")
    assert words in stderr
    assert stderr.count("\n") == 1
    assert "Traceback" not in stderr
    assert not (reference.parent / "c.yaml").exists()
