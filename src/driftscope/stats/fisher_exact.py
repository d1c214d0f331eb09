"""Fisher's exact test for a binary column (scipy.stats.fisher_exact, two-sided).

H0: the share of the "success" category is the same in both samples; the p-value sums the
hypergeometric probabilities of every 2 x 2 table with the observed margins that is at most
as likely as the observed one. Counts come as two aligned arrays over the (at most two)
categories; a column with more categories is an InputError. ``statistic`` is scipy's sample
odds ratio. Imports scipy.stats when called.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from driftscope.stats._result import TestResult
from driftscope.stats.registry import BINARY, Method, Outcome, register

Counts = NDArray[np.int64]


def _fisher_kernel(reference: Counts, current: Counts) -> Outcome:
    from scipy.stats import fisher_exact as scipy_fisher_exact

    table = np.vstack((reference, current))
    result = scipy_fisher_exact(table, alternative="two-sided")
    # The odds ratio is +inf when a cell off the diagonal is 0 (a valid, extreme table).
    return Outcome(float(result.statistic), float(result.pvalue), {"statistic": "odds_ratio"})


FISHER_EXACT = register(
    Method(
        name="fisher_exact",
        kinds=frozenset({BINARY}),
        higher_is_drift=False,
        default_threshold=0.05,
        summary="Fisher's exact test on the 2 x 2 table, two-sided (scipy fisher_exact)",
        counts_kernel=_fisher_kernel,
    )
)


def fisher_exact(
    reference: Any,
    current: Any,
    *,
    threshold: float | None = None,
) -> TestResult:
    """Fisher's exact test on the 2 x 2 table; drift when the two-sided p < threshold (0.05).

    ``statistic`` is scipy's sample odds ratio (``+inf`` when an off-diagonal cell is 0).

    >>> fisher_exact(["a"] * 8 + ["b"] * 2, ["a"] * 2 + ["b"] * 8).drifted
    True
    """
    return FISHER_EXACT(reference, current, threshold=threshold)
