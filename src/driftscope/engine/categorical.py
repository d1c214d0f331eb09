"""A category column's row: counts aligned over both sides (from raw data or from
profiles), the method chosen by the number of categories, new categories named."""

from __future__ import annotations

from dataclasses import replace
from types import MappingProxyType

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from driftscope._types import ColumnType, Kind
from driftscope.decision import CRAMERS_V, cramers_v
from driftscope.decision.autocorrelation import MAX_ROWS, lag1_agreement
from driftscope.engine.calibration import Measured, calibrate_result
from driftscope.engine.dependence import with_dependence
from driftscope.engine.plan import DEFAULT_BINARY_METHOD, DEFAULT_CATEGORICAL_METHOD, ColumnPlan
from driftscope.engine.rows import effect_of, run_also, share, untested
from driftscope.engine.settings import Settings
from driftscope.engine.summary import category_distribution, category_stats
from driftscope.io import CategoryCounts
from driftscope.io._numpy import from_numpy, to_numpy, valid_mask
from driftscope.result import ColumnResult, Summary
from driftscope.stats import get as get_method

MAX_NEW_CATEGORY_EXAMPLES = 5


def _misfit(plan: ColumnPlan, n_labels: int) -> str | None:
    """Why options given for this column do not fit its values: a boolean (the schema's
    type) holding more than two values, or a two-category method named for a column with
    more categories."""
    if plan.type == ColumnType.BOOLEAN and n_labels > 2:
        return (
            f"column {plan.name!r} is set to boolean but holds {n_labels} distinct values; "
            "a flag holds at most two: set its type to categorical or numeric"
        )
    binary_only = plan.method is not None and Kind.CATEGORICAL not in get_method(plan.method).kinds
    if plan.asked and binary_only and n_labels > 2:
        return (
            f"method {plan.method!r} tests two categories, but column {plan.name!r} "
            f"holds {n_labels}; name a categorical method for it (such as "
            f"{DEFAULT_CATEGORICAL_METHOD}) or leave its method to the default"
        )
    return None


def counts_row(
    plan: ColumnPlan,
    counts: CategoryCounts,
    settings: Settings,
    rhos: tuple[float | None, float | None] = (None, None),
) -> ColumnResult:
    """Test category counts aligned over both sides (from raw data or from profiles);
    ``rhos``: each side's lag-1 autocorrelation in time order, when its rows are known."""
    n_labels = len(counts.labels)
    method = plan.method
    fallback = None
    if method is not None and Kind.CATEGORICAL not in get_method(method).kinds and n_labels > 2:
        fallback = (
            f"{method} tests two categories and column {plan.name!r} holds {n_labels}: "
            f"{DEFAULT_CATEGORICAL_METHOD} decides instead"
        )
        method = None
    if method is None:
        method = DEFAULT_BINARY_METHOD if n_labels <= 2 else DEFAULT_CATEGORICAL_METHOD
    ref_total = int(counts.reference.sum()) + counts.reference_missing
    cur_total = int(counts.current.sum()) + counts.current_missing
    new = (counts.reference == 0) & (counts.current > 0)
    summary = Summary(
        reference_missing_share=share(counts.reference_missing, ref_total),
        current_missing_share=share(counts.current_missing, cur_total),
        reference_stats=category_stats(counts.labels, counts.reference, counts.reference_missing),
        current_stats=category_stats(
            counts.labels, counts.current, counts.current_missing, new=new
        ),
    )
    for side, arr in (("reference", counts.reference), ("current", counts.current)):
        if arr.sum() == 0:
            error = f"column {plan.name!r}: every value is missing in the {side}"
            return untested(plan, summary, error, method=method)
    misfit = _misfit(plan, n_labels)
    if misfit is not None:
        return untested(plan, summary, misfit, method=plan.method or method)

    def run(name: str, threshold: float | None) -> Measured:
        params = settings.params_of(name)
        res = get_method(name).from_counts(
            counts.reference, counts.current, threshold=threshold, **params
        )
        return calibrate_result(
            res,
            settings.calibration,
            params,
            reference_counts=counts.reference,
            labels=counts.labels,
            n_current=int(counts.current.sum()),
        )

    measured = run(method, plan.threshold)
    sizes = (int(counts.reference.sum()), int(counts.current.sum()))
    measured = with_dependence(measured, sizes, rhos, correct=settings.effective_sample_size)
    examples = [counts.labels[i] for i in np.flatnonzero(new)[:MAX_NEW_CATEGORY_EXAMPLES]]
    added: dict[str, object] = {"new_category_examples": examples} if examples else {}
    if fallback is not None:
        added["method_fallback"] = fallback
    if added:
        res = measured.result
        details = MappingProxyType({**res.details, **added})
        measured = replace(measured, result=replace(res, details=details))
    return ColumnResult(
        name=plan.name,
        type=plan.type,
        role=plan.role,
        method=method,
        summary=replace(
            summary,
            distribution=category_distribution(counts.labels, counts.reference, counts.current),
        ),
        test=measured.result,
        effect=effect_of(measured, CRAMERS_V, lambda: cramers_v(counts.reference, counts.current)),
        also=run_also(plan, lambda name: run(name, None).result),
    )


def agreement(data: pa.ChunkedArray, order: NDArray[np.intp] | None) -> float | None:
    """A category column's lag-1 autocorrelation in time order (``order``: its rows in time
    order; None: as they are), from its values' codes (missing values left out). Only the
    first :data:`MAX_ROWS` rows in that order are encoded: the estimate reads no more."""
    first = (
        data.slice(0, MAX_ROWS)
        if order is None
        else data.take(from_numpy(order[:MAX_ROWS].astype(np.int64)))
    )
    codes = pc.dictionary_encode(first.combine_chunks()).indices
    # through the buffers: pyarrow's own conversions import pandas (a second) to look for it
    values = to_numpy(codes).astype(np.int64)
    valid = valid_mask(codes)
    if valid is not None:
        values[~valid] = -1
    return lag1_agreement(values)
