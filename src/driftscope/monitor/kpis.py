"""Business KPIs beside drift: which features' drift came with a change in a KPI.

Each window stores every KPI column's mean (``kpi_mean``) and sum (``kpi_sum``) beside the
drift figures, so rules can watch a KPI like any metric. This module answers the question
people ask next, "did the drift cost us anything?", from the stored history:

Method. For a KPI and a feature, the windows split into those where the feature drifted
(its ``drift`` point is 1) and the others. The KPI's mean over the drifted windows is
compared with its mean over the others with Welch's t-test (windows are the observations:
their count, not the rows, sets the uncertainty), giving the change relative to the
undrifted windows with a 95% confidence interval (the interval of the difference divided by
the undrifted mean, whose own uncertainty is left out) and a p-value. The p-values of all
features are adjusted together (Benjamini-Hochberg) per KPI; an association is reported
when the adjusted p-value is below ``alpha`` and each group has at least ``min_windows``
windows.

Features that drifted in exactly the same windows cannot be told apart by this (or any)
window-level comparison: they are reported together, as one group. An association is not a
cause: a KPI that moves with a season moves with any drift of that season too.

>>> from datetime import UTC, datetime, timedelta
>>> from driftscope.monitor.store import MetricPoint
>>> day = datetime(2026, 3, 1, tzinfo=UTC)
>>> points = []
>>> for d in range(12):
...     start, end = day + timedelta(days=d), day + timedelta(days=d + 1)
...     drifted = d >= 6
...     points.append(MetricPoint("p", start, end, "device", "drift", float(drifted)))
...     points.append(MetricPoint("p", start, end, "age", "drift", 0.0))
...     rate = (0.20 if drifted else 0.30) + 0.004 * (d % 3)
...     points.append(MetricPoint("p", start, end, "converted", "kpi_mean", rate))
>>> (found,) = kpi_associations(points, ["converted"])
>>> found.features, round(found.change, 2)
(('device',), -0.33)
>>> found.message
'drift in device came with a 33% drop in converted (0.204 in 6 drifted windows vs 0.304 in 6 others; 95% CI -34% to -31%)'
"""  # noqa: E501

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from driftscope.decision.multiple_testing import adjust_p_values

if TYPE_CHECKING:
    from driftscope.monitor.store.base import MetricPoint

ALPHA = 0.05
MIN_WINDOWS = 3


@dataclass(frozen=True, slots=True)
class KpiAssociation:
    """A KPI's mean in the windows where ``features`` drifted against the others."""

    kpi: str
    features: tuple[str, ...]
    drifted_windows: int
    other_windows: int
    kpi_drifted: float
    kpi_other: float
    change: float
    """Relative change: ``kpi_drifted / kpi_other - 1``."""
    ci_low: float
    ci_high: float
    p_value: float
    p_adjusted: float

    @property
    def message(self) -> str:
        """The association in one sentence."""
        names = ", ".join(self.features)
        word = "rise" if self.change > 0 else "drop"
        return (
            f"drift in {names} came with a {abs(self.change):.0%} {word} in {self.kpi} "
            f"({self.kpi_drifted:.3g} in {self.drifted_windows} drifted windows vs "
            f"{self.kpi_other:.3g} in {self.other_windows} others; 95% CI "
            f"{self.ci_low:+.0%} to {self.ci_high:+.0%})"
        )

    def to_dict(self) -> dict[str, object]:
        """JSON-ready."""
        return {
            "kpi": self.kpi,
            "features": list(self.features),
            "drifted_windows": self.drifted_windows,
            "other_windows": self.other_windows,
            "kpi_drifted": self.kpi_drifted,
            "kpi_other": self.kpi_other,
            "change": self.change,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "p_value": self.p_value,
            "p_adjusted": self.p_adjusted,
            "message": self.message,
        }


def kpi_associations(
    points: Iterable[MetricPoint],
    kpis: Sequence[str],
    *,
    alpha: float = ALPHA,
    min_windows: int = MIN_WINDOWS,
) -> list[KpiAssociation]:
    """The features whose drift came with a change in each KPI (see the module docstring),
    strongest first per KPI."""
    drift: dict[str, dict[datetime, bool]] = {}
    values: dict[str, dict[datetime, float]] = {kpi: {} for kpi in kpis}
    for point in points:
        if point.metric == "drift" and point.column != "*":
            drift.setdefault(point.column, {})[point.window_start] = point.value == 1.0
        elif point.metric == "kpi_mean" and point.column in values and math.isfinite(point.value):
            values[point.column][point.window_start] = point.value
    groups = _patterns(drift)
    found: list[KpiAssociation] = []
    for kpi in kpis:
        series = values[kpi]
        tested = []
        for features, pattern in groups:
            inside = [series[w] for w, hit in pattern.items() if hit and w in series]
            outside = [series[w] for w, hit in pattern.items() if not hit and w in series]
            if len(inside) < min_windows or len(outside) < min_windows:
                continue
            result = _welch(inside, outside)
            if result is not None:
                tested.append((features, inside, outside, *result))
        adjusted = adjust_p_values([item[3] for item in tested], "bh").tolist() if tested else []
        for (features, inside, outside, p, low, high), p_adj in zip(tested, adjusted, strict=True):
            other = sum(outside) / len(outside)
            if p_adj >= alpha or other == 0:
                continue
            mean = sum(inside) / len(inside)
            found.append(
                KpiAssociation(
                    kpi=kpi,
                    features=features,
                    drifted_windows=len(inside),
                    other_windows=len(outside),
                    kpi_drifted=mean,
                    kpi_other=other,
                    change=mean / other - 1,
                    ci_low=low / abs(other),
                    ci_high=high / abs(other),
                    p_value=p,
                    p_adjusted=p_adj,
                )
            )
    found.sort(key=lambda a: (a.kpi, a.p_adjusted, -abs(a.change)))
    return found


def _patterns(
    drift: dict[str, dict[datetime, bool]],
) -> list[tuple[tuple[str, ...], dict[datetime, bool]]]:
    """Features grouped by their drift pattern over the windows (identical patterns cannot
    be told apart); features that never drifted are left out."""
    by_pattern: dict[tuple[tuple[datetime, bool], ...], list[str]] = {}
    for name, pattern in drift.items():
        if any(pattern.values()):
            by_pattern.setdefault(tuple(sorted(pattern.items())), []).append(name)
    return [(tuple(sorted(names)), dict(key)) for key, names in by_pattern.items()]


def _welch(inside: Sequence[float], outside: Sequence[float]) -> tuple[float, float, float] | None:
    """Welch's test of the difference of means: (p-value, 95% CI low, high); None when
    neither group varies nor differs."""
    from scipy import stats

    diff = sum(inside) / len(inside) - sum(outside) / len(outside)
    if len(set(inside)) == 1 and len(set(outside)) == 1:
        return None if diff == 0 else (0.0, diff, diff)  # no spread: the difference is exact
    test = stats.ttest_ind(inside, outside, equal_var=False)
    interval = test.confidence_interval(0.95)
    return float(test.pvalue), float(interval.low), float(interval.high)
