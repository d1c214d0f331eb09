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
from collections.abc import Mapping
from typing import Any, ClassVar

from driftscope.detectors.base import DriftDetector, require_order
from driftscope.stats._params import Param, integer, real_between


class DDM(DriftDetector):
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

    def _step(self, x: float) -> None:
        self._n += 1
        self._errors += int(x)
        params = self._params
        if self._n <= params["warm_start"]:
            return
        p = self._errors / self._n
        s = math.sqrt(p * (1.0 - p) / self._n)
        if p + s <= self._ps_min:
            self._p_min, self._s_min, self._ps_min = p, s, p + s
        if p + s > self._p_min + params["drift_threshold"] * self._s_min:
            self._drift = True
            self._reset_state()
        elif p + s > self._p_min + params["warning_threshold"] * self._s_min:
            self._warning = True
