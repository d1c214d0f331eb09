"""Assembling a column's row of the report: shares, untested rows, the effect, the further
methods. Shared by the numeric and the category evaluations."""

from __future__ import annotations

from collections.abc import Callable

import pyarrow as pa

from driftscope.decision import EffectMeasure
from driftscope.engine.calibration import Measured
from driftscope.engine.plan import ColumnPlan
from driftscope.errors import InputError
from driftscope.result import ColumnResult, Effect, MethodResult, Summary
from driftscope.stats import TestResult
from driftscope.stats import get as get_method


def share(part: int, total: int) -> float:
    """``part / total``, 0 for an empty side."""
    return part / total if total else 0.0


def missing_summary(ref: pa.ChunkedArray, cur: pa.ChunkedArray) -> Summary:
    """The missing shares of two raw columns, for a row with no value summary (text,
    vectors)."""
    return Summary(
        reference_missing_share=share(ref.null_count, len(ref)),
        current_missing_share=share(cur.null_count, len(cur)),
    )


def untested(
    plan: ColumnPlan, summary: Summary, error: str | None, *, method: str | None = None
) -> ColumnResult:
    """The row of a column reported but not tested (an id, a timestamp, an error, ...)."""
    return ColumnResult(
        name=plan.name,
        type=plan.type,
        role=plan.role,
        method=method,
        summary=summary,
        error=error,
        note=plan.note,
    )


def effect_of(measured: Measured, measure: EffectMeasure, size: Callable[[], float]) -> Effect:
    """A column's effect: a distance is its own effect (its fixed threshold is the minimum,
    its calibration what chance reaches); a test gets ``measure`` with that measure's
    default minimum, taken from the statistic when the method's statistic is that measure."""
    res = measured.result
    if res.higher_is_drift:
        return Effect(
            size=res.statistic,
            measure=res.method,
            minimum=measured.fixed,
            chance=measured.chance,
            detectable=measured.chance,
        )
    own = get_method(res.method).statistic_is == measure.name
    return Effect(
        size=res.statistic if own else size(),
        measure=measure.name,
        minimum=measure.default_minimum,
    )


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
