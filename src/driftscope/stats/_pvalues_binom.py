"""Binomial probabilities without cancellation (Loader's saddle-point form), vectorised.

The KS p-values need terms like ``C(n, v) p^v q^(n-v)`` for n up to millions. Taking
``lgamma`` differences loses ``n log n * eps`` in the exponent (1e-9 relative at n = 1e6),
so we use Catherine Loader's decomposition ("Fast and accurate computation of binomial
probabilities", 2000): Stirling-series remainders plus a deviance term ``bd0`` that is
computed with relative accuracy, which keeps every exponent error at a few ulps.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

_LOG_2PI = math.log(2.0 * math.pi)

# stirlerr(k) = log(k!) - (k + 1/2) log(k) + k - log(2 pi)/2 for the small k where the
# asymptotic series is not yet accurate; index 0 is never used (callers treat v = 0 apart).
_STIRLERR_TABLE = np.array(
    [0.0]
    + [math.lgamma(k + 1.0) - (k + 0.5) * math.log(k) + k - 0.5 * _LOG_2PI for k in range(1, 16)]
)

# Coefficients B_2j / (2j (2j - 1)) of the Stirling series, j = 1..5.
_S0, _S1, _S2, _S3, _S4 = 1.0 / 12, 1.0 / 360, 1.0 / 1260, 1.0 / 1680, 1.0 / 1188


def stirlerr(k: npt.ArrayLike) -> FloatArray:
    """Return ``log(k!) - log(sqrt(2 pi k) (k/e)^k)`` for integers ``k >= 1``.

    >>> float(stirlerr(1)[()]) == math.lgamma(2) - 1.5 * 0 + 1 - 0.5 * math.log(2 * math.pi)
    True
    """
    kk = np.asarray(k, dtype=np.float64)
    small = kk <= 15
    big = np.where(small, 16.0, kk)  # keep the series finite where the table is used
    inv2 = 1.0 / (big * big)
    series = (_S0 - (_S1 - (_S2 - (_S3 - _S4 * inv2) * inv2) * inv2) * inv2) / big
    table = _STIRLERR_TABLE[np.where(small, kk, 0.0).astype(np.intp)]
    out: FloatArray = np.where(small, table, series)
    return out


def bd0(x: npt.ArrayLike, mean: npt.ArrayLike) -> FloatArray:
    """Return the deviance ``x log(x / mean) + mean - x`` with relative accuracy.

    Near ``x == mean`` the direct formula cancels, so there we sum the series in
    ``v = (x - mean) / (x + mean)``, which converges like ``v^2 <= 0.01``.

    >>> float(bd0(0.0, 2.5)[()]), round(float(bd0(3.0, 3.0)[()]), 15)
    (2.5, 0.0)
    """
    xa, ma = np.broadcast_arrays(np.asarray(x, dtype=np.float64), np.asarray(mean, np.float64))
    out = np.empty(xa.shape, dtype=np.float64)
    diff = xa - ma
    near = np.abs(diff) < 0.1 * (xa + ma)
    if near.any():
        xn, dn = xa[near], diff[near]
        v = dn / (xn + ma[near])
        v2 = v * v
        acc = dn * v
        ej = 2.0 * xn * v
        # Terms shrink like v^2 per step; stop once v^(2j) < 1e-18 for the largest |v|.
        vmax2 = float(v2.max())
        n_terms = 1 if vmax2 == 0.0 else max(1, math.ceil(-18.0 / math.log10(vmax2)))
        for j in range(1, n_terms + 1):
            ej = ej * v2
            acc = acc + ej / (2 * j + 1)
        out[near] = acc
    far = ~near
    if far.any():
        xf, mf = xa[far], ma[far]
        pos = xf > 0.0
        res = mf.copy()  # the x == 0 limit
        res[pos] = xf[pos] * np.log(xf[pos] / mf[pos]) + mf[pos] - xf[pos]
        out[far] = res
    return out


def log_binom_pmf(
    n: npt.ArrayLike, v: npt.ArrayLike, mean_succ: npt.ArrayLike, mean_fail: npt.ArrayLike
) -> FloatArray:
    """Return ``log(C(n, v) p^v q^(n-v))`` for ``0 < v < n`` given ``n p`` and ``n q``.

    Passing the means rather than ``p`` lets callers supply them exactly (the KS sums
    know ``n p = v + n x`` as an integer plus a fraction). ``p + q`` must equal 1.

    >>> round(float(np.exp(log_binom_pmf(10, 3, 5.0, 5.0))), 12) == round(120 / 1024, 12)
    True
    """
    na = np.asarray(n, dtype=np.float64)
    va = np.asarray(v, dtype=np.float64)
    fail = na - va
    expo = stirlerr(na) - stirlerr(va) - stirlerr(fail) - bd0(va, mean_succ) - bd0(fail, mean_fail)
    out: FloatArray = expo - 0.5 * (_LOG_2PI + np.log(va) + np.log(fail / na))
    return out


def binom_pmf_tilted(k: npt.ArrayLike, i: npt.ArrayLike, p: float, q: float) -> FloatArray:
    """Return ``C(k, i) p^i q^(k-i)`` elementwise, 0 where ``i < 0`` or ``i > k``.

    ``p + q`` must be exactly 1 in real arithmetic (pass ``q = 1 - p`` with ``p >= 1/2``).
    """
    ka = np.asarray(k, dtype=np.int64)
    ia = np.asarray(i, dtype=np.int64)
    inside = (ia > 0) & (ia < ka)
    ks = np.where(inside, ka, 2).astype(np.float64)
    iis = np.where(inside, ia, 1).astype(np.float64)
    mid = np.exp(log_binom_pmf(ks, iis, ks * p, ks * q))
    kf = ka.astype(np.float64)
    with np.errstate(under="ignore"):
        left = np.exp(kf * math.log(q))  # i == 0
        right = np.exp(kf * math.log(p))  # i == k
    out: FloatArray = np.where(inside, mid, np.where(ia == 0, left, np.where(ia == ka, right, 0.0)))
    return np.where((ia < 0) | (ia > ka), 0.0, out)
