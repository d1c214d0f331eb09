"""Data with every kind of column, and the views of profiles that the integrations must match."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa

from driftscope.profiling import NumericProfile, Profile
from driftscope.profiling.parts import sketch_bins
from tests.profiling._helpers import exact as merged_exact

START = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def make_table(n: int = 3000, seed: int = 7, *, shift: float = 0.0) -> pa.Table:
    """Numbers with NaN, +/-inf and nulls, counts, decimals, categories, flags and timestamps."""
    rng = np.random.default_rng(seed)
    x = rng.normal(50.0 + shift, 10.0, n)
    x[::37] = np.nan
    x[5], x[9] = np.inf, -np.inf
    x_mask = np.zeros(n, dtype=bool)
    x_mask[3::41] = True  # nulls as well as NaN: both are missing
    plan = rng.choice(np.array(["basic", "plus", "pro"], dtype=object), n)
    plan[::13] = None
    flag = (rng.random(n) < 0.3).astype(object)
    flag[::17] = None
    seconds = rng.integers(0, 90 * 86_400, n)
    when = [
        None if i % 29 == 0 else START + dt.timedelta(seconds=int(s)) for i, s in enumerate(seconds)
    ]
    price = [Decimal(int(c)) / 100 for c in rng.integers(100, 10_000, n)]
    return pa.table(
        {
            "x": pa.array(x, mask=x_mask),
            "count": pa.array(rng.poisson(4.0, n), pa.int64()),
            "price": pa.array(price, pa.decimal128(10, 2)),
            "plan": pa.array(plan, pa.string()),
            "flag": pa.array(flag, pa.bool_()),
            "when": pa.array(when, pa.timestamp("us", tz="UTC")),
        }
    )


def split(table: pa.Table, sizes: list[int]) -> list[pa.Table]:
    """Consecutive slices of ``table`` with these row counts (0 for an empty part)."""
    assert sum(sizes) == table.num_rows
    starts = np.cumsum([0, *sizes[:-1]])
    return [table.slice(int(start), size) for start, size in zip(starts, sizes, strict=True)]


def exact(p: Profile) -> dict[str, Any]:
    """Every field a profile built in parts must share with one built in one piece, column
    order included. Histograms are left to the callers: their edges depend on how the
    reference was built."""
    return {**merged_exact(p), "columns": p.column_names}


def histograms(p: Profile) -> dict[str, tuple[tuple[float, ...], tuple[int, ...], int] | None]:
    """Edges, counts and n_bins of every numeric column's histogram."""
    return {
        name: None
        if col.histogram is None
        else (col.histogram.edges, col.histogram.counts, col.histogram.n_bins)
        for name, col in p.columns.items()
        if isinstance(col, NumericProfile)
    }


def assert_same_profile(distributed: Profile, local: Profile) -> None:
    """Exact fields and histograms equal, means and m2 within 1e-9 relative."""
    assert exact(distributed) == exact(local)
    assert histograms(distributed) == histograms(local)
    for name, col in local.columns.items():
        if isinstance(col, NumericProfile):
            other = distributed[name]
            assert isinstance(other, NumericProfile)
            if col.mean is None:
                assert other.mean is None
            else:
                assert other.mean is not None
                assert math.isclose(other.mean, col.mean, rel_tol=1e-9)
            assert math.isclose(other.m2, col.m2, rel_tol=1e-9, abs_tol=1e-6)


def assert_binned_on_its_sketch(p: Profile, n_bins: int) -> None:
    """Every numeric histogram counts all finite values, on the edges of the profile's sketch."""
    edges = sketch_bins(p, n_bins)
    for name, col in p.columns.items():
        if isinstance(col, NumericProfile) and col.n_finite:
            assert col.histogram is not None
            assert col.histogram.total == col.n_finite
            assert col.histogram.edges == edges[name].edges
            assert col.histogram.n_bins == n_bins
