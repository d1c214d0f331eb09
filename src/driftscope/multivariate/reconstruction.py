"""PCA reconstruction error: do the current rows still lie where the reference's principal
components put them?

The reference rows are split at random in two halves. On the first, columns are standardised
(its mean and standard deviation; a constant column by 1) and the principal components that
explain ``variance`` of the variance are kept. A row's reconstruction error is the Euclidean
distance between its standardised values and their projection on those components (a missing
value counts as the mean). The statistic is the current rows' mean error; its bounds come from
the second half of the reference, which the components never saw: split in chunks of the
current's size, the chunks' mean errors give mean +- ``k`` standard deviations (``k`` = 3, as
NannyML's data reconstruction drift). With fewer than :data:`MIN_CHUNKS` such chunks, the
spread of one chunk's mean is the held-out rows' standard deviation over sqrt(current rows),
as for independent rows. Drift when the current's mean error leaves the bounds: above, rows
that no longer fit the reference's structure (a correlation broke); below, rows that fit it
better than the reference's own (variance collapsed).

Each column's part is its share of the excess: the current's mean squared residual in that
column less the held-out reference's, columns sharing a name summed (a categorical column's
indicators).

>>> rng = np.random.default_rng(0)
>>> x = rng.normal(size=(4_000, 1))
>>> reference = np.hstack((x, x + rng.normal(0, 0.3, (4_000, 1))))
>>> turned = np.hstack((x[:1_000], -x[:1_000] + rng.normal(0, 0.3, (1_000, 1))))
>>> res = reconstruction_test(reference, turned, names=["a", "b"])
>>> res.drifted, res.statistic > res.threshold, res.details["components"]
(True, True, 1)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from driftscope.errors import InputError, param_error
from driftscope.multivariate._result import Contribution, MultivariateResult
from driftscope.multivariate._rows import rows_of

FloatArray = NDArray[np.float64]

VARIANCE = 0.65
"""Share of the reference's variance the kept components explain (NannyML's default)."""
K = 3.0
"""Bounds: the reference chunks' mean error +- this many standard deviations."""
MIN_CHUNKS = 10
"""Fewest held-out chunks of the current's size to take the bounds' spread from."""
MIN_ROWS = 20
"""Fewest reference rows (10 to learn the components from, 10 to calibrate on)."""


def reconstruction_test(
    reference: Any,
    current: Any,
    *,
    names: Sequence[str] | None = None,
    variance: float = VARIANCE,
    k: float = K,
    seed: int = 0,
) -> MultivariateResult:
    """PCA reconstruction-error test of the rows of ``current`` against ``reference`` (2-D
    arrays of numbers, NaN for missing); drift when the current's mean error leaves the
    reference's bounds. ``threshold`` is the upper bound, ``details["lower"]`` the lower."""
    if _not_number(variance) or not 0 < variance <= 1:
        raise param_error("reconstruction", "variance", "a number in (0, 1]", variance)
    if _not_number(k) or not 0 < k < math.inf:
        raise param_error("reconstruction", "k", "a positive number", k)
    ref = rows_of(reference, "reference", "reconstruction", least=MIN_ROWS, missing=True)
    cur = rows_of(current, "current", "reconstruction", least=1, missing=True)
    if ref.shape[1] != cur.shape[1]:
        raise InputError(
            f"reconstruction: the reference rows have {ref.shape[1]} columns and the current "
            f"rows {cur.shape[1]}; both need the same"
        )
    columns = tuple(names) if names is not None else tuple(f"x{i}" for i in range(ref.shape[1]))
    if len(columns) != ref.shape[1]:
        raise InputError(f"reconstruction: {len(columns)} names given for {ref.shape[1]} columns")
    rng = np.random.default_rng(seed)
    order = rng.permutation(ref.shape[0])
    learn, held = ref[order[: ref.shape[0] // 2]], ref[order[ref.shape[0] // 2 :]]
    mean = np.nanmean(learn, axis=0)
    mean = np.where(np.isnan(mean), 0.0, mean)
    std = np.nanstd(learn, axis=0)
    std = np.where((std > 0) & np.isfinite(std), std, 1.0)
    basis, explained = _components(_standard(learn, mean, std), variance)
    held_res = _residuals(_standard(held, mean, std), basis)
    cur_res = _residuals(_standard(cur, mean, std), basis)
    held_err = np.sqrt((held_res * held_res).sum(axis=1))
    cur_err = np.sqrt((cur_res * cur_res).sum(axis=1))
    centre, spread, source = _bounds(held_err, cur.shape[0])
    statistic = float(cur_err.mean())
    lower, upper = centre - k * spread, centre + k * spread
    excess = (cur_res * cur_res).mean(axis=0) - (held_res * held_res).mean(axis=0)
    parts: dict[str, float] = {}
    for name, value in zip(columns, excess, strict=True):
        parts[name] = parts.get(name, 0.0) + float(value)
    explanation = tuple(
        Contribution(name, value, f"its squared residual grew by {value:.3g} a row")
        for name, value in sorted(parts.items(), key=lambda item: -item[1])
    )
    return MultivariateResult(
        method="reconstruction",
        statistic=statistic,
        p_value=None,
        threshold=float(upper),
        higher_is_drift=True,
        drifted=not lower <= statistic <= upper,
        n_reference=ref.shape[0],
        n_current=cur.shape[0],
        details={
            "lower": float(lower),
            "upper": float(upper),
            "reference_error": float(centre),
            "components": int(basis.shape[1]),
            "explained_variance": float(explained),
            "bounds_from": source,
            "k": float(k),
            "seed": seed,
        },
        explanation=explanation,
    )


def _not_number(value: object) -> bool:
    return isinstance(value, bool) or not isinstance(value, int | float)


def _standard(rows: FloatArray, mean: FloatArray, std: FloatArray) -> FloatArray:
    standard = (rows - mean) / std
    return np.where(np.isnan(standard), 0.0, standard)


def _components(rows: FloatArray, variance: float) -> tuple[FloatArray, float]:
    """The leading principal directions (columns) explaining ``variance``, and their share."""
    covariance = rows.T @ rows / max(1, rows.shape[0] - 1)
    values, vectors = np.linalg.eigh(covariance)
    values, vectors = values[::-1].clip(min=0.0), vectors[:, ::-1]
    total = float(values.sum())
    if total <= 0.0:
        return vectors[:, :0], 1.0
    shares = np.cumsum(values) / total
    kept = int(np.searchsorted(shares, variance - 1e-12) + 1)
    kept = min(kept, values.size)
    return vectors[:, :kept], float(shares[kept - 1])


def _residuals(rows: FloatArray, basis: FloatArray) -> FloatArray:
    residual: FloatArray = rows - (rows @ basis) @ basis.T
    return residual


def _bounds(errors: FloatArray, size: int) -> tuple[float, float, str]:
    """The held-out rows' mean error and the spread of a mean over ``size`` rows."""
    chunks = errors.size // size
    if chunks >= MIN_CHUNKS:
        means = errors[: chunks * size].reshape(chunks, size).mean(axis=1)
        return (
            float(means.mean()),
            float(means.std(ddof=1)),
            f"{chunks} held-out reference chunks of {size} rows",
        )
    spread = float(errors.std(ddof=1)) / math.sqrt(size)
    return (
        float(errors.mean()),
        spread,
        f"{errors.size} held-out reference rows (too few for {MIN_CHUNKS} chunks of "
        f"{size}: the spread of a mean of independent rows)",
    )
