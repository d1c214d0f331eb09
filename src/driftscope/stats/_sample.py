"""From raw array-likes to clean samples: the one place where missing values and +/-inf are handled.

Numeric samples come out sorted, finite and float64 (:func:`prepare_numeric`, and
:func:`prepare_points` for multivariate rows); labels come out as aligned category counts
(:func:`prepare_categorical`). ``None``, ``NaN`` (and pandas' ``NA`` / ``NaT``) are missing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass
from numbers import Real
from typing import Any

import numpy as np
from numpy.typing import NDArray

from driftscope.errors import InputError

_NUMERIC_KINDS = frozenset("iuf")
_MISSING_TYPE_NAMES = frozenset({"NAType", "NaTType"})  # pandas' NA and NaT, without pandas


@dataclass(frozen=True, slots=True)
class NumericSample:
    """A numeric sample ready for the tests.

    ``values`` holds the finite values, sorted ascending, as float64 (for multivariate input a
    2-D array whose rows are points, in lexicographic order). ``n_total`` counts every value
    given, ``n_missing`` those dropped as missing (None/NaN, plus +/-inf when they were asked to
    be treated as missing) and ``n_inf`` the +/-inf values found, which are never in ``values``.
    """

    values: NDArray[np.float64]
    n_total: int
    n_missing: int
    n_inf: int


@dataclass(frozen=True, slots=True)
class CategoricalCounts:
    """Category counts of two samples over the union of their categories.

    ``categories`` are sorted when they can be compared, else in order of first appearance
    (reference first); ``reference[i]`` and ``current[i]`` count ``categories[i]``.
    """

    categories: tuple[Hashable, ...]
    reference: NDArray[np.int64]
    current: NDArray[np.int64]
    reference_missing: int
    current_missing: int


def _is_missing(value: object) -> bool:
    if value is None or type(value).__name__ in _MISSING_TYPE_NAMES:
        return True
    return isinstance(value, float | np.floating) and bool(np.isnan(value))


def _is_number(value: object) -> bool:
    return isinstance(value, Real | np.number) and not isinstance(value, bool | np.bool_)


def _as_1d(values: Any, label: str) -> NDArray[Any]:
    array = np.asarray(values)
    if array.ndim != 1:
        raise InputError(f"{label}: expected a 1-D sequence of values; got {array.ndim} dimensions")
    return array


def looks_numeric(values: Any) -> bool:
    """Whether an array-like holds numbers (missing values allowed), as opposed to labels.

    Booleans, strings and dates are labels.

    >>> looks_numeric([1, None, 2.5]), looks_numeric([True, False]), looks_numeric(["a"])
    (True, False, False)
    """
    array = np.asarray(values)
    if array.dtype.kind in _NUMERIC_KINDS:
        return True
    if array.dtype.kind != "O":
        return False
    return all(_is_missing(v) or _is_number(v) for v in array.ravel())


def _float_array(values: Any, label: str, *, ndim: int) -> NDArray[np.float64]:
    """Values as float64 with NaN for missing; InputError when they are not numbers."""
    array = np.asarray(values)
    if array.ndim != ndim:
        shape = "a 1-D sequence" if ndim == 1 else "a 2-D array (rows are points)"
        raise InputError(f"{label}: expected {shape}; got {array.ndim} dimensions")
    kind = array.dtype.kind
    if kind in _NUMERIC_KINDS:
        return array.astype(np.float64, copy=False)
    if kind == "O":
        flat = array.ravel()
        bad = next((v for v in flat if not (_is_missing(v) or _is_number(v))), None)
        if bad is None:
            cleaned = [np.nan if _is_missing(v) else float(v) for v in flat]
            return np.asarray(cleaned, dtype=np.float64).reshape(array.shape)
        what = type(bad).__name__
    else:
        what = array.dtype.name
    raise InputError(f"{label}: a numeric method needs numbers; got {what} values")


def prepare_numeric(
    values: Any, *, inf_as_missing: bool = False, label: str = "values"
) -> NumericSample:
    """Drop missing values and +/-inf from a 1-D numeric sample and sort the rest.

    +/-inf never reach ``values``: they are counted in ``n_inf``, and also in ``n_missing``
    when ``inf_as_missing`` is True. Whether +/-inf is an error is the caller's decision (the
    methods raise :class:`~driftscope.errors.InputError` unless ``inf_as_missing``).

    Parameters
    ----------
    values
        A 1-D array-like of numbers; None / NaN are missing.
    inf_as_missing
        Count +/-inf as missing values instead of leaving them to be reported as an error.
    label
        How error messages name the sample, e.g. ``"ks: reference"``.

    Returns
    -------
    NumericSample

    >>> s = prepare_numeric([3.0, None, 1.0, float("inf"), float("nan")], inf_as_missing=True)
    >>> s.values.tolist(), s.n_total, s.n_missing, s.n_inf
    ([1.0, 3.0], 5, 3, 1)
    """
    array = _float_array(values, label, ndim=1)
    finite = np.isfinite(array)
    if finite.all():
        return NumericSample(np.sort(array), int(array.size), 0, 0)
    n_nan = int(np.isnan(array).sum())
    n_inf = int(array.size - finite.sum()) - n_nan
    n_missing = n_nan + (n_inf if inf_as_missing else 0)
    return NumericSample(np.sort(array[finite]), int(array.size), n_missing, n_inf)


def prepare_points(
    values: Any, *, inf_as_missing: bool = False, label: str = "values"
) -> NumericSample:
    """The multivariate counterpart of :func:`prepare_numeric`: rows are points.

    A 1-D input is taken as points of dimension 1. A row with a missing coordinate is missing;
    a row with +/-inf counts in ``n_inf``. Rows come out in lexicographic order, so results do
    not depend on the order the rows were given in.

    >>> s = prepare_points([[1.0, 2.0], [0.0, None], [0.0, 5.0]])
    >>> s.values.tolist(), s.n_missing
    ([[0.0, 5.0], [1.0, 2.0]], 1)
    """
    array = np.asarray(values)
    if array.ndim == 1:
        array = array.reshape(-1, 1)
    points = _float_array(array, label, ndim=2)
    has_nan = np.isnan(points).any(axis=1)
    has_inf = np.isinf(points).any(axis=1) & ~has_nan
    keep = ~(has_nan | has_inf)
    n_inf = int(has_inf.sum())
    n_missing = int(has_nan.sum()) + (n_inf if inf_as_missing else 0)
    kept = points[keep]
    # np.lexsort's last key is the primary one, hence the reversed columns.
    order = np.lexsort(kept.T[::-1]) if kept.shape[1] else np.arange(kept.shape[0])
    return NumericSample(np.ascontiguousarray(kept[order]), int(points.shape[0]), n_missing, n_inf)


def _sorted_categories(categories: list[Hashable]) -> list[Hashable]:
    try:
        return sorted(categories)  # type: ignore[type-var]
    except TypeError:  # mixed types (1 and "a") have no order: keep first appearance
        return categories


def _counts_fast(ref: NDArray[Any], cur: NDArray[Any]) -> CategoricalCounts:
    """Counting with np.unique for plain (non-object) arrays of one kind."""
    missing = []
    kept = []
    for side in (ref, cur):
        kind = side.dtype.kind
        if kind == "f":
            mask = np.isnan(side)
        elif kind in "mM":
            mask = np.isnat(side)
        else:
            mask = np.zeros(side.shape, dtype=bool)
        missing.append(int(mask.sum()))
        kept.append(side[~mask])
    pooled = np.concatenate(kept)
    uniques, inverse = np.unique(pooled, return_inverse=True)
    k = uniques.size
    n_ref = kept[0].size
    ref_counts = np.bincount(inverse[:n_ref], minlength=k).astype(np.int64)
    cur_counts = np.bincount(inverse[n_ref:], minlength=k).astype(np.int64)
    return CategoricalCounts(
        tuple(uniques.tolist()), ref_counts, cur_counts, missing[0], missing[1]
    )


def _counts_general(ref: NDArray[Any], cur: NDArray[Any]) -> CategoricalCounts:
    """Counting with a dict, for object arrays and mixed kinds; any hashable label works."""
    counters: list[Counter[Hashable]] = []
    missing = []
    for side in (ref, cur):
        counter: Counter[Hashable] = Counter()
        n_missing = 0
        for value in side.tolist():
            if _is_missing(value):
                n_missing += 1
            else:
                counter[value] += 1
        counters.append(counter)
        missing.append(n_missing)
    seen = dict.fromkeys([*counters[0], *counters[1]])
    categories = _sorted_categories(list(seen))
    ref_counts = np.array([counters[0][c] for c in categories], dtype=np.int64)
    cur_counts = np.array([counters[1][c] for c in categories], dtype=np.int64)
    return CategoricalCounts(tuple(categories), ref_counts, cur_counts, missing[0], missing[1])


def prepare_categorical(reference: Any, current: Any) -> CategoricalCounts:
    """Count the labels of two samples over the union of their categories.

    Labels may be of any hashable type; None and NaN are missing. Equal labels count as one
    category (so ``1`` and ``1.0`` are the same category, as in a Python dict).

    >>> counts = prepare_categorical(["a", "b", None, "b"], ["c", "a"])
    >>> counts.categories, counts.reference.tolist(), counts.current.tolist()
    (('a', 'b', 'c'), [1, 2, 0], [1, 0, 1])
    >>> counts.reference_missing
    1
    """
    ref = _as_1d(reference, "reference")
    cur = _as_1d(current, "current")
    kinds = {ref.dtype.kind, cur.dtype.kind}
    if "O" not in kinds and (len(kinds) == 1 or kinds <= _NUMERIC_KINDS):
        return _counts_fast(ref, cur)
    return _counts_general(ref, cur)
