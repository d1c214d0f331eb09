"""Performance metrics against scikit-learn, and their bootstrap intervals."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn import metrics as skm
from sklearn.preprocessing import label_binarize

from driftscope.errors import InputError
from driftscope.performance import classification_performance, regression_performance
from driftscope.performance.bootstrap import BOOTSTRAP_ROWS
from driftscope.performance.classification import Scorer, binary_scorer, multiclass_scorer
from driftscope.performance.regression import regression_scorer

CLASSIFICATION = ("accuracy", "precision", "recall", "f1", "roc_auc", "pr_auc", "log_loss")


def _values(perf: dict) -> dict[str, float | None]:
    return {name: m.value for name, m in perf.items()}


def _sklearn_binary(y: np.ndarray, p: np.ndarray) -> dict[str, float]:
    guess = (p >= 0.5).astype(int)
    return {
        "accuracy": skm.accuracy_score(y, guess),
        "precision": skm.precision_score(y, guess, zero_division=0),
        "recall": skm.recall_score(y, guess, zero_division=0),
        "f1": skm.f1_score(y, guess, zero_division=0),
        "roc_auc": skm.roc_auc_score(y, p),
        "pr_auc": skm.average_precision_score(y, p),
        "log_loss": skm.log_loss(y, p, labels=[0, 1]),
    }


@settings(max_examples=60, deadline=None)
@given(
    st.integers(0, 10_000),
    st.integers(20, 400),
    st.sampled_from([None, 2, 10]),  # None: continuous scores; else rounded, with ties
)
def test_binary_metrics_match_scikit_learn(seed, n, decimals):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    y[:2] = [0, 1]  # both classes present
    p = np.clip(0.3 * y + rng.uniform(0, 0.7, n), 0, 1)
    if decimals is not None:
        p = np.round(p, 1 if decimals == 2 else 2)
    ours = _values(classification_performance(y, probabilities=p, replicates=0))
    for name, expected in _sklearn_binary(y, p).items():
        assert ours[name] == pytest.approx(expected, rel=1e-9, abs=1e-12), name


def test_the_calibration_error_is_the_binned_gap():
    rng = np.random.default_rng(1)
    p = rng.uniform(size=5_000)
    y = (rng.uniform(size=p.size) < p**2).astype(int)  # overconfident on purpose
    bins = np.minimum((p * 10).astype(int), 9)
    expected = sum(
        abs(y[bins == b].mean() - p[bins == b].mean()) * np.mean(bins == b) for b in range(10)
    )
    got = classification_performance(y, probabilities=p, replicates=0)["calibration_error"]
    assert got.value == pytest.approx(expected, rel=1e-9)
    calibrated = (rng.uniform(size=p.size) < p).astype(int)
    honest = classification_performance(calibrated, probabilities=p, replicates=0)
    assert honest["calibration_error"].value < got.value / 3


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.integers(30, 300), st.integers(3, 6))
def test_multiclass_metrics_match_scikit_learn(seed, n, k):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, k, n)
    y[:k] = np.arange(k)  # every class present
    logits = rng.normal(size=(n, k)) + 1.5 * np.eye(k)[y]
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    guess = probs.argmax(axis=1)
    ours = _values(classification_performance(y, probabilities=probs, classes=k, replicates=0))
    onehot = label_binarize(y, classes=list(range(k)))
    expected = {
        "accuracy": skm.accuracy_score(y, guess),
        "precision": skm.precision_score(y, guess, average="macro", zero_division=0),
        "recall": skm.recall_score(y, guess, average="macro", zero_division=0),
        "f1": skm.f1_score(y, guess, average="macro", zero_division=0),
        "roc_auc": skm.roc_auc_score(y, probs, multi_class="ovr", average="macro"),
        "pr_auc": skm.average_precision_score(onehot, probs, average="macro"),
        "log_loss": skm.log_loss(y, probs, labels=list(range(k))),
    }
    for name, value in expected.items():
        assert ours[name] == pytest.approx(value, rel=1e-9, abs=1e-12), name


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10_000), st.integers(5, 300), st.booleans())
def test_regression_metrics_match_scikit_learn(seed, n, with_zeros):
    rng = np.random.default_rng(seed)
    y = rng.normal(3, 2, n)
    if with_zeros:
        y[: n // 3] = 0.0  # MAPE's eps denominator
    guess = y + rng.normal(0, 1, n)
    ours = _values(regression_performance(y, guess, replicates=0))
    assert ours["mae"] == pytest.approx(skm.mean_absolute_error(y, guess), rel=1e-9)
    assert ours["rmse"] == pytest.approx(np.sqrt(skm.mean_squared_error(y, guess)), rel=1e-9)
    assert ours["mape"] == pytest.approx(skm.mean_absolute_percentage_error(y, guess), rel=1e-9)
    assert ours["r2"] == pytest.approx(skm.r2_score(y, guess), rel=1e-9, abs=1e-12)


def test_a_constant_target_gets_scikit_learns_r2():
    y = np.full(10, 2.0)
    assert regression_performance(y, y, replicates=0)["r2"].value == 1.0
    assert regression_performance(y, y + 1, replicates=0)["r2"].value == 0.0


def test_predicted_labels_alone_give_the_label_metrics():
    y = np.array([0, 1, 1, 0, 1, 1])
    guess = np.array([0, 1, 0, 0, 1, 1])
    perf = classification_performance(y, predicted=guess, replicates=0)
    assert set(perf) == {"accuracy", "precision", "recall", "f1"}
    assert perf["recall"].value == pytest.approx(skm.recall_score(y, guess))


def test_one_class_only_leaves_the_areas_undefined():
    perf = classification_performance(np.ones(50, dtype=int), probabilities=np.full(50, 0.7))
    assert perf["roc_auc"].value is None
    assert perf["roc_auc"].ci_low is None
    assert perf["accuracy"].value == 1.0


def test_the_interval_holds_the_value_and_narrows_with_more_rows():
    widths = []
    for n in (500, 5_000, 50_000):
        rng = np.random.default_rng(n)
        y = rng.integers(0, 2, n)
        p = np.clip(0.3 * y + rng.uniform(0, 0.7, n), 0, 1)
        auc = classification_performance(y, probabilities=p, seed=2)["roc_auc"]
        assert auc.ci_low < auc.value < auc.ci_high
        widths.append(auc.ci_high - auc.ci_low)
    # the width shrinks like 1 / sqrt(n): a factor sqrt(10) per step, within sampling noise
    assert widths[0] / widths[1] == pytest.approx(10**0.5, rel=0.3)
    assert widths[1] / widths[2] == pytest.approx(10**0.5, rel=0.3)


def test_the_interval_covers_the_population_value():
    # 200 samples of a model whose population accuracy is known: the 95% interval covers it
    # in about 95% of them (binomial 99% band for 200 trials: 176-197)
    covered = 0
    for seed in range(200):
        rng = np.random.default_rng(seed)
        y = rng.integers(0, 2, 400)
        right = rng.uniform(size=400) < 0.8
        guess = np.where(right, y, 1 - y)
        acc = classification_performance(y, predicted=guess, replicates=200, seed=seed)
        covered += acc["accuracy"].ci_low <= 0.8 <= acc["accuracy"].ci_high
    assert 176 <= covered <= 197, covered


def test_a_subsampled_bootstrap_matches_the_full_one():
    # above BOOTSTRAP_ROWS rows the replicates resample a subsample and rescale: the interval
    # is close to the full bootstrap's (rows 1.5 x the limit, so both can run here)
    n = int(BOOTSTRAP_ROWS * 1.5)
    rng = np.random.default_rng(5)
    y = rng.normal(size=n)
    guess = y + rng.standard_t(3, n)
    sub = regression_performance(y, guess, seed=1)["mae"]
    err = np.abs(y - guess)
    full = [np.mean(err[rng.integers(0, n, n)]) for _ in range(200)]
    low, high = np.quantile(full, [0.025, 0.975])
    assert sub.ci_high - sub.ci_low == pytest.approx(high - low, rel=0.25)
    assert sub.ci_low < sub.value < sub.ci_high


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: classification_performance([0, 1, 2], probabilities=[0.1, 0.2, 0.3]), "code 2"),
        (lambda: classification_performance([0, 1], probabilities=[0.1, 1.2]), "outside"),
        (lambda: classification_performance([0, 1], probabilities=[0.1]), "shape"),
        (lambda: classification_performance([0.5, 1.0], probabilities=[0.1, 0.2]), "integer"),
        (lambda: classification_performance([0, 1]), "probabilities or predicted"),
        (
            lambda: classification_performance(
                [0, 1], probabilities=[[0.5, 0.4, 0.3], [0.2, 0.3, 0.5]], classes=3
            ),
            "sum to 1.2",
        ),
        (lambda: regression_performance([1.0, 2.0], [1.0, float("nan")]), "row 1"),
        (lambda: regression_performance([1.0, 2.0], [1.0]), "1 rows"),
        (lambda: regression_performance([], []), "non-empty"),
    ],
)
def test_bad_input_is_one_clear_error(call, message):
    with pytest.raises(InputError, match=message):
        call()


def _scorers() -> dict[str, Scorer]:
    rng = np.random.default_rng(7)
    n, k = 3_000, 4
    y = rng.integers(0, 2, n)
    p = np.round(np.clip(0.3 * y + rng.uniform(0, 0.7, n), 0, 1), 2)  # ties
    labels = rng.integers(0, k, n)
    logits = rng.normal(size=(n, k)) + 1.5 * np.eye(k)[labels]
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    target = rng.normal(size=n)
    return {
        "binary": binary_scorer(y, p, None),
        "binary_labels_only": binary_scorer(y, None, (p >= 0.5).astype(np.int64)),
        "multiclass": multiclass_scorer(labels, probs, None, k),
        "regression": regression_scorer(target, target + rng.standard_t(3, n)),
    }


@pytest.mark.parametrize("kind", list(_scorers()))
def test_a_scorer_asked_for_some_metrics_gives_the_full_results_numbers(kind):
    score = _scorers()[kind]
    rng = np.random.default_rng(1)
    for weights in (None, rng.exponential(size=3_000)):
        full = score(weights)
        for name in full:
            assert score(weights, metrics=(name,)) == {name: full[name]}, name
        pair = list(full)[-2:]
        assert score(weights, metrics=pair) == {name: full[name] for name in pair}
        assert score(weights, metrics=("no_such_metric",)) == {}
        assert score(weights, metrics=None) == full
