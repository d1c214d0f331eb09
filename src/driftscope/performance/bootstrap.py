"""Percentile bootstrap confidence intervals for every metric of a scorer at once.

Each replicate reweights the rows by how often a resample with replacement draws each one
(the same as resampling, without copying the rows), so one sort serves every replicate.
Above :data:`BOOTSTRAP_ROWS` rows the replicates resample a seeded random subsample of that
many rows, and the interval's distances from the subsample's own value are scaled by
``sqrt(BOOTSTRAP_ROWS / n)`` around the full data's value: the bootstrap spread of these
metrics shrinks like ``1 / sqrt(n)`` (an approximation, checked against the full bootstrap
in ``tests/performance``). An interval is clipped to the metric's range and widened, where
a skewed resampling leaves it out, to hold the value itself.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import numpy as np
from numpy.typing import NDArray

from driftscope.performance.classification import Scorer
from driftscope.result import MetricValue

BOOTSTRAP_REPLICATES = 200
"""Resamples per interval: the 2.5% and 97.5% quantiles then rest on 5 replicates each."""
BOOTSTRAP_ROWS = 100_000
"""Most rows a replicate resamples; larger inputs are subsampled and the interval rescaled."""
CONFIDENCE = 0.95
MIN_DEFINED = 0.9
"""Share of replicates in which a metric must be defined for it to get an interval (a
resample may lack a class, leaving ROC AUC undefined)."""
RANGES = {
    "accuracy": (0.0, 1.0),
    "precision": (0.0, 1.0),
    "recall": (0.0, 1.0),
    "f1": (0.0, 1.0),
    "roc_auc": (0.0, 1.0),
    "pr_auc": (0.0, 1.0),
    "log_loss": (0.0, math.inf),
    "calibration_error": (0.0, 1.0),
    "mae": (0.0, math.inf),
    "rmse": (0.0, math.inf),
    "mape": (0.0, math.inf),
    "r2": (-math.inf, 1.0),
}
"""Where each metric's values lie: a rescaled interval is clipped to them."""

MakeScorer = Callable[[NDArray[np.intp] | None], Scorer]
"""``make(rows)``: the scorer of those rows (None: all of them)."""


def with_intervals(
    make: MakeScorer,
    n: int,
    *,
    replicates: int = BOOTSTRAP_REPLICATES,
    seed: int = 0,
) -> dict[str, MetricValue]:
    """Every metric of ``make(None)`` over its ``n`` rows, with its percentile bootstrap
    interval (``replicates=0``: no intervals).

    >>> from driftscope.performance.regression import regression_scorer
    >>> rng = np.random.default_rng(0)
    >>> y = rng.normal(size=500)
    >>> make = lambda rows: regression_scorer(y, y + 0.5) if rows is None else None
    >>> mae = with_intervals(make, 500)["mae"]
    >>> (round(mae.value, 6), mae.ci_low <= mae.value <= mae.ci_high)
    (0.5, True)
    """
    point = make(None)(None)
    if replicates <= 0 or n < 2:
        return {name: _value(v, None, None) for name, v in point.items()}
    rng = np.random.default_rng(seed)
    if n > BOOTSTRAP_ROWS:
        rows = np.sort(rng.choice(n, BOOTSTRAP_ROWS, replace=False))
        scorer, size, scale = make(rows), BOOTSTRAP_ROWS, math.sqrt(BOOTSTRAP_ROWS / n)
        base = scorer(None)
    else:
        scorer, size, scale, base = make(None), n, 1.0, point
    draws: dict[str, list[float]] = {name: [] for name in point}
    for _ in range(replicates):
        weights = np.bincount(rng.integers(0, size, size), minlength=size).astype(np.float64)
        for name, value in scorer(weights).items():
            draws[name].append(value)
    return intervals(point, base, draws, scale=scale, replicates=replicates)


def intervals(
    point: Mapping[str, float],
    base: Mapping[str, float],
    draws: Mapping[str, list[float]],
    *,
    scale: float,
    replicates: int,
    estimated: bool = False,
) -> dict[str, MetricValue]:
    """Each metric's value with the percentile interval of its replicate ``draws``, shifted
    from ``base`` (the value the replicates were drawn around) to the value and scaled by
    ``scale`` (1 when they were drawn from all the rows); no interval where fewer than
    :data:`MIN_DEFINED` of the replicates defined the metric."""
    tail = (1.0 - CONFIDENCE) / 2.0
    out = {}
    for name, value in point.items():
        found = np.array(draws.get(name, []))
        found = found[np.isfinite(found)]
        if not math.isfinite(value) or found.size < MIN_DEFINED * replicates:
            out[name] = _value(value, None, None, estimated)
            continue
        low, high = np.quantile(found, [tail, 1.0 - tail])
        floor, ceiling = RANGES.get(name, (-math.inf, math.inf))
        out[name] = _value(
            value,
            min(value, max(floor, value + (float(low) - base[name]) * scale)),
            max(value, min(ceiling, value + (float(high) - base[name]) * scale)),
            estimated,
        )
    return out


def _value(
    value: float, low: float | None, high: float | None, estimated: bool = False
) -> MetricValue:
    return MetricValue(value if math.isfinite(value) else None, low, high, estimated)
