"""One side of a numeric column, prepared once: from raw values or from its profile."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from driftscope.decision.autocorrelation import MAX_ROWS, lag1_autocorrelation
from driftscope.engine.profile_kernels import missing_of, profile_stats
from driftscope.engine.settings import RowOrder, Settings
from driftscope.engine.summary import numeric_stats
from driftscope.io import numeric_values
from driftscope.profiling import NumericProfile
from driftscope.profiling.sketch_stats import exact_values
from driftscope.stats import prepare_numeric


@dataclass(frozen=True, slots=True)
class Numbers:
    """One side of a numeric column, prepared once: its sorted finite values when they are
    all known (raw data, or a profile whose sketch still holds every value), else its
    profile; with its counts and summary numbers."""

    n_missing: int
    n_total: int
    n_inf: int
    n_finite: int
    stats: Mapping[str, float | int | str | None]
    values: npt.NDArray[np.float64] | None = None
    profile: NumericProfile | None = None
    autocorrelation: float | None = None


def from_values(data: pa.ChunkedArray, settings: Settings, order: RowOrder) -> Numbers:
    """A side from its raw values (``order``: its rows in time order, for the autocorrelation)."""
    raw = numeric_values(data)  # in row order, which the autocorrelation needs
    sample = prepare_numeric(raw, inf_as_missing=settings.inf_as_missing)
    return Numbers(
        n_missing=sample.n_missing,
        n_total=sample.n_total,
        n_inf=sample.n_inf,
        n_finite=int(sample.values.size),
        stats=numeric_stats(sample.values, sample.n_missing),
        values=sample.values,
        autocorrelation=lag1_autocorrelation(raw if order is None else raw[order[:MAX_ROWS]]),
    )


def from_profile(col: NumericProfile, inf_as_missing: bool) -> Numbers:
    """A side from its profile: exact values while its sketch still holds every one."""
    missing, total = missing_of(col, inf_as_missing)
    values = exact_values(col.sketch)  # a sketch that holds every value stands in for them
    return Numbers(
        n_missing=missing,
        n_total=total,
        n_inf=col.n_inf,
        n_finite=col.n_finite,
        stats=numeric_stats(values, missing) if values is not None else profile_stats(col, missing),
        values=values,
        profile=col,
    )
