"""Minimum detectable effects: checked against scipy's exact power and by simulation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import optimize, stats

import driftscope
from driftscope.decision import KS_DISTANCE
from driftscope.decision.power import detectable_cramers_v, detectable_ks_distance


@pytest.mark.parametrize("categories", [2, 3, 10, 200, 5000])
@pytest.mark.parametrize("n_total", [40, 2_000, 1_000_000])
def test_cramers_v_matches_the_exact_noncentral_chi_square(categories, n_total):
    critical = stats.chi2.isf(0.05, categories - 1)
    lam = optimize.brentq(lambda x: stats.ncx2.sf(critical, categories - 1, x) - 0.8, 0, 1e8)
    exact = math.sqrt(lam / n_total)
    assert detectable_cramers_v(n_total, categories, alpha=0.05) == pytest.approx(exact, rel=0.02)


def test_ks_distance_is_the_tests_critical_value():
    # The asymptotic Kolmogorov quantile: scipy's kstwobign at 1 - alpha.
    for alpha in (0.01, 0.05, 0.2):
        expected = stats.kstwobign.isf(alpha) * math.sqrt(1 / 500 + 1 / 300)
        assert detectable_ks_distance(500, 300, alpha=alpha) == pytest.approx(expected, rel=1e-3)


@pytest.mark.slow
@pytest.mark.parametrize(("n", "m"), [(2_000, 75), (500, 500), (50, 50)])
def test_a_shift_of_the_detectable_size_is_found_about_80_percent_of_the_time(n, m):
    rng = np.random.default_rng(0)
    d = detectable_ks_distance(n, m, alpha=0.05)
    delta = 2 * stats.norm.ppf((d + 1) / 2)  # a normal mean shift whose KS distance is d
    runs = 300
    found = sum(
        stats.ks_2samp(rng.normal(0, 1, n), rng.normal(delta, 1, m)).pvalue < 0.05
        for _ in range(runs)
    )
    assert 0.72 <= found / runs <= 0.93


def test_too_few_rows_is_low_power_not_ok():
    rng = np.random.default_rng(1)
    ref = {"x": rng.normal(0, 1, 5_000), "c": rng.choice(list("abc"), 5_000).tolist()}
    one = {"x": rng.normal(0, 1, 1), "c": ["a"]}
    report = driftscope.compare(ref, one)
    for name in ("x", "c"):
        col = report.column(name)
        assert not col.drifted
        assert col.status == "low_power"
        assert col.detectable_effect is not None
        assert col.detectable_effect > (col.effect_threshold or 0)
    [note] = [q for q in report.quality if q.check == "low_power"]
    assert note.severity == "info"
    assert "too few rows" in note.message
    assert not report.fails("quality")


@pytest.mark.parametrize("method", ["ks", "psi", "wasserstein"])
def test_the_low_power_note_gives_the_minimum_effect_not_the_calibrated_threshold(method):
    rng = np.random.default_rng(4)
    ref, cur = {"x": rng.normal(0, 1, 5_000)}, {"x": rng.normal(0, 1, 12)}
    report = driftscope.compare(ref, cur, methods=[method])
    col = report.column("x")
    assert col.status == "low_power"
    if method == "ks":
        minimum = KS_DISTANCE.default_minimum
    else:  # a distance: the threshold it had before 12 rows raised it by calibration
        minimum = col.details["fixed_threshold"]
        assert col.threshold is not None
        assert col.threshold > minimum
    [note] = [q for q in report.quality if q.check == "low_power"]
    assert f"x (detects {col.effect_measure} from " in note.message
    assert note.message.endswith(f"; minimum {minimum:.3g})")


def test_seventy_five_rows_with_a_real_shift_are_not_called_ok():
    rng = np.random.default_rng(2)
    ref = {"x": rng.normal(0, 1, 20_000)}
    cur = {"x": rng.normal(0.25, 1, 75)}  # KS distance about 0.1: real, but 75 rows miss it
    col = driftscope.compare(ref, cur).column("x")
    if not col.drifted:
        assert col.status == "low_power"
    assert col.detectable_effect == pytest.approx(
        detectable_ks_distance(20_000, 75, alpha=0.05), rel=1e-12
    )


def test_large_samples_stay_ok():
    rng = np.random.default_rng(3)
    ref = {"x": rng.normal(0, 1, 20_000)}
    cur = {"x": rng.normal(0, 1, 20_000)}
    col = driftscope.compare(ref, cur).column("x")
    assert col.status == "ok"
    assert col.detectable_effect is not None
    assert col.detectable_effect < 0.03
