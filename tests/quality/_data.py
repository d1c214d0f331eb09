"""A reference-like table of many kinds of column, drawn afresh from one fixed population."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from driftscope.io._numpy import from_numpy

CITIES = np.array([f"city_{i}" for i in range(30)])
# A long tail: the last cities are rare, so a small sample misses some of them.
CITY_P = np.geomspace(1.0, 0.01, CITIES.size) / np.geomspace(1.0, 0.01, CITIES.size).sum()


def draw(rng: np.random.Generator, n: int, *, start: int = 0) -> pa.Table:
    """``n`` rows of the population: numbers of several shapes, counts, categories with a
    long tail, a flag, a column with 2% missing and an id."""
    income = rng.lognormal(10.0, 1.0, n)
    income[rng.random(n) < 0.02] = np.nan
    return pa.table(
        {
            "customer_id": from_numpy(np.arange(start, start + n)),
            "age": from_numpy(rng.integers(18, 91, n)),
            "income": from_numpy(income),
            "balance": from_numpy(rng.normal(0.0, 1_000.0, n)),
            "score": from_numpy(rng.uniform(0.0, 1.0, n)),
            "visits": from_numpy(rng.poisson(3.0, n)),
            "returns": from_numpy(rng.standard_t(3, n)),
            "city": pa.array(CITIES).take(from_numpy(rng.choice(CITIES.size, n, p=CITY_P))),
            "member": from_numpy(rng.random(n) < 0.3),
        }
    )
