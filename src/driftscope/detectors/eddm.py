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
from collections.abc import Mapping
from typing import Any, ClassVar

from driftscope.detectors.base import DriftDetector, require_order
from driftscope.stats._params import Param, integer, real_between


class EDDM(DriftDetector):
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

    def _step(self, x: float) -> None:
        self._n += 1
        if x == 1.0:
            self._error()
        self._warning = self._in_warning
        if self._drift:
            self._reset_state()

    def _error(self) -> None:
        params = self._params
        k = self._n_errors = self._n_errors + 1
        distance = self._n - self._last_error
        self._last_error = self._n
        self._sum_d += distance
        self._sum_d2 += distance * distance
        if self._n <= params["warm_start"]:
            return
        # Integer sums keep the variance exact: (k sum d^2 - (sum d)^2) / (k (k - 1)).
        spread = k * self._sum_d2 - self._sum_d * self._sum_d
        variance = spread / (k * (k - 1)) if k > 1 else 0.0
        p2s = self._sum_d / k + params["n_std"] * math.sqrt(variance)
        if p2s > self._p2s_max:
            self._p2s_max = p2s
        elif k > params["warm_start"]:
            level = p2s / self._p2s_max
            if level < params["beta"]:
                self._drift = True
            else:
                self._in_warning = level < params["alpha"]
