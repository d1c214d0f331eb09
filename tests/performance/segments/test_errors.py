from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportions_ztest

from driftscope.performance.segments.errors import error_sums, excess_test, is_binary


def test_the_binary_test_is_the_pooled_two_proportion_z_test():
    rng = np.random.default_rng(0)
    codes = rng.integers(0, 3, 5000).astype(np.uint8)
    errors = (rng.random(5000) < np.where(codes == 1, 0.15, 0.1)).astype(float)
    p, inside, outside = excess_test(error_sums(codes, 3, errors), binary=True)
    for v in range(3):
        hits = [errors[codes == v].sum(), errors[codes != v].sum()]
        rows = [(codes == v).sum(), (codes != v).sum()]
        _, expected = proportions_ztest(hits, rows, alternative="larger")
        assert p[v] == pytest.approx(expected, rel=1e-9)
        assert inside[v] == pytest.approx(errors[codes == v].mean())
        assert outside[v] == pytest.approx(errors[codes != v].mean())


def test_the_continuous_test_is_welchs_statistic_read_on_the_normal():
    rng = np.random.default_rng(1)
    codes = rng.integers(0, 2, 4000).astype(np.uint8)
    errors = np.abs(rng.normal(0, np.where(codes == 0, 1.3, 1.0)))
    p, _, _ = excess_test(error_sums(codes, 2, errors), binary=False)
    welch = stats.ttest_ind(errors[codes == 0], errors[codes == 1], equal_var=False)
    assert stats.norm.isf(p[0]) == pytest.approx(welch.statistic, rel=1e-9)


def test_unknown_errors_are_left_out():
    codes = np.array([0, 0, 1, 1, 1], np.uint8)
    sums = error_sums(codes, 2, np.array([1.0, np.nan, 0.0, np.nan, 1.0]))
    assert sums.rows.tolist() == [1.0, 2.0]
    assert sums.all_rows == 3.0


def test_a_slice_without_rows_or_without_variance_gives_p_one():
    codes = np.array([0, 0, 0, 0], np.uint8)
    p, _, _ = excess_test(error_sums(codes, 2, np.zeros(4)), binary=True)
    assert p.tolist() == [1.0, 1.0]


@pytest.mark.parametrize(
    ("errors", "binary"), [([0.0, 1.0, np.nan], True), ([0.0, 0.5], False), ([], True)]
)
def test_errors_are_binary_when_every_known_one_is_zero_or_one(errors, binary):
    assert is_binary(np.array(errors, dtype=float)) is binary
