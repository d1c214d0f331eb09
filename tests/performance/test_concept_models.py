"""Concept drift beyond a binary model's numeric features: several classes, a regression,
category features, told apart from covariate shift (only P(x) changes) and found where only
P(y | x) changes."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from driftscope.engine.options import CompareOptions
from driftscope.engine.performance import measure_performance
from driftscope.performance.concept import MIN_BIAS_SHIFT
from driftscope.result import ConceptDrift

CLASSES = np.array(["x", "y", "z"])
MULTICLASS = CompareOptions(target="y", probability={"x": "px", "y": "py", "z": "pz"})
REGRESSION = CompareOptions(target="y", prediction="pred")
BINARY = CompareOptions(target="y", probability="score")


def _concept(reference: pa.Table, current: pa.Table, options: CompareOptions) -> ConceptDrift:
    perf = measure_performance(reference, current, options)
    assert perf is not None
    assert perf.concept is not None, perf.notes
    return perf.concept


def _softmax(logits: np.ndarray) -> np.ndarray:
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return np.asarray(e / e.sum(axis=1, keepdims=True))


def _three_classes(
    rng: np.random.Generator, n: int, shift: float = 0.0, moved_b: bool = False
) -> pa.Table:
    # the model's probabilities are the truth on the reference; moved_b: class y now
    # follows -b where the model expects +b
    a, b, c = rng.normal(shift, 1.0, n), rng.normal(0.0, 1.0, n), rng.normal(0.0, 1.0, n)
    logits = np.column_stack([a, b, -a - b])
    model = _softmax(logits)
    if moved_b:
        logits[:, 1] = -b
    truth = _softmax(logits)
    codes = np.minimum((truth.cumsum(axis=1) < rng.uniform(size=(n, 1))).sum(axis=1), 2)
    return pa.table(
        {"a": a, "b": b, "c": c, "y": CLASSES[codes]}
        | {f"p{name}": model[:, i] for i, name in enumerate(CLASSES)}
    )


def test_several_classes_only_the_inputs_shift_no_concept_drift():
    changed = 0
    for seed in range(8):
        rng = np.random.default_rng(seed)
        ref, cur = _three_classes(rng, 4_000), _three_classes(rng, 4_000, shift=0.8)
        changed += _concept(ref, cur, MULTICLASS).changed
    assert changed <= 1, changed


def test_several_classes_a_moved_relation_is_found_with_its_class_and_feature():
    rng = np.random.default_rng(3)
    ref, cur = _three_classes(rng, 4_000), _three_classes(rng, 4_000, moved_b=True)
    concept = _concept(ref, cur, MULTICLASS)
    assert concept.changed
    assert concept.calibration.p_value < 1e-10
    assert concept.calibration.label in {"y", "z"}  # y's rows moved to and from z
    assert concept.gaps["accuracy"].beyond
    assert concept.gaps["accuracy"].realised < concept.gaps["accuracy"].estimated.value
    assert concept.features[0].name == "b"
    noise = next(f for f in concept.features if f.name == "c")
    assert noise.p_value_adjusted > 0.01


def _regression(
    rng: np.random.Generator, n: int, shift: float = 0.0, slope_b: float = 1.5
) -> pa.Table:
    # the model misses the square term: its error grows where a moves, though y | x does not
    a, b, c = rng.normal(shift, 1.0, n), rng.normal(0.0, 1.0, n), rng.normal(0.0, 1.0, n)
    y = a * a + 2.0 * a + slope_b * b + rng.normal(0.0, 1.0, n)
    pred = 2.0 * a + 1.5 * b + 1.0
    return pa.table({"a": a, "b": b, "c": c, "y": y, "pred": pred})


@pytest.mark.parametrize("shift", [0.5, 1.0])
def test_a_regression_whose_inputs_shift_under_a_misspecified_model_keeps_its_concept(
    shift: float,
):
    changed, shifts = 0, []
    for seed in range(6):
        rng = np.random.default_rng(seed)
        concept = _concept(_regression(rng, 5_000), _regression(rng, 5_000, shift), REGRESSION)
        changed += concept.changed
        shifts.append(concept.calibration.shift)
        assert concept.gaps == {}  # a regression has no label-free estimate to compare with
    assert changed <= 1, shifts


def test_a_regression_whose_relation_moved_is_found_and_located():
    rng = np.random.default_rng(1)
    concept = _concept(_regression(rng, 5_000), _regression(rng, 5_000, slope_b=1.0), REGRESSION)
    assert concept.changed
    assert concept.calibration.p_value < 1e-10
    assert concept.calibration.shift >= MIN_BIAS_SHIFT
    assert concept.features[0].name == "b"
    assert concept.features[0].p_value_adjusted < 1e-10
    assert {f.name for f in concept.features} == {"a", "b", "c"}


def test_the_raw_error_by_prediction_would_have_called_the_shift_concept_drift():
    # why the bias model: the errors' mean within prediction bins does move under the
    # shift alone (the square term), by more than the threshold
    from driftscope.performance.concept.features import moved, numeric_bins

    rng = np.random.default_rng(0)
    ref, cur = _regression(rng, 5_000), _regression(rng, 5_000, 0.5)
    pred_r, pred_c = (np.asarray(t["pred"]) for t in (ref, cur))
    err_r, err_c = (np.asarray(t["y"]) - np.asarray(t["pred"]) for t in (ref, cur))
    raw = moved(*numeric_bins(pred_r, pred_c, 20), err_r, err_c)
    assert raw is not None
    assert raw.p_value < 1e-6
    assert raw.mean / np.mean(np.abs(err_r)) > MIN_BIAS_SHIFT
    assert not _concept(ref, cur, REGRESSION).changed


def test_a_regression_without_scikit_learn_says_why_it_has_no_concept_section(monkeypatch):
    from driftscope.errors import ConfigError
    from driftscope.performance.concept import regression

    def missing(purpose: str) -> None:
        raise ConfigError(f"performance: {purpose} needs scikit-learn: pip install x")

    monkeypatch.setattr(regression, "boosting_model", missing)
    rng = np.random.default_rng(2)
    perf = measure_performance(_regression(rng, 2_000), _regression(rng, 2_000), REGRESSION)
    assert perf is not None
    assert perf.concept is None
    assert any("concept drift is not tested" in note for note in perf.notes)


def _regions(rng: np.random.Generator, n: int, moved: bool) -> pa.Table:
    # a binary model; the label's odds in region "coast" triple in the current data
    a = rng.normal(0.0, 1.0, n)
    region = rng.choice(np.array(["coast", "hills", "city", "plain"]), n)
    logit = 1.2 * a - 1.0
    score = 1.0 / (1.0 + np.exp(-logit))
    truth = 1.0 / (1.0 + np.exp(-(logit + 1.1 * ((region == "coast") & moved))))
    y = (rng.uniform(size=n) < truth).astype(np.int64)
    return pa.table({"a": a, "region": region, "y": y, "score": score})


def test_a_category_whose_relation_moved_is_named():
    rng = np.random.default_rng(4)
    concept = _concept(_regions(rng, 8_000, False), _regions(rng, 8_000, True), BINARY)
    assert concept.features[0].name == "region"
    assert concept.features[0].p_value_adjusted < 1e-6
    steady = _concept(_regions(rng, 8_000, False), _regions(rng, 8_000, False), BINARY)
    region = next(f for f in steady.features if f.name == "region")
    assert region.p_value_adjusted > 0.01


def test_a_move_alike_everywhere_is_no_features_move():
    # every row's chance of a positive up by 0.1: the calibration test sees it, and no
    # feature is to blame (its bins all moved alike)
    def side(rng: np.random.Generator, n: int, up: float) -> pa.Table:
        a, b = rng.normal(0.0, 1.0, n), rng.normal(0.0, 1.0, n)
        score = 0.1 + 0.7 / (1.0 + np.exp(-(1.0 * a + 0.5 * b)))
        y = (rng.uniform(size=n) < score + up).astype(np.int64)
        return pa.table({"a": a, "b": b, "y": y, "score": score})

    rng = np.random.default_rng(6)
    concept = _concept(side(rng, 8_000, 0.0), side(rng, 8_000, 0.1), BINARY)
    assert concept.changed
    assert concept.calibration.p_value < 1e-10
    assert {f.name for f in concept.features} == {"a", "b"}
    assert all(f.p_value_adjusted > 0.001 for f in concept.features), concept.features
