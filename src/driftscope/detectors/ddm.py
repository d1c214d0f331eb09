"""DDM, the Drift Detection Method: a rise in a classifier's error rate (Gama et al. 2004).

The stream holds 0 (a right prediction) and 1 (a wrong one). After ``n`` values with ``k``
errors the error rate and its standard deviation (as a Bernoulli proportion's) are::

    p_n = k / n        s_n = sqrt(p_n * (1 - p_n) / n)

Once more than ``warm_start`` values were seen, the detector keeps ``p_min`` and ``s_min``
from the value at which ``p_n + s_n`` was lowest (ties move them to the later value), and
signals

- a warning when ``p_n + s_n > p_min + warning_threshold * s_min``,
- drift when ``p_n + s_n > p_min + drift_threshold * s_min`` (no warning then); the
  detector then starts afresh, its warm-up included.

The thresholds are numbers of standard deviations: 2 and 3 are the method's ~95% and ~99%.

As River's ``DDM`` (0.26), position by position, drift and warning alike (tested). One
difference inside: River keeps ``p_n`` as a running mean updated value by value; here it is
``k / n`` from the counts, exact to the last bit, so the state is two integers.

>>> import numpy as np
>>> rng = np.random.default_rng(7)
>>> rates = np.r_[np.full(1000, 0.1), np.full(1000, 0.4)]  # the error rate jumps at 1000
>>> errors = (rng.random(2000) < rates).astype(int)
>>> ddm = DDM()
>>> ddm.update_many(errors)
[1029]
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

sqrt = math.sqrt  # a global name: update() looks it up once per value


class DDM(InlineUpdate):
    """Drift Detection Method for a rising error rate (see the module docstring)."""

    name = "ddm"
    binary = True
    PARAMS: ClassVar[Mapping[str, Param]] = {
        "warm_start": integer(30, minimum=0),
        "warning_threshold": real_between(2.0, 0.0, math.inf, low_open=True),
        "drift_threshold": real_between(3.0, 0.0, math.inf, low_open=True),
    }
    STATE = ("_n", "_errors", "_p_min", "_s_min", "_ps_min")

    def _check_params(self, params: Mapping[str, Any]) -> None:
        require_order(self.name, params, "warning_threshold", "below", "drift_threshold")

    def _reset_state(self) -> None:
        self._n = 0
        self._errors = 0
        self._p_min = math.inf
        self._s_min = math.inf
        self._ps_min = math.inf
        self._derive()

    def _derive(self) -> None:
        # Not state: the parameters and the two levels p_min + threshold * s_min, computed
        # when p_min and s_min change rather than at every value (the same floats).
        p = self._params
        self._warm_start = p["warm_start"]
        self._drift_t, self._warning_t = p["drift_threshold"], p["warning_threshold"]
        self._drift_at = self._p_min + self._drift_t * self._s_min
        self._warning_at = self._p_min + self._warning_t * self._s_min

    def _restored(self) -> None:
        self._derive()

    def update(self, x: object) -> Self:
        """Take one value; then read :attr:`drift_detected` and :attr:`warning_detected`."""
        kind = type(x)
        if (kind is float or kind is int) and x in (0, 1):
            # The common case, inlined: a method call per value is much of the cost.
            self._n_seen += 1
            n = self._n = self._n + 1
            if x:
                self._errors += 1
            if n <= self._warm_start:
                self._drift = self._warning = False
                return self
            rate = self._errors / n
            s = sqrt(rate * (1.0 - rate) / n)
            if rate + s <= self._ps_min:
                self._p_min, self._s_min, self._ps_min = rate, s, rate + s
                self._drift_at = rate + self._drift_t * s
                self._warning_at = rate + self._warning_t * s
            if rate + s > self._drift_at:
                self._drift = True
                self._warning = False
                self._reset_state()
            else:
                self._drift = False
                self._warning = rate + s > self._warning_at
            return self
        return super().update(x)

    def update_many(self, values: Iterable[object]) -> list[int]:
        """Take ``values`` in order; the positions (0-based) at which drift was signalled,
        exactly as :meth:`update` on each in turn would give, in one compiled loop."""
        xs = bulk_values(values, binary=True)
        if xs is None:
            return self._update_each(values)
        p = self._params
        out = np.empty(len(xs), dtype=np.int64)
        found, warning, self._n, self._errors, self._p_min, self._s_min, self._ps_min = _run(
            loop_input(xs),
            out,
            self._n,
            self._errors,
            self._p_min,
            self._s_min,
            self._ps_min,
            p["warm_start"],
            p["warning_threshold"],
            p["drift_threshold"],
        )
        self._n_seen += len(xs)
        return self._signalled(out[:found], len(xs), warning)


@kernel
def _run(
    xs: NDArray[np.float64] | list[float],
    out: NDArray[np.int64],
    n: int,
    errors: int,
    p_min: float,
    s_min: float,
    ps_min: float,
    warm_start: int,
    warning_threshold: float,
    drift_threshold: float,
) -> tuple[int, bool, int, int, float, float, float]:
    """DDM over ``xs`` (0.0 and 1.0), as :meth:`DDM.update` value by value: the drifts'
    positions written to ``out``, how many, whether the last value warned, the state after."""
    found = 0
    warning = False
    for i in range(len(xs)):
        n += 1
        if xs[i] == 1.0:
            errors += 1
        warning = False
        if n <= warm_start:
            continue
        rate = errors / n
        s = math.sqrt(rate * (1.0 - rate) / n)
        if rate + s <= ps_min:
            p_min, s_min, ps_min = rate, s, rate + s
        if rate + s > p_min + drift_threshold * s_min:
            out[found] = i
            found += 1
            n, errors, p_min, s_min, ps_min = 0, 0, math.inf, math.inf, math.inf
        else:
            warning = rate + s > p_min + warning_threshold * s_min
    return found, warning, n, errors, p_min, s_min, ps_min
