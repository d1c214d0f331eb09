"""Multiple-testing control: adjusted p-values for a family of column tests.

Testing 50 columns at alpha 0.05 raises at least one false alarm in about 92% of runs with
no drift at all (1 - 0.95^50). Adjusting the p-values of the whole family first keeps that
in check:

* ``bonferroni`` - ``min(1, m p)``: controls the family-wise error rate (FWER), conservative.
* ``holm`` - Holm's step-down version of Bonferroni: the same FWER control, never less
  powerful (Holm 1979).
* ``bh`` - Benjamini-Hochberg step-up: controls the false discovery rate (FDR), the expected
  share of false alarms among the columns flagged (Benjamini & Hochberg 1995). The default:
  it stays sensitive when many columns really drift, and still controls the FWER when none
  does (under the complete null, FDR and FWER coincide).
* ``none`` - the p-values unchanged.

A column is then significant when its adjusted p-value is below alpha, which for each method
is exactly the decision of the corresponding procedure at level alpha.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from driftscope.errors import ConfigError

FloatArray = NDArray[np.float64]

CORRECTIONS = ("bh", "holm", "bonferroni", "none")
"""Names accepted by :func:`adjust_p_values`; the first is the default."""
DEFAULT_CORRECTION = CORRECTIONS[0]


def adjust_p_values(p_values: Sequence[float] | FloatArray, method: str = "bh") -> FloatArray:
    """Adjusted p-values of one family of tests, in the order given.

    Parameters
    ----------
    p_values
        Raw p-values in [0, 1].
    method
        One of :data:`CORRECTIONS`.

    Returns
    -------
    numpy.ndarray
        ``adjusted[i] >= p_values[i]``, each in [0, 1].

    >>> adjust_p_values([0.01, 0.04, 0.03, 0.2], "bonferroni").tolist()
    [0.04, 0.16, 0.12, 0.8]
    >>> adjust_p_values([0.01, 0.04, 0.03, 0.2], "holm").round(6).tolist()
    [0.04, 0.09, 0.09, 0.2]
    >>> adjust_p_values([0.01, 0.04, 0.03, 0.2], "bh").round(6).tolist()
    [0.04, 0.053333, 0.053333, 0.2]
    """
    if method not in CORRECTIONS:
        raise ConfigError(f"correction: must be one of {', '.join(CORRECTIONS)}; got {method!r}")
    p = np.asarray(p_values, dtype=np.float64)
    if p.ndim != 1:
        raise ConfigError(f"correction: p-values must be one-dimensional; got shape {p.shape}")
    if p.size and not (np.all(p >= 0.0) and np.all(p <= 1.0)):
        raise ConfigError("correction: p-values must lie in [0, 1]")
    m = p.size
    if m == 0 or method == "none":
        return p.copy()
    if method == "bonferroni":
        return np.minimum(p * m, 1.0)
    order = np.argsort(p, kind="stable")
    ranked = p[order]
    rank = np.arange(1, m + 1, dtype=np.float64)
    if method == "holm":
        # step-down: the k-th smallest is multiplied by (m - k + 1); running max keeps order
        stepped = np.maximum.accumulate(np.minimum(ranked * (m - rank + 1.0), 1.0))
    else:
        # step-up: the k-th smallest is multiplied by m / k; running min from the largest
        stepped = np.minimum.accumulate(np.minimum(ranked * (m / rank), 1.0)[::-1])[::-1]
    adjusted = np.empty(m, dtype=np.float64)
    adjusted[order] = stepped
    return adjusted
