"""The domain classifier: its AUC is scikit-learn's on the same out-of-fold scores, its
p-value the Mann-Whitney test's; it keeps its level under H0, finds a change of correlation
that no column shows alone and names the columns that moved; subsampling keeps the AUC and
costs the power the sample size says; bad input is a one-line error."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import mannwhitneyu
from sklearn.metrics import roc_auc_score

from driftscope.errors import ConfigError, InputError
from driftscope.multivariate import classifier_test
from driftscope.multivariate.classifier import _auc, _p_value


def test_auc_and_p_value_are_sklearns_and_scipys() -> None:
    rng = np.random.default_rng(0)
    negative, positive = rng.normal(0, 1, 300), rng.normal(0.3, 1, 200)
    negative[:20] = positive[:20]  # ties count half
    labels = np.r_[np.zeros(300), np.ones(200)]
    assert _auc(negative, positive) == pytest.approx(
        roc_auc_score(labels, np.r_[negative, positive]), abs=1e-12
    )
    expected = mannwhitneyu(positive, negative, alternative="greater", method="asymptotic")
    assert _p_value(negative, positive) == pytest.approx(expected.pvalue, rel=1e-12)


def test_the_columns_that_moved_come_first() -> None:
    rng = np.random.default_rng(1)
    reference, current = rng.normal(0, 1, (3_000, 6)), rng.normal(0, 1, (3_000, 6))
    current[:, 4] += 0.6
    current[:, 1] *= 1.8
    res = classifier_test(reference, current, names=list("abcdef"))
    assert res.drifted
    assert res.p_value is not None
    assert res.p_value < 1e-6
    assert 0.6 < res.statistic < 0.85
    assert {c.name for c in res.explanation[:2]} == {"b", "e"}
    assert all(c.score < 0.02 for c in res.explanation[2:])
    assert res.explanation[0].note.startswith("the AUC falls by")
    assert (res.n_reference, res.n_current, res.approximate) == (3_000, 3_000, False)


def test_a_change_of_correlation_alone_is_found_and_explained() -> None:
    rng = np.random.default_rng(2)
    before = rng.multivariate_normal([0, 0, 0], [[1, 0.9, 0], [0.9, 1, 0], [0, 0, 1]], 4_000)
    after = rng.multivariate_normal([0, 0, 0], [[1, -0.9, 0], [-0.9, 1, 0], [0, 0, 1]], 4_000)
    res = classifier_test(before, after, names=["u", "v", "w"])
    assert res.drifted
    assert {c.name for c in res.explanation[:2]} == {"u", "v"}
    assert res.explanation[2].name == "w"


def test_the_level_holds_under_h0() -> None:
    rng = np.random.default_rng(3)
    p_values = []
    for seed in range(60):
        reference, current = rng.normal(size=(300, 4)), rng.normal(size=(300, 4))
        p = classifier_test(reference, current, seed=seed).p_value
        assert p is not None
        p_values.append(p)
    assert sum(p < 0.05 for p in p_values) <= 7  # 3 expected at the level; P(> 7) < 1%
    assert sum(p < 0.5 for p in p_values) <= 40  # 30 expected; not liberal in the bulk


def test_missing_values_and_categories_are_taken_as_they_are() -> None:
    rng = np.random.default_rng(4)
    reference = np.column_stack((rng.normal(size=2_000), rng.integers(0, 5, 2_000)))
    current = np.column_stack((rng.normal(size=2_000), rng.integers(0, 5, 2_000)))
    current[:, 1] = np.where(rng.random(2_000) < 0.3, 4, current[:, 1])  # category 4 grows
    reference[::7, 0] = np.nan
    current[::3, 0] = np.nan  # more missing: itself a change
    res = classifier_test(reference, current, names=["x", "kind"], categorical=[False, True])
    assert res.drifted
    assert {c.name for c in res.explanation} == {"x", "kind"}
    assert all(c.score > 0.01 for c in res.explanation)


def test_subsampling_keeps_the_auc_and_says_so() -> None:
    rng = np.random.default_rng(5)
    reference, current = rng.normal(size=(20_000, 3)), rng.normal(size=(20_000, 3))
    current[:, 0] += 0.3
    whole = classifier_test(reference, current)
    part = classifier_test(reference, current, max_rows=4_000)
    assert not whole.approximate
    assert part.approximate
    assert part.details["rows_used"] == (4_000, 4_000)
    assert (part.n_reference, part.n_current) == (20_000, 20_000)
    assert part.statistic == pytest.approx(whole.statistic, abs=0.03)


def test_subsampling_costs_the_power_its_sample_size_says() -> None:
    # A small shift (AUC about 0.53): found from 20,000 rows a side, mostly missed from 500.
    rng = np.random.default_rng(6)
    found = {500: 0, 20_000: 0}
    for seed in range(5):
        reference, current = rng.normal(size=(20_000, 2)), rng.normal(size=(20_000, 2))
        current[:, 0] += 0.1
        for rows in found:
            found[rows] += classifier_test(reference, current, max_rows=rows, seed=seed).drifted
    assert found[20_000] == 5
    assert found[500] <= 2


@pytest.mark.parametrize(
    ("reference", "current", "kwargs", "error", "says"),
    [
        (np.zeros((20, 2)), np.zeros((20, 3)), {}, InputError, "2 columns and the current rows 3"),
        (np.zeros((20, 2)), np.zeros((9, 2)), {}, InputError, "the current has 9 row(s)"),
        (np.full((20, 1), np.inf), np.zeros((20, 1)), {}, InputError, "row 0, column 0 holds inf"),
        (np.zeros((20, 2)), np.zeros((20, 2)), {"names": ["a"]}, InputError, "1 names given"),
        (np.full((20, 1), 300.0), np.zeros((20, 1)), {"names": ["k"], "categorical": [True]},
         InputError, "column 'k' is categorical: its values must be codes 0 to 254"),
        (np.zeros((20, 1)), np.zeros((20, 1)), {"test_share": 1.0}, ConfigError,
         "classifier: parameter 'test_share' must be a number in (0, 1); got 1.0"),
        (np.zeros((20, 1)), np.zeros((20, 1)), {"alpha": 1.5}, ConfigError,
         "classifier: parameter 'alpha' must be a number in (0, 1); got 1.5"),
    ],
)  # fmt: skip
def test_bad_input_is_a_one_line_error(
    reference: np.ndarray, current: np.ndarray, kwargs: dict[str, object], error: type, says: str
) -> None:
    with pytest.raises(error) as caught:
        classifier_test(reference, current, **kwargs)  # type: ignore[arg-type]
    assert says in str(caught.value)
    assert "\n" not in str(caught.value)
