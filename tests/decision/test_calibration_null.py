"""The calibrated false-alarm rate holds on the two-sample null, across sizes and categories.

Each trial draws a reference *and* a current sample from one population (nothing changed),
calibrates on the reference alone, as the engine does, and counts an alarm when the distance
reaches the calibrated threshold. The target rate must lie in the 99% Wilson interval of the
observed rate. The old calibration compared the fixed reference with draws of the current size
only: jensen_shannon on 50 Zipf categories at 1,000 rows a side alarmed in about 90% of runs.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from driftscope import stats
from driftscope.decision.calibration import (
    DEFAULT_FALSE_ALARM_RATE,
    calibrate_counts,
    calibrate_sorted,
)

Z99 = 2.5758


def wilson(hits: int, trials: int, z: float = Z99) -> tuple[float, float]:
    """The Wilson score interval of a binomial proportion."""
    p = hits / trials
    centre = (p + z * z / (2 * trials)) / (1 + z * z / trials)
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials))
    return centre - half / (1 + z * z / trials), centre + half / (1 + z * z / trials)


def zipf(k: int, s: float = 0.9) -> np.ndarray:
    weights = 1.0 / np.arange(1, k + 1) ** s
    return weights / weights.sum()


def categorical_alarms(method: str, n_r: int, n_c: int, k: int, trials: int) -> int:
    rng = np.random.default_rng(1_000 * k + n_r + n_c)
    population, scorer, hits = zipf(k), stats.get(method), 0
    for trial in range(trials):
        ref, cur = rng.multinomial(n_r, population), rng.multinomial(n_c, population)
        seen = (ref + cur) > 0  # the engine's aligned counts: categories of either side
        ref, cur = ref[seen].astype(np.int64), cur[seen].astype(np.int64)
        if seen.sum() < 2:
            continue
        threshold = calibrate_counts(method, ref, n_c, seed=trial).threshold
        hits += scorer.from_counts(ref, cur).statistic >= threshold
    return hits


def numeric_alarms(method: str, n_r: int, n_c: int, trials: int) -> int:
    rng = np.random.default_rng(n_r + 7 * n_c)
    scorer, hits = stats.get(method), 0
    for trial in range(trials):
        ref, cur = np.sort(rng.standard_t(5, n_r)), np.sort(rng.standard_t(5, n_c))
        threshold = calibrate_sorted(method, ref, n_c, seed=trial).threshold
        hits += scorer.from_sorted(ref, cur).statistic >= threshold
    return hits


def assert_holds(hits: int, trials: int) -> None:
    low, high = wilson(hits, trials)
    assert low <= DEFAULT_FALSE_ALARM_RATE <= high, f"{hits} alarms in {trials} trials"


@pytest.mark.parametrize(
    ("method", "n_r", "n_c", "k"),
    [("jensen_shannon", 1_000, 1_000, 50), ("tvd", 10_000, 1_000, 10)],
    ids=["jensen_shannon-1000-k50", "tvd-10000-k10"],
)
def test_categorical_calibration_holds_its_rate_on_the_two_sample_null(method, n_r, n_c, k):
    trials = 100
    assert_holds(categorical_alarms(method, n_r, n_c, k, trials), trials)


@pytest.mark.parametrize("method", ["psi", pytest.param("wasserstein", marks=pytest.mark.slow)])
def test_numeric_calibration_holds_its_rate_on_the_two_sample_null(method):
    trials = 100
    assert_holds(numeric_alarms(method, 1_000, 1_000, trials), trials)


SIZES = [(100, 100), (1_000, 1_000), (10_000, 10_000), (10_000, 1_000)]


def _sparse(n_r: int, n_c: int, k: int) -> bool:
    """A side with about two rows per category or fewer: the known limit (see below)."""
    return min(n_r, n_c) <= 2 * k


@pytest.mark.slow
@pytest.mark.parametrize("k", [2, 10, 50])
@pytest.mark.parametrize(("n_r", "n_c"), SIZES, ids=[f"{r}-{c}" for r, c in SIZES])
@pytest.mark.parametrize("method", ["jensen_shannon", "tvd"])
def test_calibration_holds_its_rate_across_sizes_and_cardinalities(method, n_r, n_c, k):
    if _sparse(n_r, n_c, k):
        pytest.skip("a side of about 2 rows per category: see the sparse-side test")
    trials = 150
    assert_holds(categorical_alarms(method, n_r, n_c, k, trials), trials)


@pytest.mark.slow
@pytest.mark.xfail(strict=False, reason="known limit: a side with about 2 rows per category")
@pytest.mark.parametrize(("n_r", "n_c"), [(100, 100), (1_000, 100)])
def test_a_side_with_two_rows_per_category_is_held_too(n_r, n_c):
    # 100 rows over 50 Zipf categories see about 30 of them; the reference's estimate of the
    # population is then too concentrated, or the current side too sparse, and the rate is
    # 5-19% (measured over 200 trials each).
    trials = 200
    assert_holds(categorical_alarms("jensen_shannon", n_r, n_c, 50, trials), trials)
