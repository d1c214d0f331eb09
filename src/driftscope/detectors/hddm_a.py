"""HDDM_A: a change in an error rate by Hoeffding's bound on averages (Frías-Blanco et al.
2014, the A-test).

The stream holds 0 (a right prediction) and 1 (a wrong one). With ``z`` the mean of the
``n`` values so far and ``eps(m) = sqrt(ln(1 / drift_confidence) / (2 m))``, the detector
keeps a cut point: the prefix of the stream (``n_x`` values, mean ``x``) whose upper bound
``x + eps(n_x)`` was lowest, moved to the whole stream whenever ``x + eps(n_x) >= z +
eps(n)``. The error rate has risen, at a confidence ``c``, when the cut point lies before the
last value and::

    z - x >= sqrt((n - n_x) / (n_x n) / 2 * ln(2 / c))

Drift is signalled at ``c = drift_confidence`` (the detector then starts afresh), else a
warning at ``c = warning_confidence``. With ``two_sided_test`` a fall is watched the same way
from a second cut point, the prefix whose lower bound ``x - eps(n_x)`` was highest; a fall
adds its drift or warning to the rise's.

As River's ``HDDM_A`` (0.26), which follows MOA, position by position, drift and warning
alike (tested). One difference inside: River keeps the means as running means updated value
by value; here they are counts of errors over counts of values, exact to the last bit, so
the state is six integers.

>>> import numpy as np
>>> rng = np.random.default_rng(7)
>>> rates = np.r_[np.full(1000, 0.1), np.full(1000, 0.4)]  # the error rate jumps at 1000
>>> errors = (rng.random(2000) < rates).astype(int)
>>> HDDMA().update_many(errors)
[1040]
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from driftscope.detectors._jit import kernel, loop_input
from driftscope.detectors.base import DriftDetector, bulk_values, require_order
from driftscope.stats._params import Param, flag, open_unit_float

EXACT_N = 94_906_265
"""The kernel takes values while ``n`` stays below this (``n**2 < 2**53``, so every quotient of
counts is Python's, exactly); beyond, they go through :meth:`HDDMA.update`."""


class HDDMA(DriftDetector):
    """Hoeffding's-bound drift detection on averages, HDDM_A (see the module docstring)."""

    name = "hddm_a"
    binary = True
    PARAMS: ClassVar[Mapping[str, Param]] = {
        "drift_confidence": open_unit_float(0.001),
        "warning_confidence": open_unit_float(0.005),
        "two_sided_test": flag(False),
    }
    STATE = ("_n", "_errors", "_low_n", "_low_errors", "_high_n", "_high_errors")

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        # The logarithms of the bounds depend only on the parameters: computed once.
        self._log_cut = math.log(1.0 / self._params["drift_confidence"])
        self._log_drift = math.log(2.0 / self._params["drift_confidence"])
        self._log_warning = math.log(2.0 / self._params["warning_confidence"])

    def _check_params(self, params: Mapping[str, Any]) -> None:
        require_order(self.name, params, "warning_confidence", "above", "drift_confidence")

    def _reset_state(self) -> None:
        self._n = 0
        self._errors = 0
        # The cut points: the prefixes (length, errors) watched for a rise and for a fall.
        self._low_n = 0
        self._low_errors = 0
        self._high_n = 0
        self._high_errors = 0

    def _cut_bound(self, n: int) -> float:
        return math.sqrt(self._log_cut / (2.0 * n))

    def _step(self, x: float) -> None:
        self._n += 1
        self._errors += int(x)
        n = self._n
        z = self._errors / n
        eps_z = self._cut_bound(n)
        low_n = self._low_n
        if low_n == 0 or self._low_errors / low_n + self._cut_bound(low_n) >= z + eps_z:
            self._low_n, self._low_errors = n, self._errors
        if self._rise(self._log_drift):
            self._drift = True
        elif self._rise(self._log_warning):
            self._warning = True
        if self._params["two_sided_test"]:
            high_n = self._high_n
            if high_n == 0 or self._high_errors / high_n - self._cut_bound(high_n) <= z - eps_z:
                self._high_n, self._high_errors = n, self._errors
            if self._fall(self._log_drift):
                self._drift = True
            elif self._fall(self._log_warning):
                self._warning = True
        if self._drift:
            self._reset_state()

    def _gap_bound(self, cut_n: int, log_term: float) -> float:
        """The least difference of means that is a change between the first ``cut_n`` values
        and all of them, at the confidence whose ``ln(2 / c)`` is ``log_term``."""
        weight = (self._n - cut_n) / (cut_n * self._n)
        return math.sqrt(weight / 2.0 * log_term)

    def _rise(self, log_term: float) -> bool:
        if self._low_n == self._n:
            return False
        gap = self._errors / self._n - self._low_errors / self._low_n
        return gap >= self._gap_bound(self._low_n, log_term)

    def _fall(self, log_term: float) -> bool:
        if self._high_n == self._n:
            return False
        gap = self._high_errors / self._high_n - self._errors / self._n
        return gap >= self._gap_bound(self._high_n, log_term)

    def update_many(self, values: Iterable[object]) -> list[int]:
        """Take ``values`` in order; the positions (0-based) at which drift was signalled,
        exactly as :meth:`update` on each in turn would give, in one compiled loop."""
        xs = bulk_values(values, binary=True)
        if xs is None:
            return self._update_each(values)
        out = np.empty(len(xs), dtype=np.int64)
        found, stop, warning, *state = _run(
            loop_input(xs),
            out,
            self._n,
            self._errors,
            self._low_n,
            self._low_errors,
            self._high_n,
            self._high_errors,
            self._log_cut,
            self._log_drift,
            self._log_warning,
            self._params["two_sided_test"],
        )
        self._n, self._errors, self._low_n, self._low_errors = state[:4]
        self._high_n, self._high_errors = state[4:]
        self._n_seen += stop
        positions = self._signalled(out[:found], stop, warning)
        rest = self._update_each(xs[stop:].tolist())  # n beyond EXACT_N, if ever
        return positions + [stop + i for i in rest]


@kernel
def _run(
    xs: NDArray[np.float64] | list[float],
    out: NDArray[np.int64],
    n: int,
    errors: int,
    low_n: int,
    low_errors: int,
    high_n: int,
    high_errors: int,
    log_cut: float,
    log_drift: float,
    log_warning: float,
    two_sided: bool,
) -> tuple[int, int, bool, int, int, int, int, int, int]:
    """HDDM_A over ``xs`` (0.0 and 1.0), as :meth:`HDDMA.update` value by value: how many
    drifts (their positions written to ``out``), how many values were taken (all, unless
    ``n`` would reach :data:`EXACT_N`), whether the last value warned, the state after."""
    found = 0
    warning = False
    for i in range(len(xs)):
        if n + 1 >= EXACT_N:
            return found, i, warning, n, errors, low_n, low_errors, high_n, high_errors
        n += 1
        if xs[i] == 1.0:
            errors += 1
        z = errors / n
        eps_z = math.sqrt(log_cut / (2.0 * n))
        if low_n == 0 or low_errors / low_n + math.sqrt(log_cut / (2.0 * low_n)) >= z + eps_z:
            low_n, low_errors = n, errors
        drift = warning = False
        if low_n != n:  # a rise
            gap = errors / n - low_errors / low_n
            weight = (n - low_n) / (low_n * n)
            if gap >= math.sqrt(weight / 2.0 * log_drift):
                drift = True
            elif gap >= math.sqrt(weight / 2.0 * log_warning):
                warning = True
        if two_sided:
            if high_n == 0 or high_errors / high_n - math.sqrt(log_cut / (2.0 * high_n)) <= (
                z - eps_z
            ):
                high_n, high_errors = n, errors
            if high_n != n:  # a fall
                gap = high_errors / high_n - errors / n
                weight = (n - high_n) / (high_n * n)
                if gap >= math.sqrt(weight / 2.0 * log_drift):
                    drift = True
                elif gap >= math.sqrt(weight / 2.0 * log_warning):
                    warning = True
        if drift:
            out[found] = i
            found += 1
            n = errors = low_n = low_errors = high_n = high_errors = 0
    return found, len(xs), warning, n, errors, low_n, low_errors, high_n, high_errors
