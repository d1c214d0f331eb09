"""Sample-size-aware thresholds for distances, calibrated on the reference itself.

A fixed PSI threshold of 0.2 means different things at 200 rows (sampling noise alone often
crosses it) and at a million (noise never comes near it). Calibration asks the reference how
far a current sample of the same size drifts *by chance*: it draws ``draws`` samples of
``n_current`` rows from the reference (the null hypothesis: nothing changed), measures the
distance of each to the reference, and takes the ``1 - false_alarm_rate`` quantile of those
distances as the threshold. The engine then uses the larger of that and the fixed threshold,
so a column drifts only when the change is both beyond chance and large enough to matter.

* binned distances (psi, jensen_shannon, hellinger, kl, tvd, l_infinity) and every distance on
  categories depend on the counts per bin only, so each draw is one multinomial draw of
  ``n_current`` over the reference's bin shares: exact and cheap at any size;
* wasserstein and energy compare two samples drawn with replacement from the reference, of
  ``min(n_reference, MAX_SAMPLE)`` and ``min(n_current, MAX_SAMPLE)`` values; where a side
  was capped, the quantile is scaled by ``sqrt((1/n_r + 1/n_c) / (1/m_r + 1/m_c))``, the rate
  at which both shrink under the null (an approximation, flagged in the result as
  ``scaled``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from driftscope.errors import param_error
from driftscope.stats import get
from driftscope.stats._binning import N_BINS, bin_counts, reference_edges

FloatArray = NDArray[np.float64]
Counts = NDArray[np.int64]

DEFAULT_FALSE_ALARM_RATE = 0.05
"""The false-alarm rate calibrated thresholds aim at unless told otherwise."""
DRAWS = 200
"""Null draws per calibration: the 95% quantile then rests on the 10 largest draws."""
MAX_SAMPLE = 5_000
"""Largest sample drawn for wasserstein / energy; beyond it the quantile is rescaled."""
SAMPLED = frozenset({"wasserstein", "energy"})


@dataclass(frozen=True, slots=True)
class Calibration:
    """A calibrated threshold and how it was obtained."""

    threshold: float
    false_alarm_rate: float
    draws: int
    n_current: int
    scaled: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Plain values, for a column's details and for the cache."""
        return {
            "calibrated_threshold": self.threshold,
            "false_alarm_rate": self.false_alarm_rate,
            "calibration_draws": self.draws,
            "calibration_n_current": self.n_current,
            "calibration_scaled": self.scaled,
        }


def check_rate(false_alarm_rate: float) -> None:
    """ConfigError unless the target false-alarm rate lies in (0, 0.5]."""
    if not 0.0 < false_alarm_rate <= 0.5:
        raise param_error("calibration", "false_alarm_rate", "in (0, 0.5]", false_alarm_rate)


def calibrate_sorted(
    method: str,
    reference: FloatArray,
    n_current: int,
    *,
    params: Mapping[str, Any] | None = None,
    false_alarm_rate: float = DEFAULT_FALSE_ALARM_RATE,
    draws: int = DRAWS,
    seed: int = 0,
) -> Calibration:
    """Calibrate a distance for a numeric column from its sorted reference sample.

    >>> rng = np.random.default_rng(0)
    >>> ref = np.sort(rng.normal(size=20_000))
    >>> small, large = (calibrate_sorted("psi", ref, n).threshold for n in (200, 200_000))
    >>> bool(small > 0.02 > large)
    True
    """
    check_rate(false_alarm_rate)
    options = dict(params or {})
    rng = np.random.default_rng(seed)
    if method in SAMPLED:
        n_reference = int(reference.size)
        m_r, m_c = min(n_reference, MAX_SAMPLE), min(n_current, MAX_SAMPLE)
        scorer = get(method)

        def draw() -> float:
            base = np.sort(reference[rng.integers(0, n_reference, m_r)])
            sample = np.sort(reference[rng.integers(0, n_reference, m_c)])
            return scorer.from_sorted(base, sample, **options).statistic

        value = _quantile(draw, draws, false_alarm_rate)
        # Both distances shrink like sqrt(1/n_r + 1/n_c) under the null.
        scaled = (m_r, m_c) != (n_reference, n_current)
        scale = math.sqrt((1 / n_reference + 1 / n_current) / (1 / m_r + 1 / m_c))
        return Calibration(value * scale, false_alarm_rate, draws, n_current, scaled)
    edges = reference_edges(reference, int(options.pop("n_bins", N_BINS)))
    return _calibrate_counts(
        method, bin_counts(reference, edges), n_current, options, false_alarm_rate, draws, rng
    )


def calibrate_counts(
    method: str,
    reference: Counts,
    n_current: int,
    *,
    params: Mapping[str, Any] | None = None,
    false_alarm_rate: float = DEFAULT_FALSE_ALARM_RATE,
    draws: int = DRAWS,
    seed: int = 0,
) -> Calibration:
    """Calibrate a distance for a categorical column from its reference category counts.

    >>> calibrate_counts("tvd", np.array([500, 300, 200]), 100).threshold > 0.05
    True
    """
    check_rate(false_alarm_rate)
    options = {k: v for k, v in (params or {}).items() if k != "n_bins"}
    rng = np.random.default_rng(seed)
    return _calibrate_counts(method, reference, n_current, options, false_alarm_rate, draws, rng)


def _calibrate_counts(
    method: str,
    reference: Counts,
    n_current: int,
    options: dict[str, Any],
    false_alarm_rate: float,
    draws: int,
    rng: np.random.Generator,
) -> Calibration:
    scorer = get(method)
    shares = reference / reference.sum()

    def draw() -> float:
        counts = rng.multinomial(n_current, shares).astype(np.int64)
        return scorer.from_counts(reference, counts, **options).statistic

    return Calibration(_quantile(draw, draws, false_alarm_rate), false_alarm_rate, draws, n_current)


def _quantile(draw: Callable[[], float], draws: int, false_alarm_rate: float) -> float:
    values = np.fromiter((draw() for _ in range(draws)), dtype=np.float64, count=draws)
    # 'higher': an observed value of the null sample, never an interpolation below it
    return float(np.quantile(values, 1.0 - false_alarm_rate, method="higher"))
