"""Survival function of the one-sided Kolmogorov-Smirnov statistic D+_n (Smirnov).

Exact Smirnov / Birnbaum-Tingey sum (Smirnov 1944; Birnbaum & Tingey 1951):

    P(D+_n >= x) = sum_{v=0}^{floor(n(1-x))} C(n, v) x (x + v/n)^(v-1) (1 - x - v/n)^(n-v)

Every term is positive, so the sum has no cancellation. Writing ``p_v = x + v/n``, the
term is the binomial probability ``C(n, v) p_v^v (1 - p_v)^(n-v)`` times ``n x / (v + n x)``,
which Loader's form evaluates to a few ulps (see ``_pvalues_binom``). This reproduces
``scipy.special.smirnov`` (which sums the same series in double-double arithmetic),
including its special cases, for the arguments ``kstwo`` needs.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from driftscope.stats._pvalues_binom import log_binom_pmf

# exp() of anything below log(2^-1022) is subnormal; scipy returns 0 there and so do we.
_MIN_LOG = -708.3964185322641
# Above this n scipy stops summing and uses the approximation exp(-(6nx+1)^2 / (18n)).
_MAX_COMPUTE_N = 1_000_000
# Past this many terms we evaluate the (smooth, bell-shaped) summand on a coarser grid of
# about this many points: see ``_term_sum``.
_MAX_DIRECT_TERMS = 2_000
# ... provided the summand's ends are below exp(-_MIN_END_LOG) of its peak.
_MIN_END_LOG = 60.0


def smirnov_sf(n: int, x: float) -> float:
    """Return ``P(D+_n >= x)``, the one-sided KS survival function, like scipy's ``smirnov``.

    Intended for the arguments ``kstwo`` uses: ``1 < n x < n - 1`` and either ``x >= 1/2``,
    ``n <= 140`` or ``n x^2 >= 2.2`` (other arguments are still handled, at full cost).

    >>> round(smirnov_sf(5, 0.6), 12)  # scipy.special.smirnov(5, 0.6) = 0.01504
    0.01504
    """
    if x <= 0.0:
        return 1.0
    if x >= 1.0:
        return 0.0
    if n == 1:
        return 1.0 - x
    exact_nx = Fraction(x) * n
    nx_floor = math.floor(exact_nx)
    alpha = float(exact_nx - nx_floor)  # fractional part of n x, exactly rounded once
    if nx_floor == 0 or (nx_floor == 1 and alpha == 0.0):  # x <= 1/n: one closed form
        return 1.0 - x * (1.0 + x) ** (n - 1)
    if -2.0 * n * x * x < _MIN_LOG:
        return 0.0
    if nx_floor >= n - 1:  # x >= 1 - 1/n: only the v = 0 term survives
        return (1.0 - x) ** n
    if n > _MAX_COMPUTE_N:
        logp = -((6.0 * n * x + 1.0) ** 2) / 18.0 / n
        if logp < -math.log(2.0):
            return math.exp(logp)
        return 1.0 - (-math.expm1(logp))
    return min(max(_term_sum(n, x, nx_floor, alpha), 0.0), 1.0)


def _term_sum(n: int, x: float, nx_floor: int, alpha: float) -> float:
    """Sum the Birnbaum-Tingey terms v = 0 .. n - floor(n x) - 1."""
    last = n - nx_floor - 1  # largest v with 1 - x - v/n > 0
    n_terms = last + 1
    nx = nx_floor + alpha
    # v = 0 term: (1 - x)^n.
    head = math.exp(n * math.log1p(-x))
    if n_terms <= _MAX_DIRECT_TERMS or nx * (1.0 - 2.0 * x) < _MIN_END_LOG:
        v = np.arange(1, last + 1, dtype=np.float64)
        step = 1
    else:
        # Here the summand is a smooth unimodal function of v whose width is of order
        # sqrt(n) / (4 x) >= n / 80 (n x^2 < 370 whenever the sum is not 0), and whose
        # ends (the v = 0 term relative to the total is about exp(-n x (1 - 2 x))) are
        # negligible. The full sum is the unit-step trapezoid rule for the integral of the
        # summand, which is analytic around the real axis, and so is a coarser trapezoid
        # rule; by Poisson summation both differ from the integral by about
        # exp(-2 pi^2 (width / step)^2), far below double precision at step <= n / 2000.
        step = -(-n_terms // _MAX_DIRECT_TERMS)
        v = np.arange(step, last + 1, step, dtype=np.float64)
    # Exact means: n p_v = v + n x, n q_v = (n - v - floor(n x)) - alpha.
    mean_succ = (v + nx_floor) + alpha
    mean_fail = ((n - nx_floor) - v) - alpha
    logt = log_binom_pmf(float(n), v, mean_succ, mean_fail) + np.log(nx / mean_succ)
    keep = logt > -745.0  # exp underflows to 0 below; skip the slow subnormal path
    body = float(np.sum(np.exp(logt[keep])))
    return (head + body) * step
