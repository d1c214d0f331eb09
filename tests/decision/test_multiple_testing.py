"""Adjusted p-values: against statsmodels, against hand-computed values, and their laws."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.multitest import multipletests

from driftscope.decision import CORRECTIONS, adjust_p_values
from driftscope.errors import ConfigError

STATSMODELS_NAME = {"bonferroni": "bonferroni", "holm": "holm", "bh": "fdr_bh"}
p_value_lists = st.lists(st.floats(0.0, 1.0, allow_nan=False), min_size=1, max_size=60)


@settings(max_examples=60, deadline=None)  # statsmodels' holm takes ~50 ms a call
@given(p=p_value_lists)
@pytest.mark.parametrize("method", ["bonferroni", "holm", "bh"])
def test_adjusted_p_values_match_statsmodels(method: str, p: list[float]) -> None:
    _, expected, _, _ = multipletests(p, method=STATSMODELS_NAME[method])
    # atol: subnormal p-values round differently in the two operation orders
    np.testing.assert_allclose(adjust_p_values(p, method), expected, rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("method", ["bonferroni", "holm", "bh"])
def test_rejections_are_those_of_the_procedure_at_alpha(method: str) -> None:
    rng = np.random.default_rng(5)
    p = np.concatenate([rng.uniform(0, 1, 40), rng.uniform(0, 0.002, 10)])
    expected, _, _, _ = multipletests(p, alpha=0.05, method=STATSMODELS_NAME[method])
    assert (adjust_p_values(p, method) < 0.05).tolist() == expected.tolist()


def test_hand_computed_benjamini_hochberg() -> None:
    # sorted p: 0.001 0.008 0.039 0.041 0.042 0.06 -> times 6/k: 0.006 0.024 0.078 0.0615
    # 0.0504 0.06, then a running minimum from the largest.
    p = [0.039, 0.001, 0.06, 0.041, 0.008, 0.042]
    expected = [0.0504, 0.006, 0.06, 0.0504, 0.024, 0.0504]
    np.testing.assert_allclose(adjust_p_values(p, "bh"), expected, rtol=1e-12)


@settings(max_examples=200, deadline=None)
@given(p=p_value_lists)
def test_laws_of_every_correction(p: list[float]) -> None:
    raw = np.asarray(p)
    adjusted = {m: adjust_p_values(raw, m) for m in CORRECTIONS}
    for values in adjusted.values():
        assert np.all((values >= raw) & (values <= 1.0))
    np.testing.assert_array_equal(adjusted["none"], raw)
    # Holm is never more conservative than Bonferroni; BH never more than Holm.
    assert np.all(adjusted["holm"] <= adjusted["bonferroni"])
    assert np.all(adjusted["bh"] <= adjusted["holm"] + 1e-15)
    # Adjustment keeps the order of the raw p-values.
    order = np.argsort(raw, kind="stable")
    for values in adjusted.values():
        assert np.all(np.diff(values[order]) >= 0)


def test_a_single_test_is_not_adjusted() -> None:
    for method in CORRECTIONS:
        assert adjust_p_values([0.03], method).tolist() == [0.03]


def test_empty_family() -> None:
    assert adjust_p_values([], "bh").size == 0


@pytest.mark.parametrize(
    ("p", "method", "message"),
    [
        ([0.1], "fdr", "correction: must be one of bh, holm, bonferroni, none; got 'fdr'"),
        ([0.1, 1.5], "bh", "correction: p-values must lie in [0, 1]"),
        ([0.1, float("nan")], "bh", "correction: p-values must lie in [0, 1]"),
    ],
    ids=["unknown-method", "above-one", "nan"],
)
def test_bad_input_is_a_one_line_config_error(p: list[float], method: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        adjust_p_values(p, method)
    assert str(info.value) == message
