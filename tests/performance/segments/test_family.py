from __future__ import annotations

import numpy as np
import pytest

from driftscope.decision.multiple_testing import adjust_p_values
from driftscope.performance.segments.family import holm, least_rows


def test_holm_over_the_tests_run_is_the_house_correction():
    p = np.random.default_rng(0).uniform(0, 0.1, 20)
    assert holm(p, 20, 1.0) == pytest.approx(adjust_p_values(p, "holm"))


def test_tests_not_run_count_as_never_rejecting():
    p = np.array([0.001, 0.2])
    padded = adjust_p_values(np.r_[p, np.ones(8)], "holm")[:2]
    assert holm(p, 10, 1.0) == pytest.approx(padded)


def test_a_part_of_the_rate_scales_the_adjusted_p_values():
    assert holm(np.array([0.001]), 10, 0.25).tolist() == [0.04]


def test_slices_need_two_hundred_rows_and_one_percent():
    assert least_rows(1000) == 200
    assert least_rows(1_000_000) == 10_000
