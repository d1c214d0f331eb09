"""compare() decides with adjusted p-values and effect sizes (the decision step of the engine)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from statsmodels.stats.multitest import multipletests

import driftscope
from driftscope.cli import main
from driftscope.decision import CORRECTIONS
from driftscope.errors import ConfigError


def _null_columns(n_rows: int, n_cols: int, seed: int) -> tuple[dict, dict]:
    rng = np.random.default_rng(seed)
    ref = {f"x{i:02d}": rng.normal(0.0, 1.0, n_rows) for i in range(n_cols)}
    cur = {f"x{i:02d}": rng.normal(0.0, 1.0, n_rows) for i in range(n_cols)}
    return ref, cur


def test_adjusted_p_values_are_statsmodels_over_the_tested_columns(tables):
    report = driftscope.compare(*tables, correction="holm")
    tested = [c for c in report.columns if c.p_value is not None]
    _, expected, _, _ = multipletests([c.p_value for c in tested], method="holm")
    assert [c.p_value_adjusted for c in tested] == pytest.approx(expected, rel=1e-12)
    assert report.dataset.correction == "holm"


def test_correction_none_keeps_the_raw_p_values(tables):
    report = driftscope.compare(*tables, correction="none", min_effect=0.0)
    for col in report.columns:
        assert col.p_value_adjusted == col.p_value
        assert col.drifted == (col.p_value < col.threshold)


def test_a_tiny_shift_in_a_large_sample_is_significant_but_not_drift():
    rng = np.random.default_rng(3)
    n = 400_000
    ref = {"x": rng.normal(0.0, 1.0, n)}
    cur = {"x": rng.normal(0.03, 1.0, n)}  # 0.03 sd: D about 0.012
    col = driftscope.compare(ref, cur).column("x")
    assert col.p_value_adjusted < 1e-10
    assert col.effect_measure == "ks_distance"
    assert col.effect_size == col.statistic
    assert col.effect_size < col.effect_threshold == 0.03
    assert not col.drifted
    assert driftscope.compare(ref, cur, min_effect=0.0).column("x").drifted


def test_a_meaningful_shift_in_a_small_sample_drifts():
    rng = np.random.default_rng(4)
    ref, cur = {"x": rng.normal(0.0, 1.0, 200)}, {"x": rng.normal(0.5, 1.0, 200)}
    assert driftscope.compare(ref, cur).column("x").drifted


def test_categorical_effect_is_cramers_v(tables):
    col = driftscope.compare(*tables).column("plan")
    assert col.effect_measure == "cramers_v"
    # bias-corrected (Bergsma 2013): chi2 / N = V^2 (1 - 1/(N-1)) + (k-1)/(N-1) for a 2 x k
    # table whose effect is past chance
    n, k = 6000, col.details["n_categories"]
    phi2 = col.effect_size**2 * (1 - 1 / (n - 1)) + (k - 1) / (n - 1)
    assert col.statistic / n == pytest.approx(phi2, rel=1e-9)


def test_distance_methods_are_their_own_effect_size(tables):
    col = driftscope.compare(*tables, methods="psi").column("shifted")
    assert col.effect_measure == "psi"
    assert col.effect_size == col.statistic
    assert col.effect_threshold == col.threshold
    assert col.p_value_adjusted is None


def test_min_effect_per_column(tables):
    report = driftscope.compare(*tables, min_effect={"shifted": 0.9})
    assert not report.column("shifted").drifted
    assert report.column("shifted").effect_threshold == 0.9
    assert report.column("plan").drifted


@pytest.mark.parametrize("seed", range(3))
def test_corrections_rank_by_how_many_null_columns_they_let_through(seed):
    # 40 columns, no drift, and no effect minimum: only the correction stands between the
    # noise and an alarm. Bonferroni/Holm/BH flag at most what "none" flags.
    ref, cur = _null_columns(300, 40, seed)
    flagged = {
        method: sum(
            c.drifted
            for c in driftscope.compare(ref, cur, correction=method, min_effect=0.0).columns
        )
        for method in CORRECTIONS
    }
    assert flagged["bonferroni"] <= flagged["holm"] <= flagged["bh"] <= flagged["none"]


def test_bad_decision_options_are_one_line_errors(tables):
    with pytest.raises(ConfigError, match="correction"):
        driftscope.compare(*tables, correction="fdr")
    with pytest.raises(ConfigError, match=r"min_effect\['plan'\]"):
        driftscope.compare(*tables, min_effect={"plan": 2.0})


def test_cli_decision_options(capsys, parquet_pair, tmp_path):
    ref, cur = parquet_pair
    js = tmp_path / "r.json"
    argv = ["report", str(ref), str(cur), "--json", str(js), "--correction", "bonferroni"]
    assert main([*argv, "--min-effect", "shifted=0.9"]) == 0
    data = json.loads(js.read_text())
    cols = {c["name"]: c for c in data["columns"]}
    assert data["dataset"]["correction"] == "bonferroni"
    assert cols["shifted"]["effect_threshold"] == 0.9
    assert cols["shifted"]["drifted"] is False
    out = capsys.readouterr().out
    assert "p-values adjusted for 5 tests (Bonferroni)" in out
    assert main([*argv, "--min-effect", "1.5"]) == 2
    assert "min_effect" in capsys.readouterr().err


def test_cli_correction_choices_are_the_engines():
    from driftscope.cli import _build_parser

    report = _build_parser()._subparsers._group_actions[0].choices["report"]  # type: ignore[union-attr]
    (action,) = [a for a in report._actions if a.dest == "correction"]
    assert tuple(action.choices) == CORRECTIONS


def test_severity_grades_the_effect_of_significant_tests():
    rng = np.random.default_rng(6)
    n = 20_000
    ref = {"big": rng.normal(0, 1, n), "mid": rng.normal(0, 1, n), "flat": rng.normal(0, 1, n)}
    cur = {
        "big": rng.normal(0.5, 1, n),  # D about 0.2: major
        "mid": rng.normal(0.12, 1, n),  # D about 0.048: warning
        "flat": rng.normal(0.0, 1, n),
    }
    report = driftscope.compare(ref, cur)
    assert {c.name: c.severity for c in report.columns} == {
        "big": "major",
        "mid": "warning",
        "flat": "none",
    }
    assert report.dataset.severity == "major"  # a major feature (the share is 2 of 3 anyway)
    assert report.dataset.reasons[0].startswith("dataset drift: 2 of 3 features drifted")
    assert report.dataset.reasons[1].startswith("major: big (ks_distance 0.")
    assert report.dataset.reasons[2].startswith("warning: mid (ks_distance 0.0")
    assert report.dataset.weighted_drift_score == pytest.approx(2 / 3)


def test_a_category_share_from_ten_to_twenty_percent_is_major_and_ten_to_eleven_is_not():
    rng = np.random.default_rng(7)

    def side(n: int, share: float) -> dict:
        return {"c": np.where(rng.random(n) < share, "a", "b").tolist()}

    assert driftscope.compare(side(1000, 0.1), side(1000, 0.2)).column("c").severity == "major"
    small = driftscope.compare(side(1_000_000, 0.1), side(1_000_000, 0.11)).column("c")
    assert small.severity == "none"


def test_tiers_override_per_column(tables):
    default = driftscope.compare(*tables).column("shifted")
    assert default.severity == "major"
    assert default.effect_size is not None
    raised = driftscope.compare(*tables, tiers={"shifted": (0.01, 0.9)}).column("shifted")
    assert raised.severity == "warning"
    with pytest.raises(ConfigError, match=r"tiers\['shifted'\]"):
        driftscope.compare(*tables, tiers={"shifted": (0.5, 0.1)})


def test_distance_severity_follows_psi_practice(tables):
    col = driftscope.compare(*tables, methods="psi").column("shifted")
    expected = "major" if col.statistic >= 0.25 else "warning" if col.statistic >= 0.1 else "none"
    assert col.severity == expected


@pytest.mark.parametrize(
    ("fail_on", "tiers", "code", "severity"),
    [
        ("major", [], 1, "Dataset drift (MAJOR): "),
        ("warning", [], 1, "Dataset drift (MAJOR): "),
        (
            "major",
            ["--tiers", "shifted=0.01,0.99", "--tiers", "plan=0.01,0.99"],
            0,
            "Drift (warning)",
        ),
        ("warning", ["--tiers", "shifted=0.99,0.99", "--tiers", "plan=0.99,0.99"], 0, "No drift: "),
    ],
    ids=["major", "warning", "major-raised", "warning-raised"],
)
def test_fail_on_severity(capsys, parquet_pair, fail_on, tiers, code, severity):
    ref, cur = parquet_pair
    assert main(["report", str(ref), str(cur), "--fail-on", fail_on, *tiers]) == code
    verdicts = ("Dataset drift (", "Drift (", "No drift:")
    lines = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith(verdicts)]
    assert len(lines) == 1
    assert lines[0].startswith(severity)


def test_bad_tiers_option_is_a_one_line_error(capsys, parquet_pair):
    ref, cur = parquet_pair
    assert main(["report", str(ref), str(cur), "--tiers", "shifted=0.1"]) == 2
    assert "--tiers: expected COLUMN=WARNING,MAJOR" in capsys.readouterr().err


def test_per_column_options_must_name_compared_columns(tables):
    with pytest.raises(ConfigError, match=r"^min_effect: column 'nope' is not in both datasets"):
        driftscope.compare(*tables, min_effect={"nope": 0.1})
    with pytest.raises(ConfigError, match=r"^tiers: column 'nope' is not in both datasets"):
        driftscope.compare(*tables, tiers={"nope": (0.1, 0.2)})
