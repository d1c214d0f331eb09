"""Conformance checks every two-sample method must pass, built-in or custom.

Each check takes a :class:`~driftscope.stats.Method` and raises AssertionError (with a message
naming the method) when the method breaks the contract; :func:`check_method` runs all that
apply. Use them in your own test suite after registering a method::

    from driftscope.testing import CHECKS
    @pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
    def test_my_method(check):
        check(my_method)

The samples are fixed and seeded, so a failure reproduces.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from driftscope.errors import ConfigError, InputError
from driftscope.stats import Method, TestResult
from driftscope.stats.registry import BINARY, CATEGORICAL, NUMERIC

Sample = list[Any]
Pair = tuple[Sample, Sample]
SIZE = 300  # large enough for every built-in method to see a clear shift


def _fail(method: Method, message: str) -> AssertionError:
    return AssertionError(f"{method.name}: {message}")


def _expect(condition: bool, method: Method, message: str) -> None:
    # Explicit raise rather than `assert`, so the checks still check under python -O.
    if not condition:
        raise _fail(method, message)


def numeric_pair(shift: float = 0.0, seed: int = 0) -> tuple[list[float], list[float]]:
    """Two normal samples of ``SIZE`` values, the current one shifted by ``shift`` sd."""
    rng = np.random.default_rng(seed)
    return rng.normal(0.0, 1.0, SIZE).tolist(), rng.normal(shift, 1.0, SIZE).tolist()


def label_pair(binary: bool, shifted: bool, seed: int = 0) -> tuple[list[str], list[str]]:
    """Two label samples; with ``shifted`` the current shares differ strongly."""
    rng = np.random.default_rng(seed)
    labels = ["no", "yes"] if binary else ["a", "b", "c", "d"]
    before = [0.7, 0.3] if binary else [0.4, 0.3, 0.2, 0.1]
    after = [0.3, 0.7] if binary else [0.1, 0.2, 0.3, 0.4]
    ref = rng.choice(labels, SIZE, p=before).tolist()
    cur = rng.choice(labels, SIZE, p=after if shifted else before).tolist()
    return ref, cur


def sample_pairs(method: Method, *, shifted: bool) -> list[Pair]:
    """One sample pair per kind of input the method takes."""
    pairs: list[Pair] = []
    if NUMERIC in method.kinds:
        pairs.append(numeric_pair(1.5 if shifted else 0.0))
    if CATEGORICAL in method.kinds:
        pairs.append(label_pair(binary=False, shifted=shifted))
    if BINARY in method.kinds:
        pairs.append(label_pair(binary=True, shifted=shifted))
    return pairs


def _json_plain(value: Any) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and _json_plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_json_plain(v) for v in value)
    return value is None or type(value) in (bool, int, float, str)


def check_result_fields(method: Method) -> None:
    """Results are TestResults of plain Python values, consistent with the method's metadata."""
    for ref, cur in sample_pairs(method, shifted=True):
        res = method(ref, cur)
        _expect(isinstance(res, TestResult), method, f"returned {type(res).__name__}")
        _expect(res.method == method.name, method, f"result names method {res.method!r}")
        _expect(type(res.statistic) is float, method, "statistic is not a Python float")
        _expect(type(res.threshold) is float, method, "threshold is not a Python float")
        _expect(res.threshold == method.default_threshold, method, "default threshold unused")
        _expect(type(res.drifted) is bool, method, "drifted is not a bool")
        _expect(res.higher_is_drift == method.higher_is_drift, method, "direction differs")
        if method.higher_is_drift:
            _expect(res.p_value is None, method, "a distance returned a p-value")
            expected = res.statistic >= res.threshold
        else:
            _expect(type(res.p_value) is float, method, "p_value is not a Python float")
            expected = res.p_value is not None and res.p_value < res.threshold
        _expect(res.drifted == expected, method, "drifted disagrees with score vs threshold")
        details = dict(res.details)
        _expect(_json_plain(details), method, f"details are not plain JSON values: {details}")
        json.dumps(details, allow_nan=True)


def check_identical_samples_never_drift(method: Method) -> None:
    """A sample compared with itself is never drift, and scores the minimum (or p = 1-ish)."""
    for ref, _ in sample_pairs(method, shifted=False):
        res = method(ref, list(ref))
        _expect(not res.drifted, method, f"identical samples drifted: {res}")
        if method.higher_is_drift:
            _expect(abs(res.statistic) <= 1e-12, method, f"distance {res.statistic} != 0")


def check_p_value_in_unit_interval(method: Method) -> None:
    """p-values are finite numbers in [0, 1], shifted or not."""
    if method.higher_is_drift:
        return
    for shifted in (False, True):
        for ref, cur in sample_pairs(method, shifted=shifted):
            p = method(ref, cur).p_value
            _expect(p is not None and 0.0 <= p <= 1.0, method, f"p-value {p} outside [0, 1]")


def check_shifted_sample_drifts(method: Method) -> None:
    """A clearly shifted sample (1.5 sd, or strongly changed shares) is detected."""
    for ref, cur in sample_pairs(method, shifted=True):
        res = method(ref, cur)
        _expect(res.drifted, method, f"missed a clear shift: {res}")


def check_order_does_not_matter(method: Method) -> None:
    """Shuffling either sample leaves the result unchanged (up to rounding)."""
    rng = np.random.default_rng(1)
    for ref, cur in sample_pairs(method, shifted=True):
        res = method(ref, cur)
        ref2 = [ref[i] for i in rng.permutation(len(ref))]
        cur2 = [cur[i] for i in rng.permutation(len(cur))]
        res2 = method(ref2, cur2)
        _expect(
            math.isclose(res.statistic, res2.statistic, rel_tol=1e-9, abs_tol=1e-12),
            method,
            f"statistic changed with order: {res.statistic} vs {res2.statistic}",
        )
        if res.p_value is not None and res2.p_value is not None:
            _expect(
                math.isclose(res.p_value, res2.p_value, rel_tol=1e-9, abs_tol=1e-12),
                method,
                "p-value changed with the order of the values",
            )


def check_from_sorted_matches_call(method: Method) -> None:
    """``from_sorted`` on sorted float64 arrays gives what calling on raw values gives."""
    if NUMERIC not in method.kinds:
        try:
            method.from_sorted(np.zeros(3), np.zeros(3))
        except ConfigError:
            return
        raise _fail(method, "from_sorted on a method without 'numeric' kind must be a ConfigError")
    ref, cur = numeric_pair(0.3)
    direct = method(ref, cur)
    prepared = method.from_sorted(np.sort(np.asarray(ref)), np.sort(np.asarray(cur)))
    _expect(direct.statistic == prepared.statistic, method, "from_sorted statistic differs")
    _expect(direct.p_value == prepared.p_value, method, "from_sorted p-value differs")
    _expect(direct.drifted == prepared.drifted, method, "from_sorted verdict differs")


def check_from_counts_matches_call(method: Method) -> None:
    """``from_counts`` on aligned counts gives what calling on the labels gives."""
    if not method.kinds & {CATEGORICAL, BINARY}:
        try:
            method.from_counts(np.array([1, 2]), np.array([2, 1]))
        except ConfigError:
            return
        raise _fail(method, "from_counts on a numeric-only method must be a ConfigError")
    ref, cur = label_pair(binary=CATEGORICAL not in method.kinds, shifted=True)
    labels = sorted(set(ref) | set(cur))
    ref_counts = np.array([ref.count(v) for v in labels], dtype=np.int64)
    cur_counts = np.array([cur.count(v) for v in labels], dtype=np.int64)
    direct = method(ref, cur)
    counted = method.from_counts(ref_counts, cur_counts)
    _expect(direct.statistic == counted.statistic, method, "from_counts statistic differs")
    _expect(direct.p_value == counted.p_value, method, "from_counts p-value differs")


def check_missing_values_are_dropped(method: Method) -> None:
    """None and NaN are removed before testing, and counted in the details."""
    for ref, cur in sample_pairs(method, shifted=True):
        clean = method(ref, cur)
        holey = method([None, *ref, float("nan")], [*cur, None])
        _expect(holey.statistic == clean.statistic, method, "missing values changed the result")
        _expect(holey.details.get("reference_missing") == 2, method, "reference_missing != 2")
        _expect(holey.details.get("current_missing") == 1, method, "current_missing != 1")


def check_empty_sample_is_an_input_error(method: Method) -> None:
    """An empty or all-missing sample is an InputError naming the method and the side."""
    for ref, _ in sample_pairs(method, shifted=False):
        for current in ([], [None, float("nan")]):
            try:
                method(ref, current)
            except InputError as exc:
                _expect(str(exc).startswith(f"{method.name}:"), method, f"message: {exc}")
                _expect("current" in str(exc), method, f"message does not name the side: {exc}")
                continue
            raise _fail(method, f"no InputError for current={current!r}")


def check_constant_equal_samples_do_not_drift(method: Method) -> None:
    """Both samples one and the same value: not drifted, neutral score, and a note."""
    for ref, _ in sample_pairs(method, shifted=False):
        value = ref[0]
        res = method([value] * 20, [value] * 30)
        _expect(not res.drifted, method, "constant equal samples drifted")
        _expect(res.statistic == 0.0, method, "statistic of constant equal samples is not 0")
        if not method.higher_is_drift:
            _expect(res.p_value == 1.0, method, "p-value of constant equal samples is not 1")
        _expect("note" in res.details, method, "no note explains the constant samples")


def check_infinity_needs_opt_in(method: Method) -> None:
    """+/-inf is an InputError for numeric input unless inf_as_missing=True drops it."""
    if NUMERIC not in method.kinds:
        return
    ref, cur = numeric_pair(1.5)
    try:
        method([*ref, math.inf], cur)
    except InputError as exc:
        _expect("inf" in str(exc), method, f"message does not mention inf: {exc}")
    else:
        raise _fail(method, "+inf in the reference was not an InputError")
    dropped = method([*ref, math.inf], [-math.inf, *cur], inf_as_missing=True)
    _expect(dropped.statistic == method(ref, cur).statistic, method, "inf_as_missing differs")


def check_bad_parameters_are_config_errors(method: Method) -> None:
    """Unknown parameters and out-of-range thresholds are ConfigErrors naming the method."""
    ref, cur = sample_pairs(method, shifted=False)[0]
    for kwargs in ({"no_such_parameter": 1}, {"threshold": -1.0}, {"threshold": math.nan}):
        try:
            method(ref, cur, **kwargs)
        except ConfigError as exc:
            _expect(str(exc).startswith(f"{method.name}:"), method, f"message: {exc}")
            continue
        raise _fail(method, f"no ConfigError for {kwargs}")


CHECKS: tuple[Callable[[Method], None], ...] = (
    check_result_fields,
    check_identical_samples_never_drift,
    check_p_value_in_unit_interval,
    check_shifted_sample_drifts,
    check_order_does_not_matter,
    check_from_sorted_matches_call,
    check_from_counts_matches_call,
    check_missing_values_are_dropped,
    check_empty_sample_is_an_input_error,
    check_constant_equal_samples_do_not_drift,
    check_infinity_needs_opt_in,
    check_bad_parameters_are_config_errors,
)


def check_method(method: Method) -> None:
    """Run every conformance check on ``method``; the first failure raises AssertionError.

    >>> from driftscope import stats
    >>> check_method(stats.get("tvd"))
    """
    for check in CHECKS:
        check(method)
