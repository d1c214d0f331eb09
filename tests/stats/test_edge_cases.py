"""Degenerate inputs, as a table over all methods: each cell is the documented outcome.

Outcomes: ``clean`` = same result as without the offending values; ``neutral`` = not drifted,
statistic 0 (p-value 1 for tests) and a note; ``drift`` / ``no drift`` = an ordinary result;
``error: <text>`` = InputError whose message starts with the method name and contains text.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from driftscope import stats
from driftscope.errors import InputError

NAN, INF = math.nan, math.inf
_rng = np.random.default_rng(0)
BASE_R = _rng.normal(0.0, 1.0, 80).tolist()
BASE_C = _rng.normal(0.2, 1.0, 80).tolist()
LABELS_R = ["a", "b", "b", "c"] * 10
LABELS_C = ["a", "a", "b", "c"] * 10
BINARY_R, BINARY_C = ["x", "y", "y"] * 10, ["x", "x", "y"] * 10

# case -> (reference, current, keyword arguments, clean reference) for numeric input
NUMERIC_CASES: dict[str, tuple[list[Any], list[Any], dict[str, Any], list[Any] | None]] = {
    "nan_present": ([None, *BASE_R, NAN], [*BASE_C, NAN], {}, BASE_R),
    "empty": ([], BASE_C, {}, None),
    "all_missing": ([None, NAN], BASE_C, {}, None),
    "constant_equal": ([3.0] * 20, [3.0] * 25, {}, None),
    "constant_different": ([1.0] * 20, [2.0] * 20, {}, None),
    "single_value": ([1.0], [2.0], {}, None),
    "single_equal_value": ([1.0], [1.0], {}, None),
    "inf": ([*BASE_R, INF], BASE_C, {}, None),
    "minus_inf_as_missing": ([-INF, *BASE_R, INF], BASE_C, {"inf_as_missing": True}, BASE_R),
}
EMPTY = "error: reference sample is empty after removing missing values"
INF_ERROR = "error: has 1 +/-inf value(s); remove them or pass inf_as_missing=True"
_NUMERIC_COMMON = {
    "nan_present": "clean",
    "empty": EMPTY,
    "all_missing": EMPTY,
    "constant_equal": "neutral",
    "single_equal_value": "neutral",
    "inf": INF_ERROR,
    "minus_inf_as_missing": "clean",
}
# Binned methods: a constant reference gives a single edge and every value at or above it
# falls in the bin on its right, so 1 vs 2 land in the same bin (SPEC's bin rule).
_BINNED = {"constant_different": "no drift", "single_value": "no drift"}
NUMERIC_OUTCOMES: dict[str, dict[str, str]] = {
    "ks": {"constant_different": "drift", "single_value": "no drift"},
    "psi": _BINNED,
    "jensen_shannon": _BINNED,
    "hellinger": _BINNED,
    "kl": _BINNED,
    "tvd": _BINNED,
    "l_infinity": _BINNED,
    "wasserstein": {"constant_different": "drift", "single_value": "drift"},
    "energy": {"constant_different": "drift", "single_value": "drift"},
    "cramer_von_mises": {
        "constant_different": "drift",
        "single_value": "error: needs at least 2 values in each sample; the reference has 1",
    },
    "anderson_darling": {
        "constant_different": "drift",
        "single_value": "error: needs at least 4 values in the two samples together",
    },
    "mann_whitney": {"constant_different": "drift", "single_value": "no drift"},
    "t_test": {
        "constant_different": "error: undefined when both samples have zero variance",
        "single_value": "error: needs at least 2 values in each sample; the reference has 1",
    },
    "epps_singleton": {
        "constant_different": "drift",
        "single_value": "error: needs at least 5 values in each sample; the reference has 1",
    },
    "mmd": {
        "constant_different": "drift",
        "single_value": "error: needs at least 2 values in each sample; the reference has 1",
    },
}

LABEL_CASES = (
    "nan_present",
    "empty",
    "all_missing",
    "constant_equal",
    "constant_different",
    "single_value",
    "single_equal_value",
    "three_categories",
)


def _label_case(case: str, binary: bool) -> tuple[list[Any], list[Any]]:
    """(reference, current) of a case; binary-only methods get two-category data."""
    ref, cur = (BINARY_R, BINARY_C) if binary else (LABELS_R, LABELS_C)
    return {
        "nan_present": ([None, *ref, NAN], [*cur, None]),
        "empty": ([], cur),
        "all_missing": ([None, NAN], cur),
        "constant_equal": (["a"] * 20, ["a"] * 25),
        "constant_different": (["a"] * 20, ["b"] * 20),
        "single_value": (["a"], ["b"]),
        "single_equal_value": (["a"], ["a"]),
        "three_categories": (LABELS_R, LABELS_C),
    }[case]


_LABEL_COMMON = {
    "nan_present": "clean",
    "empty": EMPTY,
    "all_missing": EMPTY,
    "constant_equal": "neutral",
    "constant_different": "drift",
    "single_equal_value": "neutral",
}
_BINARY_ONLY = "error: needs a binary column (at most 2 categories); got 3 categories"
LABEL_OUTCOMES: dict[str, dict[str, str]] = {
    # One value per side cannot make a test significant, but it is a total change of shares.
    **{
        name: {"single_value": "drift", "three_categories": "drift"}
        for name in ("psi", "jensen_shannon", "hellinger", "kl", "tvd", "l_infinity")
    },
    "chi2": {"single_value": "no drift", "three_categories": "drift"},
    "g_test": {"single_value": "no drift", "three_categories": "drift"},
    "z_proportion": {"single_value": "no drift", "three_categories": _BINARY_ONLY},
    "fisher_exact": {"single_value": "no drift", "three_categories": _BINARY_ONLY},
}


def _check(name: str, outcome: str, run: Any, clean: Any) -> None:
    if outcome.startswith("error: "):
        with pytest.raises(InputError) as caught:
            run()
        message = str(caught.value)
        assert message.startswith(f"{name}: "), message
        assert outcome.removeprefix("error: ") in message
        return
    res = run()
    if outcome == "clean":
        expected = clean()
        assert (res.statistic, res.p_value) == (expected.statistic, expected.p_value)
        assert res.details["reference_missing"] >= 1
    elif outcome == "neutral":
        assert not res.drifted
        assert res.statistic == 0.0
        assert res.p_value == (None if res.higher_is_drift else 1.0)
        assert "constant" in res.details["note"] or "single category" in res.details["note"]
    else:
        assert res.drifted == (outcome == "drift"), res
        # fisher_exact's statistic is scipy's odds ratio: +inf when an off-diagonal cell is 0.
        assert math.isfinite(res.statistic) or name == "fisher_exact"
        assert res.p_value is None or 0.0 <= res.p_value <= 1.0


def test_every_numeric_method_has_a_row() -> None:
    numeric = {n for n in stats.available() if "numeric" in stats.get(n).kinds}
    assert set(NUMERIC_OUTCOMES) == numeric


def test_every_categorical_method_has_a_row() -> None:
    labelled = {n for n in stats.available() if stats.get(n).kinds - {"numeric"}}
    assert set(LABEL_OUTCOMES) == labelled


@pytest.mark.parametrize("case", NUMERIC_CASES)
@pytest.mark.parametrize("name", NUMERIC_OUTCOMES)
def test_numeric_edge_case(name: str, case: str) -> None:
    method = stats.get(name)
    ref, cur, kwargs, clean_ref = NUMERIC_CASES[case]
    outcome = {**_NUMERIC_COMMON, **NUMERIC_OUTCOMES[name]}[case]
    if outcome == EMPTY:
        # Both sides are checked: the current side names itself the same way.
        _check(name, EMPTY.replace("reference", "current"), lambda: method(cur, ref), None)
    _check(
        name,
        outcome,
        lambda: method(ref, cur, **kwargs),
        lambda: method(clean_ref, BASE_C),
    )


@pytest.mark.parametrize("case", LABEL_CASES)
@pytest.mark.parametrize("name", LABEL_OUTCOMES)
def test_label_edge_case(name: str, case: str) -> None:
    method = stats.get(name)
    binary = "categorical" not in method.kinds
    ref, cur = _label_case(case, binary)
    clean = (BINARY_R, BINARY_C) if binary else (LABELS_R, LABELS_C)
    outcome = {**_LABEL_COMMON, **LABEL_OUTCOMES[name]}[case]
    _check(name, outcome, lambda: method(ref, cur), lambda: method(*clean))


@pytest.mark.parametrize(
    ("reference", "current"),
    [([1.0, 1.0], [1.0, 1.0, 1.0]), ([[1.0, 2.0]] * 3, [[1.0, 2.0]] * 4)],
    ids=["one_d", "two_d"],
)
def test_mmd_constant_equal_points_are_neutral(reference: Any, current: Any) -> None:
    res = stats.mmd(reference, current)
    assert (res.drifted, res.statistic, res.p_value) == (False, 0.0, 1.0)


def test_scipy_value_error_becomes_input_error_naming_the_method() -> None:
    # fisher_exact via scipy rejects nothing valid; epps' pooled IQR of 0 is our own guard,
    # and anderson's pooled minimum too: both surface as InputError with the method's name.
    with pytest.raises(InputError, match=r"^epps_singleton: undefined when the pooled inter"):
        stats.epps_singleton([0.0] * 10 + [1.0], [0.0] * 10 + [2.0])


# Values this large (2**600 ~ 4e180) overflow when squared or subtracted; every numeric method
# rescales them by a power of two first. Unit-free results do not change; the energy
# distance over the reference's std is in 1 / sqrt(unit), so it shrinks by 2**300.
HUGE = 2.0**600
_UNIT_POWER = {"energy": -300}


@pytest.mark.parametrize("name", NUMERIC_OUTCOMES)
def test_huge_values_give_the_result_of_the_same_values_rescaled(name: str) -> None:
    method = stats.get(name)
    kwargs = {"seed": 3} if name == "mmd" else {}
    small = method(np.array(BASE_R), np.array(BASE_C), **kwargs)
    huge = method(np.array(BASE_R) * HUGE, np.array(BASE_C) * HUGE, **kwargs)
    expected = math.ldexp(small.statistic, _UNIT_POWER.get(name, 0))
    assert huge.statistic == pytest.approx(expected, rel=1e-12)
    assert huge.p_value == small.p_value
    assert huge.drifted == small.drifted or name == "energy"


def test_distances_at_the_float_limit_are_inf_or_exact_not_an_exception() -> None:
    ref, cur = [-1.7e308] * 3, [1.7e308] * 3  # 3.4e308 apart: past float64's range
    w = stats.wasserstein(ref, cur)
    assert w.details["unscaled"] == math.inf
    assert w.drifted
    # the energy distance is in the square root of the unit: sqrt(2 * 3.4e308) fits
    e = stats.energy(ref, cur)
    assert e.details["unscaled"] == pytest.approx(2.0 * math.sqrt(1.7e308))
    assert e.drifted
