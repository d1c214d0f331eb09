"""Survival function of the two-sided one-sample KS statistic D_n (``scipy.stats.kstwo``).

We follow the regime map of Simard & L'Ecuyer ("Computing the two-sided
Kolmogorov-Smirnov distribution", J. Stat. Softw. 39(11), 2011) as scipy applies it, so
the approximations (Pelz-Good, and 2 * Smirnov where it is not exact) are the same ones
and the exact regimes agree to rounding:

* ``n x <= 1`` and ``n x >= n - 1``: Ruben-Gambino closed forms;
* ``x >= 1/2``: ``2 * smirnov(n, x)`` (exact, D+ and D- cannot both reach x);
* ``n <= 140``: Durbin's matrix (``n x^2 <= 4``), else ``2 * smirnov``;
* ``n > 140``: 0 for ``n x^2 >= 370``, ``2 * smirnov`` for ``n x^2 >= 2.2``, else the
  Durbin matrix when ``n <= 100000`` and ``n x^1.5 <= 1.4``, else Pelz-Good.

Simard & L'Ecuyer use Pomeranz's recursion for ``n <= 140``, ``0.754693 < n x^2 <= 4``;
it is exact, as is Durbin's matrix, which we use there instead (one exact algorithm less;
the tests check agreement with scipy over that regime).
"""

from __future__ import annotations

import math

import numpy as np

from driftscope.stats._pvalues_smirnov import smirnov_sf

# B_2j / (2j (2j - 1)) for j = 8 .. 1 (Horner order): Stirling series of log(n!).
_STIRLING = (
    -2.955065359477124183e-2,
    6.4102564102564102564e-3,
    -1.9175269175269175269e-3,
    8.4175084175084175084e-4,
    -5.952380952380952381e-4,
    7.9365079365079365079e-4,
    -2.7777777777777777778e-3,
    8.3333333333333333333e-2,
)
_LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)
_SQRT_2PI = math.sqrt(2.0 * math.pi)
_PI2 = math.pi**2
_PI4 = math.pi**4
_PI6 = math.pi**6


def kstwo_sf(n: int, x: float) -> float:
    """Return ``P(D_n >= x)`` for the two-sided one-sample KS statistic, like ``kstwo.sf``.

    >>> round(kstwo_sf(10, 0.3), 12)  # Durbin's matrix regime; scipy: kstwo.sf(0.3, 10)
    0.2705355748
    """
    if x >= 1.0:
        return 0.0
    if x <= 0.0:
        return 1.0
    t = n * x
    if t <= 1.0:
        if t <= 0.5:
            return 1.0
        # P(D_n < x) = n!/n^n (2t - 1)^n for 1/(2n) <= x <= 1/n.
        if n <= 140:
            cdf = float(np.prod(np.arange(1, n + 1) * (1.0 / n) * (2.0 * t - 1.0)))
        else:
            cdf = math.exp(_log_factorial_over_power(n) + n * math.log(2.0 * t - 1.0))
        return _clip(1.0 - cdf)
    if t >= n - 1:
        return _clip(2.0 * (1.0 - x) ** n)
    if x >= 0.5:
        return _clip(2.0 * smirnov_sf(n, x))
    nx2 = t * x
    if n <= 140:
        if nx2 <= 4.0:
            return _clip(1.0 - durbin_cdf(n, x))
        return _clip(2.0 * smirnov_sf(n, x))
    if nx2 >= 370.0:
        return 0.0
    if nx2 >= 2.2:
        return _clip(2.0 * smirnov_sf(n, x))
    if n <= 100_000 and n * x**1.5 <= 1.4:
        return _clip(1.0 - durbin_cdf(n, x))
    return _clip(1.0 - pelz_good_cdf(n, x))


def _clip(p: float) -> float:
    return min(max(p, 0.0), 1.0)


def _log_factorial_over_power(n: int) -> float:
    """Return ``log(n! / n^n)`` by Stirling's series, with ``n log n`` removed up front."""
    rn = 1.0 / n
    series = 0.0
    for c in _STIRLING:
        series = series * (rn * rn) + c
    return 0.5 * math.log(n) - n + _LOG_SQRT_2PI + rn * series


def durbin_cdf(n: int, x: float) -> float:
    """Return ``P(D_n < x)`` exactly by Durbin's matrix (Marsaglia, Tsang & Wang 2003).

    With ``n x = k - h`` (k integer, 0 <= h < 1) the answer is ``n!/n^n (H^n)[k, k]`` for
    an (2k - 1)-square matrix ``H``. Only row k of ``H^n`` is needed, so we square ``H``
    and multiply a row vector into the squares selected by the bits of n, rescaling by
    powers of two to stay in range.
    """
    nd = n * x
    k = math.ceil(nd)
    h = k - nd
    m = 2 * k - 1
    inv_fact = np.ones(m + 1)
    inv_fact[1:] = np.cumprod(1.0 / np.arange(1, m + 1))  # 1/j!, j = 0..m
    r = np.arange(m)[:, None]
    c = np.arange(m)[None, :]
    lag = r - c + 1
    big_h = np.where(lag >= 0, inv_fact[np.clip(lag, 0, m)], 0.0)
    j = np.arange(1, m + 1)
    edge = (1.0 - h**j) * inv_fact[1:]  # (1 - h^j) / j!
    edge[-1] = (1.0 + max(2.0 * h - 1.0, 0.0) ** m - 2.0 * h**m) * inv_fact[m]
    big_h[:, 0] = edge
    big_h[-1, :] = edge[::-1]

    row = np.zeros(m)
    row[k - 1] = 1.0
    row_exp = 0
    power = big_h
    power_exp = 0
    bits = n
    while True:
        if bits & 1:
            row = row @ power
            row_exp += power_exp
            rm, re_ = math.frexp(float(np.max(np.abs(row))))
            if rm != 0.0:
                row = row * math.ldexp(1.0, -re_)
                row_exp += re_
        bits >>= 1
        if not bits:
            break
        power = power @ power
        power_exp *= 2
        pm, pe = math.frexp(float(np.max(np.abs(power))))
        if pm != 0.0:
            power = power * math.ldexp(1.0, -pe)
            power_exp += pe
    entry = float(row[k - 1])
    if entry <= 0.0:
        return 0.0
    # n!/n^n by Stirling's series: its relative error (about n eps) scales the cdf, which
    # in the regimes using this function is small wherever n is large, so the survival
    # function 1 - cdf keeps full relative accuracy.
    return math.exp(math.log(entry) + row_exp * math.log(2.0) + _log_factorial_over_power(n))


def pelz_good_cdf(n: int, x: float) -> float:
    """Return the Pelz-Good (1976) asymptotic approximation of ``P(D_n <= x)``.

    The Li-Chien / Korolyuk expansion ``K0(z) + K1(z)/sqrt(n) + K2(z)/n + K3(z)/n^1.5``
    (``z = x sqrt(n)``) in its theta-function form, which suits small z.
    """
    z = math.sqrt(n) * x
    z2 = z * z
    log_q = -_PI2 / 8.0 / z2
    if log_q < -708.0:
        return 0.0
    q = math.exp(log_q)
    z4, z6 = z2 * z2, z2 * z2 * z2
    # Coefficients of the odd-index sums: terms in (2k - 1)^0, ^2, ^4, ^6.
    c1 = (-z2, _PI2 / 4.0)
    c2 = (6.0 * z6 + 2.0 * z4, (2.0 * z4 - 5.0 * z2) * _PI2 / 4.0, _PI4 * (1.0 - 2.0 * z2) / 16.0)
    c3 = (
        -30.0 * z6 - 90.0 * z6 * z2,
        _PI2 * (135.0 * z4 - 96.0 * z6) / 4.0,
        _PI4 * (-60.0 * z2 + 212.0 * z4) / 16.0,
        _PI6 * (5.0 - 30.0 * z2) / 64.0,
    )
    kmax = math.ceil(16.0 * z / math.pi)
    s0 = s1 = s2 = s3 = 0.0
    # Horner in q^8k: sum_k c(m) q^((2k-1)^2) with (2k+1)^2 - (2k-1)^2 = 8k.
    for kk in range(kmax, 0, -1):
        odd = 2 * kk - 1
        o2 = odd * odd
        o4 = o2 * o2
        qp = q ** (8 * kk)
        s0 = s0 * qp + 1.0
        s1 = s1 * qp + (c1[0] + c1[1] * o2)
        s2 = s2 * qp + (c2[0] + c2[1] * o2 + c2[2] * o4)
        s3 = s3 * qp + (c3[0] + c3[1] * o2 + c3[2] * o4 + c3[3] * o4 * o2)
    scale = q * _SQRT_2PI
    k0 = s0 * scale / z
    k1 = s1 * scale / (6.0 * z4)
    k2 = s2 * scale / (72.0 * z6 * z)
    k3 = s3 * scale / (6480.0 * z6 * z4)
    # The remaining all-integer sums of K2 and K3, in q2^(k^2) with q2 = exp(-pi^2/(2 z^2)).
    q2 = math.exp(-_PI2 / 2.0 / z2)
    e2 = e3 = 0.0
    for kk in range(kmax, 0, -1):
        ksq = kk * kk
        w = ksq * q2**ksq
        e2 += w
        kpi = math.pi * kk
        e3 += (3.0 * z2 - kpi * kpi) * w
    k2 += e2 * _PI2 * _SQRT_2PI / (-36.0 * z2 * z)
    k3 += e3 * _PI2 * _SQRT_2PI / (216.0 * z6)
    return k0 + k1 / math.sqrt(n) + k2 / n + k3 / (n * math.sqrt(n))
