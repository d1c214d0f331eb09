"""Shared fixtures: small realistic datasets written as files the way users have them."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import settings

# CI replays the same examples every run, so a red build is reproducible and not a draw of
# the dice; on a developer's machine hypothesis keeps exploring new ones.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


def make_tables(n: int = 3000, seed: int = 1, *, drift: bool = True) -> tuple[pa.Table, pa.Table]:
    """A reference and a current table: `shifted` and `plan` drift (when asked), others do not.

    At alpha 0.05 a column that does not drift still alarms in one seed of twenty (seed 0 makes
    `stable` do so, p = 0.028); the default seed is one where none of them does.
    """
    rng = np.random.default_rng(seed)

    def side(shift: float, plan_p: list[float]) -> pa.Table:
        return pa.table(
            {
                "stable": rng.normal(0.0, 1.0, n),
                "shifted": rng.normal(shift, 1.0, n),
                "count": rng.poisson(4.0, n).astype(np.int64),
                "plan": rng.choice(["basic", "plus", "pro"], n, p=plan_p).tolist(),
                "flag": rng.random(n) < 0.3,
            }
        )

    ref = side(0.0, [0.5, 0.3, 0.2])
    cur = side(0.5 if drift else 0.0, [0.2, 0.3, 0.5] if drift else [0.5, 0.3, 0.2])
    return ref, cur


@pytest.fixture
def tables() -> tuple[pa.Table, pa.Table]:
    return make_tables()


@pytest.fixture
def parquet_pair(tmp_path: Path, tables: tuple[pa.Table, pa.Table]) -> tuple[Path, Path]:
    ref, cur = tables
    rp, cp = tmp_path / "ref.parquet", tmp_path / "cur.parquet"
    pq.write_table(ref, rp)
    pq.write_table(cur, cp)
    return rp, cp


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, for a module's browser tests (:mod:`tests._browser`)."""
    from tests._browser import chromium

    yield from chromium()
