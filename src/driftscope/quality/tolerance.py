"""How far an inferred constraint stands from what the reference shows, and the tests that
decide, at check time, whether current data broke a share constraint.

A constraint at the reference's exact value fails fresh data from the same source all the
time: a sample of n new rows exceeds the largest of N reference values with probability about
n / (N + n), and its missing share is above the reference's half the time. The rules here keep
the false-failure rate of fresh data small while real breaks still fail:

- **Ranges** (:func:`widened_range`): each side of zero is widened on the log scale, by
  ``RANGE_WIDENING`` times the distance from the median to the extreme: the upper bound of
  positive values is ``max * (max / median) ** RANGE_WIDENING`` (the median of the positive
  values), the lower bound of negative ones the mirror image. A column with no negative value
  in the reference never gets a negative lower bound (with no zero either, its lower bound is
  ``min * (min / median) ** RANGE_WIDENING``, above zero), so the rule is unit-free (values
  times 1,000 give bounds times 1,000) and follows heavy tails (lognormal) as well as light
  ones. Bounds are rounded outward to the second digit of the widening (whole numbers for
  integer columns). Simulated, a fresh sample as large as the reference fails in under 1% of
  draws for normal, lognormal, exponential, uniform, Poisson and Student-t data from 100 rows
  up (``tests/quality/test_fresh_data.py``; fewer than ``RANGE_MIN_VALUES`` values give no
  range); a units change (x1,000), a sign that was never there (a negative age) or a
  sentinel (-999 for a positive column) fails.
- **Shares** (completeness, the share of rows outside the allowed categories, duplicate
  rows): the written value is a one-sided confidence bound from the reference at level
  ``FALSE_FAILURE_LEVEL`` (Clopper-Pearson for completeness and duplicates; the Good-Turing
  share of values seen once, as a Poisson count, for unseen categories), and the check is a
  one-sided binomial test of the current count against that value at the same level. Fresh
  data fails either step with probability at most ``FALSE_FAILURE_LEVEL``, at any size; a null
  spike (2% -> 30%) fails from a few dozen rows. A value edited to 1.0 (or 0.0) is strict:
  one row against it fails.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from driftscope.quality.constraints import Bounds

RANGE_WIDENING = 2.0
"""Widening of a range on the log scale, in multiples of the median-to-extreme distance."""

RANGE_MIN_VALUES = 100
"""Fewer non-missing reference values than this give no range: a small sample says little
about the tails (Student-t data with 20 to 50 reference rows failed 3-6% of fresh draws)."""

MEDIAN_SAMPLE = 100_000
"""Values (evenly spaced) from which a long column's median is taken."""

FALSE_FAILURE_LEVEL = 0.001
"""Level of the reference-side confidence bounds and of the check-time binomial tests."""

COMPLETENESS_DECIMALS = 4
"""Completeness is written rounded down to this many decimals (looser, never stricter)."""

SHARE_DIGITS = 2
"""Shares tolerated (unseen categories, duplicate rows) are rounded up to these significant
digits."""


def widened_range(values: npt.NDArray[np.float64], *, integer: bool) -> Bounds | None:
    """Bounds that fresh data from the distribution of ``values`` stays inside.

    ``values``: the reference's non-missing numbers (infinities open that side: no bound).
    None when there are fewer than ``RANGE_MIN_VALUES``.

    >>> rng = np.random.default_rng(0)
    >>> widened_range(rng.integers(18, 91, 1_000).astype(float), integer=True)
    Bounds(min=1, max=240)
    >>> widened_range(np.arange(50.0), integer=False) is None
    True
    """
    if values.size < RANGE_MIN_VALUES:
        return None
    least, most = float(values.min()), float(values.max())
    finite = values if math.isfinite(least) and math.isfinite(most) else values[np.isfinite(values)]
    if finite.size == 0:
        return None
    # Most columns have one sign: no masks (each a pass over a million values) for those.
    if finite is values and least > 0:
        positive, negative, has_zero = finite, finite[:0], False
    elif finite is values and most < 0:
        positive, negative, has_zero = finite[:0], -finite, False
    else:
        positive, negative = finite[finite > 0], -finite[finite < 0]
        has_zero = positive.size + negative.size < finite.size
    # Each side of zero on its own: a column never gets a sign its reference did not have.
    if positive.size:
        upper = _outer(positive)
    elif has_zero:
        upper = 0.0
    else:
        upper = -_inner(negative)
    if negative.size:
        lower = -_outer(negative)
    elif has_zero:
        lower = 0.0
    else:
        lower = _inner(positive)
    low = None if least == -math.inf else _round(lower, float(finite.min()), integer)
    high = None if most == math.inf else _round(upper, float(finite.max()), integer)
    return Bounds(low, high)


def _outer(magnitudes: npt.NDArray[np.float64]) -> float:
    """The extreme magnitude pushed away from the median, on the log scale."""
    top = float(magnitudes.max())
    with np.errstate(over="ignore"):
        return float(top * np.float64(top / _median(magnitudes)) ** RANGE_WIDENING)


def _inner(magnitudes: npt.NDArray[np.float64]) -> float:
    """The smallest magnitude pulled towards zero, on the log scale (never reaching it)."""
    least = float(magnitudes.min())
    return float(least * (least / _median(magnitudes)) ** RANGE_WIDENING)


def _median(values: npt.NDArray[np.float64]) -> float:
    """The median, of every ``len // MEDIAN_SAMPLE``-th value for long columns: it only sets
    the scale of the widening, where a sample's is as good and ten times faster."""
    step = max(1, values.size // MEDIAN_SAMPLE)
    return float(np.median(values[::step]))


def _round(bound: float, extreme: float, integer: bool) -> int | float | None:
    """``bound`` rounded away from ``extreme`` to the second digit of their distance (to a
    whole number at least, for integers); None when it overflowed."""
    if not math.isfinite(bound):
        return None
    up = bound >= extreme
    margin = abs(bound - extreme)
    step = 10.0 ** (math.floor(math.log10(margin)) - 1) if margin > 0 else 0.0
    if integer:
        step = max(step, 1.0)
    if step == 0.0:
        return bound
    steps = bound / step
    rounded = (math.ceil(steps) if up else math.floor(steps)) * step
    if integer:
        return int(rounded)
    # The decimal the step count stands for, not the product's binary noise (0.30000000000000004).
    digits = max(0, -math.floor(math.log10(step)))
    tidy = round(rounded, digits)
    return tidy if (tidy >= bound if up else tidy <= bound) else rounded


def completeness_bound(present: int, rows: int) -> float | None:
    """The least share of non-missing values that fresh data is held to: the reference's
    share at its lower confidence bound, rounded down; None with no rows.

    >>> completeness_bound(980, 1_000), completeness_bound(1_000_000, 1_000_000)
    (0.9623, 0.9999)
    """
    from scipy.special import betaincinv

    if rows == 0:
        return None
    if present == 0:
        return 0.0
    low = float(betaincinv(present, rows - present + 1, FALSE_FAILURE_LEVEL))
    scale = 10.0**COMPLETENESS_DECIMALS
    return math.floor(low * scale) / scale


def unseen_share_bound(singletons: int, rows: int) -> float:
    """The share of fresh rows tolerated on values the reference did not see: the Good-Turing
    estimate (values seen once / rows), as a Poisson count at its upper confidence bound.

    >>> unseen_share_bound(0, 10_000), unseen_share_bound(30, 10_000)
    (0.0007, 0.0052)
    """
    from scipy.special import gammaincinv

    if rows == 0:
        return 1.0
    return _round_share(float(gammaincinv(singletons + 1, 1 - FALSE_FAILURE_LEVEL)) / rows)


def duplicate_share_bound(duplicates: int, rows: int) -> float | None:
    """The largest share of rows repeating an earlier row that fresh data is allowed: the
    reference's share at its upper confidence bound; None with fewer than two rows.

    >>> duplicate_share_bound(0, 10_000), duplicate_share_bound(500, 10_000)
    (0.0007, 0.058)
    """
    from scipy.special import betaincinv

    if rows < 2:
        return None
    if duplicates >= rows:
        return 1.0
    high = float(betaincinv(duplicates + 1, rows - duplicates, 1 - FALSE_FAILURE_LEVEL))
    return _round_share(high)


def _round_share(share: float) -> float:
    """``share`` rounded up to ``SHARE_DIGITS`` significant digits, at most 1."""
    if share <= 0:
        return 0.0
    step = 10.0 ** (math.floor(math.log10(share)) - SHARE_DIGITS + 1)
    digits = -math.floor(math.log10(step))
    rounded = round(math.ceil(share / step - 1e-9) * step, digits)
    return min(1.0, rounded if rounded >= share else rounded + step)


def too_few(count: int, rows: int, share: float) -> bool:
    """Whether ``count`` of ``rows`` is significantly below ``share`` (one-sided binomial
    test at ``FALSE_FAILURE_LEVEL``): completeness.

    >>> too_few(970, 1_000, 0.98), too_few(700, 1_000, 0.98)
    (False, True)
    """
    from scipy.special import bdtr

    if rows == 0 or count >= share * rows:
        return False
    return bool(bdtr(count, rows, share) < FALSE_FAILURE_LEVEL)


def too_many(count: int, rows: int, share: float) -> bool:
    """Whether ``count`` of ``rows`` is significantly above ``share`` (one-sided binomial
    test at ``FALSE_FAILURE_LEVEL``): rows outside the categories, duplicate rows.

    >>> too_many(3, 1_000, 0.001), too_many(40, 1_000, 0.001), too_many(1, 10, 0.0)
    (False, True, True)
    """
    from scipy.special import bdtrc

    if count == 0 or count <= share * rows:
        return False
    return bool(bdtrc(count - 1, rows, share) < FALSE_FAILURE_LEVEL)
