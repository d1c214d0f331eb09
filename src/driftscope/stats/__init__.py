"""Two-sample drift methods: every statistic of SPEC section 2, by name or as a function.

Each method is a function ``f(reference, current, *, threshold=None, ...) -> TestResult`` and
a registered :class:`Method` (``get(name)``) that also offers ``from_sorted`` (sorted numeric
samples) and ``from_counts`` (aligned category counts) for callers that prepared the data once.

>>> import numpy as np
>>> from driftscope import stats
>>> rng = np.random.default_rng(0)
>>> res = stats.ks(rng.normal(0, 1, 1000), rng.normal(0.2, 1, 1000))
>>> res.method, res.drifted
('ks', True)
>>> stats.get("psi").default_threshold
0.2
"""

from __future__ import annotations

from driftscope.stats._result import TestResult
from driftscope.stats._sample import (
    CategoricalCounts,
    NumericSample,
    prepare_categorical,
    prepare_numeric,
    prepare_points,
)
from driftscope.stats.anderson import anderson_darling
from driftscope.stats.binned import hellinger, jensen_shannon, kl, l_infinity, psi, tvd
from driftscope.stats.cdf_distances import energy, wasserstein
from driftscope.stats.contingency import chi2, g_test
from driftscope.stats.cvm import cramer_von_mises
from driftscope.stats.epps import epps_singleton
from driftscope.stats.kolmogorov_smirnov import ks
from driftscope.stats.mann_whitney_u import mann_whitney
from driftscope.stats.maximum_mean_discrepancy import mmd
from driftscope.stats.proportions import fisher_exact, z_proportion
from driftscope.stats.registry import Method, Outcome, available, get, register, unregister
from driftscope.stats.welch import t_test

__all__ = [
    "CategoricalCounts",
    "Method",
    "NumericSample",
    "Outcome",
    "TestResult",
    "anderson_darling",
    "available",
    "chi2",
    "cramer_von_mises",
    "energy",
    "epps_singleton",
    "fisher_exact",
    "g_test",
    "get",
    "hellinger",
    "jensen_shannon",
    "kl",
    "ks",
    "l_infinity",
    "mann_whitney",
    "mmd",
    "prepare_categorical",
    "prepare_numeric",
    "prepare_points",
    "psi",
    "register",
    "t_test",
    "tvd",
    "unregister",
    "wasserstein",
    "z_proportion",
]
