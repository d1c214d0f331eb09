"""Importance in compare(): given by the user, or measured by permutation on a real model."""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pytest
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LinearRegression

import driftscope
from driftscope.cli import main
from driftscope.errors import ConfigError, InputError


def _labelled(n: int, seed: int, shift_noise: float = 0.0) -> pa.Table:
    """y depends on `signal` only; `noise` drifts (when asked) but the model ignores it."""
    rng = np.random.default_rng(seed)
    signal = rng.normal(0, 1, n)
    noise = rng.normal(shift_noise, 1, n)
    return pa.table({"signal": signal, "noise": noise, "y": (signal > 0).astype(np.int64)})


class OnlySignal:
    """A model that reads one column: shuffling any other column cannot change its loss."""

    def predict(self, x):
        return (np.asarray(x["signal"]) > 0).astype(np.int64)


def test_permutation_importance_of_an_ignored_feature_is_zero():
    ref, cur = _labelled(4000, 1), _labelled(4000, 2, shift_noise=1.0)
    report = driftscope.compare(ref, cur, target="y", model=OnlySignal())
    assert report.column("noise").importance == 0.0
    assert report.column("signal").importance == 1.0
    # noise drifted badly, but the model does not use it: no dataset drift, no severity
    assert report.column("noise").drifted
    assert report.column("noise").severity == "major"
    assert report.dataset.weighted_drift_score == 0.0
    assert report.dataset.drifted is False
    assert report.dataset.severity == "none"


def test_equal_weights_would_have_raised_the_same_drift():
    ref, cur = _labelled(4000, 1), _labelled(4000, 2, shift_noise=1.0)
    report = driftscope.compare(ref, cur, target="y")
    assert report.dataset.drifted  # 1 of 2 features: share 0.5 reaches the threshold
    assert report.dataset.severity == "major"


def test_a_scikit_learn_model_ranks_the_feature_it_uses_first():
    ref, cur = _labelled(3000, 3), _labelled(3000, 4)
    forest = RandomForestClassifier(n_estimators=20, random_state=0)
    forest.fit(ref.select(["signal", "noise"]).to_pandas(), ref["y"].to_numpy())
    report = driftscope.compare(ref, cur, target="y", model=forest)
    assert report.column("signal").importance > 0.8
    assert report.column("signal").importance + report.column("noise").importance == (
        pytest.approx(1.0)
    )


def test_regression_importance_uses_squared_error():
    rng = np.random.default_rng(5)
    x1, x2 = rng.normal(0, 1, 2000), rng.normal(0, 1, 2000)
    ref = pa.table({"x1": x1, "x2": x2, "y": 3 * x1 + 1 * x2 + rng.normal(0, 0.1, 2000)})
    model = LinearRegression().fit(ref.select(["x1", "x2"]).to_pandas(), ref["y"].to_numpy())
    report = driftscope.compare(ref, ref, target="y", model=model)
    # permuting x_i adds about 2 b_i^2 var(x_i) to the MSE: shares 9/10 and 1/10
    assert report.column("x1").importance == pytest.approx(0.9, abs=0.03)


def test_user_importances_weigh_the_verdict(tables):
    report = driftscope.compare(*tables, importance={"shifted": 1.0, "stable": 3.0})
    assert report.column("shifted").importance == 0.25
    assert report.column("count").importance == 0.0
    assert report.dataset.weighted_drift_score == pytest.approx(0.25)
    assert any("importance 0.25" in r for r in report.dataset.reasons)
    # plan drifted but weighs 0: it is not named among the reasons
    assert not any("plan" in r for r in report.dataset.reasons)


def test_model_errors_are_one_line():
    ref, cur = _labelled(500, 1), _labelled(500, 2)
    with pytest.raises(ConfigError, match="model: needs a predict"):
        driftscope.compare(ref, cur, target="y", model=object())
    with pytest.raises(ConfigError, match="needs the target column"):
        driftscope.compare(ref, cur, model=OnlySignal())
    with pytest.raises(ConfigError, match="either importance or model"):
        driftscope.compare(ref, cur, target="y", model=OnlySignal(), importance={"noise": 1})

    class Broken:
        def predict(self, x):
            raise ValueError("X has 2 features, but the model expects 5\nmore detail")

    with pytest.raises(InputError, match=r"predict failed on the .*\(X has 2 features"):
        driftscope.compare(ref, cur, target="y", model=Broken())


def test_cli_importances_from_a_file_and_from_pairs(capsys, parquet_pair, tmp_path):
    ref, cur = parquet_pair
    js, weights = tmp_path / "r.json", tmp_path / "w.json"
    weights.write_text(json.dumps({"shifted": 2, "stable": 2}))
    argv = ["report", str(ref), str(cur), "--json", str(js)]
    assert main([*argv, "--importance", str(weights)]) == 0
    cols = {c["name"]: c for c in json.loads(js.read_text())["columns"]}
    assert cols["shifted"]["importance"] == 0.5
    assert main(["report", str(ref), str(cur), "--importance", "zz=1"]) == 2
    assert "importance: 'zz' is not a tested feature column" in capsys.readouterr().err
    weights.write_text("[1, 2]")
    assert main(["report", str(ref), str(cur), "--importance", str(weights)]) == 2
    assert "expected a JSON object mapping column names to numbers" in capsys.readouterr().err
