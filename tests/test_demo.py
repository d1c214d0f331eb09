"""`driftscope demo`: the scenario has the drift it claims, and the command writes its files."""

from __future__ import annotations

import json

import numpy as np
from scipy import stats as sps

from driftscope.cli import main
from driftscope.demo import DEFAULT_ROWS, DEFAULT_SEED, credit_scenario

PLANTED = {"annual_income", "credit_utilization", "application_channel", "default_probability"}


def test_scenario_plants_the_documented_changes():
    ref, cur = credit_scenario(rows=DEFAULT_ROWS, seed=DEFAULT_SEED)  # the demo's data
    emp_ref = ref["employment_years"].null_count / ref.num_rows
    emp_cur = cur["employment_years"].null_count / cur.num_rows
    assert emp_ref < 0.02
    assert emp_cur > 0.15
    assert "bnpl_refinance" in set(cur["loan_purpose"].to_pylist())
    assert "bnpl_refinance" not in set(ref["loan_purpose"].to_pylist())
    ratio = np.median(cur["annual_income"].to_numpy()) / np.median(ref["annual_income"].to_numpy())
    assert 1.08 < ratio < 1.16
    # an untouched column really is drawn from one distribution
    p = sps.ks_2samp(ref["age"].to_numpy(), cur["age"].to_numpy()).pvalue
    assert p > 1e-4


def test_demo_writes_reports_and_finds_the_planted_drift(tmp_path, capsys):
    out_dir = tmp_path / "demo"
    assert main(["demo", "--output-dir", str(out_dir)]) == 0
    out = capsys.readouterr().out
    for name in ("report.html", "report.json", "reference.parquet", "current.parquet"):
        assert (out_dir / name).is_file()
        assert str(out_dir / name) in out or name.endswith(".parquet")
    data = json.loads((out_dir / "report.json").read_text())
    drifted = {c["name"] for c in data["columns"] if c["drifted"]}
    assert drifted >= PLANTED
    # the constraints inferred from the reference catch the upstream breaks
    checks = {(q["column"], q["check"]): q for q in data["quality"]}
    assert checks[("employment_years", "completeness")]["expected"] > 0.95
    assert checks[("loan_purpose", "categories")]["expected"]["values"]
    assert "e.g. 0" in checks[("credit_score", "range")]["message"]  # the bureau's timeouts
    roles = {c["name"]: c["role"] for c in data["columns"]}
    assert roles["applicant_id"] == "id"
    assert roles["application_date"] == "timestamp"
    assert roles["defaulted"] == "target"
    assert roles["default_probability"] == "prediction"
    assert "What changed:" in out
    assert "annual_income" in out
    # late labels: the production file has no outcomes, labels.csv 60% of them
    assert (out_dir / "labels.csv").is_file()
    perf = data["performance"]
    assert perf["task"] == "binary_classification"
    assert perf["rows"] == {"reference": DEFAULT_ROWS, "current": int(DEFAULT_ROWS * 0.6)}
    assert 0.6 < perf["current"]["roc_auc"]["value"] < 0.9
    assert perf["concept"]["changed"] is True  # the coast's defaults rose: the relation moved
    assert not any(q["column"] == "defaulted" for q in data["quality"])
    assert "Model performance (binary classification)" in out
    # the two local problems are the segments found, and nothing else
    found = {(s["kind"], tuple(s["filters"].items())) for s in data["segments"]}
    assert found == {
        ("error", (("region", "coast"),)),
        ("drift", (("application_channel", "broker"),)),
    }
    assert "Segments: 2 where drift or errors concentrate" in out
    assert (out_dir / "constraints.yaml").is_file()
    _check_monitoring(out_dir / "monitoring", out)


def _check_monitoring(folder, out):
    """60 days monitored: the broken upstream day alerts and resolves the next day, the
    drift from day 31 opens one grouped alert, and nothing alerts before the break."""
    from driftscope.monitor import load_config, open_store
    from driftscope.monitor.demo import START

    assert "Monitoring: 60 days of production traffic" in out
    lines = [json.loads(text) for text in (folder / "alerts.jsonl").read_text().splitlines()]
    first = {}
    for line in lines:
        first.setdefault((line["rule"], line["action"], line["columns"][0][0]), line)
    broken, fixed = "2026-07-12T00:00:00Z", "2026-07-13T00:00:00Z"
    assert first["drift-major", "triggered", "credit_score"]["window_start"] == broken
    assert first["drift-major", "resolved", "credit_score"]["window_start"] == fixed
    assert first["missing-values", "triggered", "region"]["window_start"] == broken
    assert first["missing-values", "resolved", "region"]["window_start"] == fixed
    assert min(line["window_start"] for line in lines) == broken
    onset = [
        line for line in lines
        if line["window_start"] == "2026-07-31T00:00:00Z" and line["action"] == "triggered"
    ]  # fmt: skip
    assert len(onset) == 1
    assert len(onset[0]["columns"]) >= 3  # grouped: one message for the drifted columns
    assert "-> ALERT [error] drift-major: credit_score" in out
    config = load_config(folder / "driftscope.yaml")
    store = open_store(config.store)
    try:
        windows = store.windows(config.project)
        assert len(windows) == 60
        estimated = store.points(config.project, metric="estimated_roc_auc", column="*")
        assert len(estimated) == 60  # no labels in the logs: performance estimated daily
        # ADWIN reads credit_score row by row: the broken day, its fix, the drift's onset
        fired = {
            (p.window_start - START).days + 1
            for p in store.points(config.project, metric="detections", column="credit_score")
            if p.value > 0
        }
        assert {12, 13, 31} <= fired
        assert min(fired) == 12
    finally:
        store.close()


def test_the_demos_suite_gates_its_data(tmp_path, capsys):
    out_dir = tmp_path / "demo"
    assert main(["demo", "--output-dir", str(out_dir), "--rows", "8000", "--no-monitoring"]) == 0
    capsys.readouterr()
    junit = tmp_path / "gate.xml"
    code = main([
        "check", "--suite", str(out_dir / "suite.yaml"), str(out_dir / "reference.parquet"),
        str(out_dir / "current.parquet"), "--junit", str(junit),
    ])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 1
    failed = [line.split(":")[0] for line in out.splitlines() if line.startswith("FAIL")]
    assert failed == [
        "FAIL  drift",
        "FAIL  quality",
        "FAIL  segments",
    ], out
    assert "PASS  performance: roc_auc >= 0.7" in out
    assert junit.read_text().count("<failure") == 3
