"""Evaluate one planned column over any side: the one ``evaluate()`` of the engine.

A side hands over each column as raw values (an Arrow column) or as a column profile. The
column's values are prepared once per side (sorted, or counted), and the most exact kernel
that both sides allow runs:

- categories: counts aligned over both sides, exact from raw data and from profiles;
- numbers held exactly on both sides (raw data, or a profile whose sketch still holds every
  value): the method on the two sorted samples;
- otherwise, what the profiles keep (counts on the reference's bins, moments, quantile
  sketches with their error bound): see :mod:`driftscope.engine.profile_kernels`.

The effect size is the method's statistic when the method declares that its statistic *is*
the effect measure (``Method.statistic_is``), else it is computed. No method is named here.

This module dispatches; the work is in :mod:`~driftscope.engine.prepared` (a numeric side
prepared once), :mod:`~driftscope.engine.numeric` and :mod:`~driftscope.engine.categorical`
(a column's test, effect and summary by kind), :mod:`~driftscope.engine.rows` (what both
assemble a row from) and :mod:`~driftscope.engine.settings` (:class:`Settings`).
"""

from __future__ import annotations

from typing import TypeAlias

import pyarrow as pa

from driftscope._types import KIND_OF_TYPE, ColumnType, Kind
from driftscope.engine.categorical import agreement, counts_row
from driftscope.engine.embedding import embedding_row
from driftscope.engine.numeric import numeric_row
from driftscope.engine.plan import TEXT_METHOD, ColumnPlan
from driftscope.engine.prepared import from_profile, from_values
from driftscope.engine.profile_kernels import aligned_counts, missing_of
from driftscope.engine.rows import share, untested
from driftscope.engine.settings import RowOrder, Settings
from driftscope.engine.text import text_row
from driftscope.errors import InputError
from driftscope.io import category_counts
from driftscope.profiling import CategoricalProfile, ColumnProfile, NumericProfile
from driftscope.result import ColumnResult, Summary

__all__ = ["ColumnData", "RowOrder", "Settings", "evaluate"]

ColumnData: TypeAlias = pa.ChunkedArray | ColumnProfile
"""One side's column as a side hands it over: raw values, or the column's profile."""


def evaluate(
    plan: ColumnPlan, ref: ColumnData, cur: ColumnData, settings: Settings
) -> ColumnResult:
    """One column's row of the report; data problems become the row's error, never a crash."""
    if not plan.tested:
        return untested(plan, _missing_shares(ref, cur), plan.error)
    try:
        if isinstance(ref, pa.ChunkedArray) and isinstance(cur, pa.ChunkedArray):
            if plan.type == ColumnType.TEXT:
                return text_row(plan, ref, cur, settings.params_of(TEXT_METHOD))
            if plan.type == ColumnType.EMBEDDING:
                return embedding_row(plan, ref, cur)
            if KIND_OF_TYPE.get(plan.type) == Kind.NUMERIC:
                return numeric_row(
                    plan,
                    from_values(ref, settings, settings.row_order[0]),
                    from_values(cur, settings, settings.row_order[1]),
                    settings,
                )
            rhos = (
                agreement(ref, settings.row_order[0]),
                agreement(cur, settings.row_order[1]),
            )
            return counts_row(plan, category_counts(ref, cur), settings, rhos)
        if isinstance(ref, CategoricalProfile) and isinstance(cur, CategoricalProfile):
            return counts_row(plan, aligned_counts(plan.name, ref, cur), settings)
        if isinstance(ref, NumericProfile) and isinstance(cur, NumericProfile):
            inf = settings.inf_as_missing
            return numeric_row(plan, from_profile(ref, inf), from_profile(cur, inf), settings)
        raise InputError(
            f"column {plan.name!r} is {_kind(ref)} in the reference but {_kind(cur)} in the "
            "current data; profile both with the same schema"
        )
    except InputError as exc:
        shares = _missing_shares(ref, cur)
        return untested(plan, shares, str(exc), method=plan.method)


def _kind(data: ColumnData) -> str:
    if isinstance(data, pa.ChunkedArray):
        return "raw data"
    return f"profiled as {data.column_type}"


def _missing_shares(ref: ColumnData, cur: ColumnData) -> Summary:
    """Missing shares as the data holds them (+/-inf not counted), for rows not tested."""
    shares = []
    for data in (ref, cur):
        if isinstance(data, pa.ChunkedArray):
            shares.append(share(data.null_count, len(data)))
        else:
            shares.append(share(*missing_of(data, False)))
    return Summary(reference_missing_share=shares[0], current_missing_share=shares[1])
