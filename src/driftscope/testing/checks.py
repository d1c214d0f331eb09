"""Conformance checks every two-sample method must pass, built-in or custom.

Each check takes a :class:`~driftscope.stats.Method` and raises AssertionError (with a message
naming the method) when the method breaks the contract; :func:`check_method` runs all that
apply. Use them in your own test suite after registering a method::

    from driftscope.testing import CHECKS
    @pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
    def test_my_method(check):
        check(my_method)

The samples are fixed and seeded, so a failure reproduces. Besides raw samples, the checks
cover the other inputs a method may take: exact weighted samples must give ``from_sorted``'s
statistic through a sketch kernel, moments its statistic and p-value through a moments kernel,
a binned method's counts on its own bins its ``from_sorted`` result, and a method without
such a kernel must refuse with the documented error.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from driftscope.errors import ConfigError, InputError
from driftscope.stats import Method, Moments, TestResult, WeightedSample
from driftscope.stats._binning import bin_counts, reference_edges
from driftscope.stats._method import NEEDS_RAW_VALUES
from driftscope.stats._params import resolve
from driftscope.stats._result import passes
from driftscope.stats.registry import BINARY, CATEGORICAL, NUMERIC

Sample = list[Any]
Pair = tuple[Sample, Sample]
SIZE = 300  # large enough for every built-in method to see a clear shift
SUMMARY_RTOL = 1e-12  # weighted samples against sorted ones: the same sums, in another order
MOMENTS_RTOL = 1e-9  # moments against samples: variances summed in another order


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


def check_counts_batch_matches_kernel(method: Method) -> None:
    """``counts_batch`` (when the method has one) gives, row by row, the statistic of
    ``from_counts`` on that row with the categories empty on both sides left out."""
    batch = method.counts_batch
    if batch is None:
        return
    rng = np.random.default_rng(0)
    reference = rng.multinomial(200, np.full(6, 1 / 6), size=8).astype(np.int64)
    current = rng.multinomial(150, [0.3, 0.3, 0.2, 0.2, 0.0, 0.0], size=8).astype(np.int64)
    reference[:, 5] = 0  # the last category is empty on both sides in every row
    values = resolve(method.name, method.params, {})
    got = np.asarray(batch(reference, current, **values), dtype=np.float64)
    _expect(got.shape == (8,), method, f"counts_batch gave shape {got.shape} for 8 rows")
    for row, value in enumerate(got):
        keep = (reference[row] + current[row]) > 0
        one = method.from_counts(reference[row][keep], current[row][keep]).statistic
        _expect(_close(float(value), one, 1e-12), method, f"counts_batch row {row} differs")
    broadcast = np.asarray(batch(reference[0], current, **values), dtype=np.float64)
    single = np.asarray(batch(reference[:1].repeat(8, axis=0), current, **values))
    _expect(np.allclose(broadcast, single, rtol=1e-12, atol=0.0), method, "one reference row")


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


def _sorted_pairs() -> list[tuple[NDArray[np.float64], NDArray[np.float64]]]:
    """Sorted numeric pairs: continuous (every weight 1), and rounded (ties: weights > 1)."""
    ref, cur = (np.sort(np.asarray(x)) for x in numeric_pair(0.3))
    return [(ref, cur), (np.round(ref, 1), np.round(cur, 1))]


def _close(a: float | None, b: float | None, rtol: float) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=rtol, abs_tol=1e-15)


def _expect_refusal(method: Method, entry: Callable[..., TestResult], ref: Any, cur: Any) -> None:
    """A method without the kernel ``entry`` needs: ConfigError for a method that tests no
    numbers, else InputError naming the method (and saying it needs the raw values, unless
    it is binned and tests counts instead)."""
    expected: type[Exception] = InputError if NUMERIC in method.kinds else ConfigError
    try:
        entry(ref, cur)
    except expected as exc:
        _expect(str(exc).startswith(f"{method.name}:"), method, f"message: {exc}")
        if method.needs_raw_values:
            _expect(NEEDS_RAW_VALUES in str(exc), method, f"message: {exc}")
        return
    raise _fail(method, f"{entry.__name__} without a kernel must be a {expected.__name__}")


def check_from_sketches_matches_sorted(method: Method) -> None:
    """Exact weighted samples (every distinct value weighted by its count, error 0) give
    ``from_sorted``'s statistic, with the reference's std given or not, and say they are not
    approximate; a method without a sketch kernel refuses."""
    if method.sketch_kernel is None:
        one, two = WeightedSample.of([0.0, 1.0]), WeightedSample.of([0.0, 2.0])
        _expect_refusal(method, method.from_sketches, one, two)
        return
    for ref, cur in _sorted_pairs():
        expected = method.from_sorted(ref, cur)
        reference, current = WeightedSample.of(ref), WeightedSample.of(cur)
        for std in (None, float(np.std(ref))):
            res = method.from_sketches(replace(reference, std=std), current)
            _expect(
                _close(res.statistic, expected.statistic, SUMMARY_RTOL),
                method,
                f"from_sketches statistic differs: {res.statistic} vs {expected.statistic}",
            )
            _expect(res.details.get("approximate") is False, method, "exact input approximate")
            _expect(_json_plain(dict(res.details)), method, "from_sketches details not plain")
            rule = passes(
                res.statistic, res.p_value, res.threshold, higher_is_drift=res.higher_is_drift
            )
            _expect(res.drifted == rule, method, "from_sketches verdict disagrees with its score")


def check_from_moments_matches_sorted(method: Method) -> None:
    """Moments computed from a sample give ``from_sorted``'s statistic and p-value; a method
    without a moments kernel refuses."""
    if method.moments_kernel is None:
        one, two = Moments(2, 0.0, 1.0), Moments(2, 1.0, 1.0)
        _expect_refusal(method, method.from_moments, one, two)
        return
    for ref, cur in _sorted_pairs():
        expected = method.from_sorted(ref, cur)
        res = method.from_moments(Moments.of(ref), Moments.of(cur))
        for what, ours, theirs in (
            ("statistic", res.statistic, expected.statistic),
            ("p-value", res.p_value, expected.p_value),
        ):
            _expect(
                _close(ours, theirs, MOMENTS_RTOL),
                method,
                f"from_moments {what} differs: {ours} vs {theirs}",
            )
        _expect(res.drifted == expected.drifted, method, "from_moments verdict differs")


def check_binned_counts_match_sorted(method: Method) -> None:
    """A binned method's ``from_counts`` on counts made with its own bin edges (the
    reference's quantiles at ``n_bins``) equals its ``from_sorted``."""
    if not method.binned:
        return
    n_bins = method.params["n_bins"].default
    if not isinstance(n_bins, int):
        raise _fail(method, f"n_bins has no integer default: {n_bins!r}")
    for ref, cur in _sorted_pairs():
        edges = reference_edges(ref, n_bins)
        expected = method.from_sorted(ref, cur)
        res = method.from_counts(bin_counts(ref, edges), bin_counts(cur, edges))
        _expect(
            _close(res.statistic, expected.statistic, SUMMARY_RTOL),
            method,
            f"from_counts on its bins differs: {res.statistic} vs {expected.statistic}",
        )
        _expect(res.p_value == expected.p_value, method, "from_counts on its bins: p-value")


CHECKS: tuple[Callable[[Method], None], ...] = (
    check_result_fields,
    check_identical_samples_never_drift,
    check_p_value_in_unit_interval,
    check_shifted_sample_drifts,
    check_order_does_not_matter,
    check_from_sorted_matches_call,
    check_from_counts_matches_call,
    check_counts_batch_matches_kernel,
    check_missing_values_are_dropped,
    check_empty_sample_is_an_input_error,
    check_constant_equal_samples_do_not_drift,
    check_infinity_needs_opt_in,
    check_bad_parameters_are_config_errors,
    check_from_sketches_matches_sorted,
    check_from_moments_matches_sorted,
    check_binned_counts_match_sorted,
)


def check_method(method: Method) -> None:
    """Run every conformance check on ``method``; the first failure raises AssertionError.

    >>> from driftscope import stats
    >>> check_method(stats.get("tvd"))
    """
    for check in CHECKS:
        check(method)
