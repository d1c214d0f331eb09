"""CUSUM: a shift in the mean of a stream, upward, downward or both (Page 1954; the tabular
form of Montgomery, *Introduction to Statistical Quality Control*, section 9.1).

Each value is standardised, ``z_t = (x_t - mu) / sigma``, and two one-sided sums follow it::

    S+_t = max(0, S+_{t-1} + z_t - k)        (a rise)
    S-_t = max(0, S-_{t-1} - z_t - k)        (a fall)

starting at 0. Drift is signalled when a sum the ``mode`` watches exceeds ``h``; both sums
then start again at 0. ``k`` (the allowance) and ``h`` (the decision interval) are in standard
deviations: ``k = 0.5`` is tuned to a shift of one standard deviation, and with ``h = 5`` the
two-sided chart's average run length is about 465 values without a shift and 10.4 after a
one-sd shift (Montgomery's Table 9.3; the tests measure both).

``mu`` and ``sigma`` are ``target_mean`` and ``target_std`` when given. One that is not given
is estimated from the first ``warmup`` values (the sample mean; the standard deviation with
ddof=1), during which nothing is signalled; after a drift it is estimated again from the
next ``warmup`` values. Estimates make the in-control run length vary from chart to chart:
measured with k=0.5, h=5 on N(0, 1), the median run after a 30-value warmup is about 150
values against 326 with the targets given (the mean is not shorter, about 620, as the charts
whose sigma came out high run very long); after 100 it is about 250. Give the targets, or a
longer warmup, where false alarms are costly. A warmup whose values are all equal gives
sigma = 0: then a value equal to mu is no deviation and any other an infinite one (drift).

Instead of ``h``, a target in-control average run length ``arl0`` may be given: ``h`` is then
the one Siegmund's (1985) approximation of the run length gives, ``ARL = (exp(2 k b) - 2 k b -
1) / (2 k**2)`` per side with ``b = h + 1.166`` (``b**2`` for ``k = 0``), halved for two sides.
It is within a few percent of the exact run length (arl0=465 gives h = 4.99).

>>> import numpy as np
>>> rng = np.random.default_rng(1)
>>> stream = np.concatenate([rng.normal(0, 1, 300), rng.normal(1, 1, 100)])
>>> CUSUM(target_mean=0, target_std=1).update_many(stream)  # the mean rises by 1 at 300
[309, 330, 337, 353, 361, 369, 379, 387, 399]
>>> CUSUM(mode="down", target_mean=0, target_std=1).update_many(stream)
[]
>>> CUSUM().update_many(stream)  # mean and std estimated from values 0 to 29
[306]

After each signal the sums start again at 0, so a shift that stays is signalled again and
again (every 10.4 values on average here); the estimating chart above estimates afresh from
values 307 to 336, already shifted, and so sees no further change.
>>> round(CUSUM(arl0=465).decision_interval, 2)
4.99
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, ClassVar

from driftscope.detectors.base import DriftDetector
from driftscope.errors import param_error
from driftscope.stats._params import Param, integer, one_of, real_between

MODES = ("both", "up", "down")
DEFAULT_H = 5.0
"""The decision interval when neither ``h`` nor ``arl0`` is given (Montgomery's choice)."""
SIEGMUND_SHIFT = 1.166
"""Siegmund's correction of the boundary for the overshoot of a normal sum: b = h + 1.166."""


def _optional(constraint: str, base: Param) -> Param:
    """``base``, or None (the default) for 'not given'."""
    return Param(None, f"{constraint} or None", lambda v: v is None or base.accepts(v))


class CUSUM(DriftDetector):
    """Two-sided tabular CUSUM for a shift in a stream's mean (see the module docstring)."""

    name = "cusum"
    PARAMS: ClassVar[Mapping[str, Param]] = {
        "target_mean": _optional("a finite number", real_between(0.0, -math.inf, math.inf)),
        "target_std": _optional("a number > 0", real_between(1.0, 0.0, math.inf, low_open=True)),
        "warmup": integer(30, minimum=2),
        "k": real_between(0.5, 0.0, math.inf),
        "h": _optional("a number > 0", real_between(DEFAULT_H, 0.0, math.inf, low_open=True)),
        "arl0": _optional("a number > 1", real_between(1000.0, 1.0, math.inf, low_open=True)),
        "mode": one_of("both", MODES),
    }
    STATE = ("_n", "_warm_mean", "_warm_m2", "_mean", "_std", "_pos", "_neg")

    def _check_params(self, params: Mapping[str, Any]) -> None:
        arl0 = params["arl0"]
        if arl0 is None:
            return
        if params["h"] is not None:
            raise param_error(self.name, "arl0", "None when h is given (give one of them)", arl0)
        # The run length Siegmund's approximation gives at h = 0 is the least arl0 can ask.
        shortest = _run_length(0.0, params["k"], params["mode"])
        if arl0 <= shortest:
            raise param_error(self.name, "arl0", f"> {shortest:.4g} with k={params['k']:g}", arl0)

    @property
    def decision_interval(self) -> float:
        """The ``h`` in use: as given, the one ``arl0`` asks for, or the default 5."""
        p = self._params
        if p["h"] is not None:
            return float(p["h"])
        if p["arl0"] is not None:
            return _interval_for(p["arl0"], p["k"], p["mode"])
        return DEFAULT_H

    def _reset_state(self) -> None:
        p = self._params
        self._n = 0
        self._warm_mean = 0.0
        self._warm_m2 = 0.0
        self._mean = 0.0 if p["target_mean"] is None else p["target_mean"]
        self._std = 1.0 if p["target_std"] is None else p["target_std"]
        self._pos = 0.0
        self._neg = 0.0
        self._h = self.decision_interval  # derived from the parameters alone: not state

    def _step(self, x: float) -> None:
        p = self._params
        estimating = p["target_mean"] is None or p["target_std"] is None
        if estimating and self._n < p["warmup"]:
            self._warm_up(x)
            return
        deviation = x - self._mean
        if self._std > 0.0:
            z = deviation / self._std
        else:
            z = 0.0 if deviation == 0.0 else math.copysign(math.inf, deviation)
        mode = p["mode"]
        if mode != "down":
            self._pos = max(0.0, self._pos + z - p["k"])
        if mode != "up":
            self._neg = max(0.0, self._neg - z - p["k"])
        if self._pos > self._h or self._neg > self._h:
            self._drift = True
            self._reset_state()

    def _warm_up(self, x: float) -> None:
        """Welford's running mean and sum of squares; the estimates once ``warmup`` are in."""
        p = self._params
        self._n += 1
        delta = x - self._warm_mean
        self._warm_mean += delta / self._n
        self._warm_m2 += delta * (x - self._warm_mean)
        if self._n == p["warmup"]:
            if p["target_mean"] is None:
                self._mean = self._warm_mean
            if p["target_std"] is None:
                self._std = math.sqrt(self._warm_m2 / (self._n - 1))


def _run_length(h: float, k: float, mode: str) -> float:
    """Siegmund's approximation of the in-control average run length (both sides: halved)."""
    b = h + SIEGMUND_SHIFT
    if k == 0.0:
        one_side = b * b
    elif 2.0 * k * b > 700.0:  # exp overflows; the run length is astronomically long
        one_side = math.inf
    else:
        one_side = (math.exp(2.0 * k * b) - 2.0 * k * b - 1.0) / (2.0 * k * k)
    return one_side / 2.0 if mode == "both" else one_side


def _interval_for(arl0: float, k: float, mode: str) -> float:
    """The ``h`` whose approximate run length is ``arl0`` (bisection; the length rises with h)."""
    low, high = 0.0, 1.0
    while _run_length(high, k, mode) < arl0:
        low, high = high, 2.0 * high
    for _ in range(200):
        middle = (low + high) / 2.0
        if middle in (low, high):
            break
        if _run_length(middle, k, mode) < arl0:
            low = middle
        else:
            high = middle
    return high
