"""HDDM_W: a change in an error rate by McDiarmid's bound on weighted averages (Frías-Blanco
et al. 2014, the W-test).

The stream holds 0 (a right prediction) and 1 (a wrong one). A sample's exponentially
weighted mean starts at its first value and then takes ``ewma <- lambda_val x + (1 -
lambda_val) ewma``; its bound weight starts at 1 and takes ``ibc <- lambda_val^2 + (1 -
lambda_val)^2 ibc`` at each value (the first included), and bounds a deviation at a
confidence ``c`` by ``bound(ibc, c) = sqrt(ibc ln(1 / c) / 2)``.

The detector feeds every value to the whole stream's sample ``T`` and keeps a cut point:
when ``T.ewma + bound(T.ibc, drift_confidence)`` is below its lowest value so far, ``T`` as
it is becomes the sample before the cut, ``S1``, and the sample after it, ``S2``, starts
empty; otherwise the value goes to ``S2``. The error rate has risen, at confidence ``c``,
when ``S2`` holds a value and::

    S2.ewma - S1.ewma > bound(S1.ibc + S2.ibc, c)

Drift is signalled at ``c = drift_confidence`` (the detector then starts afresh), else a
warning at ``c = warning_confidence``. With ``two_sided_test`` a fall is watched the same way
from a second cut point, where ``T.ewma - bound`` is above its highest value so far; a fall
adds its drift or warning to the rise's.

As River's ``HDDM_W`` (0.26), which follows MOA, to the bit: the same arithmetic, so drift
and warning come at the same positions (tested).

>>> import numpy as np
>>> rng = np.random.default_rng(7)
>>> rates = np.r_[np.full(1000, 0.1), np.full(1000, 0.4)]  # the error rate jumps at 1000
>>> errors = (rng.random(2000) < rates).astype(int)
>>> HDDMW().update_many(errors)
[1037]
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from driftscope.detectors._jit import kernel, loop_input
from driftscope.detectors.base import DriftDetector, bulk_values, require_order
from driftscope.stats._params import Param, flag, open_unit_float, real_between

Sample = tuple[float, float, bool]
"""A weighted sample: its weighted mean, its bound weight, whether it holds a value."""
EMPTY: Sample = (0.0, 1.0, False)


class HDDMW(DriftDetector):
    """Hoeffding's-bound drift detection on weighted averages, HDDM_W (see the module
    docstring)."""

    name = "hddm_w"
    binary = True
    PARAMS: ClassVar[Mapping[str, Param]] = {
        "drift_confidence": open_unit_float(0.001),
        "warning_confidence": open_unit_float(0.005),
        "lambda_val": real_between(0.05, 0.0, 1.0, low_open=True),
        "two_sided_test": flag(False),
    }
    STATE = (
        "_total",
        "_rise_cut",
        "_rise_before",
        "_rise_after",
        "_fall_cut",
        "_fall_before",
        "_fall_after",
    )

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        lam = self._params["lambda_val"]
        self._keep = 1.0 - lam
        self._lam_sq = lam * lam
        self._keep_sq = (1.0 - lam) ** 2
        # ln(1 / c) of each confidence, computed once.
        self._log_drift = math.log(1 / self._params["drift_confidence"])
        self._log_warning = math.log(1 / self._params["warning_confidence"])

    def _check_params(self, params: Mapping[str, Any]) -> None:
        require_order(self.name, params, "warning_confidence", "above", "drift_confidence")

    def _reset_state(self) -> None:
        self._total = EMPTY
        self._rise_cut = math.inf
        self._rise_before = EMPTY
        self._rise_after = EMPTY
        self._fall_cut = -math.inf
        self._fall_before = EMPTY
        self._fall_after = EMPTY

    def _fed(self, sample: Sample, x: float) -> Sample:
        ewma, ibc, held = sample
        lam = self._params["lambda_val"]
        return (
            lam * x + self._keep * ewma if held else x,
            self._lam_sq + self._keep_sq * ibc,
            True,
        )

    @staticmethod
    def _bound(ibc: float, log_term: float) -> float:
        return math.sqrt(ibc * log_term / 2)

    def _step(self, x: float) -> None:
        self._total = total = self._fed(self._total, x)
        eps = self._bound(total[1], self._log_drift)
        if total[0] + eps < self._rise_cut:
            self._rise_cut = total[0] + eps
            self._rise_before, self._rise_after = total, EMPTY
        else:
            self._rise_after = self._fed(self._rise_after, x)
        if self._changed(self._rise_before, self._rise_after, self._log_drift):
            self._drift = True
        elif self._changed(self._rise_before, self._rise_after, self._log_warning):
            self._warning = True
        if self._params["two_sided_test"]:
            if total[0] - eps > self._fall_cut:
                self._fall_cut = total[0] - eps
                self._fall_before, self._fall_after = total, EMPTY
            else:
                self._fall_after = self._fed(self._fall_after, x)
            if self._changed(self._fall_after, self._fall_before, self._log_drift):
                self._drift = True
            elif self._changed(self._fall_after, self._fall_before, self._log_warning):
                self._warning = True
        if self._drift:
            self._reset_state()

    def _changed(self, low: Sample, high: Sample, log_term: float) -> bool:
        """Whether ``high``'s weighted mean exceeds ``low``'s by more than their bound."""
        if not (low[2] and high[2]):
            return False
        return high[0] - low[0] > self._bound(low[1] + high[1], log_term)

    def update_many(self, values: Iterable[object]) -> list[int]:
        """Take ``values`` in order; the positions (0-based) at which drift was signalled,
        exactly as :meth:`update` on each in turn would give, in one compiled loop."""
        xs = bulk_values(values, binary=True)
        if xs is None:
            return self._update_each(values)
        out = np.empty(len(xs), dtype=np.int64)
        (
            found,
            warning,
            self._total,
            self._rise_before,
            self._rise_after,
            self._fall_before,
            self._fall_after,
            self._rise_cut,
            self._fall_cut,
        ) = _run(
            loop_input(xs),
            out,
            _sample(self._total),
            _sample(self._rise_before),
            _sample(self._rise_after),
            _sample(self._fall_before),
            _sample(self._fall_after),
            float(self._rise_cut),
            float(self._fall_cut),
            self._params["lambda_val"],
            self._keep,
            self._lam_sq,
            self._keep_sq,
            self._log_drift,
            self._log_warning,
            self._params["two_sided_test"],
        )
        self._n_seen += len(xs)
        return self._signalled(out[:found], len(xs), warning)


def _sample(sample: Sample) -> Sample:
    """A sample in the kernel's types (one restored from JSON may hold an int)."""
    return (float(sample[0]), float(sample[1]), bool(sample[2]))


@kernel
def _run(
    xs: NDArray[np.float64] | list[float],
    out: NDArray[np.int64],
    total: Sample,
    rise_before: Sample,
    rise_after: Sample,
    fall_before: Sample,
    fall_after: Sample,
    rise_cut: float,
    fall_cut: float,
    lam: float,
    keep: float,
    lam_sq: float,
    keep_sq: float,
    log_drift: float,
    log_warning: float,
    two_sided: bool,
) -> tuple[int, bool, Sample, Sample, Sample, Sample, Sample, float, float]:
    """HDDM_W over ``xs`` (0.0 and 1.0), as :meth:`HDDMW.update` value by value: how many
    drifts (their positions written to ``out``), whether the last value warned, the state
    after. A sample is fed as in :meth:`HDDMW._fed`, a change tested as in
    :meth:`HDDMW._changed`, written out here (a kernel calls no Python)."""
    found = 0
    warning = False
    for i in range(len(xs)):
        x = xs[i]
        drift = warning = False
        total = (lam * x + keep * total[0] if total[2] else x, lam_sq + keep_sq * total[1], True)
        eps = math.sqrt(total[1] * log_drift / 2)
        if total[0] + eps < rise_cut:
            rise_cut = total[0] + eps
            rise_before, rise_after = total, EMPTY
        else:
            rise_after = (
                lam * x + keep * rise_after[0] if rise_after[2] else x,
                lam_sq + keep_sq * rise_after[1],
                True,
            )
        if rise_before[2] and rise_after[2]:
            gap = rise_after[0] - rise_before[0]
            weight = rise_before[1] + rise_after[1]
            if gap > math.sqrt(weight * log_drift / 2):
                drift = True
            elif gap > math.sqrt(weight * log_warning / 2):
                warning = True
        if two_sided:
            if total[0] - eps > fall_cut:
                fall_cut = total[0] - eps
                fall_before, fall_after = total, EMPTY
            else:
                fall_after = (
                    lam * x + keep * fall_after[0] if fall_after[2] else x,
                    lam_sq + keep_sq * fall_after[1],
                    True,
                )
            if fall_after[2] and fall_before[2]:
                gap = fall_before[0] - fall_after[0]
                weight = fall_after[1] + fall_before[1]
                if gap > math.sqrt(weight * log_drift / 2):
                    drift = True
                elif gap > math.sqrt(weight * log_warning / 2):
                    warning = True
        if drift:
            out[found] = i
            found += 1
            total, rise_before, rise_after, fall_before, fall_after = (
                EMPTY,
                EMPTY,
                EMPTY,
                EMPTY,
                EMPTY,
            )
            rise_cut, fall_cut = math.inf, -math.inf
    return (
        found,
        warning,
        total,
        rise_before,
        rise_after,
        fall_before,
        fall_after,
        rise_cut,
        fall_cut,
    )
