"""Sample-size-aware thresholds for distances, calibrated on the reference itself.

A fixed PSI threshold of 0.2 means different things at 200 rows (sampling noise alone often
crosses it) and at a million (noise never comes near it). Calibration asks the reference how
far two samples drift apart *by chance*: under the null hypothesis (nothing changed) the
reference and the current data are two independent samples of one population, so each of
``draws`` null draws makes *both* a reference-sized and a current-sized sample from the
reference's estimate of that population and measures their distance; the ``1 -
false_alarm_rate`` quantile of those distances is the threshold. (Comparing the fixed
reference with draws of the current size alone, as before, ignored the reference's own
sampling noise: with equal sizes the null spread was about twice what it assumed.) The engine
uses the larger of that and the fixed threshold, so a column drifts only when the change is
both beyond chance and large enough to matter.

* binned distances (psi, jensen_shannon, hellinger, kl, tvd, l_infinity) and every distance on
  categories depend on the counts per bin only, so each draw is two multinomial draws, of
  ``n_reference`` and ``n_current``, over the reference's shares; for categories, values the
  reference did not happen to see get the Good-Turing share (the reference's singletons, one
  new category per singleton, each as likely as a singleton): exact and cheap at any size;
* wasserstein and energy compare two samples drawn with replacement from the reference, of
  ``min(n_reference, MAX_SAMPLE)`` and ``min(n_current, MAX_SAMPLE)`` values; where a side
  was capped, the quantile is scaled by ``sqrt((1/n_r + 1/n_c) / (1/m_r + 1/m_c))``, the rate
  at which both shrink under the null (an approximation, flagged in the result as
  ``scaled``).

The null draws also give a **null model** of their upper tail: past the draws' 90% quantile,
an exponential with the draws' mean excess over it. It gives the threshold at rates far below
``1 / draws`` (:meth:`Calibration.threshold_at`), which the engine needs to hold the
false-alarm rate over many columns. (A gamma fitted by the draws' mean and variance put the
0.17% quantile too low: 0.3-0.5% of null draws passed it.)
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
from driftscope.stats._params import resolve

FloatArray = NDArray[np.float64]
Counts = NDArray[np.int64]

DEFAULT_FALSE_ALARM_RATE = 0.05
"""The false-alarm rate calibrated thresholds aim at unless told otherwise."""
DRAWS = 200
"""Null draws per calibration: the 95% quantile then rests on the 10 largest draws."""
MAX_SAMPLE = 5_000
"""Largest sample drawn for wasserstein / energy; beyond it the quantile is rescaled."""
SAMPLED = frozenset({"wasserstein", "energy"})
TAIL_RATE = 0.1
"""The null model's tail starts at the null draws' ``1 - TAIL_RATE`` quantile (20 of 200)."""


@dataclass(frozen=True, slots=True)
class NullModel:
    """The upper tail of a distance's null distribution: past ``start``, the draws'
    ``1 - rate`` quantile, an exponential with the draws' mean excess over it (a
    peaks-over-threshold fit with shape 0). Chi-square-like and Gaussian-like tails are no
    heavier, so for most distances it errs towards fewer false alarms; psi's tail is a little
    heavier (on 10 normal bins, 0.2-0.3% of null draws pass its 0.17% quantile)."""

    start: float
    rate: float
    excess: float

    def sf(self, statistic: float) -> float:
        """``P(distance >= statistic)`` under the null, past the tail's start.

        >>> round(NullModel(1.0, 0.1, 0.5).sf(1.5), 6)
        0.036788
        """
        if statistic <= self.start or self.excess <= 0.0:
            return self.rate if statistic <= self.start else 0.0
        return self.rate * math.exp(-(statistic - self.start) / self.excess)

    def quantile(self, rate: float) -> float:
        """The distance exceeded with probability ``rate`` (< the tail's rate) under the null.

        >>> round(NullModel(1.0, 0.1, 0.5).quantile(0.1 * math.exp(-1.0)), 6)
        1.5
        """
        return self.start + self.excess * math.log(self.rate / min(rate, self.rate))


def fit_null(values: FloatArray) -> NullModel | None:
    """The tail model of some null draws (None when nothing lies past the tail's start)."""
    start = float(np.quantile(values, 1.0 - TAIL_RATE, method="higher"))
    excess = values[values > start] - start
    if excess.size == 0:
        return None
    return NullModel(start=start, rate=TAIL_RATE, excess=float(excess.mean()))


@dataclass(frozen=True, slots=True)
class Calibration:
    """A calibrated threshold and how it was obtained."""

    threshold: float
    false_alarm_rate: float
    draws: int
    n_current: int
    scaled: bool = False
    null: NullModel | None = None

    def threshold_at(self, rate: float) -> float:
        """The calibrated threshold at a lower false-alarm ``rate`` (one column's share of a
        report's rate): the null model's quantile, never below the threshold at this
        calibration's own rate (the empirical quantile of the draws).

        >>> ref = np.array([400, 300, 200, 100])
        >>> cal = calibrate_counts("tvd", ref, 1000, seed=1)
        >>> cal.threshold_at(0.05) == cal.threshold < cal.threshold_at(0.001)
        True
        """
        if rate >= self.false_alarm_rate or self.null is None:
            return self.threshold
        return max(self.threshold, self.null.quantile(rate))

    def to_dict(self) -> dict[str, Any]:
        """Plain values, for a column's details and for the cache."""
        return {
            "calibrated_threshold": self.threshold,
            "false_alarm_rate": self.false_alarm_rate,
            "calibration_draws": self.draws,
            "calibration_n_current": self.n_current,
            "calibration_scaled": self.scaled,
            "null_model": None
            if self.null is None
            else {"start": self.null.start, "rate": self.null.rate, "excess": self.null.excess},
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

        values = _draw(draw, draws)
        # Both distances shrink like sqrt(1/n_r + 1/n_c) under the null.
        scaled = (m_r, m_c) != (n_reference, n_current)
        scale = math.sqrt((1 / n_reference + 1 / n_current) / (1 / m_r + 1 / m_c))
        return Calibration(
            _quantile(values, false_alarm_rate) * scale,
            false_alarm_rate,
            draws,
            n_current,
            scaled,
            fit_null(values * scale),
        )
    edges = reference_edges(reference, int(options.pop("n_bins", N_BINS)))
    counts = bin_counts(reference, edges)
    return _calibrate_counts(method, counts, n_current, options, false_alarm_rate, draws, rng)


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
    """Calibrate a distance for a categorical column from its reference category counts
    (aligned over both sides: categories only the current data holds count 0 here).

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
    kernel = scorer.counts_kernel
    if kernel is None:  # a distance on counts has one; from_counts names the problem
        scorer.from_counts(reference, reference, **options)
        raise AssertionError("unreachable")  # pragma: no cover
    values = resolve(method, scorer.params, options)
    seen = reference[reference > 0].astype(np.float64)
    n_reference = int(seen.sum())
    shares = _population(seen)
    both = rng.multinomial([n_reference, n_current], shares, size=(draws, 2)).astype(np.int64)

    def statistic(pair: Counts) -> float:
        present = (pair[0] + pair[1]) > 0  # a category neither sample drew is not a bin
        if np.count_nonzero(present) < 2:
            return 0.0
        # the kernel itself: the wrapper's checks hold for counts drawn here
        return float(kernel(pair[0][present], pair[1][present], **values).statistic)

    null = np.fromiter((statistic(pair) for pair in both), dtype=np.float64, count=draws)
    return Calibration(
        _quantile(null, false_alarm_rate),
        false_alarm_rate,
        draws,
        n_current,
        null=fit_null(null),
    )


def _population(seen: FloatArray) -> FloatArray:
    """The population's shares as the reference's counts suggest them, values it never saw
    included. Good-Turing gives the unseen values as much mass as the values seen once
    (``f1 / n``); they are simulated as one unseen value per singleton, each as likely as a
    singleton. (Spreading that mass over Chao1's larger count of unseen values, or smoothing
    every count, held the false-alarm rate worse on sparse references.)

    >>> _population(np.array([5.0, 5.0])).tolist()
    [0.5, 0.5]
    >>> _population(np.array([2.0, 1.0, 1.0])).round(3).tolist()
    [0.333, 0.167, 0.167, 0.167, 0.167]
    """
    unseen = int(np.count_nonzero(seen == 1))
    return np.concatenate((seen, np.ones(unseen))) / (float(seen.sum()) + unseen)


def _draw(draw: Callable[[], float], draws: int) -> FloatArray:
    return np.fromiter((draw() for _ in range(draws)), dtype=np.float64, count=draws)


def _quantile(values: FloatArray, false_alarm_rate: float) -> float:
    # 'higher': an observed value of the null sample, never an interpolation below it
    return float(np.quantile(values, 1.0 - false_alarm_rate, method="higher"))
