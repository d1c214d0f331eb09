"""The one input check of the multivariate tests: rows of numbers as a float64 matrix."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from driftscope.errors import InputError

FloatArray = NDArray[np.float64]


def rows_of(values: Any, side: str, owner: str, *, least: int, missing: bool) -> FloatArray:
    """``values`` (2-D, or 1-D as one column) as a float64 matrix of at least ``least`` rows;
    NaN allowed for missing when ``missing``, infinities never. Errors name ``owner``.

    >>> rows_of([[1, 2], [3, 4]], "reference", "mmd", least=2, missing=False).shape
    (2, 2)
    >>> rows_of([[1, float("inf")], [3, 4]], "current", "mmd", least=2, missing=True)
    Traceback (most recent call last):
    ...
    driftscope.errors.InputError: mmd: current row 0, column 1 holds inf; values must be finite numbers or NaN for missing
    """  # noqa: E501
    try:
        array = np.array(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{owner}: the {side} rows are not numbers ({exc})") from None
    if array.ndim == 1:
        array = array.reshape(-1, 1)
    if array.ndim != 2 or array.shape[1] == 0:
        raise InputError(f"{owner}: the {side} rows must form a 2-D array; got shape {array.shape}")
    if array.shape[0] < least:
        raise InputError(
            f"{owner}: the {side} has {array.shape[0]} row(s); the test needs at least {least} "
            "a side"
        )
    bad = np.isinf(array) if missing else ~np.isfinite(array)
    if bad.any():
        row, column = (int(i) for i in np.argwhere(bad)[0])
        rule = (
            "values must be finite numbers or NaN for missing"
            if missing
            else "every value must be a finite number (impute or drop missing values first)"
        )
        raise InputError(
            f"{owner}: {side} row {row}, column {column} holds {float(array[row, column])}; {rule}"
        )
    return array
