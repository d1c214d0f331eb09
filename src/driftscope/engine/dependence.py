"""A test's p-value at the effective sample size of autocorrelated rows (opt-in).

The lag-1 autocorrelation of each side (row order) is kept in ``details["autocorrelation"]``
whatever the options; with ``effective_sample_size=True`` a test whose p-value is computed
from the sample sizes is recomputed at :func:`~driftscope.decision.autocorrelation.effective_size`:
a KS distance through the asymptotic Kolmogorov distribution, a chi-square statistic (one
with ``dof`` in its details) scaled by the sizes' factor. Other tests keep their p-value and
distances their threshold, and ``details["effective_sample_size"]`` says it was not applied.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from types import MappingProxyType
from typing import Any

import numpy as np
import numpy.typing as npt

from driftscope._types import Role
from driftscope.decision import KS_DISTANCE
from driftscope.decision.autocorrelation import (
    STRONG_AUTOCORRELATION,
    effective_size,
    size_factor,
)
from driftscope.engine.calibration import Measured
from driftscope.engine.plan import ColumnPlan, TableSide
from driftscope.errors import DriftscopeError
from driftscope.io import numeric_values
from driftscope.result import ColumnResult, QualityIssue
from driftscope.stats import get as get_method
from driftscope.stats._pvalues import chi2_sf, ks_asymp_pvalue
from driftscope.stats._result import passes


def with_dependence(
    measured: Measured,
    sizes: tuple[int, int],
    rhos: tuple[float | None, float | None],
    *,
    correct: bool,
) -> Measured:
    """``measured`` with the sides' autocorrelation in its details and, when ``correct``,
    its p-value at the effective sizes."""
    res = measured.result
    if rhos == (None, None):
        return measured
    details: dict[str, Any] = {
        **res.details,
        "autocorrelation": {"reference": rhos[0], "current": rhos[1]},
    }
    if correct and res.higher_is_drift and not res.degenerate:
        details["effective_sample_size"] = (
            f"not applied: {res.method} is a distance, and its threshold assumes independent rows"
        )
    elif correct and res.p_value is not None and not res.degenerate:
        n_r, n_c = sizes
        e_r, e_c = effective_size(n_r, rhos[0]), effective_size(n_c, rhos[1])
        p_value = _p_value_at(res.method, res.statistic, res.details, sizes, (e_r, e_c))
        if p_value is None:
            details["effective_sample_size"] = (
                f"not applied: {res.method} has no size-based p-value"
            )
        elif (e_r, e_c) != (n_r, n_c):
            details["effective_sample_size"] = [e_r, e_c]
            details["p_value_independent"] = res.p_value
            res = replace(
                res,
                p_value=p_value,
                drifted=passes(res.statistic, p_value, res.threshold, higher_is_drift=False),
            )
    return replace(measured, result=replace(res, details=MappingProxyType(details)))


def _p_value_at(
    method: str,
    statistic: float,
    details: Any,
    sizes: tuple[int, int],
    effective: tuple[int, int],
) -> float | None:
    if get_method(method).statistic_is == KS_DISTANCE.name:
        return min(1.0, max(0.0, ks_asymp_pvalue(statistic, *effective)))
    dof = details.get("dof")
    if isinstance(dof, int) and dof > 0:
        return min(1.0, max(0.0, chi2_sf(statistic * size_factor(*sizes, *effective), dof)))
    return None


def time_column(plans: Sequence[ColumnPlan]) -> str | None:
    """The column that orders the rows in time: the one timestamp column of the comparison
    (a datetime column, or one the schema calls a timestamp); None when there is none or
    more than one (the rows' own order is then used)."""
    clocks = [plan.name for plan in plans if plan.role == Role.TIMESTAMP and plan.error is None]
    return clocks[0] if len(clocks) == 1 else None


def time_order(side: object, clock: str | None) -> npt.NDArray[np.intp] | None:
    """The rows of a side read into a table, in the order of its ``clock`` column (stable;
    missing times last); None without a clock or for a profile, which keeps no rows."""
    if clock is None or not isinstance(side, TableSide):
        return None
    try:
        times = numeric_values(side.column(clock), name=clock)
    except DriftscopeError:  # times that are not numbers after all: keep the rows' order
        return None
    if times.size and bool(np.all(times[1:] >= times[:-1])):
        return None  # already in time order
    return np.argsort(times, kind="stable")


def autocorrelation_findings(
    results: Sequence[ColumnResult], *, corrected: bool, clock: str | None = None
) -> list[QualityIssue]:
    """One ``autocorrelated`` note (severity info) naming the tested columns whose reference
    rows have a lag-1 autocorrelation of :data:`STRONG_AUTOCORRELATION` or more."""
    strong = []
    for col in results:
        found = (col.details or {}).get("autocorrelation") if col.tested else None
        rho = found.get("reference") if isinstance(found, Mapping) else None
        if rho is not None and rho >= STRONG_AUTOCORRELATION:
            strong.append(f"{col.name} ({rho:.2f})")
    if not strong:
        return []
    then = (
        "their p-values use the effective sample size (effective_sample_size=True)"
        if corrected
        else "drift may be overstated; effective_sample_size=True computes the tests' "
        "p-values at the effective sample size"
    )
    order = "row order" if clock is None else f"the order of {clock!r}"
    return [
        QualityIssue(
            None,
            "autocorrelated",
            "info",
            f"rows are not independent in {order} (lag-1 autocorrelation of the reference): "
            f"{', '.join(strong)}; the tests assume independent rows, so {then}",
        )
    ]
