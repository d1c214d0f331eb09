"""What the CDF distances share (wasserstein, energy): the gaps between two empirical CDFs,
and the scaling by the reference's spread.

Both integrate the gap between the two empirical CDFs (scipy's CDF-distance formula):
Wasserstein = integral |F_r - F_c| dx and energy = sqrt(2 * integral (F_r - F_c)^2 dx), i.e.
``scipy.stats.wasserstein_distance`` and ``scipy.stats.energy_distance``. Each is divided by the
reference's standard deviation (ddof=0; by 1 when that is 0), so a threshold means the same on
any scale: wasserstein 0.1 is a shift of a tenth of a standard deviation. Distances: drift when
``statistic >= threshold``. Computed from the sorted samples in O(n), no scipy import.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from driftscope.stats._scaling import ldexp_or_inf, scale_exponent
from driftscope.stats._sorted import Merged
from driftscope.stats.registry import Outcome

FloatArray = NDArray[np.float64]


def cdf_gaps(merged: Merged) -> tuple[FloatArray, FloatArray]:
    """|F_r - F_c| on each interval between consecutive pooled values, and its width.

    Inside a run of ties the count is not yet the CDF, but the interval width there is 0,
    so every product matches scipy's (which evaluates the CDFs with searchsorted 'right').
    """
    upto_r = merged.n_reference_upto[:-1]
    upto_c = merged.n_current_upto[:-1]
    gaps = upto_r / merged.n_reference - upto_c / merged.n_current
    return gaps, np.diff(merged.values)


def scaled_distance(
    distance: Callable[[FloatArray, FloatArray], float],
    reference: FloatArray,
    current: FloatArray,
    degree: int = 2,
) -> Outcome:
    """``distance / std(reference)`` (divided by 1 when the std is 0), computed on values
    rescaled by a power of two where they are so large that the distance would overflow.

    ``degree``: twice the power of the unit the distance is in (2: Wasserstein-1, in the
    data's unit; 1: the energy distance, in its square root), to scale it back.
    """
    exponent = scale_exponent(reference, current)
    if exponent:
        exponent += exponent % 2  # even, so that a square root of the unit is exact too
        reference, current = np.ldexp(reference, -exponent), np.ldexp(current, -exponent)
    # A constant sample has std 0, which numpy's mean can miss by a rounding (0.1 three times)
    std = 0.0 if reference[0] == reference[-1] else float(np.std(reference))
    raw = distance(reference, current)
    unscaled = ldexp_or_inf(raw, exponent * degree // 2)
    if std > 0:
        # in the data's own unit; may overflow to inf (written as null)
        reference_std, value = ldexp_or_inf(std, exponent), raw / std
        # a distance in a smaller power of the unit than the std is not unit-free
        value = ldexp_or_inf(value, exponent * (degree - 2) // 2)
    else:
        reference_std, value = 1.0, unscaled
    details = {"unscaled": unscaled, "reference_std": reference_std}
    return Outcome(value, None, details)
