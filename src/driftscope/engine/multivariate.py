"""The report's ``multivariate`` section: the tested feature columns together, as rows.

Which columns: every feature that was tested on its own and is numeric, boolean or
categorical. How each method sees them:

- ``mmd``: numbers and flags standardised by the reference's mean and standard deviation
  (a constant column by 1), a missing value as the reference's mean; each categorical column as
  indicators of its :data:`MMD_CATEGORIES` most frequent reference categories and "other",
  times 1/sqrt(2), so that two rows differing in one category lie one standard deviation
  apart. Past :data:`MMD_ROWS` rows a side a seeded random sample of them is tested
  (``approximate``).
- ``classifier``: numbers and flags as they are (missing values natively), each categorical
  column as codes of its :data:`~driftscope.multivariate.classifier.MAX_CATEGORY_CODE` most
  frequent reference categories, the others and categories new in the current data sharing
  one more code.
- ``reconstruction``: the rows as ``mmd`` sees them, at most :data:`RECONSTRUCTION_ROWS` a
  side; a categorical column's part in the explanation is its indicators' together.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from driftscope._types import ColumnType, Role
from driftscope.errors import ConfigError, InputError
from driftscope.io import numeric_values
from driftscope.multivariate import (
    MultivariateResult,
    classifier_test,
    mmd_test,
    reconstruction_test,
)
from driftscope.multivariate.classifier import MAX_CATEGORY_CODE
from driftscope.result import ColumnResult

MULTIVARIATE_METHODS = ("mmd", "classifier", "reconstruction")
"""The methods ``multivariate=`` may name, in the order the report lists them."""
MMD_ROWS = 5_000
"""Most rows of each side the MMD test takes (a seeded random sample beyond): the exact test
up to 10,000 pooled rows takes about a second."""
RECONSTRUCTION_ROWS = 200_000
"""Most rows of each side the reconstruction test takes (a seeded random sample beyond)."""
MMD_CATEGORIES = 20
"""Categories of a column that get an indicator of their own in the MMD test."""
SEED = 0

FloatArray = NDArray[np.float64]
_TYPES = (ColumnType.NUMERIC, ColumnType.BOOLEAN, ColumnType.CATEGORICAL)


def check_methods(methods: str | Sequence[str]) -> tuple[str, ...]:
    """``methods`` as a tuple of known method names; a ConfigError naming an unknown one.

    >>> check_methods("mmd"), check_methods(["classifier", "mmd"])
    (('mmd',), ('mmd', 'classifier'))
    """
    names = (methods,) if isinstance(methods, str) else tuple(methods)
    for name in names:
        if name not in MULTIVARIATE_METHODS:
            raise ConfigError(
                f"multivariate: unknown method {name!r}; choose from "
                f"{', '.join(MULTIVARIATE_METHODS)}"
            )
    if not names:
        raise ConfigError(
            f"multivariate: name at least one method ({', '.join(MULTIVARIATE_METHODS)})"
        )
    return tuple(m for m in MULTIVARIATE_METHODS if m in names)


def multivariate_section(
    reference: pa.Table,
    current: pa.Table,
    columns: Sequence[ColumnResult],
    methods: Sequence[str],
) -> tuple[MultivariateResult, ...]:
    """Each of ``methods`` on the tested feature columns of ``columns`` together."""
    chosen = [c for c in columns if c.role == Role.FEATURE and c.tested and c.type in _TYPES]
    if len(chosen) < 2:
        found = ", ".join(repr(c.name) for c in chosen) or "none"
        raise ConfigError(
            f"multivariate: the tests need at least 2 numeric, boolean or categorical feature "
            f"columns; found {len(chosen)} ({found}), whose own tests cover them"
        )
    names = tuple(c.name for c in chosen)
    out = []
    for method in check_methods(methods):
        try:
            if method == "mmd":
                result = _mmd(reference, current, chosen)
            elif method == "classifier":
                result = _classifier(reference, current, chosen)
            else:
                result = _reconstruction(reference, current, chosen)
        except InputError as exc:  # too few rows in a window, say: the report goes on
            result = MultivariateResult(
                method, math.nan, None, math.nan, False, False,
                reference.num_rows, current.num_rows, error=str(exc),
            )  # fmt: skip
        out.append(replace(result, columns=names))
    return tuple(out)


def _mmd(
    reference: pa.Table, current: pa.Table, chosen: Sequence[ColumnResult]
) -> MultivariateResult:
    ref, cur, _ = _standard_rows(reference, current, chosen, MMD_ROWS)
    return _sampled(mmd_test(ref, cur, seed=SEED), reference, current)


def _reconstruction(
    reference: pa.Table, current: pa.Table, chosen: Sequence[ColumnResult]
) -> MultivariateResult:
    ref, cur, owners = _standard_rows(reference, current, chosen, RECONSTRUCTION_ROWS)
    return _sampled(reconstruction_test(ref, cur, names=owners, seed=SEED), reference, current)


def _sampled(
    result: MultivariateResult, reference: pa.Table, current: pa.Table
) -> MultivariateResult:
    """``result`` counting the rows given, approximate when fewer were tested."""
    sampled = (result.n_reference, result.n_current) != (reference.num_rows, current.num_rows)
    return replace(
        result,
        n_reference=reference.num_rows,
        n_current=current.num_rows,
        approximate=result.approximate or sampled,
        details={**result.details, "rows_used": (result.n_reference, result.n_current)},
    )


def _standard_rows(
    reference: pa.Table, current: pa.Table, chosen: Sequence[ColumnResult], limit: int
) -> tuple[FloatArray, FloatArray, list[str]]:
    """At most ``limit`` rows a side as numbers: standardised numbers and flags, categorical
    indicators; and the column each number comes from."""
    rng = np.random.default_rng(SEED)
    ref_rows = _sample(reference.num_rows, limit, rng)
    cur_rows = _sample(current.num_rows, limit, rng)
    ref_parts: list[FloatArray] = []
    cur_parts: list[FloatArray] = []
    owners: list[str] = []
    for column in chosen:
        ref_col, cur_col = reference[column.name], current[column.name]
        if ref_rows is not None:
            ref_col = ref_col.take(ref_rows)
        if cur_rows is not None:
            cur_col = cur_col.take(cur_rows)
        if column.type == ColumnType.CATEGORICAL:
            frequent = _frequent(ref_col)
            ref_parts.append(_indicators(ref_col, frequent))
            cur_parts.append(_indicators(cur_col, frequent))
            owners += [column.name] * ref_parts[-1].shape[1]
            continue
        ref_values = numeric_values(ref_col, name=column.name)
        cur_values = numeric_values(cur_col, name=column.name)
        known = ref_values[np.isfinite(ref_values)]
        mean = float(known.mean()) if known.size else 0.0
        std = float(known.std()) if known.size else 0.0
        scale = std if std > 0 and math.isfinite(std) else 1.0
        for values, parts in ((ref_values, ref_parts), (cur_values, cur_parts)):
            standard = (values - mean) / scale
            parts.append(np.nan_to_num(standard, nan=0.0, posinf=0.0, neginf=0.0)[:, None])
        owners.append(column.name)
    return np.hstack(ref_parts), np.hstack(cur_parts), owners


def _classifier(
    reference: pa.Table, current: pa.Table, chosen: Sequence[ColumnResult]
) -> MultivariateResult:
    ref_parts, cur_parts, categorical = [], [], []
    for column in chosen:
        ref_col, cur_col = reference[column.name], current[column.name]
        if column.type == ColumnType.CATEGORICAL:
            frequent = _frequent(ref_col)
            ref_parts.append(_codes(ref_col, frequent))
            cur_parts.append(_codes(cur_col, frequent))
            categorical.append(True)
        else:
            ref_parts.append(numeric_values(ref_col, name=column.name))
            cur_parts.append(numeric_values(cur_col, name=column.name))
            categorical.append(False)
    ref = np.column_stack(ref_parts)
    cur = np.column_stack(cur_parts)
    ref[np.isinf(ref)] = np.nan
    cur[np.isinf(cur)] = np.nan
    return classifier_test(
        ref, cur, names=[c.name for c in chosen], categorical=categorical, seed=SEED
    )


def _sample(rows: int, limit: int, rng: np.random.Generator) -> NDArray[np.int64] | None:
    if rows <= limit:
        return None
    return np.sort(rng.choice(rows, limit, replace=False))


def _frequent(reference: pa.ChunkedArray) -> pa.Array:
    """The reference's most frequent categories (as text, at most
    :data:`~driftscope.multivariate.classifier.MAX_CATEGORY_CODE`), most frequent first."""
    counts = pc.value_counts(pc.drop_null(reference.cast(pa.string())))
    if len(counts) == 0:
        return pa.array([], pa.string())
    order = pc.array_sort_indices(counts.field("counts"), order="descending")
    return counts.field("values").take(order[:MAX_CATEGORY_CODE])


def _codes(column: pa.ChunkedArray, frequent: pa.Array) -> FloatArray:
    """Category codes by the reference's frequency (``frequent``, from :func:`_frequent`);
    the rest one more code; missing NaN."""
    index = pc.index_in(column.cast(pa.string()), value_set=frequent)
    codes: FloatArray = np.asarray(index.to_numpy(), dtype=np.float64)  # unmatched: NaN
    unmatched = np.isnan(codes) & ~np.asarray(column.is_null().to_numpy(), dtype=bool)
    codes[unmatched] = float(len(frequent))
    return codes


def _indicators(column: pa.ChunkedArray, frequent: pa.Array) -> FloatArray:
    """One column per one of the :data:`MMD_CATEGORIES` most frequent reference categories
    and one for the rest (missing values and new categories included), scaled so that rows of
    two categories lie 1 apart."""
    codes = _codes(column, frequent)
    width = min(len(frequent), MMD_CATEGORIES)
    codes = np.where(np.isnan(codes) | (codes >= width), width, codes).astype(np.int64)
    out = np.zeros((codes.size, width + 1))
    out[np.arange(codes.size), codes] = 1.0 / math.sqrt(2.0)
    return out
