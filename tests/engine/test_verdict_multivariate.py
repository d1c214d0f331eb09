"""The multivariate tests in the dataset's verdict: features that move together where no
column moves alone raise the dataset's severity, named in its reasons and headline; nothing
changed, nothing raised (see driftscope.engine.verdict)."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

import driftscope
from driftscope.engine.verdict import (
    MAJOR_AUC,
    multivariate_severity,
    with_multivariate,
)
from driftscope.multivariate import Contribution, MultivariateResult
from driftscope.result import DatasetVerdict

pytest.importorskip("sklearn")

ROWS = 1_500


def correlated(rng: np.random.Generator, rows: int, rho: float) -> dict[str, np.ndarray]:
    """Two standard normal columns with correlation ``rho``: each column alone is N(0, 1)
    whatever ``rho`` is."""
    z = rng.standard_normal((rows, 2))
    return {"x": z[:, 0], "y": rho * z[:, 0] + np.sqrt(1 - rho**2) * z[:, 1]}


@pytest.fixture(scope="module")
def sides() -> dict[str, dict[str, np.ndarray]]:
    rng = np.random.default_rng(7)
    return {
        "reference": correlated(rng, ROWS, 0.0),
        "correlated": correlated(rng, ROWS, 0.8),
        "same": correlated(rng, ROWS, 0.0),
    }


def test_a_correlation_change_alone_drifts_the_dataset_through_the_multivariate_tests(
    sides: dict[str, dict[str, np.ndarray]],
) -> None:
    report = driftscope.compare(
        sides["reference"], sides["correlated"], multivariate=["mmd", "classifier"]
    )
    assert report.drifted_columns == []  # no column moved on its own
    dataset = report.dataset
    assert dataset.drifted_columns == 0
    assert dataset.multivariate_drift == ("mmd", "classifier")
    classifier = next(m for m in report.multivariate or () if m.method == "classifier")
    assert classifier.statistic >= MAJOR_AUC  # rho 0 -> 0.8 separates the periods well
    assert dataset.severity == "major"
    assert dataset.drifted
    assert any(r.startswith("features together, warning: mmd (MMD^2") for r in dataset.reasons)
    together = [r for r in dataset.reasons if "classifier" in r]
    assert len(together) == 1
    assert together[0].startswith("features together, major: classifier (AUC 0.")
    js = json.loads(report.to_json())["dataset"]
    assert js["multivariate_drift"] == ["mmd", "classifier"]
    assert js["severity"] == "major"
    assert "separating most: " in together[0]
    assert together[0].endswith(("x, y)", "y, x)"))
    assert dataset.headline.endswith("; features together: mmd, classifier")
    assert report.fails("drift")


def test_no_change_raises_nothing(sides: dict[str, dict[str, np.ndarray]]) -> None:
    report = driftscope.compare(
        sides["reference"], sides["same"], multivariate=["mmd", "classifier"]
    )
    assert [m.drifted for m in report.multivariate or ()] == [False, False]
    assert report.dataset.severity == "none"
    assert not report.dataset.drifted
    assert report.dataset.multivariate_drift == ()
    assert report.dataset.reasons == ()


def test_without_multivariate_tests_the_verdict_is_the_columns_alone(
    sides: dict[str, dict[str, np.ndarray]],
) -> None:
    report = driftscope.compare(sides["reference"], sides["correlated"])
    assert report.dataset.severity == "none"
    assert report.dataset.multivariate_drift == ()


def _result(method: str, statistic: float, drifted: bool = True) -> MultivariateResult:
    p_value = None if method == "reconstruction" else (0.001 if drifted else 0.4)
    return MultivariateResult(method, statistic, p_value, 0.05, False, drifted, 500, 500)


@pytest.mark.parametrize(
    ("method", "statistic", "expected"),
    [
        ("classifier", 0.9, "major"),
        ("classifier", MAJOR_AUC, "major"),
        ("classifier", 0.56, "warning"),
        ("mmd", 5.0, "warning"),
        ("reconstruction", 50.0, "warning"),
    ],
    ids=["classifier-far", "classifier-at-major", "classifier-near", "mmd", "reconstruction"],
)
def test_a_drifted_test_warns_and_only_a_large_classifier_auc_is_major(
    method: str, statistic: float, expected: str
) -> None:
    assert multivariate_severity(_result(method, statistic)) == expected
    assert multivariate_severity(_result(method, statistic, drifted=False)) == "none"


def test_a_test_that_could_not_run_counts_for_nothing() -> None:
    failed = replace(_result("mmd", float("nan"), drifted=False), error="too few rows")
    assert multivariate_severity(failed) == "none"
    plain = DatasetVerdict(False, 0, 3, 0.0, 0.5)
    assert with_multivariate(plain, [failed]) is plain


def test_the_major_auc_matches_the_ks_distance_that_makes_a_feature_major() -> None:
    # a quarter-standard-deviation mean shift: KS distance 0.1 (major), and the AUC of the
    # best classifier between N(0, 1) and N(d, 1) is Phi(d / sqrt 2)
    from statistics import NormalDist

    shift = 2 * NormalDist().inv_cdf(0.55)
    assert pytest.approx(NormalDist().cdf(shift / np.sqrt(2))) == MAJOR_AUC
    assert round(MAJOR_AUC, 4) == 0.5705


def test_a_multivariate_drift_never_lowers_the_columns_severity_and_counts_once() -> None:
    major = DatasetVerdict(True, 2, 3, 2 / 3, 0.5, severity="major", reasons=("dataset drift",))
    raised = with_multivariate(major, [_result("mmd", 0.2)])
    assert raised.severity == "major"
    assert raised.drifted
    assert raised.reasons[0] == "dataset drift"
    assert raised.multivariate_drift == ("mmd",)
    assert with_multivariate(raised, [_result("mmd", 0.2)]) == raised  # the monitor's re-fold


def test_the_reason_names_the_three_columns_that_separate_most() -> None:
    explained = replace(
        _result("classifier", 0.8),
        explanation=tuple(Contribution(name, 1.0 / (i + 1)) for i, name in enumerate("abcd")),
    )
    verdict = with_multivariate(DatasetVerdict(False, 0, 4, 0.0, 0.5), [explained])
    assert verdict.reasons == (
        "features together, major: classifier (AUC 0.8, p=0.001; separating most: a, b, c)",
    )
    assert verdict.severity == "major"
