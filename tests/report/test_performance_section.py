"""The performance section in the JSON, the HTML and the terminal."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pyarrow as pa
from tests.report.test_html import Page, report_of

from driftscope.engine.options import CompareOptions
from driftscope.engine.performance import measure_performance
from driftscope.report.html import render_html
from driftscope.report.json_format import report_to_json
from driftscope.report.terminal import format_table
from driftscope.result import MetricValue, Performance


def _tables(shift: float) -> tuple[pa.Table, pa.Table]:
    rng = np.random.default_rng(0)
    out = []
    for noise in (0.0, shift):
        y = rng.integers(0, 2, 3_000)
        score = np.clip(0.4 * y + rng.uniform(0, 0.6, y.size) + rng.normal(0, noise, y.size), 0, 1)
        out.append(pa.table({"y": y, "score": score}))
    return out[0], out[1]


def _report(shift: float = 0.3):
    perf = measure_performance(*_tables(shift), CompareOptions(target="y", probability="score"))
    return replace(report_of([]), performance=perf)


def test_the_json_section_follows_the_spec():
    data = json.loads(report_to_json(_report()))["performance"]
    assert data["task"] == "binary_classification"
    auc = data["current"]["roc_auc"]
    assert set(auc) == {"value", "ci_low", "ci_high", "estimated"}
    assert auc["ci_low"] <= auc["value"] <= auc["ci_high"]
    assert auc["estimated"] is False
    assert data["rows"] == {"reference": 3_000, "current": 3_000}
    assert json.loads(report_to_json(report_of([])))["performance"] is None


def test_the_html_marks_a_metric_that_got_worse_beyond_its_intervals():
    page = Page(render_html(_report()))
    (section,) = page.find("section", "performance")
    worse = [page.text_of(i) for i in page.find("tr", "worse", within=section)]
    assert any(text.startswith("roc_auc") for text in worse)
    steady = Page(render_html(_report(shift=0.0)))
    (section,) = steady.find("section", "performance")
    assert steady.find("tr", "worse", within=section) == []


def test_notes_and_names_are_escaped():
    perf = Performance(
        task="binary_classification",
        reference={"<b>acc</b>": MetricValue(0.9, 0.8, 0.95)},
        notes=("<script>alert(1)</script> rows left out",),
    )
    page = render_html(replace(report_of([]), performance=perf))
    assert "<script>alert(1)" not in page
    assert "&lt;b&gt;acc&lt;/b&gt;" in page


def test_the_terminal_prints_each_metric_from_reference_to_current():
    text = format_table(_report())
    assert "Model performance (binary classification): reference -> current" in text
    line = next(ln for ln in text.splitlines() if ln.strip().startswith("roc_auc:"))
    assert "->" in line
    assert "[" in line


def _concept_report(flip: bool):
    rng = np.random.default_rng(5)
    tables = []
    for flipped in (False, flip):
        a, b = rng.normal(size=4_000), rng.normal(size=4_000)
        score = 1 / (1 + np.exp(-(1.5 * a + b)))
        truth = 1 / (1 + np.exp(-(1.5 * a - b))) if flipped else score
        y = (rng.uniform(size=a.size) < truth).astype(int)
        tables.append(pa.table({"a": a, "b": b, "y": y, "score": score}))
    perf = measure_performance(*tables, CompareOptions(target="y", probability="score"))
    return replace(report_of([]), performance=perf)


def test_concept_drift_is_in_every_output():
    report = _concept_report(flip=True)
    data = json.loads(report_to_json(report))["performance"]["concept"]
    assert data["changed"] is True
    assert data["features"][0]["name"] == "b"
    assert data["gaps"]["roc_auc"]["beyond"] is True
    page = Page(render_html(report))
    (para,) = page.find("p", "concept")
    assert "Concept drift" in page.text_of(para)
    assert "input-label relation: CHANGED" in format_table(report)
    steady = _concept_report(flip=False)
    assert json.loads(report_to_json(steady))["performance"]["concept"]["changed"] is False
    assert "input-label relation: unchanged" in format_table(steady)


def _regression_report(moved: bool):
    rng = np.random.default_rng(7)
    tables = []
    for side_moved in (False, moved):
        a, b = rng.normal(size=4_000), rng.normal(size=4_000)
        slope = 0.5 if side_moved else 1.5
        y = 2 * a + slope * b + rng.normal(size=a.size)
        tables.append(pa.table({"a": a, "b": b, "y": y, "pred": 2 * a + 1.5 * b}))
    perf = measure_performance(*tables, CompareOptions(target="y", prediction="pred"))
    return replace(report_of([]), performance=perf)


def test_a_regressions_concept_drift_speaks_of_its_errors_in_every_output():
    report = _regression_report(moved=True)
    data = json.loads(report_to_json(report))["performance"]["concept"]
    assert data["changed"] is True
    assert data["gaps"] == {}
    assert data["calibration"]["class"] is None
    assert data["features"][0]["name"] == "b"
    page = Page(render_html(report))
    (para,) = page.find("p", "concept")
    text = page.text_of(para)
    assert "no longer errs as it did" in text
    assert "mean absolute error" in text
    assert "b (residual shift" in text
    assert "input-label relation: CHANGED (error test" in format_table(report)
    steady = _regression_report(moved=False)
    page = Page(render_html(steady))
    (para,) = page.find("p", "concept")
    assert "No concept drift found" in page.text_of(para)
    assert "residual shift" not in page.text_of(para)  # features named only for a change
