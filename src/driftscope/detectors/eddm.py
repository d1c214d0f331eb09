"""EDDM, the Early Drift Detection Method: errors coming closer together (Baena-García et
al. 2006).

The stream holds 0 (a right prediction) and 1 (a wrong one). EDDM watches the distances
between consecutive errors, which shrink when the error rate rises, and changes only at an
error. With ``p'`` and ``s'`` the mean and standard deviation (``n - 1`` in the denominator)
of the distances so far, at an error that comes after more than ``warm_start`` values:

- if ``q = p' + n_std s'`` (``n_std`` is 2 in the method) is above its largest value so
  far, it becomes the largest, ``m``;
- otherwise, once more than ``warm_start`` errors were seen, with ``level = q / m``: drift
  when ``level < beta`` (the detector then starts afresh), else the warning zone is entered
  when ``level < alpha`` and left when not.

``warning_detected`` says whether the detector is in the warning zone after the last value,
as in River and MOA: a right prediction does not change the statistic, so it neither enters
nor leaves the zone.

As River's ``EDDM`` (0.26), position by position, drift and warning alike (tested), which
means keeping three of its conventions, each stated here:

- the first error's distance is counted from the start (a first error at the 5th value is
  at distance 5), as if an error came just before the stream; after a drift, the distances
  are counted from the error that signalled it, which is the same rule;
- an error that sets a new largest ``q`` leaves the warning zone as it was (MOA leaves it);
- the value that signals drift also reports the warning zone it was in (DDM reports none).

One difference inside: River keeps the distances' mean and variance by Welford's updates;
here they come from the integer sums of the distances and of their squares, exact to the
last bit.

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> rates = np.r_[np.full(2000, 0.1), np.full(2000, 0.4)]  # the error rate jumps at 2000
>>> errors = (rng.random(4000) < rates).astype(int)
>>> EDDM(alpha=0.8, beta=0.7).update_many(errors)  # the defaults fire often at a 10% rate
[2248]
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, Self

import numpy as np
from numpy.typing import NDArray

from driftscope.detectors._jit import kernel, loop_input
from driftscope.detectors.base import InlineUpdate, bulk_values, require_order
from driftscope.stats._params import Param, integer, real_between

EXACT = 2**53
"""The kernel keeps the integer sums while they stay below this (so their quotients are
Python's, exactly); beyond, the values go through :meth:`EDDM.update`."""


class EDDM(InlineUpdate):
    """Early Drift Detection Method: shrinking distances between errors (see the module
    docstring)."""

    name = "eddm"
    binary = True
    PARAMS: ClassVar[Mapping[str, Param]] = {
        "warm_start": integer(30, minimum=0),
        "alpha": real_between(0.95, 0.0, 1.0, low_open=True),
        "beta": real_between(0.9, 0.0, 1.0, low_open=True),
        "n_std": real_between(2.0, 0.0, math.inf),
    }
    STATE = (
        "_n",
        "_last_error",
        "_n_errors",
        "_sum_d",
        "_sum_d2",
        "_p2s_max",
        "_in_warning",
    )

    def _check_params(self, params: Mapping[str, Any]) -> None:
        require_order(self.name, params, "beta", "below", "alpha")

    def _reset_state(self) -> None:
        self._n = 0
        self._last_error = 0
        self._n_errors = 0
        self._sum_d = 0
        self._sum_d2 = 0
        self._p2s_max = -math.inf
        self._in_warning = False
        p = self._params  # the parameters the hot path reads, as attributes (not state)
        self._warm_start, self._n_std = p["warm_start"], p["n_std"]
        self._alpha, self._beta = p["alpha"], p["beta"]

    def update(self, x: object) -> Self:
        """Take one value; then read :attr:`drift_detected` and :attr:`warning_detected`."""
        kind = type(x)
        if (kind is float or kind is int) and x in (0, 1):
            # The common case, inlined: a method call per value is much of the cost.
            self._n_seen += 1
            self._n += 1
            self._drift = False
            if x:
                self._error()
                self._warning = self._in_warning
                if self._drift:
                    self._reset_state()
            else:  # a right prediction changes nothing but the count
                self._warning = self._in_warning
            return self
        return super().update(x)

    def _error(self) -> None:
        k = self._n_errors = self._n_errors + 1
        distance = self._n - self._last_error
        self._last_error = self._n
        self._sum_d += distance
        self._sum_d2 += distance * distance
        if self._n <= self._warm_start:
            return
        # Integer sums keep the variance exact: (k sum d^2 - (sum d)^2) / (k (k - 1)).
        spread = k * self._sum_d2 - self._sum_d * self._sum_d
        variance = spread / (k * (k - 1)) if k > 1 else 0.0
        p2s = self._sum_d / k + self._n_std * math.sqrt(variance)
        if p2s > self._p2s_max:
            self._p2s_max = p2s
        elif k > self._warm_start:
            level = p2s / self._p2s_max
            if level < self._beta:
                self._drift = True
            else:
                self._in_warning = level < self._alpha

    def update_many(self, values: Iterable[object]) -> list[int]:
        """Take ``values`` in order; the positions (0-based) at which drift was signalled,
        exactly as :meth:`update` on each in turn would give, in one compiled loop."""
        xs = bulk_values(values, binary=True)
        if xs is None:
            return self._update_each(values)
        out = np.empty(len(xs), dtype=np.int64)
        (
            found,
            stop,
            warning,
            self._n,
            self._last_error,
            self._n_errors,
            self._sum_d,
            self._sum_d2,
            self._p2s_max,
            self._in_warning,
        ) = _run(
            loop_input(xs),
            out,
            self._n,
            self._last_error,
            self._n_errors,
            self._sum_d,
            self._sum_d2,
            self._p2s_max,
            self._in_warning,
            self._warm_start,
            self._alpha,
            self._beta,
            self._n_std,
        )
        self._n_seen += stop
        positions = self._signalled(out[:found], stop, warning)
        rest = self._update_each(xs[stop:].tolist())  # sums beyond EXACT, if ever
        return positions + [stop + i for i in rest]


@kernel
def _run(
    xs: NDArray[np.float64] | list[float],
    out: NDArray[np.int64],
    n: int,
    last_error: int,
    n_errors: int,
    sum_d: int,
    sum_d2: int,
    p2s_max: float,
    in_warning: bool,
    warm_start: int,
    alpha: float,
    beta: float,
    n_std: float,
) -> tuple[int, int, bool, int, int, int, int, int, float, bool]:
    """EDDM over ``xs`` (0.0 and 1.0), as :meth:`EDDM.update` value by value: how many drifts
    (their positions written to ``out``), how many values were taken (all, unless the sums
    would pass :data:`EXACT`), whether the last value warned, the state after."""
    found = 0
    warning = in_warning
    for i in range(len(xs)):
        drift = False
        if xs[i] == 1.0:
            distance = n + 1 - last_error
            k = n_errors + 1
            if sum_d2 + distance * distance >= EXACT // k:
                return (
                    found,
                    i,
                    warning,
                    n,
                    last_error,
                    n_errors,
                    sum_d,
                    sum_d2,
                    p2s_max,
                    in_warning,
                )
            n += 1
            n_errors = k
            last_error = n
            sum_d += distance
            sum_d2 += distance * distance
            if n > warm_start:
                spread = k * sum_d2 - sum_d * sum_d
                variance = spread / (k * (k - 1)) if k > 1 else 0.0
                p2s = sum_d / k + n_std * math.sqrt(variance)
                if p2s > p2s_max:
                    p2s_max = p2s
                elif k > warm_start:
                    level = p2s / p2s_max
                    if level < beta:
                        drift = True
                    else:
                        in_warning = level < alpha
        else:
            n += 1
        warning = in_warning
        if drift:
            out[found] = i
            found += 1
            n, last_error, n_errors, sum_d, sum_d2 = 0, 0, 0, 0, 0
            p2s_max, in_warning = -math.inf, False
    return found, len(xs), warning, n, last_error, n_errors, sum_d, sum_d2, p2s_max, in_warning
