"""Few distinct whole numbers (flags stored as floats, small counts) are tested on their
value counts, not with KS, which is conservative on ties (issue 11, decision 4)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.stats as sps
from hypothesis import given
from hypothesis import strategies as st

import driftscope
from driftscope.engine.discrete import DISCRETE_MAX_VALUES, MIN_POOLED_COUNT, value_counts


def _found(make, runs: int = 40) -> float:
    hits = 0
    for seed in range(runs):
        ref, cur = make(np.random.default_rng(seed))
        hits += driftscope.compare({"x": ref}, {"x": cur}).column("x").drifted
    return hits / runs


def test_a_flag_stored_as_floats_moving_from_10_to_15_percent_is_found():
    def make(rng):
        return (rng.random(1000) < 0.10).astype(float), (rng.random(1000) < 0.15).astype(float)

    assert _found(make) >= 0.7  # 36 of these 40 seeds; KS on the two tied values: 13


def test_a_poisson_mean_from_0_2_to_0_3_is_found_more_often_than_by_ks():
    def make(rng):
        return rng.poisson(0.2, 1000), rng.poisson(0.3, 1000)

    assert _found(make) >= 0.9  # 40 of these 40 seeds; KS: 30


def test_small_counts_are_tested_with_the_chi_square_of_their_pooled_counts():
    rng = np.random.default_rng(5)
    ref, cur = rng.poisson(0.5, 2000), rng.poisson(0.6, 1500)
    col = driftscope.compare({"x": ref}, {"x": cur}).column("x")
    assert (str(col.type), col.method, col.effect_measure) == ("numeric", "chi2", "cramers_v")
    cells = col.details["discrete"]["cells"]
    assert cells[0] == "0"
    top = int(cells[-1].split("-")[0])
    table = [[np.sum(side == v) for v in range(top)] + [np.sum(side >= top)] for side in (ref, cur)]
    expected = sps.chi2_contingency(table, correction=False)
    assert col.statistic == pytest.approx(expected.statistic, rel=1e-9)
    assert col.p_value == pytest.approx(expected.pvalue, rel=1e-9)
    assert col.summary.reference_stats["mean"] == pytest.approx(ref.mean())


@pytest.mark.parametrize(
    "values",
    [
        pytest.param(lambda rng: rng.normal(0, 1, 1000), id="continuous"),
        pytest.param(lambda rng: rng.poisson(8.0, 1000), id="many_whole_numbers"),
        pytest.param(lambda rng: rng.integers(0, 4, 1000) + 0.5, id="few_fractions"),
    ],
)
def test_other_numbers_keep_ks(values):
    rng = np.random.default_rng(0)
    assert driftscope.compare({"x": values(rng)}, {"x": values(rng)}).column("x").method == "ks"


def test_a_method_named_for_the_column_is_kept():
    rng = np.random.default_rng(0)
    ref, cur = rng.poisson(0.2, 500), rng.poisson(0.3, 500)
    report = driftscope.compare({"x": ref}, {"x": cur}, methods={"x": "ks"})
    assert report.column("x").method == "ks"


def test_the_discrete_test_holds_its_false_alarm_rate():
    rng = np.random.default_rng(11)
    alarms = 0
    runs = 300
    for _ in range(runs):
        ref = np.sort(rng.poisson(1.5, 300).astype(float))
        cur = np.sort(rng.poisson(1.5, 300).astype(float))
        vc = value_counts(ref, cur)
        assert vc is not None
        alarms += sps.chi2_contingency([vc.reference, vc.current], correction=False).pvalue < 0.05
    assert alarms / runs <= 0.08


_whole = st.lists(st.integers(-3, 12), min_size=1, max_size=200)


@given(_whole, _whole)
def test_value_counts_keep_every_row_and_pool_only_small_cells(ref, cur):
    r = np.sort(np.array(ref, dtype=float))
    c = np.sort(np.array(cur, dtype=float))
    vc = value_counts(r, c)
    distinct = len(set(ref) | set(cur))
    if distinct > DISCRETE_MAX_VALUES:
        assert vc is None
        return
    assert vc is not None
    assert vc.n_values == distinct
    assert int(vc.reference.sum()) == len(ref)
    assert int(vc.current.sum()) == len(cur)
    totals = vc.reference + vc.current
    if len(vc.labels) < distinct:  # pooled: every cell holds enough rows
        assert (totals >= MIN_POOLED_COUNT).all()
    assert (totals > 0).all()


@given(_whole, st.floats(0.01, 0.99))
def test_a_fraction_on_either_side_keeps_the_column_continuous(ref, fraction):
    r = np.sort(np.array(ref, dtype=float))
    c = np.sort(np.append(r, r[0] + fraction))
    assert value_counts(r, c) is None
    assert value_counts(c, r) is None
