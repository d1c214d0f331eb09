"""Two-sample Cramer-von Mises test (scipy.stats.cramervonmises_2samp).

H0: both samples come from the same continuous distribution. The statistic integrates the
squared gap between the two empirical CDFs over the pooled sample (midranks for ties). The
p-value is exact when both samples hold at most 20 values, else asymptotic
(``details["mode"]``). Needs at least 2 values per sample. Imports scipy.stats when called.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from driftscope.stats._result import TestResult
from driftscope.stats.registry import NUMERIC, Method, Outcome, register

EXACT_MAX_N = 20  # scipy's 'auto' rule: exact p-value when max(n_r, n_c) <= 20


def _cvm_kernel(reference: NDArray[np.float64], current: NDArray[np.float64]) -> Outcome:
    from scipy.stats import cramervonmises_2samp

    result = cramervonmises_2samp(reference, current, method="auto")
    mode = "exact" if max(reference.size, current.size) <= EXACT_MAX_N else "asymptotic"
    return Outcome(float(result.statistic), float(result.pvalue), {"mode": mode})


CRAMER_VON_MISES = register(
    Method(
        name="cramer_von_mises",
        kinds=frozenset({NUMERIC}),
        higher_is_drift=False,
        default_threshold=0.05,
        summary="two-sample Cramer-von Mises test (scipy cramervonmises_2samp)",
        numeric_kernel=_cvm_kernel,
        min_size=2,
    )
)


def cramer_von_mises(
    reference: Any,
    current: Any,
    *,
    threshold: float | None = None,
    inf_as_missing: bool = False,
) -> TestResult:
    """Two-sample Cramer-von Mises test; drift when p < threshold (0.05).

    >>> rng = np.random.default_rng(0)
    >>> cramer_von_mises(rng.normal(0, 1, 300), rng.normal(0, 2, 300)).drifted
    True
    """
    return CRAMER_VON_MISES(reference, current, threshold=threshold, inf_as_missing=inf_as_missing)
