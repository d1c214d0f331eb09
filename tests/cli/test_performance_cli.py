"""`driftscope report` with a model's outputs: measured, estimated and late-labelled
performance end to end, in the terminal and the JSON."""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pyarrow.csv as pv
import pyarrow.parquet as pq
from sklearn.metrics import roc_auc_score

from tests.cli._helpers import run


def _write(tmp_path, seed: int = 0):
    rng = np.random.default_rng(seed)
    paths = {}
    for side, n in (("ref", 3_000), ("cur", 2_000)):
        x = rng.normal(size=n)
        score = 1 / (1 + np.exp(-2 * x))
        y = (rng.uniform(size=n) < score).astype(np.int64)
        table = pa.table({"rid": np.arange(n) + (0 if side == "ref" else 10_000), "x": x,
                          "score": score, "y": y})  # fmt: skip
        paths[side] = tmp_path / f"{side}.parquet"
        pq.write_table(table if side == "ref" else table.drop_columns(["y"]), paths[side])
        if side == "cur":
            labels = table.select(["rid", "y"]).slice(0, 1_500)  # a quarter not labelled yet
            extra = pa.table({"rid": pa.array([99_999], pa.int64()), "y": pa.array([1])})
            paths["labels"] = tmp_path / "labels.csv"
            pv.write_csv(pa.concat_tables([labels, extra]), paths["labels"])
            paths["truth"] = table
    return paths


def test_late_labels_are_joined_and_measured(tmp_path, capsys):
    paths = _write(tmp_path)
    out_json = tmp_path / "r.json"
    code, out, err = run(
        capsys, "report", str(paths["ref"]), str(paths["cur"]), "--target", "y",
        "--probability", "score", "--labels", str(paths["labels"]), "--id", "rid",
        "--type", "rid=id", "--json", str(out_json),
    )  # fmt: skip
    assert code == 0, err
    perf = json.loads(out_json.read_text())["performance"]
    assert perf["task"] == "binary_classification"
    assert perf["rows"] == {"reference": 3_000, "current": 1_500}
    truth = paths["truth"].slice(0, 1_500)
    expected = roc_auc_score(np.asarray(truth.column("y")), np.asarray(truth.column("score")))
    assert abs(perf["current"]["roc_auc"]["value"] - expected) < 1e-12
    assert perf["current"]["roc_auc"]["estimated"] is False
    notes = " ".join(perf["notes"])
    assert "1 label(s) for ids not in the current data" in notes
    assert "500 current row(s) have no label yet" in notes
    assert "Model performance (binary classification)" in out


def test_without_labels_the_current_performance_is_estimated(tmp_path, capsys):
    paths = _write(tmp_path, seed=1)
    out_json = tmp_path / "r.json"
    code, out, err = run(
        capsys, "report", str(paths["ref"]), str(paths["cur"]), "--target", "y",
        "--probability", "score", "--type", "rid=id", "--json", str(out_json),
    )  # fmt: skip
    assert code == 0, err
    perf = json.loads(out_json.read_text())["performance"]
    assert perf["current"]["roc_auc"]["estimated"] is True
    assert "(estimated)" in out


def test_labels_without_an_id_column_is_one_line(tmp_path, capsys):
    paths = _write(tmp_path)
    code, _, err = run(
        capsys, "report", str(paths["ref"]), str(paths["cur"]), "--target", "y",
        "--probability", "score", "--labels", str(paths["labels"]),
    )  # fmt: skip
    assert code == 2
    assert err.strip().count("\n") == 0
    assert "labels and id_column go together" in err


def test_performance_keeps_pandas_out_of_the_process(tmp_path):
    import subprocess
    import sys

    paths = _write(tmp_path, seed=2)
    script = (
        "import sys\n"
        "from driftscope.cli import main\n"
        f"code = main(['report', {str(paths['ref'])!r}, {str(paths['cur'])!r}, '--target', "
        f"'y', '--probability', 'score', '--labels', {str(paths['labels'])!r}, '--id', 'rid', "
        f"'--json', {str(tmp_path / 'r.json')!r}])\n"
        "print(code, 'pandas' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], check=False, capture_output=True, text=True
    )
    assert result.stdout.strip().splitlines()[-1] == "0 False", result.stdout + result.stderr
