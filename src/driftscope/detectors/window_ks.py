"""WindowKS: a change in a stream's distribution, by the Kolmogorov-Smirnov distance between a
fixed reference and a sliding window, with a threshold set for an expected run length.

The first ``reference_size`` values are the reference. After it, every ``stride`` values once
``window_size`` values have come, the KS distance ``D = sup_z |F_ref(z) - F_win(z)|`` between
the reference and the last ``window_size`` values is computed exactly (right-continuous
empirical distribution functions, so ties count as scipy's ``ks_2samp`` counts them). H0: the
window comes from the reference's distribution. Drift is signalled when ``D`` exceeds a
threshold; the detector then starts afresh, the next ``reference_size`` values being the new
reference.

The threshold is set so that, without drift, the expected number of values after the
reference until the first (false) signal is ``arl0`` (the average run length). For continuous
data ``D``'s distribution does not depend on the data's, so the threshold depends only on
``reference_size``, ``window_size``, ``stride`` and ``arl0``, and :func:`calibrate` finds it
once per setting (kept for the process) by seeded simulation under H0:
``CALIBRATION_RUNS`` runs, each with its own uniform reference (the run length's mean is
over references too), are followed in lock-step, each until its distance exceeds the best
threshold found so far (or to ``HORIZON * arl0`` values, counted as that long: conservative);
the threshold is the smallest attainable distance whose mean run length is at least ``arl0``.
``D`` takes values on a grid of step ``1 / lcm(reference_size, window_size)``, so the run
length cannot be hit exactly: the simulated mean run length at the chosen threshold lies
between ``arl0`` and the next grid step's (11,200 for arl0 = 10,000 at the defaults, one step
lower gives 9,900; 510 for arl0 = 500), with a simulation error of about
``1.1 / sqrt(CALIBRATION_RUNS)``, 5% (the run length's coefficient of variation is about 1.1).
Measured on seeded N(0, 1) streams: a mean run length of 494 for arl0 = 500 (400 runs) and
2,293 for arl0 = 2,000 (140 runs). The calibration's cost grows as
``CALIBRATION_RUNS * arl0 / stride * window_size``: about 2.5 s for the defaults, 0.1 s for
arl0 = 500, once per setting and process.

Ties (discrete data): ties only merge steps of the empirical distribution functions, so the
distance is never larger than that of the same data with ties broken; the threshold
calibrated for continuous data is conservative there (run lengths without drift at least as
long as ``arl0`` says; tested). A constant stream never signals.

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> stream = np.concatenate([rng.normal(0, 1, 2000), rng.normal(1, 1, 1000)])
>>> detector = WindowKS()
>>> detector.update_many(stream)  # the mean rises by 1 sd at index 2000
[2049]
>>> detector.threshold  # for arl0 = 10,000 with a reference of 500 and windows of 100
0.194
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from driftscope.detectors.base import DriftDetector
from driftscope.errors import param_error
from driftscope.stats._params import Param, integer

CALIBRATION_RUNS = 400
"""Simulated runs per calibration: the mean run length's estimate is within about 5% (1 sd)."""
CALIBRATION_SEED = 16
"""The calibration's seed, with the setting it calibrates, so every process finds the same."""
HORIZON = 20
"""A simulated run with no signal after ``HORIZON * arl0`` values is counted as that long."""
_THRESHOLDS: dict[tuple[int, int, int, int], int] = {}
"""Each setting's threshold, as an integer multiple of ``1 / (reference_size * window_size)``."""


class WindowKS(DriftDetector):
    """KS distance between a fixed reference and a sliding window (see the module docstring)."""

    name = "window_ks"
    PARAMS: ClassVar[Mapping[str, Param]] = {
        "reference_size": integer(500, minimum=10),
        "window_size": integer(100, minimum=10),
        "stride": integer(10, minimum=1),
        "arl0": integer(10_000, minimum=1),
    }
    STATE = ("_filling", "_reference", "_window", "_after", "_distance")

    def _check_params(self, params: Mapping[str, Any]) -> None:
        if params["stride"] > params["window_size"]:
            raise param_error(
                self.name,
                "stride",
                f"at most window_size = {params['window_size']}",
                params["stride"],
            )
        if params["arl0"] < 2 * params["window_size"]:
            raise param_error(
                self.name,
                "arl0",
                f"at least 2 * window_size = {2 * params['window_size']} (no signal can come "
                "before the window is full)",
                params["arl0"],
            )

    @property
    def threshold(self) -> float:
        """The distance above which drift is signalled (calibrated for ``arl0``)."""
        p = self._params
        return float(self._limit / (p["reference_size"] * p["window_size"]))

    @property
    def statistic(self) -> float:
        """The KS distance at the last check (0.0 before the first)."""
        p = self._params
        return float(self._distance / (p["reference_size"] * p["window_size"]))

    def _reset_state(self) -> None:
        p = self._params
        self._limit = calibrate(p["reference_size"], p["window_size"], p["stride"], p["arl0"])
        self._filling: list[float] = []
        self._reference: NDArray[np.float64] = np.empty(0)
        self._window: deque[float] = deque(maxlen=p["window_size"])
        self._after = 0
        self._distance = 0

    def _step(self, x: float) -> None:
        p = self._params
        n, w = p["reference_size"], p["window_size"]
        if self._reference.size == 0:
            self._filling.append(x)
            if len(self._filling) == n:
                self._reference = np.sort(np.array(self._filling))
                self._filling = []
            return
        self._window.append(x)
        self._after += 1
        if self._after < w or (self._after - w) % p["stride"]:
            return
        self._distance = _distance(self._reference, np.sort(np.array(self._window)))
        if self._distance > self._limit:
            self._drift = True
            self._reset_state()


def _distance(reference: NDArray[np.float64], window: NDArray[np.float64]) -> int:
    """The KS distance between two sorted samples, times the product of their sizes (exact).

    The supremum of ``|F_ref - F_win|`` is taken at a pooled value or as its left limit; both
    empirical distribution functions are flat between window values except for the
    reference's steps, so the window's values, at and just below each, are enough.
    """
    n, w = reference.size, window.size
    at = np.searchsorted(reference, window, side="right") * w
    below = np.searchsorted(reference, window, side="left") * w
    own_at = np.searchsorted(window, window, side="right") * n
    own_below = np.searchsorted(window, window, side="left") * n
    return int(max(np.max(np.abs(at - own_at)), np.max(np.abs(below - own_below))))


def calibrate(reference_size: int, window_size: int, stride: int, arl0: int) -> int:
    """The threshold for a setting, as a multiple of ``1 / (reference_size * window_size)``:
    the smallest distance whose mean run length without drift is at least ``arl0`` (see the
    module docstring); computed once per setting and kept."""
    key = (reference_size, window_size, stride, arl0)
    if key not in _THRESHOLDS:
        _THRESHOLDS[key] = _simulate(*key)
    return _THRESHOLDS[key]


def _simulate(n: int, w: int, stride: int, arl0: int) -> int:
    rng = np.random.default_rng([CALIBRATION_SEED, n, w, stride, arl0])
    runs = CALIBRATION_RUNS
    # Under H0 only ranks matter: a value is represented by how many of its run's reference
    # values lie below it. Each run's reference lies in [run, run + 1), so one searchsorted
    # over all of them ranks the values of every run at once.
    references = (np.sort(rng.random((runs, n)), axis=1) + np.arange(runs)[:, None]).ravel()

    def ranks(rows: NDArray[np.int64], k: int) -> NDArray[np.int64]:
        values = rng.random((rows.size, k)) + rows[:, None]
        return np.searchsorted(references, values) - rows[:, None] * n

    window = ranks(np.arange(runs), w)
    steps = np.arange(w + 1) * n  # the window's F at and below its i-th value, times n * w
    best = np.full(runs, -1)
    alive = np.arange(runs)
    records: list[tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64], int]] = []
    limit = math.inf
    every = max(1, arl0 // (10 * stride))
    after, oldest, checks = w, 0, 0
    while alive.size and after <= HORIZON * arl0:
        ranked = np.sort(window[alive], axis=1) * w
        # With continuous values the window's F is i/w at its i-th value and (i-1)/w below.
        distance = np.maximum(np.abs(ranked - steps[1:]), np.abs(ranked - steps[:-1])).max(axis=1)
        rising = distance > best[alive]
        if rising.any():
            rows = alive[rising]
            records.append((rows, best[rows].copy(), distance[rising], after))
            best[rows] = distance[rising]
        checks += 1
        if after >= arl0 and checks % every == 0:
            limit = _smallest_limit(records, alive, after, runs, arl0)
            alive = alive[best[alive] <= limit]
        slots = (oldest + np.arange(stride)) % w
        window[np.ix_(alive, slots)] = ranks(alive, stride)
        oldest = (oldest + stride) % w
        after += stride
    limit = _smallest_limit(records, alive, min(after, HORIZON * arl0), runs, arl0)
    return int(min(limit, n * w))


def _smallest_limit(
    records: list[tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64], int]],
    alive: NDArray[np.int64],
    now: int,
    runs: int,
    arl0: int,
) -> float:
    """The smallest recorded distance whose mean run length (runs still going counted as
    ``now`` long) is at least ``arl0``; infinity when there is none yet."""
    rows = np.concatenate([r[0] for r in records])
    before = np.concatenate([r[1] for r in records])
    value = np.concatenate([r[2] for r in records])
    time = np.concatenate([np.full(r[0].size, r[3]) for r in records])
    candidates = np.unique(value)
    # A record of a run is its first passage for every limit from the run's previous record
    # (inclusive) up to this one (exclusive); above its last record a run lasted at least
    # as long as it was followed.
    total = np.zeros(candidates.size + 1)
    np.add.at(total, np.searchsorted(candidates, before), time)
    np.add.at(total, np.searchsorted(candidates, value), -time)
    last = np.full(runs, -1)
    np.maximum.at(last, rows, value)
    # A run no longer followed lasted at least until its last record.
    followed = np.zeros(runs, dtype=np.int64)
    np.maximum.at(followed, rows, time)
    followed[alive] = now
    np.add.at(total, np.searchsorted(candidates, last), followed)
    mean = np.cumsum(total)[:-1] / runs
    reached = np.flatnonzero(mean >= arl0)
    return float(candidates[reached[0]]) if reached.size else math.inf
