"""``driftscope.check``: a suite judged on a real comparison, test by test."""

from __future__ import annotations

import numpy as np
import pytest

import driftscope
from driftscope.errors import ConfigError
from driftscope.suite import SuiteResult, parse_suite

N = 3_000


def _data(seed: int, *, shift: float = 0.0, noise: float = 0.0) -> dict[str, np.ndarray]:
    """A binary classifier's data: ``amount`` moves by ``shift``; ``noise`` flips labels
    away from what the score says (the model gets worse)."""
    rng = np.random.default_rng(seed)
    amount = rng.normal(100 + shift, 15, N)
    region = rng.choice(["north", "south", "east"], N)
    score = rng.uniform(0, 1, N)
    y = (rng.uniform(0, 1, N) < score).astype(int)
    flip = rng.uniform(0, 1, N) < noise
    y[flip] = 1 - y[flip]
    return {"amount": amount, "region": region, "score": score, "y": y}


def _check(text: str, current: dict[str, np.ndarray], **options: object) -> SuiteResult:
    return driftscope.check(_data(0), current, parse_suite(text), **options)


def test_a_dataset_drift_test_fails_on_drift_and_passes_without():
    text = "options: {target: y, probability: score}\ntests:\n  - drift: {fail_on: drift}\n"
    moved = _check(text, _data(1, shift=30.0))
    same = _check(text, _data(1))
    assert not moved.passed
    assert same.passed
    assert "the dataset drifted" in moved.failures[0].message
    assert "did not drift" in same.outcomes[0].message
    assert moved.report.dataset.drifted
    assert not same.report.dataset.drifted


def test_a_column_drift_test_names_the_column_and_its_statistic():
    result = _check("tests:\n  - drift: {columns: [amount, region]}\n", _data(1, shift=30.0))
    (failure,) = result.failures
    assert failure.message.startswith("1 column(s) reached drift: amount (ks ")
    assert failure.details == (failure.message.split(": ", 1)[1],)


def test_severity_tiers_gate_on_the_dataset_severity():
    text = "tests:\n  - drift: {fail_on: major}\n  - drift: {fail_on: warning}\n"
    result = _check(text, _data(1, shift=30.0))
    severity = result.report.dataset.severity
    expected = {"none": (True, True), "warning": (True, False), "major": (False, False)}
    assert tuple(o.passed for o in result.outcomes) == expected[severity]


def test_a_column_the_report_lacks_is_a_config_error_with_the_line():
    with pytest.raises(ConfigError, match=r"<suite>, line 3: column 'nope' is not in the report"):
        _check("tests:\n  - drift: {}\n  - drift: {columns: [nope]}\n", _data(1))


def test_performance_limits_absolute_and_relative():
    text = (
        "options: {target: y, probability: score}\n"
        "tests:\n"
        "  - performance: {metric: roc_auc, min: 0.70}\n"
        "  - performance: {metric: roc_auc, max_drop: 0.02}\n"
        "  - performance: {metric: log_loss, max_relative_drop: 0.05}\n"
        "  - performance: {metric: accuracy, min: 0.0, max: 1.0}\n"
    )
    worse = _check(text, _data(1, noise=0.3), explain=False)
    ref = worse.report.performance.reference["roc_auc"].value
    cur = worse.report.performance.current["roc_auc"].value
    assert ref - cur > 0.05  # the noise really hurt the model
    absolute, drop, relative, loose = worse.outcomes
    assert absolute.passed == (cur >= 0.70)
    assert not drop.passed
    assert f"worsened by {ref - cur:.4g}" in drop.message
    assert not relative.passed
    assert "log_loss" in relative.message  # a rise is the worse way
    assert loose.passed
    steady = _check(text, _data(1), explain=False)
    assert [o.passed for o in steady.outcomes] == [True, True, True, True]


def test_an_estimated_value_passes_unless_the_test_asks_for_labels():
    current = _data(1)
    del current["y"]
    text = (
        "options: {target: y, probability: score}\n"
        "tests:\n"
        "  - performance: {metric: roc_auc, min: 0.6}\n"
        "  - performance: {metric: roc_auc, min: 0.6, estimated: false}\n"
    )
    result = _check(text, current, explain=False)
    loose, strict = result.outcomes
    assert loose.passed
    assert "(estimated)" in loose.message
    assert not strict.passed
    assert "asks for a measured value" in strict.message


def test_performance_without_a_model_fails_and_says_what_is_missing():
    result = _check("tests:\n  - performance: {metric: f1, min: 0.5}\n", _data(1))
    assert not result.passed
    assert "give the target and the model's prediction" in result.failures[0].message


def test_a_metric_the_task_lacks_fails_with_the_reason():
    text = (
        "options: {target: y, probability: score}\ntests:\n  - performance: {metric: mae, max: 1}\n"
    )
    result = _check(text, _data(1), explain=False)
    assert "no current mae" in result.failures[0].message


def test_quality_findings_fail_a_quality_test_and_filters_apply():
    current = _data(1)
    current["amount"] = np.where(np.arange(N) % 3 == 0, np.nan, current["amount"])
    text = (
        "tests:\n"
        "  - quality: {}\n"
        "  - quality: {checks: [new_categories]}\n"
        "  - quality: {fail_on: error}\n"
    )
    result = _check(text, current)
    any_finding, other_check, errors_only = result.outcomes
    assert not any_finding.passed
    assert "missing values rose" in any_finding.message
    assert other_check.passed
    assert errors_only.passed


def test_options_given_to_check_override_the_suites():
    text = "options: {columns: [region]}\ntests:\n  - drift: {}\n"
    assert _check(text, _data(1, shift=30.0)).passed  # amount is not compared
    assert not _check(text, _data(1, shift=30.0), columns=["amount"]).passed


def test_assert_passed_lists_each_failure_for_pytest():
    result = _check("tests:\n  - drift: {}\n  - drift: {columns: [amount]}\n", _data(1, shift=30.0))
    with pytest.raises(AssertionError, match=r"2 of 2 test\(s\) failed:\n  drift: dataset"):
        result.assert_passed()
    _check("tests:\n  - drift: {}\n", _data(1)).assert_passed()
