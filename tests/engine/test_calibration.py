"""Calibrated distance thresholds in compare(): fewer chance alarms, kept between runs."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np

import driftscope
from driftscope.cli import main


def _null_pair(seed: int, n_ref: int, n_cur: int) -> tuple[dict, dict]:
    rng = np.random.default_rng(seed)
    return {"x": rng.normal(size=n_ref)}, {"x": rng.normal(size=n_cur)}


def test_small_samples_stop_crossing_a_fixed_threshold_by_chance():
    fixed = calibrated = 0
    for seed in range(40):
        ref, cur = _null_pair(seed, 5000, 80)
        plain = driftscope.compare(ref, cur, methods="psi", thresholds=0.1, calibrate=False)
        fixed += plain.column("x").drifted
        col = driftscope.compare(ref, cur, methods="psi", thresholds=0.1).column("x")
        calibrated += col.drifted
        assert col.threshold == max(0.1, col.details["calibrated_threshold"])
        assert col.details["fixed_threshold"] == 0.1
    # with 80 rows PSI's chance level is about (bins - 1) / n = 0.11: the fixed 0.1 alarms
    # in most runs; the calibrated threshold in about 5% of them
    assert fixed >= 15
    assert calibrated <= 6


def test_large_samples_keep_the_fixed_threshold(tables):
    col = driftscope.compare(*tables, methods="jensen_shannon").column("stable")
    assert col.details["calibrated_threshold"] < col.details["fixed_threshold"] == 0.1
    assert col.threshold == 0.1


def test_categorical_distances_are_calibrated_too(tables):
    col = driftscope.compare(*tables, methods="psi").column("plan")
    assert col.details["calibration_n_current"] == 3000
    assert col.drifted


def test_calibrations_are_kept_on_disk_and_reused_by_a_new_process(tmp_path):
    ref, cur = _null_pair(1, 4000, 300)
    np.save(tmp_path / "ref.npy", ref["x"])
    np.save(tmp_path / "cur.npy", cur["x"])
    cache = tmp_path / "cache"
    script = (
        "import sys, json, numpy as np, driftscope\n"
        f"ref = {{'x': np.load({str(tmp_path / 'ref.npy')!r})}}\n"
        f"cur = {{'x': np.load({str(tmp_path / 'cur.npy')!r})}}\n"
        "col = driftscope.compare(ref, cur, methods='hellinger', "
        f"calibration_cache={str(cache)!r}).column('x')\n"
        "print(json.dumps(col.details['calibrated_threshold']))\n"
    )

    def run() -> float:
        done = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, check=True
        )
        return float(done.stdout.strip())

    first = run()
    (entry,) = cache.glob("*.json")
    assert json.loads(entry.read_text())["threshold"] == first
    # A second process reads the file instead of calibrating again: make that visible.
    entry.write_text(json.dumps({**json.loads(entry.read_text()), "threshold": 0.987}))
    assert run() == 0.987


def test_cli_calibration_options(capsys, parquet_pair, tmp_path):
    ref, cur = parquet_pair
    js = tmp_path / "r.json"
    argv = ["report", str(ref), str(cur), "--json", str(js), "--method", "psi"]
    assert main([*argv, "--no-calibrate"]) in (0, 1)
    col = json.loads(js.read_text())["columns"][0]
    assert "calibrated_threshold" not in col["details"]
    assert main([*argv, "--false-alarm-rate", "0.01", "--calibration-cache", str(tmp_path)]) in (
        0,
        1,
    )
    col = json.loads(js.read_text())["columns"][0]
    assert col["details"]["false_alarm_rate"] == 0.01
    assert list(tmp_path.glob("*.json")) != []
    assert main([*argv, "--false-alarm-rate", "0.9"]) == 2
    assert "false_alarm_rate" in capsys.readouterr().err


def test_a_distance_within_chance_has_no_severity():
    ref, cur = _null_pair(2, 5000, 60)
    col = driftscope.compare(ref, cur, methods="psi").column("x")
    assert col.statistic < col.details["calibrated_threshold"]
    assert col.statistic >= 0.1  # PSI's warning tier, reached by noise alone at 60 rows
    assert col.severity == "none"
    plain = driftscope.compare(ref, cur, methods="psi", calibrate=False).column("x")
    assert plain.severity == "warning"
