"""The multivariate MMD test: the exact path against a brute-force U-statistic, scipy's pdist
median and the per-column ``mmd`` method; the random-feature path against the exact one (its
statistic within its reported standard error, the same decisions, its level); no N x N matrix
past the exact limit; bad input as one-line errors."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
from scipy.spatial.distance import cdist, pdist

from driftscope.errors import ConfigError, InputError
from driftscope.multivariate import mmd_test
from driftscope.stats import mmd as column_mmd


def _brute_mmd2(a: np.ndarray, b: np.ndarray, sigma: float) -> float:
    def k(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return np.exp(-cdist(x, y, "sqeuclidean") / (2 * sigma**2))

    m, n = len(a), len(b)
    kaa, kbb = k(a, a), k(b, b)
    return float(
        (kaa.sum() - np.trace(kaa)) / (m * (m - 1))
        + (kbb.sum() - np.trace(kbb)) / (n * (n - 1))
        - 2 * k(a, b).mean()
    )


@pytest.mark.parametrize(
    ("m", "n", "d", "shift"), [(40, 60, 3, 0.0), (120, 80, 7, 0.5), (9, 2, 1, 2.0)]
)
def test_the_exact_test_is_the_definition(m: int, n: int, d: int, shift: float) -> None:
    rng = np.random.default_rng(m + n + d)
    a, b = rng.normal(5, 2, (m, d)), rng.normal(5 + shift, 2, (n, d))
    res = mmd_test(a, b, n_permutations=50, seed=3)
    pooled = np.concatenate((a, b))
    assert res.details["sigma"] == pytest.approx(float(np.median(pdist(pooled))), rel=1e-12)
    assert res.statistic == pytest.approx(_brute_mmd2(a, b, res.details["sigma"]), abs=1e-12)
    same = column_mmd(a, b, n_permutations=50, seed=3)  # the per-column method's definition
    assert res.statistic == pytest.approx(same.statistic, abs=1e-12)
    assert res.p_value == same.p_value
    assert (res.approximate, res.n_reference, res.n_current) == (False, m, n)


def test_a_change_of_correlation_alone_is_found() -> None:
    rng = np.random.default_rng(0)
    cov_before, cov_after = [[1, 0.8], [0.8, 1]], [[1, -0.8], [-0.8, 1]]
    a = rng.multivariate_normal([0, 0], cov_before, 500)
    b = rng.multivariate_normal([0, 0], cov_after, 500)
    assert mmd_test(a, b).drifted  # the same marginals: no per-column test could tell
    assert not mmd_test(a, rng.multivariate_normal([0, 0], cov_before, 500)).drifted


@pytest.mark.parametrize("shift", [0.0, 0.05, 0.12, 0.3])
def test_random_features_estimate_the_exact_statistic(shift: float) -> None:
    rng = np.random.default_rng(int(shift * 100))
    a, b = rng.normal(0, 1, (1_500, 10)), rng.normal(0, 1, (1_500, 10))
    b[:, :3] += shift
    exact = mmd_test(a, b, n_permutations=200)
    approx = mmd_test(a, b, n_permutations=200, exact_limit=1_000)
    assert approx.approximate
    assert not exact.approximate
    error = approx.details["standard_error"]
    assert 0 < error < 2e-4
    assert abs(approx.statistic - exact.statistic) < 4 * error
    assert approx.details["sigma"] == pytest.approx(exact.details["sigma"], rel=0.03)
    assert approx.drifted == exact.drifted
    assert approx.p_value is not None
    assert exact.p_value is not None
    if exact.p_value > 0.2 or exact.p_value < 0.01:  # clear cases: both say the same
        assert abs(approx.p_value - exact.p_value) < 0.2


def test_random_features_keep_the_level() -> None:
    rng = np.random.default_rng(7)
    p_values = [
        mmd_test(
            rng.normal(size=(300, 5)), rng.normal(size=(300, 5)), seed=s, exact_limit=100
        ).p_value
        for s in range(40)
    ]
    assert sum(p < 0.05 for p in p_values if p is not None) <= 6  # 2 expected; P(> 6) < 0.5%
    assert 0.3 < float(np.mean(p_values)) < 0.7  # uniform under H0


def test_past_the_exact_limit_no_n_by_n_matrix_is_made() -> None:
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(10_000, 20)), rng.normal(size=(10_000, 20))
    b[:, 0] += 0.1
    tracemalloc.start()
    try:
        res = mmd_test(a, b)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert res.approximate
    assert res.drifted
    assert peak < 400 * 2**20  # a 20,000 x 20,000 float64 matrix alone is 3.2 GB


def test_the_same_seed_gives_the_same_answer_and_none_draws_afresh() -> None:
    rng = np.random.default_rng(2)
    a, b = rng.normal(size=(200, 3)), rng.normal(size=(200, 3))
    assert mmd_test(a, b, seed=5) == mmd_test(a, b, seed=5)
    assert mmd_test(a, b, seed=5, exact_limit=10) == mmd_test(a, b, seed=5, exact_limit=10)
    p_values = {mmd_test(a, b, seed=None).p_value for _ in range(5)}
    assert len(p_values) > 1


def test_huge_and_constant_values_stay_finite() -> None:
    rng = np.random.default_rng(3)
    huge = rng.normal(0, 1, (50, 2)) * 1e300
    res = mmd_test(huge, huge * 2)
    assert np.isfinite(res.statistic)
    assert res.details["sigma"] > 1e299
    flat = mmd_test(np.ones((20, 2)), np.ones((30, 2)))
    assert flat.details["sigma"] == 1.0
    assert not flat.drifted


OK = [[1.0, 2.0], [3.0, 4.0]]


@pytest.mark.parametrize(
    ("reference", "current", "says"),
    [
        (
            [[1.0, np.nan], [2.0, 3.0]],
            [[1.0, 2.0], [3.0, 4.0]],
            "reference row 0, column 1 holds nan",
        ),
        (
            [[1.0, 2.0], [2.0, 3.0]],
            [[1.0, 2.0], [3.0, np.inf]],
            "current row 1, column 1 holds inf",
        ),
        ([[1.0, 2.0], [2.0, 3.0]], [[1.0], [3.0]], "2 columns and the current rows 1"),
        ([[1.0, 2.0]], [[1.0, 2.0], [3.0, 4.0]], "the reference has 1 row(s)"),
        ([[1.0, 2.0], [1.0]], [[1.0, 2.0], [3.0, 4.0]], "the reference rows are not numbers"),
        (np.zeros((3, 0)), np.zeros((3, 0)), "must form a 2-D array"),
    ],
)
def test_bad_rows_are_one_line_errors(reference: object, current: object, says: str) -> None:
    with pytest.raises(InputError) as caught:
        mmd_test(reference, current)
    assert says in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({"alpha": 0.0}, "parameter 'alpha' must be a number in (0, 1); got 0.0"),
        ({"n_permutations": 0}, "parameter 'n_permutations' must be an integer >= 1; got 0"),
        ({"exact_limit": True}, "parameter 'exact_limit' must be an integer >= 4; got True"),
        ({"n_frequencies": 1}, "parameter 'n_frequencies' must be an integer >= 2; got 1"),
    ],
)
def test_bad_parameters_name_themselves(params: dict[str, object], says: str) -> None:
    with pytest.raises(ConfigError, match=f"^mmd: {says.replace('(', '[(]').replace(')', '[)]')}$"):
        mmd_test(np.zeros((3, 2)), np.ones((3, 2)), **params)  # type: ignore[arg-type]
