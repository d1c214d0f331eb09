"""EWMA chart for an error rate: a rise in the share of wrong predictions (an error stream of
0 = right, 1 = wrong), after Ross et al. (2012), "Exponentially weighted moving average
charts for detecting concept drift" (ECDD).

With the in-control error rate ``p0`` and a smoothing weight ``lambda_``, the chart follows::

    Z_0 = p0,    Z_t = lambda_ * x_t + (1 - lambda_) * Z_{t-1}
    sigma_t**2 = p0 (1 - p0) * lambda_ / (2 - lambda_) * (1 - (1 - lambda_)**(2 t))

and signals drift when ``Z_t > p0 + L * sigma_t``, a warning when ``Z_t > p0 + warning * L *
sigma_t`` (Ross et al.'s 0.5; ``warning=None`` never warns). Only a rise is drift: fewer
errors than before is good news, not a change to act on. After a drift the chart starts
again (t = 0, and p0 estimated again when it was estimated).

``p0`` is given, or estimated from the first ``warmup`` values (the share of errors among
them, kept half an error away from 0 and 1: a warmup without errors, likely where errors are
rare, would give p0 = 0, a chart of no width that takes every error for drift); nothing is
signalled during the warmup. An estimated p0 makes the run length vary from chart to chart
(measured at a rate of 0.1 with arl0=100: after a 100-value warmup the runs' mean is 141 and
their median 61); give p0 where it is known.

``L`` is calibrated so that the chart's average run length without drift (values after the
warmup, p0 the true rate) is ``arl0``. Ross et al. fit polynomials in p0 for three run
lengths and lambda 0.2 only, and for a p0 estimated anew at every value; here ``L`` comes
from a seeded Monte Carlo computation, for any p0, lambda_ and arl0: ``calibration_runs``
in-control streams of ``8 * arl0`` values each (a longer run is cut there, which shortens
the average by about exp(-8) of it), the running maximum of each stream's
``(Z_t - p0) / sigma_t``, and ``L`` the least level below which those maxima stay for at
least ``arl0 - 1`` values per stream on average (set midway to the next level the maxima
take, since Z on a 0/1 stream takes discrete values). It is computed when the chart starts,
cached per (p0, lambda_, arl0, calibration_runs, calibration_seed), and kept in the state.
1,000 runs put the run length within a few percent of arl0 (the tests measure it); the
computation takes about 0.1 s per 1,000 of arl0, once per p0 (an estimated p0 is a count
over ``warmup``, so a chart that estimates afresh after each drift meets at most ``warmup +
1`` of them). On a rare error with a large lambda_, Z
takes few values and the run length jumps from level to level: the chart then runs at least
``arl0`` on average, possibly much longer (never firing, when no level is high enough).

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> errors = (rng.random(1000) < np.r_[np.full(500, 0.1), np.full(500, 0.3)]).astype(int)
>>> chart = EWMA(p0=0.1)  # the error rate rises from 0.1 to 0.3 at 500
>>> chart.update_many(errors)[:3]
[523, 564, 575]
>>> round(chart.limit_multiplier, 2)
4.1

With p0 estimated, the chart that fired at 523 estimates it again from values 524 to 623
(0.3: the new rate is the new normal) and fires no more:

>>> estimating = EWMA()
>>> estimating.update_many(errors), estimating.p0
([523], 0.3)
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from typing import ClassVar

import numpy as np

from driftscope.detectors.base import DriftDetector
from driftscope.stats._params import Param, integer, open_unit_float, real_between

HORIZON = 8
"""Calibration streams are ``HORIZON * arl0`` values long; a run without a signal by then is
cut there, which shortens the average by about exp(-HORIZON) of it."""
BLOCK_VALUES = 1_000_000
"""Random values drawn at once in the calibration (8 MB of floats)."""


def _or_none(base: Param, *, default: object) -> Param:
    """``base``, or None."""
    return Param(default, f"{base.constraint} or None", lambda v: v is None or base.accepts(v))


class EWMA(DriftDetector):
    """EWMA chart for a rise in an error rate (see the module docstring)."""

    name = "ewma"
    binary = True
    PARAMS: ClassVar[Mapping[str, Param]] = {
        "p0": _or_none(open_unit_float(0.1), default=None),
        "warmup": integer(100, minimum=1),
        "lambda_": real_between(0.2, 0.0, 1.0, low_open=True),
        "arl0": real_between(1000.0, 1.0, 100_000.0, low_open=True),
        "warning": _or_none(real_between(0.5, 0.0, 1.0, low_open=True), default=0.5),
        "calibration_runs": integer(1000, minimum=100),
        "calibration_seed": integer(0, minimum=0),
    }
    STATE = ("_n", "_errors", "_p0", "_limit", "_t", "_z")

    @property
    def limit_multiplier(self) -> float:
        """The calibrated ``L`` in use (0.0 while the chart has not started)."""
        return self._limit

    @property
    def p0(self) -> float:
        """The in-control error rate in use (0.0 while it is being estimated)."""
        return self._p0

    def _reset_state(self) -> None:
        self._n = 0
        self._errors = 0
        self._p0 = 0.0  # 0.0 until the chart starts; a started chart's p0 is in (0, 1)
        self._limit = 0.0
        self._t = 0
        self._z = 0.0

    def _step(self, x: float) -> None:
        p = self._params
        if self._p0 == 0.0:
            if p["p0"] is None:
                self._n += 1
                self._errors += int(x)
                if self._n < p["warmup"]:
                    return
                half = 0.5 / self._n  # half an error away from 0 and 1
                self._start(min(max(self._errors / self._n, half), 1.0 - half))
                return
            self._start(p["p0"])
        lam = p["lambda_"]
        p0 = self._p0
        self._t += 1
        self._z = lam * x + (1.0 - lam) * self._z
        sigma = math.sqrt(p0 * (1.0 - p0) * lam / (2.0 - lam) * _decay(lam, self._t))
        if self._z > p0 + self._limit * sigma:
            self._drift = True
            self._reset_state()
        elif p["warning"] is not None and self._z > p0 + p["warning"] * self._limit * sigma:
            self._warning = True

    def _start(self, p0: float) -> None:
        p = self._params
        self._p0 = p0
        self._z = p0
        self._t = 0
        self._limit = calibrate(
            p0, p["lambda_"], p["arl0"], p["calibration_runs"], p["calibration_seed"]
        )


@functools.lru_cache(maxsize=256)
def calibrate(p0: float, lambda_: float, arl0: float, runs: int, seed: int) -> float:
    """The ``L`` that gives the chart an in-control average run length of ``arl0`` on a
    Bernoulli(p0) stream (the seeded Monte Carlo computation of the module docstring).

    >>> round(calibrate(0.1, 0.2, 100.0, 1000, 0), 3)
    2.755
    """
    horizon = math.ceil(HORIZON * arl0)
    rng = np.random.default_rng(seed)
    keep = 1.0 - lambda_
    z = np.full(runs, p0)
    stat = np.empty(runs)
    rose = np.empty(runs, dtype=bool)
    top = np.full(runs, -math.inf)  # each stream's running maximum of (Z_t - p0) / sigma_t
    since = np.zeros(runs, dtype=np.int64)  # the step at which it reached its present level
    levels, spans = [], []
    block = max(1, BLOCK_VALUES // runs)
    for first in range(0, horizon, block):
        steps = min(block, horizon - first)
        jumps = lambda_ * (rng.random((steps, runs)) < p0)
        for j in range(steps):
            t = first + j + 1
            # In place, in the order of EWMA._step's arithmetic: Z = lambda_ x + (1 - lambda_) Z.
            z *= keep
            z += jumps[j]
            np.subtract(z, p0, out=stat)
            stat /= math.sqrt(p0 * (1.0 - p0) * lambda_ / (2.0 - lambda_) * _decay(lambda_, t))
            np.greater(stat, top, out=rose)
            if rose.any():
                levels.append(top[rose])
                spans.append(t - 1 - since[rose])
                top[rose] = stat[rose]
                since[rose] = t - 1
    levels.append(top)
    spans.append(horizon - since)
    level = np.concatenate(levels)
    order = np.argsort(level, kind="stable")
    level = level[order]
    # A stream's run length with limit L is 1 + the steps at which its maximum is <= L.
    stayed = np.cumsum(np.concatenate(spans)[order])
    at = min(int(np.searchsorted(stayed, (arl0 - 1.0) * runs)), level.size - 1)
    above = int(np.searchsorted(level, level[at], side="right"))
    return float((level[at] + level[above]) / 2.0 if above < level.size else level[at])


def _decay(lambda_: float, t: int) -> float:
    """The start-up factor of the EWMA's variance, 1 - (1 - lambda_)**(2 t)."""
    return 1.0 - (1.0 - lambda_) ** (2 * t)
