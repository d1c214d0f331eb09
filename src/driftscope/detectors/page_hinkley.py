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
from collections.abc import Iterable, Mapping
from typing import ClassVar, Self

import numpy as np
from numpy.typing import NDArray

from driftscope.detectors._jit import kernel, loop_input
from driftscope.detectors.base import InlineUpdate, bulk_values
from driftscope.stats._params import Param, integer, one_of, real_between

MODES = ("both", "up", "down")


class PageHinkley(InlineUpdate):
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
        p = self._params  # the parameters the hot path reads, as attributes (not state)
        self._min_instances, self._delta = p["min_instances"], p["delta"]
        self._threshold, self._alpha = p["threshold"], p["alpha"]
        self._watch_up, self._watch_down = p["mode"] != "down", p["mode"] != "up"

    def update(self, x: object) -> Self:
        """Take one value; then read :attr:`drift_detected`."""
        if type(x) is float and x - x == 0.0:
            # The common case, inlined: a method call per value is much of the cost.
            self._n_seen += 1
            n = self._n = self._n + 1
            mean = self._mean = self._mean + (x - self._mean) / n
            deviation = x - mean
            up = self._up = self._alpha * self._up + deviation - self._delta
            down = self._down = self._alpha * self._down + deviation + self._delta
            # As min() and max(): the running extreme changes only when passed.
            if up < self._min_up:  # noqa: PLR1730 - a call to min() would cost more
                self._min_up = up
            if down > self._max_down:  # noqa: PLR1730
                self._max_down = down
            if n >= self._min_instances and (
                (self._watch_up and up - self._min_up > self._threshold)
                or (self._watch_down and self._max_down - down > self._threshold)
            ):
                self._drift = True
                self._reset_state()
            else:
                self._drift = False
            return self
        return super().update(x)

    def update_many(self, values: Iterable[object]) -> list[int]:
        """Take ``values`` in order; the positions (0-based) at which drift was signalled,
        exactly as :meth:`update` on each in turn would give, in one compiled loop."""
        xs = bulk_values(values, binary=False)
        if xs is None:
            return self._update_each(values)
        out = np.empty(len(xs), dtype=np.int64)
        found, self._n, self._mean, self._up, self._down, self._min_up, self._max_down = _run(
            loop_input(xs),
            out,
            self._n,
            self._mean,
            self._up,
            self._down,
            self._min_up,
            self._max_down,
            self._min_instances,
            self._delta,
            self._threshold,
            self._alpha,
            self._watch_up,
            self._watch_down,
        )
        self._n_seen += len(xs)
        return self._signalled(out[:found], len(xs), False)


@kernel
def _run(
    xs: NDArray[np.float64] | list[float],
    out: NDArray[np.int64],
    n: int,
    mean: float,
    up: float,
    down: float,
    min_up: float,
    max_down: float,
    min_instances: int,
    delta: float,
    threshold: float,
    alpha: float,
    watch_up: bool,
    watch_down: bool,
) -> tuple[int, int, float, float, float, float, float]:
    """Page-Hinkley over ``xs``, as :meth:`PageHinkley.update` value by value: how many
    drifts (their positions written to ``out``) and the state after."""
    found = 0
    for i in range(len(xs)):
        x = xs[i]
        n += 1
        mean = mean + (x - mean) / n
        deviation = x - mean
        up = alpha * up + deviation - delta
        down = alpha * down + deviation + delta
        # min() and max() on floats, written out: the same choice at ties (signed zeros).
        if up < min_up:  # noqa: PLR1730
            min_up = up
        if down > max_down:  # noqa: PLR1730
            max_down = down
        if n >= min_instances and (
            (watch_up and up - min_up > threshold) or (watch_down and max_down - down > threshold)
        ):
            out[found] = i
            found += 1
            n, mean, up, down, min_up, max_down = 0, 0.0, 0.0, 0.0, math.inf, -math.inf
    return found, n, mean, up, down, min_up, max_down
