"""CBPE: performance estimated without labels follows the realised performance when only the
inputs shift, and departs from it when the labels' relation to the scores changes."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from driftscope.errors import InputError
from driftscope.performance import classification_performance
from driftscope.performance.estimation import (
    estimate_binary,
    estimate_multiclass,
    estimate_regression,
)
from driftscope.performance.estimation.cbpe import fit_calibrator
from driftscope.testing.datasets import nannyml_folder, nannyml_set


def _calibrated(rng: np.random.Generator, scores: np.ndarray) -> np.ndarray:
    return (rng.uniform(size=scores.size) < scores).astype(np.int64)


def test_the_estimate_covers_the_realised_performance_under_covariate_shift():
    # reference: uniform scores; current: shifted towards high scores; labels always drawn
    # from the scores. The realised metrics fall inside the estimate's 95% interval in about
    # 95% of 60 samples (binomial 99% band: at least 52).
    rng = np.random.default_rng(0)
    ref_scores = rng.uniform(size=5_000)
    ref_labels = _calibrated(rng, ref_scores)
    inside = {"roc_auc": 0, "accuracy": 0, "f1": 0}
    for seed in range(60):
        rng = np.random.default_rng(seed + 100)
        cur = rng.beta(4, 2, 3_000)
        estimate = estimate_binary(ref_labels, ref_scores, cur, seed=seed, replicates=150)
        realised = classification_performance(
            _calibrated(rng, cur), probabilities=cur, replicates=0
        )
        for name in inside:
            est, real = estimate[name], realised[name].value
            assert est.estimated
            inside[name] += est.ci_low <= real <= est.ci_high
    assert all(count >= 52 for count in inside.values()), inside


def test_a_miscalibrated_model_is_calibrated_on_the_reference_first():
    rng = np.random.default_rng(1)
    truth = rng.uniform(size=20_000)
    labels = _calibrated(rng, truth)
    scores = truth**3  # overconfident in the negatives, same ranking
    current_truth = rng.beta(2, 2, 20_000)
    current_labels = _calibrated(rng, current_truth)
    estimate = estimate_binary(labels, scores, current_truth**3, replicates=0)
    realised = classification_performance(
        current_labels, probabilities=current_truth**3, replicates=0
    )
    assert estimate["accuracy"].value == pytest.approx(realised["accuracy"].value, abs=0.015)
    assert estimate["roc_auc"].value == pytest.approx(realised["roc_auc"].value, abs=0.015)


def test_a_changed_relation_between_scores_and_labels_is_outside_the_estimate():
    # concept drift: the same scores, but a fifth of the current labels flipped
    rng = np.random.default_rng(2)
    ref = rng.uniform(size=10_000)
    labels = _calibrated(rng, ref)
    cur = rng.uniform(size=10_000)
    cur_labels = _calibrated(rng, cur)
    flip = rng.uniform(size=cur.size) < 0.2
    cur_labels[flip] = 1 - cur_labels[flip]
    estimate = estimate_binary(labels, ref, cur)["roc_auc"]
    realised = roc_auc_score(cur_labels, cur)
    assert realised < estimate.ci_low


def test_the_calibrator_is_monotone_and_pools_ties():
    scores = np.array([0.2, 0.2, 0.5, 0.5, 0.9])
    calibrate = fit_calibrator(scores, np.array([0, 1, 1, 0, 1]), recalibrate=True)
    assert calibrate(np.array([0.2, 0.5, 0.9])).tolist() == [0.5, 0.5, 1.0]
    grid = calibrate(np.linspace(-1, 2, 50))
    assert np.all(np.diff(grid) >= 0)
    assert grid.min() >= 0.0
    assert grid.max() <= 1.0


def test_one_class_in_the_reference_cannot_be_calibrated():
    with pytest.raises(InputError, match="one class only"):
        estimate_binary(np.ones(10, dtype=np.int64), np.full(10, 0.9), np.full(5, 0.5))


@pytest.mark.skipif(nannyml_folder() is None, reason="NannyML's data files are not installed")
def test_on_nannymls_car_loan_data_the_estimate_follows_the_fall_after_the_shift():
    # The data NannyML's wheel ships (.ci/run installs the wheel without its dependencies,
    # for the files): a covariate shift from analysis row 25,000, after which the realised
    # ROC AUC falls by about 0.011. Per chunk of 5,000 rows the estimate must be within 0.01
    # of the realised AUC, and its mean absolute error at most half the naive estimate's
    # (the reference's AUC for every chunk).
    data = nannyml_set("car_loan")
    assert data is not None
    ref, analysis, target = data.reference, data.analysis, data.labels
    assert analysis.column("id").equals(target.column("id"))
    ref_labels = np.asarray(ref.column("repaid"), dtype=np.int64)
    ref_scores = np.asarray(ref.column("y_pred_proba"))
    scores = np.asarray(analysis.column("y_pred_proba"))
    predicted = np.asarray(analysis.column("y_pred"), dtype=np.int64)
    labels = np.asarray(target.column("repaid"), dtype=np.int64)
    naive = roc_auc_score(ref_labels, ref_scores)
    errors, naive_errors, estimates = [], [], []
    for start in range(0, scores.size, 5_000):
        rows = slice(start, start + 5_000)
        estimate = estimate_binary(
            ref_labels, ref_scores, scores[rows], current_predicted=predicted[rows]
        )["roc_auc"]
        realised = roc_auc_score(labels[rows], scores[rows])
        estimates.append(estimate.value)
        errors.append(abs(estimate.value - realised))
        naive_errors.append(abs(naive - realised))
    assert max(errors) <= 0.01, errors
    assert np.mean(errors) <= 0.5 * np.mean(naive_errors), (errors, naive_errors)
    assert np.mean(estimates[:5]) - np.mean(estimates[5:]) > 0.005  # the fall is seen


def _multiclass(rng: np.random.Generator, n: int, shift: float) -> tuple[np.ndarray, np.ndarray]:
    logits = rng.normal(size=(n, 3)) * 1.5 + np.array([0.0, shift, 0.0])
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    labels = (probs.cumsum(axis=1) < rng.uniform(size=(n, 1))).sum(axis=1)
    return np.minimum(labels, 2).astype(np.int64), probs


def test_a_multiclass_estimate_follows_the_realised_performance_under_covariate_shift():
    rng = np.random.default_rng(3)
    ref_labels, ref_probs = _multiclass(rng, 20_000, 0.0)
    cur_labels, cur_probs = _multiclass(rng, 10_000, 1.5)  # more rows the model is sure of
    estimate = estimate_multiclass(ref_labels, ref_probs, cur_probs, seed=1)
    realised = classification_performance(
        cur_labels, probabilities=cur_probs, classes=3, replicates=0
    )
    before = classification_performance(
        ref_labels, probabilities=ref_probs, classes=3, replicates=0
    )
    for name in ("accuracy", "f1", "roc_auc", "log_loss"):
        est, real = estimate[name], realised[name].value
        assert est.estimated
        assert est.ci_low <= real <= est.ci_high, (name, est, real)
    # the shift changed the performance, and the estimate saw it
    assert abs(realised["accuracy"].value - before["accuracy"].value) > 0.02
    assert abs(estimate["accuracy"].value - realised["accuracy"].value) < 0.01


@pytest.mark.skipif(nannyml_folder() is None, reason="NannyML's data files are not installed")
def test_dle_on_nannymls_regression_data_follows_the_shift():
    # NannyML's synthetic regression data (same wheel): a shift at analysis row 30,000 after
    # which the realised MAE falls from about 850 to about 700. Per chunk of 6,000 rows the
    # estimated MAE must beat the naive estimate (the reference's MAE) by a factor 3.
    data = nannyml_set("regression")
    assert data is not None
    ref, analysis, target = data.reference, data.analysis, data.labels
    names = ["car_age", "km_driven", "price_new", "accident_count", "door_count"]

    def inputs(table):
        return np.column_stack([np.asarray(table.column(n)) for n in names])

    y_ref, p_ref = np.asarray(ref.column("y_true")), np.asarray(ref.column("y_pred"))
    p_cur, y_cur = np.asarray(analysis.column("y_pred")), np.asarray(target.column("y_true"))
    naive = float(np.mean(np.abs(y_ref - p_ref)))
    errors, naive_errors = [], []
    for start in (0, 12_000, 30_000, 48_000):
        rows = slice(start, start + 6_000)
        est = estimate_regression(inputs(ref), y_ref, p_ref, inputs(analysis)[rows], p_cur[rows])
        realised = float(np.mean(np.abs(y_cur[rows] - p_cur[rows])))
        errors.append(abs(est["mae"].value - realised))
        naive_errors.append(abs(naive - realised))
    assert np.mean(errors) * 3 < np.mean(naive_errors), (errors, naive_errors)
