"""Summaries a method can be tested on instead of raw samples, and the checks they pass.

A profile keeps no raw values, but two things from which some methods still compute:

- :class:`WeightedSample`: distinct values with how many values each stands for, and how far
  its CDF may be from the data's (a quantile sketch's kept values, or an exact sample with
  its ties counted); methods with a ``sketch_kernel`` take two of them;
- :class:`Moments`: count, mean and sum of squared deviations; methods with a
  ``moments_kernel`` take two of them.

The checks below are what the shared wrapper of :mod:`driftscope.stats._method` runs before
any kernel, so kernels see valid summaries only; each raises InputError naming the method.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import ArrayLike, NDArray

from driftscope.errors import InputError
from driftscope.stats._scaling import scale_exponent

FloatArray = NDArray[np.float64]
Counts = NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class WeightedSample:
    """A sample as distinct values and their weights, with the error of that representation.

    Attributes
    ----------
    values
        Distinct finite float64 values in increasing order.
    weights
        int64, one per value, each >= 1: how many values of the data it stands for.
    error
        Bound on ``max_x |F(x) - F_data(x)|``, the CDF this sample gives (mass
        ``weight / n`` at each value) against the data's; 0 when the sample is exact.
    std
        The exact population standard deviation (ddof=0) of the data, when known (a profile
        keeps it from its moments; ``inf`` when it is past float64's range); None to compute
        it from the weighted values.
    span
        The exact ``max - min`` of the data, when known (a sketch keeps its extremes, which
        its kept values may miss); None to take the range of ``values``.
    """

    values: FloatArray
    weights: Counts
    error: float = 0.0
    std: float | None = None
    span: float | None = None

    @property
    def n(self) -> int:
        """How many values the sample stands for: the sum of the weights."""
        return int(self.weights.sum())

    @classmethod
    def of(cls, values: ArrayLike) -> WeightedSample:
        """The exact weighted sample of finite values: each distinct value weighted by how
        often it occurs, error 0.

        >>> s = WeightedSample.of([2.0, 1.0, 2.0])
        >>> s.values.tolist(), s.weights.tolist(), s.n, s.error
        ([1.0, 2.0], [1, 2], 3, 0.0)
        """
        distinct, counts = np.unique(np.asarray(values, dtype=np.float64), return_counts=True)
        return cls(distinct, counts.astype(np.int64))


@dataclass(frozen=True, slots=True)
class Moments:
    """Count, mean and sum of squared deviations from the mean (``m2``) of a sample.

    ``m2`` is ``inf`` when it is past float64's range (values of about 1e154 and more), which
    no moments kernel can use.
    """

    n: int
    mean: float
    m2: float

    @classmethod
    def of(cls, values: ArrayLike) -> Moments:
        """The moments of finite values, as a profile computes them: two passes (mean, then
        squared deviations), values past 2**500 divided by a power of two first (exact).

        >>> Moments.of([1.0, 2.0, 3.0])
        Moments(n=3, mean=2.0, m2=2.0)
        """
        array = np.asarray(values, dtype=np.float64).ravel()
        if not array.size:
            return cls(0, 0.0, 0.0)
        low, high = float(array.min()), float(array.max())
        if low == high:  # constant: exact, where numpy's mean can be off by a rounding
            return cls(int(array.size), low, 0.0)
        exponent = scale_exponent(np.array([low, high]))
        scaled = array if exponent == 0 else np.ldexp(array, -exponent)
        mean = float(scaled.mean())
        m2 = float(np.square(scaled - mean).sum())
        if exponent == 0:
            return cls(int(array.size), mean, m2)
        with np.errstate(over="ignore"):
            return cls(
                int(array.size), math.ldexp(mean, exponent), float(np.ldexp(m2, 2 * exponent))
            )


def check_weighted(owner: str, side: str, sample: object) -> WeightedSample:
    """``sample`` if it is a valid :class:`WeightedSample`, else an InputError saying why.

    >>> check_weighted("ks", "current", WeightedSample(np.array([2.0, 1.0]), np.array([1, 1])))
    Traceback (most recent call last):
    ...
    driftscope.errors.InputError: ks: current values must be finite and strictly increasing
    """
    if not isinstance(sample, WeightedSample):
        raise InputError(f"{owner}: {side} must be a WeightedSample; got {type(sample).__name__}")
    values, weights = np.asarray(sample.values), np.asarray(sample.weights)
    if values.ndim != 1 or values.dtype.kind not in "iuf":
        raise InputError(
            f"{owner}: {side} values must be a 1-D array of numbers; got {values.ndim}-D "
            f"{values.dtype.name}"
        )
    values = values.astype(np.float64, copy=False)
    if weights.shape != values.shape or weights.dtype.kind not in "iu":
        raise InputError(
            f"{owner}: {side} weights must be integers, one per value; got {weights.size} "
            f"{weights.dtype.name} for {values.size} values"
        )
    if not np.isfinite(values).all() or bool((values[1:] <= values[:-1]).any()):
        raise InputError(f"{owner}: {side} values must be finite and strictly increasing")
    if weights.size and weights.min() < 1:
        raise InputError(f"{owner}: {side} weights must be >= 1")
    if not 0.0 <= sample.error <= 1.0:
        raise InputError(f"{owner}: {side} error must be a CDF error in [0, 1]; got {sample.error}")
    for name, value in (("std", sample.std), ("span", sample.span)):
        if value is not None and not value >= 0.0:  # NaN fails too
            raise InputError(f"{owner}: {side} {name} must be >= 0 or None; got {value}")
    return replace(sample, values=values, weights=weights.astype(np.int64, copy=False))


def check_moments(owner: str, side: str, moments: object) -> Moments:
    """``moments`` if they are valid :class:`Moments` with a finite ``m2``, else an InputError.

    >>> check_moments("t_test", "reference", Moments(10, 0.0, float("inf")))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    driftscope.errors.InputError: t_test: the reference variance is past float64's range ...
    """
    if not isinstance(moments, Moments):
        raise InputError(f"{owner}: {side} must be Moments; got {type(moments).__name__}")
    if isinstance(moments.n, bool) or not isinstance(moments.n, int | np.integer) or moments.n < 0:
        raise InputError(f"{owner}: {side} n must be an integer >= 0; got {moments.n!r}")
    if moments.n and not math.isfinite(moments.mean):
        raise InputError(f"{owner}: {side} mean must be finite; got {moments.mean}")
    if not moments.m2 >= 0.0:  # NaN fails too
        raise InputError(f"{owner}: {side} m2 must be >= 0; got {moments.m2}")
    if math.isinf(moments.m2):
        raise InputError(
            f"{owner}: the {side} variance is past float64's range (values of about 1e154 and "
            "more), too large for moments to hold; compare raw data, or use ks"
        )
    return moments


def check_counts(
    owner: str, reference_counts: object, current_counts: object
) -> tuple[Counts, Counts]:
    """Both sides' category counts as int64 arrays, or an InputError saying what is wrong.

    >>> check_counts("chi2", [1, 2], [3])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    driftscope.errors.InputError: chi2: reference and current counts must cover the same ...
    """
    arrays = []
    for side, counts in (("reference", reference_counts), ("current", current_counts)):
        array = np.asarray(counts)
        if array.ndim != 1 or array.dtype.kind not in "iu":
            raise InputError(
                f"{owner}: {side} counts must be a 1-D integer array; "
                f"got {array.ndim}-D {array.dtype.name}"
            )
        if array.size and array.min() < 0:
            raise InputError(f"{owner}: {side} counts must not be negative")
        arrays.append(array.astype(np.int64, copy=False))
    if arrays[0].shape != arrays[1].shape:
        raise InputError(
            f"{owner}: reference and current counts must cover the same categories; "
            f"got {arrays[0].size} and {arrays[1].size} categories"
        )
    return arrays[0], arrays[1]
