"""Where a report's drift and errors concentrate, and what accounts for a performance drop.

The report's two diagnoses that read raw rows after the drift and performance passes: the
segment search (:mod:`driftscope.performance.segments`) over the report's tested features,
the drifted ones first, with each labelled side's row errors, and the drop explanation
(:mod:`driftscope.performance.explain`) of the headline metric's fall, the reference's rows
re-weighted to the current inputs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Literal

import pyarrow as pa

from driftscope._types import ColumnType, Role
from driftscope.engine.performance import ModelMeasurement, ModelRows
from driftscope.performance.classification import FloatArray
from driftscope.performance.metrics import HIGHER_IS_BETTER
from driftscope.result import ColumnResult, DropExplanation, MetricValue, Segment

SEGMENT_TYPES = frozenset({ColumnType.NUMERIC, ColumnType.CATEGORICAL, ColumnType.BOOLEAN})
"""The column types the segment search slices on."""
HEADLINE = {
    "binary_classification": ("roc_auc", "accuracy"),
    "multiclass_classification": ("roc_auc", "accuracy"),
    "regression": ("mae",),
}
"""The metric whose drop is explained, per task: the first the report measured on both
sides."""
DOMAIN_MODEL: Literal["logistic"] = "logistic"
"""The joint weights' classifier in a report: the logistic regression on the features' bins
(numpy and scipy). The boosted one learns interactions but brings scikit-learn, and pandas
with it, into every report with a model; call :func:`~driftscope.performance.explain.
explain_drop` with ``domain_model="boosting"`` for it."""


def features_of(columns: Sequence[ColumnResult]) -> dict[str, ColumnType]:
    """The report's tested features the diagnoses read, with their types."""
    return {
        c.name: c.type
        for c in columns
        if c.role == Role.FEATURE and c.tested and c.type in SEGMENT_TYPES
    }


def segment_features(columns: Sequence[ColumnResult]) -> dict[str, ColumnType]:
    """:func:`features_of` in the order the segment search reads them: the features the
    report found drifted first, most severe first (``severity_score``, the order of
    :attr:`~driftscope.result.DriftReport.drifted_columns`), then the rest in the report's
    order. The search reads at most
    :data:`~driftscope.performance.segments.search.MAX_COLUMNS` columns, the first ones;
    a change concentrated in a slice moves its features overall too, so past the cap the
    drifted columns are the likeliest to matter.

    >>> import driftscope, numpy as np
    >>> rng = np.random.default_rng(0)
    >>> report = driftscope.compare(
    ...     {"a": rng.normal(0, 1, 500), "b": rng.normal(0, 1, 500)},
    ...     {"a": rng.normal(0, 1, 500), "b": rng.normal(1, 1, 500)})
    >>> list(segment_features(report.columns))
    ['b', 'a']
    """
    features = features_of(columns)
    drifted = [c for c in columns if c.name in features and c.drifted]
    drifted.sort(key=lambda c: -c.severity_score)  # stable: ties keep the report's order
    first = [c.name for c in drifted]
    taken = set(first)
    return {name: features[name] for name in [*first, *(n for n in features if n not in taken)]}


def segments_note(columns: Sequence[ColumnResult]) -> str | None:
    """What the segment search leaves out of the report's features (beyond its column cap),
    in words for the report; None when it reads them all.

    >>> import driftscope, numpy as np
    >>> rng = np.random.default_rng(0)
    >>> reference = {f"x{j}": rng.normal(0, 1, 500) for j in range(103)}
    >>> current = {f"x{j}": rng.normal(j // 102, 1, 500) for j in range(103)}  # x102 moves
    >>> print(segments_note(driftscope.compare(reference, current).columns))  # doctest: +ELLIPSIS
    the segment search read 100 of 103 features (the drifted ones first): 3 left out (x99, ...
    """
    from driftscope.performance.segments import searched_columns

    searched, left_out = searched_columns(segment_features(columns))
    if not left_out:
        return None
    shown = ", ".join(left_out[:3]) + (", ..." if len(left_out) > 3 else "")
    return (
        f"the segment search read {len(searched)} of {len(searched) + len(left_out)} "
        f"features (the drifted ones first): {len(left_out)} left out ({shown})"
    )


def search_segments(
    reference: pa.Table,
    current: pa.Table,
    columns: Sequence[ColumnResult],
    model: ModelMeasurement | None,
) -> tuple[Segment, ...]:
    """The segment search over the report's features (:func:`segment_features`: the drifted
    ones first, since it reads at most a hundred): drift concentration always, error
    concentration where a side has labels. :func:`segments_note` says what it left out."""
    from driftscope.performance.segments import find_segments

    sides = {} if model is None else model.sides
    ref_rows, cur_rows = sides.get("reference"), sides.get("current")
    errors = (
        None if ref_rows is None else ref_rows.errors_of(reference.num_rows),
        None if cur_rows is None else cur_rows.errors_of(current.num_rows),
    )
    return find_segments(reference, current, segment_features(columns), errors=errors)


def explain_performance(
    current: pa.Table,
    columns: Sequence[ColumnResult],
    model: ModelMeasurement,
    segments: Sequence[Segment] | None,
) -> DropExplanation | None:
    """The explanation of the headline metric's drop, or None without a labelled reference,
    a current value or a drop."""
    from driftscope.performance.explain import explain_drop

    reference = model.sides.get("reference")
    performance = model.performance
    picked = headline(performance.task, performance.reference, performance.current)
    if reference is None or picked is None:
        return None
    metric, ref_value, cur_value = picked
    return explain_drop(
        reference.table,
        current,
        features_of(columns),
        _score(reference, metric),
        metric=metric,
        higher_is_better=HIGHER_IS_BETTER[metric],
        current_value=cur_value.value if cur_value.value is not None else float("nan"),
        estimated=cur_value.estimated,
        segments=[s.filters for s in segments or ()],
        reference_ci=_interval(ref_value),
        current_ci=_interval(cur_value),
        domain_model=DOMAIN_MODEL,
    )


def _interval(value: MetricValue) -> tuple[float, float] | None:
    if value.ci_low is None or value.ci_high is None:
        return None
    return value.ci_low, value.ci_high


def headline(
    task: str, reference: Mapping[str, MetricValue], current: Mapping[str, MetricValue]
) -> tuple[str, MetricValue, MetricValue] | None:
    """The first metric of :data:`HEADLINE` for ``task`` with a value on both sides, and
    those values."""
    for metric in HEADLINE.get(task, ()):
        ref, cur = reference.get(metric), current.get(metric)
        if ref is not None and cur is not None and None not in (ref.value, cur.value):
            return metric, ref, cur
    return None


def _score(rows: ModelRows, metric: str) -> Callable[[FloatArray | None], float]:
    """The reference's value of ``metric`` at row weights, computing that metric alone."""
    wanted = (metric,)

    def score(weights: FloatArray | None) -> float:
        # the scorer is made once, if asked
        return float(rows.scorer()(weights, metrics=wanted)[metric])

    return score
