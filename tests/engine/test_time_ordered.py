"""Time-ordered rows: the tests assume independent rows, so strong autocorrelation is said,
and an opt-in effective sample size corrects the p-values (issue 11, decision 6)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import driftscope
from driftscope.decision.autocorrelation import (
    STRONG_AUTOCORRELATION,
    effective_size,
    lag1_agreement,
    lag1_autocorrelation,
)
from driftscope.engine.options import CompareOptions


def _ar1(rng: np.random.Generator, n: int, phi: float) -> np.ndarray:
    noise = rng.normal(0, 1, n)
    x = np.empty(n)
    x[0] = noise[0] / np.sqrt(1 - phi**2)  # stationary from the first step
    for t in range(1, n):
        x[t] = phi * x[t - 1] + noise[t]
    return x


def _sides(seed: int, phi: float = 0.9, n: int = 2000) -> tuple[dict, dict]:
    x = _ar1(np.random.default_rng(seed), 2 * n, phi)
    return {"x": x[:n]}, {"x": x[n:]}


def test_strong_autocorrelation_is_a_note_and_in_the_details():
    report = driftscope.compare(*_sides(0))
    [note] = [q for q in report.quality if q.check == "autocorrelated"]
    assert note.severity == "info"
    assert "x (0.9" in note.message
    assert "effective_sample_size=True" in note.message
    assert report.column("x").details["autocorrelation"]["reference"] > STRONG_AUTOCORRELATION
    assert not report.fails("quality")


def test_independent_rows_get_no_note():
    rng = np.random.default_rng(0)
    report = driftscope.compare({"x": rng.normal(size=2000)}, {"x": rng.normal(size=2000)})
    assert not [q for q in report.quality if q.check == "autocorrelated"]


def test_the_effective_sample_size_brings_false_alarms_on_one_process_down():
    runs = 20
    plain = corrected = 0
    for seed in range(runs):
        ref, cur = _sides(seed)
        plain += driftscope.compare(ref, cur).column("x").drifted
        col = driftscope.compare(ref, cur, effective_sample_size=True).column("x")
        corrected += col.drifted
        assert col.details["p_value_independent"] <= col.p_value
    assert (
        plain >= runs // 2
    )  # a stationary process "drifts" in most runs when rows count as independent
    assert corrected <= 2


def test_a_real_shift_is_still_found_with_the_correction():
    ref, cur = _sides(3, n=3000)
    shifted = {"x": cur["x"] + 3.0}
    assert driftscope.compare(ref, shifted, effective_sample_size=True).column("x").drifted


def test_the_detectable_effect_is_that_of_the_effective_sizes():
    # 2,000 rows at phi 0.9 are worth about 105 independent ones: the smallest KS distance the
    # test can find grows accordingly, and a column that finds nothing is then low_power
    from driftscope.decision.power import detectable_ks_distance

    plain = driftscope.compare(*_sides(4)).column("x")
    corrected = driftscope.compare(*_sides(4), effective_sample_size=True).column("x")
    e_r, e_c = corrected.details["effective_sample_size"]
    assert max(e_r, e_c) < 200
    expected = detectable_ks_distance(e_r, e_c, alpha=0.05)
    assert corrected.detectable_effect == pytest.approx(expected)
    assert plain.detectable_effect == pytest.approx(detectable_ks_distance(2000, 2000, alpha=0.05))
    assert corrected.detectable_effect > 3 * plain.detectable_effect


def test_a_distance_says_the_correction_was_not_applied():
    col = driftscope.compare(*_sides(5), methods="psi", effective_sample_size=True).column("x")
    assert col.details["effective_sample_size"].startswith("not applied: psi is a distance")


def test_the_correction_reaches_a_discrete_chi_square():
    rng = np.random.default_rng(1)
    x = (_ar1(rng, 6000, 0.95) > 0).astype(float)  # a flag that stays on for long stretches
    ref, cur = {"x": x[:3000]}, {"x": x[3000:]}
    col = driftscope.compare(ref, cur, effective_sample_size=True).column("x")
    assert col.method == "chi2"
    assert col.p_value > col.details["p_value_independent"]


def test_the_option_is_recorded_and_read_back():
    report = driftscope.compare(*_sides(0, n=300), effective_sample_size=True)
    assert report.options["effective_sample_size"] is True
    assert CompareOptions.from_dict(report.options).effective_sample_size is True
    with pytest.raises(driftscope.ConfigError, match="effective_sample_size"):
        CompareOptions(effective_sample_size="yes")  # type: ignore[arg-type]


@given(st.integers(1, 10**7), st.floats(-1.0, 1.0), st.floats(-1.0, 1.0))
def test_the_effective_size_shrinks_as_the_autocorrelation_grows(n, a, b):
    low, high = sorted((a, b))
    assert 1 <= effective_size(n, high) <= effective_size(n, low) <= n


@given(st.lists(st.floats(-1e300, 1e300), min_size=100, max_size=300), st.integers(-10, 10))
def test_the_autocorrelation_is_finite_bounded_and_scale_free(values, power):
    x = np.array(values)
    rho = lag1_autocorrelation(x)
    if rho is None:
        return
    assert -1.0 - 1e-9 <= rho <= 1.0 + 1e-9
    if np.all((x == 0) | (np.abs(x) > 1e-290)):  # scaling by 2**power is then exact
        assert lag1_autocorrelation(np.ldexp(x, power)) == pytest.approx(rho, abs=1e-12)


@given(st.lists(st.integers(-1, 5), min_size=100, max_size=400), st.permutations(range(6)))
def test_the_categorical_autocorrelation_is_bounded_and_ignores_the_labels(codes, relabel):
    x = np.array(codes)
    rho = lag1_agreement(x)
    if rho is None:
        return
    assert np.isfinite(rho)
    assert rho <= 1.0 + 1e-12
    renamed = np.where(x >= 0, np.array(relabel)[np.maximum(x, 0)], -1)
    assert lag1_agreement(renamed) == pytest.approx(rho, abs=1e-12)


def test_the_categorical_autocorrelation_of_two_categories_is_the_indicators():
    rng = np.random.default_rng(3)
    x = (_ar1(rng, 3000, 0.8) > 0.5).astype(np.int64)
    assert lag1_agreement(x) == pytest.approx(lag1_autocorrelation(x.astype(float)), abs=1e-3)


def test_rows_are_put_in_the_order_of_the_timestamp_column_first():
    ref, cur = _sides(0)
    rng = np.random.default_rng(9)
    sides = []
    for side, start in ((ref, "2026-01-01"), (cur, "2026-03-01")):
        times = np.datetime64(start) + np.arange(side["x"].size).astype("timedelta64[s]")
        shuffled = rng.permutation(side["x"].size)  # the file came in another order
        sides.append({"at": times[shuffled], "x": side["x"][shuffled]})
    report = driftscope.compare(*sides)
    [note] = [q for q in report.quality if q.check == "autocorrelated"]
    assert "the order of 'at'" in note.message
    assert report.column("x").details["autocorrelation"]["reference"] > 0.8
    shuffled_only = driftscope.compare({"x": sides[0]["x"]}, {"x": sides[1]["x"]})
    assert not [q for q in shuffled_only.quality if q.check == "autocorrelated"]


def _sticky(rng: np.random.Generator, n: int, keep: float = 0.9) -> np.ndarray:
    """A category chain that keeps its last value with probability ``keep``."""
    x = rng.integers(0, 4, n)
    stay = rng.uniform(size=n) < keep
    for t in range(1, n):
        if stay[t]:
            x[t] = x[t - 1]
    return np.array(list("abcd"))[x]


def test_categorical_rows_in_time_order_are_said_and_corrected_too():
    rng = np.random.default_rng(8)
    alarms = corrected = 0
    for _ in range(10):
        ref = {f"c{i}": _sticky(rng, 3_000) for i in range(5)}
        cur = {f"c{i}": _sticky(rng, 3_000) for i in range(5)}
        report = driftscope.compare(ref, cur)
        alarms += report.dataset.drifted
        corrected += driftscope.compare(ref, cur, effective_sample_size=True).dataset.drifted
    col = report.column("c0")
    assert col.details["autocorrelation"]["reference"] == pytest.approx(0.9, abs=0.05)
    assert any(q.check == "autocorrelated" for q in report.quality)
    assert alarms >= 8  # one unchanged process "drifts" without the correction
    assert corrected <= 2
