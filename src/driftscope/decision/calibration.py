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

* binned distances on a numeric column (psi, jensen_shannon, hellinger, kl, tvd, l_infinity)
  depend on the counts in bins that the reference's own quantiles fix, so the reference's
  counts are what they are, by construction (a tenth of the values per decile bin), and the
  chance lies in the population's mass of each bin: for continuous values the masses of the
  bins between reference quantiles are a Dirichlet over the ``n + 1`` gaps of the ``n``
  reference values. Each draw takes the bins' masses from a Dirichlet with the reference's
  count in each bin plus ``1 / bins`` and the current counts from a multinomial over them
  (a Polya urn), and measures the distance from the reference's counts. (Multinomial draws
  over equal tenths on both sides, as before, almost never left a bin empty: at 100 rows a
  side, psi then met an empty current bin, worth about 0.7 alone, in ~1% of unchanged
  columns but ~0.003% of null draws, and 30 columns alarmed in 40% of runs.)
* distances on categories depend on the category counts only, so each draw is two
  multinomial draws, of ``n_reference`` and ``n_current``, over the reference's shares; values
  the reference did not happen to see get the Good-Turing share (the reference's singletons,
  one new category per singleton, each as likely as a singleton);
* wasserstein and energy compare two samples drawn with replacement from the reference, of
  ``min(n_reference, MAX_SAMPLE)`` and ``min(n_current, MAX_SAMPLE)`` values; where a side
  was capped, the quantile is scaled by ``sqrt((1/n_r + 1/n_c) / (1/m_r + 1/m_c))``, the rate
  at which both shrink under the null (an approximation, flagged in the result as
  ``scaled``).

A distance with a batch kernel (:data:`driftscope.stats.registry.CountsBatch`: the six binned
ones) takes ``BATCH_DRAWS`` draws in a few array operations, fewer when the bins are many
(``BATCH_CELLS`` counts at most); others take ``DRAWS``, one kernel call each.

The null draws also give a **null model** of their upper tail: the draws' quantiles at the
rates of ``GRID`` that at least ``TAIL_DRAWS`` draws exceed, interpolated in the logarithm of
the rate, and past the last of them an exponential with the draws' mean excess over it. It
gives the threshold at the rates far below 5% that the engine needs to hold the false-alarm
rate over many columns (:meth:`Calibration.threshold_at`). (A gamma fitted by the draws' mean
and variance put the 0.17% quantile too low: 0.3-0.5% of null draws passed it; one
exponential from the 90% quantile missed psi's cluster of empty-bin draws.)
"""

from __future__ import annotations

import itertools
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
"""Null draws per calibration of a distance without a batch kernel: the 95% quantile then
rests on the 10 largest draws."""
BATCH_DRAWS = 10_000
"""Null draws per calibration of a distance with a batch kernel, bins permitting."""
BATCH_CELLS = 1 << 20
"""At most this many drawn counts (draws x bins) per calibration and per array operation
(8 MiB of int64 a side): 10,000 draws up to 104 bins, 1,048 draws at 1,000 categories, and
never fewer than ``DRAWS``."""
MAX_SAMPLE = 5_000
"""Largest sample drawn for wasserstein / energy; beyond it the quantile is rescaled."""
SAMPLED = frozenset({"wasserstein", "energy"})
GRID = (0.1, 0.05, 0.02, 0.01, 0.005, 0.002, 0.001, 0.0005, 0.0002, 0.0001)
"""The upper-tail rates whose quantiles the null model keeps (when the draws resolve them)."""
TAIL_DRAWS = 20
"""Fewest draws past a kept quantile; the exponential tail is fitted on the draws past the
last one (20 of 200 draws: the 90% quantile; 20 of 10,000: the 99.8% quantile)."""


@dataclass(frozen=True, slots=True)
class NullModel:
    """The upper tail of a distance's null distribution: its quantiles at decreasing
    ``rates`` (interpolated linearly in the logarithm of the rate), and past the last of them
    an exponential with the draws' mean ``excess`` over it (a peaks-over-threshold fit with
    shape 0). The kept quantiles follow any shape the draws show, such as psi's cluster of
    draws with an empty bin; chi-square-like and Gaussian-like tails are no heavier than the
    exponential, so past the draws it errs towards fewer false alarms."""

    rates: tuple[float, ...]
    quantiles: tuple[float, ...]
    excess: float

    def quantile(self, rate: float) -> float:
        """The distance exceeded with probability ``rate`` under the null (the first kept
        quantile for rates above the first kept rate).

        >>> null = NullModel((0.1, 0.01), (1.0, 2.0), 0.5)
        >>> [round(null.quantile(r), 6) for r in (0.2, 0.1, 0.01 ** 0.5 * 0.1 ** 0.5, 0.01)]
        [1.0, 1.0, 1.5, 2.0]
        >>> round(null.quantile(0.01 * math.exp(-1.0)), 6)
        2.5
        """
        rates, quantiles = self.rates, self.quantiles
        if rate >= rates[0]:
            return quantiles[0]
        for (r_hi, q_lo), (r_lo, q_hi) in itertools.pairwise(zip(rates, quantiles, strict=True)):
            if rate >= r_lo:
                share = math.log(r_hi / rate) / math.log(r_hi / r_lo)
                return q_lo + share * (q_hi - q_lo)
        return quantiles[-1] + self.excess * math.log(rates[-1] / rate)

    def to_dict(self) -> dict[str, Any]:
        """Plain values, for a column's details and the cache."""
        return {"rates": list(self.rates), "quantiles": list(self.quantiles), "excess": self.excess}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> NullModel:
        """The model :meth:`to_dict` wrote (ValueError, KeyError or TypeError when it is not
        one)."""
        rates = tuple(float(r) for r in data["rates"])
        quantiles = tuple(float(q) for q in data["quantiles"])
        if not rates or len(rates) != len(quantiles):
            raise ValueError("a null model needs one quantile per rate")
        return cls(rates, quantiles, float(data["excess"]))


def fit_null(values: FloatArray) -> NullModel | None:
    """The tail model of some null draws (None when nothing lies past the first quantile).

    >>> null = fit_null(np.arange(10_000, dtype=np.float64))
    >>> null.rates[-1], null.quantiles[-1] == 9980.0, round(null.excess, 1)
    (0.002, True, 10.0)
    """
    n = int(values.size)
    rates = [GRID[0], *(r for r in GRID[1:] if r * n >= TAIL_DRAWS)]
    quantiles = [float(np.quantile(values, 1.0 - r, method="higher")) for r in rates]
    if not np.any(values > quantiles[0]):
        return None
    excess = values[values > quantiles[-1]] - quantiles[-1]
    mean = float(excess.mean()) if excess.size else 0.0
    return NullModel(tuple(rates), tuple(quantiles), mean)


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
            "null_model": None if self.null is None else self.null.to_dict(),
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
    draws: int | None = None,
    seed: int = 0,
) -> Calibration:
    """Calibrate a distance for a numeric column from its sorted reference sample
    (``draws=None``: as many null draws as the method's kernels allow, see the module).

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

        count = DRAWS if draws is None else draws
        values = np.fromiter((draw() for _ in range(count)), dtype=np.float64, count=count)
        # Both distances shrink like sqrt(1/n_r + 1/n_c) under the null.
        scaled = (m_r, m_c) != (n_reference, n_current)
        scale = math.sqrt((1 / n_reference + 1 / n_current) / (1 / m_r + 1 / m_c))
        return Calibration(
            _quantile(values, false_alarm_rate) * scale,
            false_alarm_rate,
            count,
            n_current,
            scaled,
            fit_null(values * scale),
        )
    edges = reference_edges(reference, int(options.pop("n_bins", N_BINS)))
    counts = bin_counts(reference, edges)
    pairs = _bins_null(counts, n_current, rng)
    return _calibrate(method, pairs, counts.size, n_current, options, false_alarm_rate, draws)


def calibrate_counts(
    method: str,
    reference: Counts,
    n_current: int,
    *,
    params: Mapping[str, Any] | None = None,
    false_alarm_rate: float = DEFAULT_FALSE_ALARM_RATE,
    draws: int | None = None,
    seed: int = 0,
    quantile_bins: bool = False,
) -> Calibration:
    """Calibrate a distance for a categorical column from its reference category counts
    (aligned over both sides: categories only the current data holds count 0 here), or,
    with ``quantile_bins=True``, for a numeric column from its reference counts in bins that
    the reference's quantiles fix (what a profile keeps).

    >>> calibrate_counts("tvd", np.array([500, 300, 200]), 100).threshold > 0.05
    True
    """
    check_rate(false_alarm_rate)
    options = {k: v for k, v in (params or {}).items() if k != "n_bins"}
    rng = np.random.default_rng(seed)
    if quantile_bins:
        pairs = _bins_null(reference, n_current, rng)
        return _calibrate(
            method, pairs, reference.size, n_current, options, false_alarm_rate, draws
        )
    seen = reference[reference > 0].astype(np.float64)
    population = _population(seen)
    sizes = [int(seen.sum()), n_current]

    def categories_null(rows: int) -> tuple[Counts, Counts]:
        both = rng.multinomial(sizes, population, size=(rows, 2)).astype(np.int64)
        return both[:, 0], both[:, 1]

    return _calibrate(
        method, categories_null, population.size, n_current, options, false_alarm_rate, draws
    )


NullPairs = Callable[[int], tuple[Counts, Counts]]
"""``draw(rows)``: that many null pairs of counts, reference rows (or one row for all) and
current rows."""


def _bins_null(reference: Counts, n_current: int, rng: np.random.Generator) -> NullPairs:
    """Null pairs for bins the reference's quantiles fix: the reference's counts as they are,
    the current's over Dirichlet masses (the reference's count plus ``1 / bins`` each)."""
    alpha = reference.astype(np.float64) + 1.0 / reference.size

    def draw(rows: int) -> tuple[Counts, Counts]:
        masses = rng.dirichlet(alpha, size=rows)
        masses /= masses.sum(axis=1, keepdims=True)  # exact sums for the multinomial's check
        return reference, rng.multinomial(n_current, masses).astype(np.int64)

    return draw


def _calibrate(
    method: str,
    pairs: NullPairs,
    bins: int,
    n_current: int,
    options: dict[str, Any],
    false_alarm_rate: float,
    draws: int | None,
) -> Calibration:
    """The calibration of ``method`` over null ``pairs`` of counts on ``bins`` bins."""
    scorer = get(method)
    kernel = scorer.counts_kernel
    if kernel is None:  # a distance on counts has one; from_counts names the problem
        scorer.from_counts(np.array([1, 1]), np.array([1, 1]), **options)
        raise AssertionError("unreachable")  # pragma: no cover
    values = resolve(method, scorer.params, options)
    batch = scorer.counts_batch
    if draws is None:
        draws = DRAWS if batch is None else max(DRAWS, min(BATCH_DRAWS, BATCH_CELLS // bins))
    parts: list[FloatArray] = []
    chunk = max(1, BATCH_CELLS // bins) if batch is not None else draws
    for first in range(0, draws, chunk):
        reference, current = pairs(min(chunk, draws - first))
        if batch is not None:
            parts.append(np.asarray(batch(reference, current, **values), dtype=np.float64))
            continue
        rows = np.broadcast_to(reference, current.shape)
        parts.append(
            np.fromiter(
                (_statistic(kernel, r, c, values) for r, c in zip(rows, current, strict=True)),
                dtype=np.float64,
                count=current.shape[0],
            )
        )
    null = np.concatenate(parts)
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


def _statistic(
    kernel: Callable[..., Any], reference: Counts, current: Counts, values: Mapping[str, Any]
) -> float:
    """The kernel's statistic on one null pair, over the categories either side drew."""
    present = (reference + current) > 0  # a category neither sample drew is not a bin
    if np.count_nonzero(present) < 2:
        return 0.0
    # the kernel itself: the wrapper's checks hold for counts drawn here
    return float(kernel(reference[present], current[present], **values).statistic)


def _quantile(values: FloatArray, false_alarm_rate: float) -> float:
    # 'higher': an observed value of the null sample, never an interpolation below it
    return float(np.quantile(values, 1.0 - false_alarm_rate, method="higher"))
