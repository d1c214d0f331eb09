"""Page-Hinkley: a change in the mean of a stream, upward, downward or both (Page 1954).

With the running mean ``m_t`` of the values so far and a fading factor ``alpha``, two
cumulative sums follow each value ``x_t``::

    up_t   = alpha * up_{t-1}   + (x_t - m_t) - delta
    down_t = alpha * down_{t-1} + (x_t - m_t) + delta

Drift is signalled, once ``min_instances`` values were seen, when ``up_t - min(up)`` (a rise)
or ``max(down) - down_t`` (a fall) exceeds ``threshold``; the detector then starts afresh.
``delta`` is the size of a change too small to matter, per value.

One deliberate difference from River's ``PageHinkley`` (0.26): River starts the running
maximum of ``down`` at -1 rather than at minus infinity, as if a value had been seen before
the first; here the extremes start empty (infinite), so ``max(down)`` is the largest sum
the stream produced. Where ``down`` goes above -1 early (nearly every stream) the two agree
to the bit (tested).

>>> import numpy as np
>>> rng = np.random.default_rng(1)
>>> stream = np.concatenate([rng.normal(0, 1, 1000), rng.normal(3, 1, 1000)])
>>> PageHinkley().update_many(stream)  # the mean rises by 3 at index 1000
[1010]
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import ClassVar

from driftscope.detectors.base import DriftDetector
from driftscope.stats._params import Param, integer, one_of, real_between

MODES = ("both", "up", "down")


class PageHinkley(DriftDetector):
    """Page-Hinkley test for a change in a stream's mean (see the module docstring)."""

    name = "page_hinkley"
    PARAMS: ClassVar[Mapping[str, Param]] = {
        "min_instances": integer(30, minimum=1),
        "delta": real_between(0.005, 0.0, math.inf),
        "threshold": real_between(50.0, 0.0, math.inf, low_open=True),
        "alpha": real_between(1 - 0.0001, 0.0, 1.0, low_open=True),
        "mode": one_of("both", MODES),
    }
    STATE = ("_n", "_mean", "_up", "_down", "_min_up", "_max_down")

    def _reset_state(self) -> None:
        self._n = 0
        self._mean = 0.0
        self._up = 0.0
        self._down = 0.0
        self._min_up = math.inf
        self._max_down = -math.inf

    def _step(self, x: float) -> None:
        p = self._params
        self._n += 1
        self._mean += (x - self._mean) / self._n
        deviation = x - self._mean
        self._up = p["alpha"] * self._up + deviation - p["delta"]
        self._down = p["alpha"] * self._down + deviation + p["delta"]
        self._min_up = min(self._min_up, self._up)
        self._max_down = max(self._max_down, self._down)
        if self._n < p["min_instances"]:
            return
        rise = self._up - self._min_up > p["threshold"]
        fall = self._max_down - self._down > p["threshold"]
        mode = p["mode"]
        if (rise and mode != "down") or (fall and mode != "up"):
            self._drift = True
            self._reset_state()
