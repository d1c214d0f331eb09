"""KSWIN: a change in a stream's distribution, by Kolmogorov-Smirnov tests over a sliding
window (Raab, Heusinger and Schleif 2020).

The detector keeps the last ``window_size`` values. Once the window is full, every value
brings one test: the last ``stat_size`` values (R) against ``stat_size`` values drawn without
replacement, seeded, from the window's first ``window_size - stat_size`` (W). H0: R and W come
from one distribution. Drift is signalled when the two-sample KS test (scipy's ``ks_2samp``,
two-sided, ``method='auto'``) gives ``p <= alpha`` *and* the KS statistic exceeds
``min_statistic``. Then, with ``after_drift="reset"`` (the default, River's), the window is
emptied and the generator seeded afresh: the next test comes ``window_size`` values later,
all of them after the change. With ``after_drift="keep"`` (the paper's) the window keeps R,
the values that showed the change, and the generator goes on: the next test comes
``window_size - stat_size`` values later with R in its reference, so one change can be
signalled twice (measured on ``benchmarks/streams.py``'s streams: gaps of 70 to 100 values
between alarms, more false alarms than River's, and fewer missed changes on the annotated
real series).

``min_statistic`` is River's hard-coded ``st > 0.1``, named and documented here: with
``stat_size=30`` a statistic of 0.1 (3 values in 30) never has ``p <= alpha``, so at the
defaults it changes nothing; it matters for large ``stat_size``, where a tiny but significant
difference would otherwise signal.

The KS statistic is computed exactly from the two sorted samples (an integer count
difference k, statistic k / stat_size, as scipy's exact mode gives it); the p-value is scipy's
own, computed once per (stat_size, k) and kept (in exact mode, used up to 10,000 values per
sample, it depends on nothing else; beyond, scipy's asymptotic p-value of the first sample
with that k is kept, the same but for the last bit of the statistic).

Differences from River's ``KSWIN`` (0.26.1), which draws W with Python's
``random.Random(seed).sample`` exactly as here, so the two agree value by value up to and
including the first drift (tested):

- after a drift River sets its window to R, but its next ``update`` resets the detector:
  the window is emptied and the generator seeded afresh. ``after_drift="reset"`` does the
  same at the drift (the same positions on whole streams: tested); ``after_drift="keep"``
  keeps R, as the paper (and River's own assignment) has it, and agrees with River on whole
  streams when River's reset is bypassed (tested);
- ``seed`` defaults to 0, not None, so two default detectors agree (None: fresh entropy);
- ``window_size >= 2 * stat_size`` is checked when the detector is made (River's
  ``random.sample`` fails at the first full window otherwise); ``alpha`` is in (0, 1];
- the initial ``window`` comes back with :meth:`reset` (River loses it at its first reset).

>>> import random
>>> rng = random.Random(12345)
>>> stream = rng.choices([0, 1], k=1000) + rng.choices(range(4, 8), k=1000)
>>> KSWIN(alpha=0.0001, seed=42).update_many(stream)  # River's example: River says 1016
[1016]
"""

from __future__ import annotations

import math
import random
import warnings
from collections import deque
from collections.abc import Mapping, Sequence
from itertools import islice
from typing import Any, ClassVar

import numpy as np

from driftscope.detectors.base import DriftDetector
from driftscope.errors import param_error
from driftscope.stats._params import Param, integer, one_of, real_between, seed

_P_VALUES: dict[tuple[int, int], float] = {}
"""scipy's two-sided KS p-value for two samples of n values whose statistic is k / n."""


def _finite_numbers(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str | bytes) or not isinstance(value, Sequence | np.ndarray):
        return False
    return all(
        isinstance(v, int | float | np.integer | np.floating)
        and not isinstance(v, bool)
        and math.isfinite(v)
        for v in value
    )


INITIAL_WINDOW = Param(None, "None or a sequence of finite numbers", _finite_numbers)
"""Values already collected, to avoid a cold start (River's ``window``)."""


class KSWIN(DriftDetector):
    """Kolmogorov-Smirnov windowing (see the module docstring)."""

    name = "kswin"
    PARAMS: ClassVar[Mapping[str, Param]] = {
        "alpha": real_between(0.005, 0.0, 1.0, low_open=True),
        "window_size": integer(100, minimum=2),
        "stat_size": integer(30, minimum=1),
        "min_statistic": real_between(0.1, 0.0, 1.0),
        "seed": seed(0),
        "window": INITIAL_WINDOW,
        "after_drift": one_of("reset", ("reset", "keep")),
    }
    STATE = ("_window", "_rng_state", "_statistic", "_p_value")

    def __init__(self, **params: Any) -> None:
        window = params.get("window")
        if window is not None and _finite_numbers(window):
            # One form, so a state sent through JSON compares equal to the one saved.
            params["window"] = tuple(float(v) for v in window)
        super().__init__(**params)

    def _check_params(self, params: Mapping[str, Any]) -> None:
        if params["window_size"] < 2 * params["stat_size"]:
            raise param_error(
                self.name,
                "window_size",
                f"at least 2 * stat_size = {2 * params['stat_size']} (W is drawn without "
                "replacement from the values before the last stat_size)",
                params["window_size"],
            )

    @property
    def statistic(self) -> float:
        """The KS statistic of the last test (0.0 before the window first fills)."""
        return self._statistic

    @property
    def p_value(self) -> float:
        """The p-value of the last test (1.0 before the window first fills)."""
        return self._p_value

    @property
    def _rng_state(self) -> list[Any]:
        # The generator's state as JSON-ready data, so state() saves it and from_state()
        # continues the same draws.
        version, internal, gauss_next = self._rng.getstate()
        return [version, list(internal), gauss_next]

    @_rng_state.setter
    def _rng_state(self, saved: Sequence[Any]) -> None:
        version, internal, gauss_next = saved
        self._rng.setstate((int(version), tuple(int(i) for i in internal), gauss_next))

    def _reset_state(self) -> None:
        p = self._params
        self._window: deque[float] = deque(p["window"] or (), maxlen=p["window_size"])
        self._rng = random.Random(p["seed"])
        self._statistic = 0.0
        self._p_value = 1.0

    def _step(self, x: float) -> None:
        p = self._params
        size, n = p["window_size"], p["stat_size"]
        window = self._window
        window.append(x)
        if len(window) < size:
            return
        # The draw River makes, call for call, so that the same seed picks the same W.
        picked = self._rng.sample(range(size - n), n)
        sample = np.sort(np.fromiter((window[i] for i in picked), float, n))
        recent = np.fromiter(islice(window, size - n, size), float, n)
        recent.sort()
        pooled = np.concatenate([sample, recent])
        k = int(
            np.max(
                np.abs(
                    np.searchsorted(sample, pooled, side="right")
                    - np.searchsorted(recent, pooled, side="right")
                )
            )
        )
        self._statistic = k / n
        self._p_value = _p_value(n, k, sample, recent)
        if self._p_value <= p["alpha"] and self._statistic > p["min_statistic"]:
            self._drift = True
            if p["after_drift"] == "keep":
                self._window = deque(islice(window, size - n, size), maxlen=size)
            else:
                self._window = deque(maxlen=size)
                self._rng = random.Random(p["seed"])


def _p_value(n: int, k: int, sample: np.ndarray[Any, Any], recent: np.ndarray[Any, Any]) -> float:
    """scipy's p-value for statistic k / n between two samples of n values, kept per (n, k)."""
    key = (n, k)
    if key not in _P_VALUES:
        from scipy.stats import ks_2samp

        with warnings.catch_warnings():
            # For a statistic of a few values in many (k <= 5 of n <= 1,000 seen) scipy's
            # exact sum rounds above 1, and scipy falls back to its asymptotic formula, as it
            # says in this warning; the p-value is then >= 0.99996 either way, and the
            # fallback's value is the one River reads (River ignores every RuntimeWarning).
            warnings.filterwarnings(
                "ignore", "ks_2samp: Exact calculation unsuccessful", RuntimeWarning
            )
            _P_VALUES[key] = float(ks_2samp(sample, recent, method="auto").pvalue)
    return _P_VALUES[key]
