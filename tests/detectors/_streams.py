"""What the differential tests against River share: seeded error streams and the positions
a detector (ours or River's, value by value) signals at."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

RISING_RATES = {
    "abrupt_0.1_to_0.4": np.r_[np.full(2000, 0.1), np.full(2000, 0.4)],
    "ramp_0.1_to_0.5": np.r_[np.full(1000, 0.1), np.linspace(0.1, 0.5, 2000), np.full(500, 0.5)],
}
"""Error rates, position by position, that rise at once and gradually."""
Signals = tuple[list[int], list[int]]
"""The positions of the drifts and of the warnings."""


def signals(detector: object, values: Sequence[int]) -> Signals:
    """The positions at which ``detector`` (ours or River's) signalled drift and warning."""
    drifts, warnings = [], []
    for i, x in enumerate(values):
        detector.update(x)  # type: ignore[attr-defined]
        if detector.drift_detected:  # type: ignore[attr-defined]
            drifts.append(i)
        if detector.warning_detected:  # type: ignore[attr-defined]
            warnings.append(i)
    return drifts, warnings


def errors(rates: np.ndarray, seed: int) -> list[int]:
    """A seeded 0/1 error stream whose error rate at each position is ``rates``."""
    return (np.random.default_rng(seed).random(len(rates)) < rates).astype(int).tolist()
