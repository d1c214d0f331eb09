"""Two-sample drift methods: every statistic of SPEC section 2, by name or as a function.

Each method is a function ``f(reference, current, *, threshold=None, ...) -> TestResult`` and
a registered :class:`Method` (``get(name)``) that also offers ``from_sorted`` (sorted numeric
samples) and ``from_counts`` (aligned category counts) for callers that prepared the data once,
and, where the method can be computed from them, ``from_sketches`` (two
:class:`WeightedSample` s, e.g. quantile sketches) and ``from_moments`` (two :class:`Moments`).

One module per method, named after it (``stats/ks.py`` holds ``ks``, its kernel and its
registration); helpers that several methods share live in private modules (``_binning``,
``_cdf``, ``_contingency``, ``_sorted``, ...). Because the functions are bound here under their
modules' names, ``driftscope.stats.ks`` is the function: import a module's other names with
``from driftscope.stats.ks import ks_statistic``.

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

from driftscope.stats._inputs import Moments, WeightedSample
from driftscope.stats._result import TestResult
from driftscope.stats._sample import (
    CategoricalCounts,
    NumericSample,
    prepare_categorical,
    prepare_numeric,
    prepare_points,
)
from driftscope.stats.anderson_darling import anderson_darling
from driftscope.stats.chi2 import chi2
from driftscope.stats.cramer_von_mises import cramer_von_mises
from driftscope.stats.energy import energy
from driftscope.stats.epps_singleton import epps_singleton
from driftscope.stats.fisher_exact import fisher_exact
from driftscope.stats.g_test import g_test
from driftscope.stats.hellinger import hellinger
from driftscope.stats.jensen_shannon import jensen_shannon
from driftscope.stats.kl import kl
from driftscope.stats.ks import ks
from driftscope.stats.l_infinity import l_infinity
from driftscope.stats.mann_whitney import mann_whitney
from driftscope.stats.mmd import mmd
from driftscope.stats.psi import psi
from driftscope.stats.registry import Method, Outcome, available, get, register, unregister
from driftscope.stats.t_test import t_test
from driftscope.stats.tvd import tvd
from driftscope.stats.wasserstein import wasserstein
from driftscope.stats.z_proportion import z_proportion

__all__ = [
    "CategoricalCounts",
    "Method",
    "Moments",
    "NumericSample",
    "Outcome",
    "TestResult",
    "WeightedSample",
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
