"""Evaluate one planned column: extract values once, run its method, summarise for people."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from driftscope._types import ColumnType
from driftscope.decision import CRAMERS_V, KS_DISTANCE, EffectMeasure, cramers_v, ks_distance
from driftscope.engine.calibration import CalibrationSettings, calibrate_result
from driftscope.engine.plan import (
    DEFAULT_BINARY_METHOD,
    DEFAULT_CATEGORICAL_METHOD,
    ColumnPlan,
)
from driftscope.engine.summary import (
    category_distribution,
    category_stats,
    numeric_distribution,
    numeric_stats,
)
from driftscope.errors import InputError
from driftscope.io import CategoryCounts, category_counts, numeric_values
from driftscope.report.model import ColumnResult, MethodResult
from driftscope.stats import TestResult, prepare_numeric
from driftscope.stats import get as get_method

MAX_NEW_CATEGORY_EXAMPLES = 5


def _effect(res: TestResult, measure: EffectMeasure, size: Callable[[], float]) -> dict[str, Any]:
    """Effect-size fields of a result: a distance is its own effect (its threshold decides);
    a test gets ``measure``, computed only then, with that measure's default minimum."""
    if res.higher_is_drift:
        return {
            "effect_size": res.statistic,
            "effect_measure": res.method,
            "effect_threshold": res.threshold,
        }
    return {
        "effect_size": size(),
        "effect_measure": measure.name,
        "effect_threshold": measure.default_minimum,
    }


def _share(part: int, total: int) -> float:
    return part / total if total else 0.0


def untested(plan: ColumnPlan, ref: pa.ChunkedArray, cur: pa.ChunkedArray) -> ColumnResult:
    """The row of a column that is reported but not tested (id, timestamp, error, ...)."""
    return ColumnResult(
        name=plan.name,
        type=plan.type,
        role=plan.role,
        method=None,
        statistic=None,
        p_value=None,
        threshold=None,
        higher_is_drift=None,
        drifted=False,
        reference_missing_share=_share(ref.null_count, len(ref)),
        current_missing_share=_share(cur.null_count, len(cur)),
        error=plan.error,
        note=plan.note,
    )


def _result(
    plan: ColumnPlan,
    method: str,
    res: TestResult | None,
    ref_missing: float,
    cur_missing: float,
    error: str | None = None,
    **extra: Any,
) -> ColumnResult:
    details: Mapping[str, Any] = dict(res.details) if res is not None else {}
    return ColumnResult(
        name=plan.name,
        type=plan.type,
        role=plan.role,
        method=method,
        statistic=res.statistic if res is not None else None,
        p_value=res.p_value if res is not None else None,
        threshold=res.threshold if res is not None else None,
        higher_is_drift=res.higher_is_drift if res is not None else None,
        drifted=res.drifted if res is not None else False,
        reference_missing_share=ref_missing,
        current_missing_share=cur_missing,
        error=error,
        details=details,
        **extra,
    )


def evaluate_numeric(
    plan: ColumnPlan,
    ref: pa.ChunkedArray,
    cur: pa.ChunkedArray,
    *,
    inf_as_missing: bool,
    params: Mapping[str, Any],
    calibration: CalibrationSettings | None = None,
) -> ColumnResult:
    """Sort each side once and give the sorted samples to the method and the summary."""
    method = plan.method or "ks"
    rs = prepare_numeric(numeric_values(ref), inf_as_missing=inf_as_missing)
    cs = prepare_numeric(numeric_values(cur), inf_as_missing=inf_as_missing)
    ref_missing = _share(rs.n_missing, rs.n_total)
    cur_missing = _share(cs.n_missing, cs.n_total)
    stats_r = numeric_stats(rs.values, rs.n_missing)
    stats_c = numeric_stats(cs.values, cs.n_missing)
    error = numeric_error(
        plan.name,
        [("reference", rs.n_inf, rs.values.size), ("current", cs.n_inf, cs.values.size)],
        inf_as_missing=inf_as_missing,
    )
    if error is not None:
        return _result(
            plan,
            method,
            None,
            ref_missing,
            cur_missing,
            error,
            reference_stats=stats_r,
            current_stats=stats_c,
        )
    res, extra = test_sorted(
        plan, method, rs.values, cs.values, params=params, calibration=calibration
    )
    return _result(
        plan,
        method,
        res,
        ref_missing,
        cur_missing,
        reference_stats=stats_r,
        current_stats=stats_c,
        **extra,
    )


def numeric_error(
    name: str, sides: Iterable[tuple[str, int, int]], *, inf_as_missing: bool
) -> str | None:
    """Why a numeric column cannot be tested, from ``(side, n_inf, n_values)`` per side."""
    for side, n_inf, n_values in sides:
        if n_inf and not inf_as_missing:
            return (
                f"column {name!r} has {n_inf} +/-inf value(s) in the {side}; "
                "pass inf_as_missing=True (--inf-as-missing) to treat them as missing"
            )
        if n_values == 0:
            return f"column {name!r}: every value is missing in the {side}"
    return None


def run_also(plan: ColumnPlan, run: Callable[[str], TestResult]) -> tuple[MethodResult, ...]:
    """The further methods of a column (``plan.also``), each run by ``run(method)`` at its
    default threshold; one that cannot run keeps its place with the reason."""
    out = []
    for method in plan.also:
        try:
            out.append(MethodResult(method, run(method)))
        except InputError as exc:
            out.append(MethodResult(method, error=str(exc)))
    return tuple(out)


def run_sorted(
    method: str,
    reference: npt.NDArray[np.float64],
    current: npt.NDArray[np.float64],
    *,
    threshold: float | None,
    params: Mapping[str, Any],
    calibration: CalibrationSettings | None,
) -> TestResult:
    """``method`` on two sorted samples, its threshold calibrated when it is a distance."""
    res = get_method(method).from_sorted(
        reference, current, threshold=threshold, **params.get(method, {})
    )
    return calibrate_result(
        res,
        calibration,
        dict(params.get(method, {})),
        sorted_reference=reference,
        n_current=int(current.size),
    )


def test_sorted(
    plan: ColumnPlan,
    method: str,
    reference: npt.NDArray[np.float64],
    current: npt.NDArray[np.float64],
    *,
    params: Mapping[str, Any],
    calibration: CalibrationSettings | None,
) -> tuple[TestResult, dict[str, Any]]:
    """Run ``method`` and the plan's further methods on two sorted samples; also the row's
    effect and chart."""
    res = run_sorted(
        method,
        reference,
        current,
        threshold=plan.threshold,
        params=params,
        calibration=calibration,
    )
    also = run_also(
        plan,
        lambda m: run_sorted(
            m, reference, current, threshold=None, params=params, calibration=calibration
        ),
    )
    # ks reports D itself (as the lattice value in exact mode, which is D up to rounding)
    effect = _effect(
        res,
        KS_DISTANCE,
        lambda: res.statistic if res.method == "ks" else ks_distance(reference, current),
    )
    return res, {
        "distribution": numeric_distribution(reference, current),
        "also": also,
        **effect,
    }


def evaluate_categorical(
    plan: ColumnPlan,
    ref: pa.ChunkedArray,
    cur: pa.ChunkedArray,
    *,
    params: Mapping[str, Any],
    calibration: CalibrationSettings | None = None,
) -> ColumnResult:
    """Count categories once (aligned over both sides) and test the counts."""
    return evaluate_counts(plan, category_counts(ref, cur), params=params, calibration=calibration)


def evaluate_counts(
    plan: ColumnPlan,
    counts: CategoryCounts,
    *,
    params: Mapping[str, Any],
    calibration: CalibrationSettings | None = None,
) -> ColumnResult:
    """Test category counts aligned over both sides (from raw data or from profiles)."""
    n_labels = len(counts.labels)
    method = plan.method
    if method is None or ("categorical" not in get_method(method).kinds and n_labels > 2):
        method = DEFAULT_BINARY_METHOD if n_labels <= 2 else DEFAULT_CATEGORICAL_METHOD
    ref_missing = _share(
        counts.reference_missing, int(counts.reference.sum()) + counts.reference_missing
    )
    cur_missing = _share(counts.current_missing, int(counts.current.sum()) + counts.current_missing)
    new = (counts.reference == 0) & (counts.current > 0)
    stats_r = category_stats(counts.labels, counts.reference, counts.reference_missing)
    stats_c = category_stats(counts.labels, counts.current, counts.current_missing, new=new)
    for side, arr in (("reference", counts.reference), ("current", counts.current)):
        if arr.sum() == 0:
            return _result(
                plan,
                method,
                None,
                ref_missing,
                cur_missing,
                f"column {plan.name!r}: every value is missing in the {side}",
                reference_stats=stats_r,
                current_stats=stats_c,
            )

    def run(name: str, threshold: float | None) -> TestResult:
        res = get_method(name).from_counts(
            counts.reference, counts.current, threshold=threshold, **params.get(name, {})
        )
        return calibrate_result(
            res,
            calibration,
            dict(params.get(name, {})),
            reference_counts=counts.reference,
            labels=counts.labels,
            n_current=int(counts.current.sum()),
        )

    res = run(method, plan.threshold)
    also = run_also(plan, lambda name: run(name, None))
    examples = [counts.labels[i] for i in np.flatnonzero(new)[:MAX_NEW_CATEGORY_EXAMPLES]]
    if examples:
        res = replace(res, details={**res.details, "new_category_examples": examples})
    return _result(
        plan,
        method,
        res,
        ref_missing,
        cur_missing,
        distribution=category_distribution(counts.labels, counts.reference, counts.current),
        also=also,
        reference_stats=stats_r,
        current_stats=stats_c,
        **_effect(res, CRAMERS_V, lambda: cramers_v(counts.reference, counts.current)),
    )


def evaluate(
    plan: ColumnPlan,
    ref: pa.ChunkedArray,
    cur: pa.ChunkedArray,
    *,
    inf_as_missing: bool,
    params: Mapping[str, Any],
    calibration: CalibrationSettings | None = None,
) -> ColumnResult:
    """One column's row of the report; data problems become the row's error, never a crash."""
    if not plan.tested:
        return untested(plan, ref, cur)
    try:
        if plan.type in (ColumnType.NUMERIC, ColumnType.DATETIME):
            return evaluate_numeric(
                plan,
                ref,
                cur,
                inf_as_missing=inf_as_missing,
                params=params,
                calibration=calibration,
            )
        return evaluate_categorical(plan, ref, cur, params=params, calibration=calibration)
    except InputError as exc:
        return replace(untested(plan, ref, cur), method=plan.method, error=str(exc))
