"""Every registered method passes every conformance check; the checks themselves can fail."""

from __future__ import annotations

import importlib
from collections.abc import Callable

import numpy as np
import pytest

from driftscope import stats
from driftscope.stats import Method, Outcome
from driftscope.stats.registry import NUMERIC
from driftscope.testing import CHECKS, check_method
from driftscope.testing.checks import (
    check_identical_samples_never_drift,
    check_order_does_not_matter,
    check_shifted_sample_drifts,
)


@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.__name__.removeprefix("check_"))
@pytest.mark.parametrize("name", stats.available())
def test_registered_method_passes_check(name: str, check: Callable[[Method], None]) -> None:
    check(stats.get(name))


def test_every_method_of_the_spec_is_registered() -> None:
    spec = {
        "ks", "psi", "jensen_shannon", "hellinger", "kl", "tvd", "l_infinity", "wasserstein",
        "energy", "chi2", "g_test", "z_proportion", "fisher_exact", "cramer_von_mises",
        "anderson_darling", "mann_whitney", "t_test", "epps_singleton", "mmd",
    }  # fmt: skip
    assert spec <= set(stats.available())


def test_every_method_is_a_plain_function_of_the_package() -> None:
    for name in stats.available():
        assert callable(getattr(stats, name)), name


def test_every_method_lives_in_a_module_named_after_it() -> None:
    for name in stats.available():
        module = importlib.import_module(f"driftscope.stats.{name}")
        assert getattr(module, name) is getattr(stats, name), name
        assert getattr(stats, name).__module__ == module.__name__, name


def _distance(name: str, kernel: Callable[..., Outcome]) -> Method:
    # Not registered: these only exist to show that the checks catch broken methods.
    return Method(name, frozenset({NUMERIC}), True, 0.1, "broken on purpose", kernel)


def test_checks_catch_a_method_that_never_drifts() -> None:
    never = _distance("never", lambda r, c: Outcome(0.0))
    with pytest.raises(AssertionError, match="never: missed a clear shift"):
        check_shifted_sample_drifts(never)


def test_checks_catch_a_method_that_always_drifts() -> None:
    always = _distance("always", lambda r, c: Outcome(1.0))
    with pytest.raises(AssertionError, match="always: identical samples drifted"):
        check_identical_samples_never_drift(always)


def test_checks_catch_a_method_whose_result_is_not_reproducible() -> None:
    # An unseeded random draw, as in a permutation test that forgot its seed.
    def unseeded(r: np.ndarray, c: np.ndarray) -> Outcome:
        return Outcome(float(np.random.default_rng().random()))

    with pytest.raises(AssertionError, match="changed with order"):
        check_order_does_not_matter(_distance("unseeded", unseeded))


def test_check_method_runs_all_checks_on_a_correct_custom_method() -> None:
    def mean_gap(r: np.ndarray, c: np.ndarray) -> Outcome:
        return Outcome(abs(float(np.mean(c)) - float(np.mean(r))))

    check_method(_distance("mean_gap", mean_gap))
