"""A report's columns mapped onto the performance metrics (engine/performance.py)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from sklearn import metrics as skm

from driftscope.engine.options import CompareOptions
from driftscope.engine.performance import measure_performance
from driftscope.errors import InputError


def _binary(seed: int, n: int = 2_000, labels=(0, 1)) -> pa.Table:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    score = np.clip(0.3 * y + rng.uniform(0, 0.7, n), 0, 1)
    return pa.table({"x": rng.normal(size=n), "y": [labels[v] for v in y], "score": score})


def test_a_binary_classifier_is_measured_on_both_sides():
    ref, cur = _binary(1), _binary(2)
    perf = measure_performance(ref, cur, CompareOptions(target="y", probability="score"))
    assert perf is not None
    assert perf.task == "binary_classification"
    assert perf.rows == (2_000, 2_000)
    y, p = np.array(cur.column("y")), np.array(cur.column("score"))
    assert perf.current["roc_auc"].value == pytest.approx(skm.roc_auc_score(y, p))
    assert perf.reference["accuracy"].ci_low < perf.reference["accuracy"].value
    assert perf.classes == ("0", "1")


def test_the_positive_class_is_the_larger_label_or_the_named_one():
    ref, cur = _binary(3, labels=("no", "yes")), _binary(4, labels=("no", "yes"))
    perf = measure_performance(ref, cur, CompareOptions(target="y", probability="score"))
    assert perf is not None
    assert perf.classes == ("no", "yes")
    y = np.array(cur.column("y")) == "yes"
    assert perf.current["roc_auc"].value == pytest.approx(
        skm.roc_auc_score(y, np.array(cur.column("score")))
    )
    named = measure_performance(ref, cur, CompareOptions(target="y", probability={"no": "score"}))
    assert named is not None
    assert named.classes == ("yes", "no")  # the score is read as P(no) now
    assert named.current["roc_auc"].value == pytest.approx(1 - perf.current["roc_auc"].value)


def test_a_multiclass_model_with_one_column_per_class():
    rng = np.random.default_rng(5)
    n, k = 1_500, 3
    tables = []
    for _ in range(2):
        y = rng.integers(0, k, n)
        logits = rng.normal(size=(n, k)) + 1.5 * np.eye(k)[y]
        probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
        cols = {f"p_{c}": probs[:, i] for i, c in enumerate("abc")}
        tables.append(pa.table({"y": [str("abc"[v]) for v in y], **cols}))
    options = CompareOptions(target="y", probability={c: f"p_{c}" for c in "abc"})
    perf = measure_performance(*tables, options)
    assert perf is not None
    assert perf.task == "multiclass_classification"
    y = np.array([ord(v) - ord("a") for v in tables[1].column("y").to_pylist()])
    probs = np.column_stack([np.array(tables[1].column(f"p_{c}")) for c in "abc"])
    assert perf.current["log_loss"].value == pytest.approx(skm.log_loss(y, probs))


def test_a_numeric_prediction_of_a_numeric_target_is_a_regression():
    rng = np.random.default_rng(6)
    tables = []
    for _ in range(2):
        y = rng.normal(10, 3, 800)
        tables.append(pa.table({"y": y, "yhat": y + rng.normal(0, 1, y.size)}))
    perf = measure_performance(*tables, CompareOptions(target="y", prediction="yhat"))
    assert perf is not None
    assert perf.task == "regression"
    y, g = np.array(tables[0].column("y")), np.array(tables[0].column("yhat"))
    assert perf.reference["rmse"].value == pytest.approx(np.sqrt(skm.mean_squared_error(y, g)))


def test_missing_labels_are_counted_and_a_side_without_any_is_said():
    ref = _binary(7).drop_columns(["y"])
    perf = measure_performance(ref, _binary(8), CompareOptions(target="y", probability="score"))
    assert perf is not None
    assert perf.reference == {}
    assert any("reference data has no labels" in note for note in perf.notes)
    ref = _binary(7)
    holes = _binary(9).to_pydict()
    holes["y"][:10] = [None] * 10
    perf = measure_performance(
        ref, pa.table(holes), CompareOptions(target="y", probability="score")
    )
    assert perf is not None
    assert perf.rows == (2_000, 1_990)
    assert "current: 10 row(s) without the target left out" in perf.notes
    holes["score"][10:13] = [None] * 3
    perf = measure_performance(
        ref, pa.table(holes), CompareOptions(target="y", probability="score")
    )
    assert perf is not None
    assert "current: 10 row(s) without the target left out" in perf.notes
    assert "current: 3 row(s) without an output left out" in perf.notes


def test_rows_waiting_for_late_labels_are_counted_once(tmp_path):
    import pyarrow.csv as pv

    import driftscope

    ref, cur = _binary(11).to_pydict(), _binary(12).to_pydict()
    ids = list(range(len(cur["y"])))
    ref["id"] = [i + 10_000 for i in ids]
    labels = tmp_path / "labels.csv"
    pv.write_csv(pa.table({"id": ids[:1_500], "y": cur.pop("y")[:1_500]}), labels)
    cur["id"] = ids
    options = {"target": "y", "probability": "score", "schema": {"id": "id"}}
    report = driftscope.compare(
        pa.table(ref), pa.table(cur), labels=labels, id_column="id", **options
    )
    assert report.performance is not None
    waiting = [note for note in report.performance.notes if "500" in note]
    assert waiting == [f"{labels}: 500 current row(s) have no label yet"], report.performance.notes


def test_no_target_or_no_output_means_no_section():
    ref = _binary(10)
    assert measure_performance(ref, ref, CompareOptions(probability="score")) is None
    assert measure_performance(ref, ref, CompareOptions(target="y")) is None


def test_a_probability_outside_the_unit_interval_names_the_column():
    bad = _binary(11).to_pydict()
    bad["score"][3] = 1.7
    with pytest.raises(InputError, match=r"column 'score' \(current\) row 3 holds 1.7"):
        measure_performance(
            _binary(12), pa.table(bad), CompareOptions(target="y", probability="score")
        )


def test_one_probability_column_for_three_classes_is_an_error():
    table = pa.table({"y": ["a", "b", "c", "a"], "score": [0.1, 0.2, 0.3, 0.4]})
    with pytest.raises(InputError, match="holds 3 classes but one probability column"):
        measure_performance(table, table, CompareOptions(target="y", probability="score"))


def test_a_current_side_without_labels_is_estimated():
    rng = np.random.default_rng(13)
    ref_score = rng.uniform(size=5_000)
    ref = pa.table({"y": (rng.uniform(size=5_000) < ref_score).astype(int), "score": ref_score})
    cur_score = rng.beta(4, 2, 4_000)
    cur = pa.table({"x": rng.normal(size=4_000), "score": cur_score})
    perf = measure_performance(ref, cur, CompareOptions(target="y", probability="score"))
    assert perf is not None
    assert perf.current["roc_auc"].estimated
    assert not perf.reference["roc_auc"].estimated
    assert perf.rows == (5_000, 0)
    assert any("estimated" in note and "CBPE" in note for note in perf.notes)
    realised = skm.roc_auc_score(rng.uniform(size=4_000) < cur_score, cur_score)
    assert (
        perf.current["roc_auc"].ci_low - 0.02 <= realised <= perf.current["roc_auc"].ci_high + 0.02
    )


def test_a_binary_model_given_a_column_per_class_is_measured_as_binary():
    ref, cur = _binary(14), _binary(15)
    two = [t.append_column("p0", pa.array(1 - np.array(t.column("score")))) for t in (ref, cur)]
    options = CompareOptions(target="y", probability={"0": "p0", "1": "score"})
    perf = measure_performance(*two, options)
    single = measure_performance(ref, cur, CompareOptions(target="y", probability="score"))
    assert perf is not None
    assert single is not None
    assert perf.task == "binary_classification"
    assert perf.current["roc_auc"].value == pytest.approx(single.current["roc_auc"].value)
    unlabelled = two[1].drop_columns(["y"])
    estimated = measure_performance(two[0], unlabelled, options)
    assert estimated is not None
    assert estimated.current["roc_auc"].estimated


def test_a_regression_without_current_labels_is_estimated_from_its_inputs():
    # the model's error grows with |x|; the current rows sit where it is larger
    rng = np.random.default_rng(16)
    x = rng.normal(size=8_000)
    y = x + rng.normal(0, 0.3 + np.abs(x))
    ref = pa.table({"x": x, "y": y, "yhat": x})
    xc = rng.normal(1.5, 1.0, 4_000)
    yc = xc + rng.normal(0, 0.3 + np.abs(xc))
    cur = pa.table({"x": xc, "yhat": xc})
    perf = measure_performance(ref, cur, CompareOptions(target="y", prediction="yhat"))
    assert perf is not None
    mae = perf.current["mae"]
    assert mae.estimated
    realised = float(np.mean(np.abs(yc - xc)))
    assert abs(mae.value - realised) < 0.05 * realised
    assert perf.reference["mae"].value < 0.8 * realised  # the shift made it worse
    assert any("DLE" in note for note in perf.notes)


def test_a_prediction_of_probabilities_is_not_taken_for_classes():
    # a score column given as the prediction: its values are not the target's classes, so
    # nothing is measured from them and the notes say where such a column goes
    rng = np.random.default_rng(17)
    tables = []
    for _ in range(2):
        score = rng.uniform(size=5_000)
        tables.append(pa.table({"y": rng.uniform(size=5_000) < score, "score": score}))
    perf = measure_performance(*tables, CompareOptions(target="y", prediction="score"))
    assert perf is not None
    assert perf.classes == ("False", "True")
    assert perf.reference == {}
    assert any("probability=" in note for note in perf.notes)


def test_too_many_classes_are_said_not_measured():
    labels = [f"c{i}" for i in range(150)] * 4
    table = pa.table({"y": labels, "yhat": labels})
    perf = measure_performance(table, table, CompareOptions(target="y", prediction="yhat"))
    assert perf is not None
    assert perf.reference == {}
    assert any("150 classes" in note for note in perf.notes)


def test_without_scikit_learn_a_regression_is_not_estimated_and_says_why(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "sklearn.ensemble", None)  # as if not installed
    rng = np.random.default_rng(18)
    x = rng.normal(size=500)
    ref = pa.table({"x": x, "y": x + rng.normal(size=500), "yhat": x})
    cur = pa.table({"x": rng.normal(size=300), "yhat": rng.normal(size=300)})
    perf = measure_performance(ref, cur, CompareOptions(target="y", prediction="yhat"))
    assert perf is not None
    assert perf.current == {}
    assert any("pip install 'driftscope[ml]'" in note for note in perf.notes)
