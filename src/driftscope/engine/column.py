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
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from driftscope._types import KIND_OF_TYPE, ColumnType, Kind
from driftscope.decision import CRAMERS_V, KS_DISTANCE, EffectMeasure, cramers_v, ks_distance
from driftscope.decision.autocorrelation import MAX_ROWS, lag1_autocorrelation
from driftscope.engine.calibration import CalibrationSettings, Measured, calibrate_result
from driftscope.engine.dependence import with_dependence
from driftscope.engine.discrete import DISCRETE_METHOD, discrete_test, value_counts
from driftscope.engine.plan import (
    DEFAULT_BINARY_METHOD,
    DEFAULT_CATEGORICAL_METHOD,
    DEFAULT_NUMERIC_METHOD,
    ColumnPlan,
)
from driftscope.engine.profile_kernels import (
    aligned_counts,
    histogram_distribution,
    missing_of,
    profile_stats,
    sketch_ks_distance,
    test_profiles,
)
from driftscope.engine.summary import (
    category_distribution,
    category_stats,
    numeric_distribution,
    numeric_stats,
)
from driftscope.errors import InputError
from driftscope.io import CategoryCounts, category_counts, numeric_values
from driftscope.profiling import CategoricalProfile, ColumnProfile, NumericProfile
from driftscope.profiling.sketch_stats import exact_values
from driftscope.result import ColumnResult, Distribution, Effect, MethodResult, Summary
from driftscope.stats import TestResult, prepare_numeric
from driftscope.stats import get as get_method

MAX_NEW_CATEGORY_EXAMPLES = 5
ColumnData: TypeAlias = pa.ChunkedArray | ColumnProfile
"""One side's column as a side hands it over: raw values, or the column's profile."""
RowOrder: TypeAlias = npt.NDArray[np.intp] | None
"""The rows of one side in time order (indices), or None for the order they come in."""
_NO_PARAMS: Mapping[str, Mapping[str, Any]] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Settings:
    """How every column of a comparison is evaluated: +/-inf as missing or as an error,
    parameters per method, the calibration of distance thresholds (None: fixed), whether
    test p-values use the effective sample size of autocorrelated rows, and the order of each
    side's rows for the autocorrelation (a timestamp column's; None: as the rows come)."""

    inf_as_missing: bool = False
    params: Mapping[str, Mapping[str, Any]] = field(default_factory=lambda: _NO_PARAMS)
    calibration: CalibrationSettings | None = None
    effective_sample_size: bool = False
    row_order: tuple[RowOrder, RowOrder] = (None, None)

    def params_of(self, method: str) -> dict[str, Any]:
        return dict(self.params.get(method, {}))


@dataclass(frozen=True, slots=True)
class _Numbers:
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


def evaluate(
    plan: ColumnPlan, ref: ColumnData, cur: ColumnData, settings: Settings
) -> ColumnResult:
    """One column's row of the report; data problems become the row's error, never a crash."""
    if not plan.tested:
        return _untested(plan, _missing_shares(ref, cur), plan.error)
    try:
        if isinstance(ref, pa.ChunkedArray) and isinstance(cur, pa.ChunkedArray):
            if KIND_OF_TYPE.get(plan.type) == Kind.NUMERIC:
                return _numeric(
                    plan,
                    _from_values(ref, settings, settings.row_order[0]),
                    _from_values(cur, settings, settings.row_order[1]),
                    settings,
                )
            return _counts(plan, category_counts(ref, cur), settings)
        if isinstance(ref, CategoricalProfile) and isinstance(cur, CategoricalProfile):
            return _counts(plan, aligned_counts(plan.name, ref, cur), settings)
        if isinstance(ref, NumericProfile) and isinstance(cur, NumericProfile):
            inf = settings.inf_as_missing
            return _numeric(plan, _from_profile(ref, inf), _from_profile(cur, inf), settings)
        raise InputError(
            f"column {plan.name!r} is {_kind(ref)} in the reference but {_kind(cur)} in the "
            "current data; profile both with the same schema"
        )
    except InputError as exc:
        shares = _missing_shares(ref, cur)
        return _untested(plan, shares, str(exc), method=plan.method)


def _kind(data: ColumnData) -> str:
    if isinstance(data, pa.ChunkedArray):
        return "raw data"
    return f"profiled as {data.column_type}"


def _share(part: int, total: int) -> float:
    return part / total if total else 0.0


def _missing_shares(ref: ColumnData, cur: ColumnData) -> Summary:
    """Missing shares as the data holds them (+/-inf not counted), for rows not tested."""
    shares = []
    for data in (ref, cur):
        if isinstance(data, pa.ChunkedArray):
            shares.append(_share(data.null_count, len(data)))
        else:
            shares.append(_share(*missing_of(data, False)))
    return Summary(reference_missing_share=shares[0], current_missing_share=shares[1])


def _untested(
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


def _from_values(data: pa.ChunkedArray, settings: Settings, order: RowOrder) -> _Numbers:
    raw = numeric_values(data)  # in row order, which the autocorrelation needs
    sample = prepare_numeric(raw, inf_as_missing=settings.inf_as_missing)
    return _Numbers(
        n_missing=sample.n_missing,
        n_total=sample.n_total,
        n_inf=sample.n_inf,
        n_finite=int(sample.values.size),
        stats=numeric_stats(sample.values, sample.n_missing),
        values=sample.values,
        autocorrelation=lag1_autocorrelation(raw if order is None else raw[order[:MAX_ROWS]]),
    )


def _from_profile(col: NumericProfile, inf_as_missing: bool) -> _Numbers:
    missing, total = missing_of(col, inf_as_missing)
    values = exact_values(col.sketch)  # a sketch that holds every value stands in for them
    return _Numbers(
        n_missing=missing,
        n_total=total,
        n_inf=col.n_inf,
        n_finite=col.n_finite,
        stats=numeric_stats(values, missing) if values is not None else profile_stats(col, missing),
        values=values,
        profile=col,
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


def _numeric(plan: ColumnPlan, ref: _Numbers, cur: _Numbers, settings: Settings) -> ColumnResult:
    summary = Summary(
        reference_missing_share=_share(ref.n_missing, ref.n_total),
        current_missing_share=_share(cur.n_missing, cur.n_total),
        reference_stats=ref.stats,
        current_stats=cur.stats,
    )
    error = numeric_error(
        plan.name,
        [("reference", ref.n_inf, ref.n_finite), ("current", cur.n_inf, cur.n_finite)],
        inf_as_missing=settings.inf_as_missing,
    )
    if error is not None:
        return _untested(plan, summary, error, method=plan.method or DEFAULT_NUMERIC_METHOD)
    run: Callable[[str, float | None], Measured]
    size: Callable[[], float]
    distribution: Distribution | None
    counts = None
    if ref.values is not None and cur.values is not None:  # exact: the sorted samples
        r, c = ref.values, cur.values

        def run(name: str, threshold: float | None) -> Measured:
            return run_sorted(name, r, c, threshold=threshold, settings=settings)

        def size() -> float:
            return ks_distance(r, c)

        distribution = numeric_distribution(r, c)
        if plan.method is None and plan.type == ColumnType.NUMERIC:
            counts = value_counts(r, c)  # few whole numbers: tested on their counts
    else:  # from what the two profiles keep
        assert ref.profile is not None
        assert cur.profile is not None
        rp, cp = ref.profile, cur.profile

        def run(name: str, threshold: float | None) -> Measured:
            options = settings.params_of(name)
            return test_profiles(
                plan.name, name, rp, cp, options, settings.calibration, threshold=threshold
            )

        def size() -> float:
            return sketch_ks_distance(rp, cp)

        distribution = histogram_distribution(rp, cp)
    if counts is not None:
        measured = discrete_test(counts, plan.threshold, settings.params_of(DISCRETE_METHOD))
        effect = _effect(measured, CRAMERS_V, lambda: cramers_v(counts.reference, counts.current))
    else:
        measured = run(plan.method or DEFAULT_NUMERIC_METHOD, plan.threshold)
        effect = _effect(measured, KS_DISTANCE, size)
    sizes = (ref.n_finite, cur.n_finite)
    rhos = (ref.autocorrelation, cur.autocorrelation)
    measured = with_dependence(measured, sizes, rhos, correct=settings.effective_sample_size)
    return ColumnResult(
        name=plan.name,
        type=plan.type,
        role=plan.role,
        method=measured.result.method,
        summary=replace(summary, distribution=distribution),
        test=measured.result,
        effect=effect,
        also=run_also(plan, lambda name: run(name, None).result),
    )


def _effect(measured: Measured, measure: EffectMeasure, size: Callable[[], float]) -> Effect:
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


def run_sorted(
    method: str,
    reference: npt.NDArray[np.float64],
    current: npt.NDArray[np.float64],
    *,
    threshold: float | None,
    settings: Settings,
) -> Measured:
    """``method`` on two sorted samples, its threshold calibrated when it is a distance."""
    params = settings.params_of(method)
    res = get_method(method).from_sorted(reference, current, threshold=threshold, **params)
    return calibrate_result(
        res,
        settings.calibration,
        params,
        sorted_reference=reference,
        n_current=int(current.size),
    )


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


def _counts(plan: ColumnPlan, counts: CategoryCounts, settings: Settings) -> ColumnResult:
    """Test category counts aligned over both sides (from raw data or from profiles)."""
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
        reference_missing_share=_share(counts.reference_missing, ref_total),
        current_missing_share=_share(counts.current_missing, cur_total),
        reference_stats=category_stats(counts.labels, counts.reference, counts.reference_missing),
        current_stats=category_stats(
            counts.labels, counts.current, counts.current_missing, new=new
        ),
    )
    for side, arr in (("reference", counts.reference), ("current", counts.current)):
        if arr.sum() == 0:
            error = f"column {plan.name!r}: every value is missing in the {side}"
            return _untested(plan, summary, error, method=method)
    misfit = _misfit(plan, n_labels)
    if misfit is not None:
        return _untested(plan, summary, misfit, method=plan.method or method)

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
        effect=_effect(measured, CRAMERS_V, lambda: cramers_v(counts.reference, counts.current)),
        also=run_also(plan, lambda name: run(name, None).result),
    )
