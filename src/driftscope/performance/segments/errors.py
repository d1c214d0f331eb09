"""Error concentration: is the model's mean error inside a slice above the rest of the data?

Per row an error is 0/1 (misclassified) or a regression's absolute error; rows whose error is
unknown (NaN) are left out.

With errors on one side only (:func:`excess_test`), H0 is that a slice's mean error equals
the mean over the rest of the same side's rows, tested one-sided (above) with a z statistic:
for 0/1 errors the two-proportion score test (variance pooled under H0), otherwise Welch's
(each part its own variance). The effect is the excess, inside mean minus outside mean.

With errors on both sides (:func:`rise_test`) the question is where the model got *worse*:
a slice that was always hard (rows near the decision boundary, a thin part of the data) has
a high error rate in both periods and is no news. H0 is that the slice's error changed from
reference to current as much as the rest's did, a difference in differences
``(cur_in - ref_in) - (cur_out - ref_out)``, tested one-sided with the four parts' own
variances; the slice's expected current error is ``ref_in + (cur_out - ref_out)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import special

from driftscope.performance.segments.slices import Codes

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class ErrorSums:
    """Per slice: labelled rows, sum of errors and of squared errors (index = slice code);
    the side's totals in the last three fields."""

    rows: FloatArray
    total: FloatArray
    squares: FloatArray
    all_rows: float
    all_total: float
    all_squares: float


def error_sums(
    slice_codes: Codes | NDArray[np.uint16],
    n_slices: int,
    errors: FloatArray,
    binary: bool = False,
) -> ErrorSums:
    """Sums of the known errors per slice code (``binary``: every error is 0 or 1, so the
    squares are the errors themselves).

    >>> s = error_sums(np.array([0, 0, 1, 1], np.uint8), 2, np.array([1.0, 0.0, 1.0, np.nan]))
    >>> s.rows.tolist(), s.total.tolist(), s.all_rows
    ([2.0, 1.0], [1.0, 1.0], 3.0)
    """
    known = ~np.isnan(errors)
    codes, values = (slice_codes, errors) if known.all() else (slice_codes[known], errors[known])
    rows = np.bincount(codes, minlength=n_slices).astype(np.float64)
    total = np.asarray(np.bincount(codes, weights=values, minlength=n_slices), np.float64)
    squares = (  # 0/1 errors are their own squares
        total
        if binary
        else np.asarray(np.bincount(codes, weights=values**2, minlength=n_slices), np.float64)
    )
    return ErrorSums(
        rows, total, squares, float(values.size), float(values.sum()), float((values**2).sum())
    )


def is_binary(errors: FloatArray) -> bool:
    """True when every known error is 0 or 1 (a classifier's misclassifications)."""
    known = errors[~np.isnan(errors)]
    return bool(np.isin(known, (0.0, 1.0)).all())


def excess_test(sums: ErrorSums, binary: bool) -> tuple[FloatArray, FloatArray, FloatArray]:
    """(p-value, inside mean, outside mean) per slice: one-sided, inside above outside.

    >>> s = error_sums(np.repeat(np.array([0, 1], np.uint8), 500), 2,
    ...                np.r_[np.tile([1.0, 0, 0, 0], 125), np.tile([1.0, 0, 0, 0, 0], 100)])
    >>> p, inside, outside = excess_test(s, binary=True)
    >>> inside.round(2).tolist(), outside.round(2).tolist(), bool(p[0] < 0.05 < p[1])
    ([0.25, 0.2], [0.2, 0.25], True)
    """
    n_in = sums.rows
    n_out = sums.all_rows - n_in
    s_out = sums.all_total - sums.total
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_in = sums.total / n_in
        mean_out = s_out / n_out
        if binary:
            pooled = sums.all_total / sums.all_rows if sums.all_rows else 0.0
            variance = pooled * (1.0 - pooled) * (1.0 / n_in + 1.0 / n_out)
        else:
            var_in = (sums.squares - n_in * mean_in**2) / (n_in - 1.0)
            var_out = (sums.all_squares - sums.squares - n_out * mean_out**2) / (n_out - 1.0)
            variance = np.maximum(var_in, 0.0) / n_in + np.maximum(var_out, 0.0) / n_out
        z = (mean_in - mean_out) / np.sqrt(variance)
    usable = (n_in >= 2) & (n_out >= 2) & np.isfinite(z)
    p = np.ones_like(mean_in)
    p[usable] = special.ndtr(-z[usable])
    return p, np.nan_to_num(mean_in), np.nan_to_num(mean_out)


def mean_and_variance(sums: ErrorSums, binary: bool, inside: bool) -> tuple[FloatArray, FloatArray]:
    """The mean error and the variance of that mean, inside each slice or outside it."""
    rows = sums.rows if inside else sums.all_rows - sums.rows
    total = sums.total if inside else sums.all_total - sums.total
    squares = sums.squares if inside else sums.all_squares - sums.squares
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = total / rows
        if binary:
            spread = mean * (1.0 - mean)
        else:
            spread = np.maximum((squares - rows * mean**2) / (rows - 1.0), 0.0)
        return mean, spread / rows


def rise_test(
    current: ErrorSums, reference: ErrorSums, binary: bool
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """(p-value, current mean inside, expected current mean inside) per slice: one-sided,
    the slice's error rose from the reference more than the rest's did.

    >>> codes = np.repeat(np.array([0, 1], np.uint8), 1_000)
    >>> ref = error_sums(codes, 2, np.r_[np.tile([1.0, 0, 0, 0], 250), np.tile([1.0, 0], 500)])
    >>> cur = error_sums(codes, 2, np.r_[np.tile([1.0, 0], 500), np.tile([1.0, 0], 500)])
    >>> p, now, expected = rise_test(cur, ref, binary=True)
    >>> now.round(2).tolist(), expected.round(2).tolist(), bool(p[0] < 0.05 < p[1])
    ([0.5, 0.5], [0.25, 0.75], True)
    """
    cur_in, v_cur_in = mean_and_variance(current, binary, inside=True)
    cur_out, v_cur_out = mean_and_variance(current, binary, inside=False)
    ref_in, v_ref_in = mean_and_variance(reference, binary, inside=True)
    ref_out, v_ref_out = mean_and_variance(reference, binary, inside=False)
    expected = ref_in + (cur_out - ref_out)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (cur_in - expected) / np.sqrt(v_cur_in + v_cur_out + v_ref_in + v_ref_out)
    usable = (
        (current.rows >= 2)
        & (current.all_rows - current.rows >= 2)
        & (reference.rows >= 2)
        & (reference.all_rows - reference.rows >= 2)
        & np.isfinite(z)
    )
    p = np.ones_like(cur_in)
    p[usable] = special.ndtr(-z[usable])
    return p, np.nan_to_num(cur_in), np.nan_to_num(expected)
