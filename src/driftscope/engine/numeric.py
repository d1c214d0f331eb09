"""A numeric column's row: the method on the two sorted samples when both sides hold every
value, else on what the two profiles keep; a few whole numbers are tested on their counts."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

import numpy as np
import numpy.typing as npt

from driftscope._types import ColumnType
from driftscope.decision import CRAMERS_V, KS_DISTANCE, cramers_v, ks_distance
from driftscope.engine.calibration import Measured, calibrate_result
from driftscope.engine.dependence import with_dependence
from driftscope.engine.discrete import DISCRETE_METHOD, discrete_test, value_counts
from driftscope.engine.plan import DEFAULT_NUMERIC_METHOD, ColumnPlan
from driftscope.engine.prepared import Numbers
from driftscope.engine.profile_kernels import (
    histogram_distribution,
    sketch_ks_distance,
    test_profiles,
)
from driftscope.engine.rows import effect_of, run_also, share, untested
from driftscope.engine.settings import Settings
from driftscope.engine.summary import numeric_distribution
from driftscope.result import ColumnResult, Distribution, Summary
from driftscope.stats import get as get_method


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


def numeric_row(plan: ColumnPlan, ref: Numbers, cur: Numbers, settings: Settings) -> ColumnResult:
    summary = Summary(
        reference_missing_share=share(ref.n_missing, ref.n_total),
        current_missing_share=share(cur.n_missing, cur.n_total),
        reference_stats=ref.stats,
        current_stats=cur.stats,
    )
    error = numeric_error(
        plan.name,
        [("reference", ref.n_inf, ref.n_finite), ("current", cur.n_inf, cur.n_finite)],
        inf_as_missing=settings.inf_as_missing,
    )
    if error is not None:
        return untested(plan, summary, error, method=plan.method or DEFAULT_NUMERIC_METHOD)
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
        effect = effect_of(measured, CRAMERS_V, lambda: cramers_v(counts.reference, counts.current))
    else:
        measured = run(plan.method or DEFAULT_NUMERIC_METHOD, plan.threshold)
        effect = effect_of(measured, KS_DISTANCE, size)
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
