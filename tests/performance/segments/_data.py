"""Seeded tables for the segment search tests: a few categorical and numeric columns, with an
optional drift planted inside one value of `region` (or one pair of values)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from driftscope._types import ColumnType
from driftscope.io._numpy import from_numpy

REGIONS = ["north", "south", "east", "west", "central"]
REGION_P = [0.05, 0.30, 0.25, 0.22, 0.18]
DEVICES = ["android", "ios", "web"]
TYPES = {
    "region": ColumnType.CATEGORICAL,
    "device": ColumnType.CATEGORICAL,
    "amount": ColumnType.NUMERIC,
    "age": ColumnType.NUMERIC,
    "income": ColumnType.NUMERIC,
}


def strings(codes: np.ndarray, names: list[str]) -> pa.Array:
    """Codes as a plain string column (no Python list goes through pa.array)."""
    dictionary = pa.DictionaryArray.from_arrays(from_numpy(codes.astype(np.int32)), pa.array(names))
    return dictionary.cast(pa.string())


def side(
    n: int,
    seed: int,
    *,
    shift: float = 0.0,
    pair: bool = False,
    everywhere: float = 0.0,
) -> tuple[pa.Table, np.ndarray]:
    """One side and the mask of the planted slice (north, or north and android when ``pair``):
    ``shift`` moves amount and age inside it, ``everywhere`` moves amount on every row."""
    rng = np.random.default_rng(seed)
    region = rng.choice(len(REGIONS), n, p=REGION_P)
    device = rng.choice(len(DEVICES), n, p=[0.4, 0.4, 0.2])
    planted = (region == 0) & (device == 0) if pair else region == 0
    amount = rng.normal(0, 1, n) + everywhere + shift * planted
    age = rng.normal(40, 10, n) + 10 * shift * planted
    table = pa.table(
        {
            "region": strings(region, REGIONS),
            "device": strings(device, DEVICES),
            "amount": from_numpy(amount),
            "age": from_numpy(age),
            "income": from_numpy(rng.gamma(2.0, 1.0, n)),
        }
    )
    return table, planted
