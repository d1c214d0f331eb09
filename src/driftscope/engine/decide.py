"""Turn each column's raw test into a decision: adjusted p-value, effect size, drifted or not.

A column tested by a p-value method drifts when its p-value, adjusted over the family of all
such columns of the report, is below its alpha *and* its effect size reaches its minimum.
A column measured by a distance drifts when the distance reaches its threshold (the distance
is its own effect size); calibrated thresholds are first raised so that the report's
false-alarm rate holds over all its calibrated distances (Šidák), as BH holds it over the
tests. A report with both shares its rate between the two families in proportion to their
sizes (with 20 tests and 10 calibrated distances, the tests get two thirds of it and the
distances one third), so that together they hold it (a union bound; unless ``correction`` is
``none``, which asks for no control across columns). A text column whose row brings no effect
gets its text separation here, from its word classifier and descriptors. See
:mod:`driftscope.decision`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from driftscope.decision import (
    CRAMERS_V,
    KS_DISTANCE,
    adjust_p_values,
)
from driftscope.decision.decide import Evidence, decide
from driftscope.decision.power import detectable_cramers_v, detectable_ks_distance
from driftscope.decision.severity import Tiers, default_tiers
from driftscope.engine.calibration import at_column_rate
from driftscope.engine.options import CompareOptions
from driftscope.result import ColumnResult, Effect


def apply_decisions(columns: Sequence[ColumnResult], options: CompareOptions) -> list[ColumnResult]:
    """Columns with ``p_value_adjusted``, ``effect_threshold`` and their :class:`Decision`
    (``drifted``, ``severity`` and the one-word status), all from :func:`decide`."""
    family = [i for i, col in enumerate(columns) if col.tested and col.p_value is not None]
    calibrated = [i for i, col in enumerate(columns) if _calibrated(col)]
    controlled = options.correction != "none"
    both = controlled and bool(family) and bool(calibrated)
    whole = len(family) + len(calibrated)
    columns = _distances_at_column_rate(
        columns,
        calibrated,
        family=len(calibrated) if controlled else 1,
        share=len(calibrated) / whole if both else 1.0,
    )
    raw = [columns[i].p_value or 0.0 for i in family]
    # The tests' share of the report's rate: BH at alpha * share is BH's p-values / share.
    scale = whole / len(family) if both else 1.0
    adjusted = {
        i: min(1.0, p * scale)
        for i, p in zip(family, adjust_p_values(raw, options.correction), strict=True)
    }
    out = list(columns)
    for i, col in enumerate(columns):
        if not col.tested or col.test is None:
            continue
        res, effect, is_test = col.test, col.effect, i in adjusted
        asked = options.column(col.name)
        if is_test and effect is not None:
            minimum = asked.min_effect if asked.min_effect is not None else effect.minimum
            effect = replace(effect, minimum=minimum, detectable=_detectable(col))
        evidence = Evidence(
            statistic=res.statistic,
            p_value=float(adjusted[i]) if is_test else None,
            threshold=res.threshold,
            higher_is_drift=res.higher_is_drift,
            effect_size=effect.size if effect is not None else None,
            effect_minimum=effect.minimum if effect is not None else None,
            chance_threshold=effect.chance if effect is not None else None,
            detectable_effect=effect.detectable if effect is not None else None,
            degenerate=res.degenerate,
        )
        out[i] = replace(
            col,
            p_value_adjusted=evidence.p_value if is_test else col.p_value_adjusted,
            effect=effect,
            decision=decide(evidence, _tiers(col, effect, asked.tiers)),
        )
    return out


def _calibrated(col: ColumnResult) -> bool:
    """Whether the column is decided by a calibrated distance."""
    test = col.test
    return (
        col.tested
        and test is not None
        and test.higher_is_drift
        and "calibrated_threshold" in test.details
    )


def _distances_at_column_rate(
    columns: Sequence[ColumnResult], calibrated: Sequence[int], *, family: int, share: float
) -> list[ColumnResult]:
    """Columns whose calibrated distance thresholds (the columns at the indices
    ``calibrated``) hold ``share`` of the report's false-alarm rate over a ``family`` of that
    many distances (see :func:`driftscope.engine.calibration.at_column_rate`)."""
    out = list(columns)
    for i in calibrated:
        col = columns[i]
        raised = None if col.test is None else at_column_rate(col.test, family, share=share)
        if raised is None:
            continue
        res, chance = raised
        effect = col.effect
        if effect is not None and effect.chance is not None:
            effect = replace(effect, chance=chance, detectable=chance)
        out[i] = replace(col, test=res, effect=effect)
    return out


def _detectable(col: ColumnResult) -> float | None:
    """The smallest effect the column's test could have found at its sample sizes (the
    effective ones when its p-value used them), on its effect measure, at its alpha (see
    :mod:`driftscope.decision.power`)."""
    n_ref, n_cur = col.details.get("n_reference"), col.details.get("n_current")
    effective = col.details.get("effective_sample_size")
    if isinstance(effective, list | tuple) and all(isinstance(n, int) for n in effective):
        n_ref, n_cur = effective
    if not isinstance(n_ref, int) or not isinstance(n_cur, int) or col.threshold is None:
        return None
    if col.effect_measure == KS_DISTANCE.name:
        return detectable_ks_distance(n_ref, n_cur, alpha=col.threshold)
    categories = col.details.get("n_categories")
    if col.effect_measure == CRAMERS_V.name and isinstance(categories, int):
        return detectable_cramers_v(n_ref + n_cur, categories, alpha=col.threshold)
    return None


def _tiers(
    col: ColumnResult, effect: Effect | None, limits: tuple[float, float] | None
) -> Tiers | None:
    """The column's severity limits: the user's, else the defaults of its effect measure
    (for a distance, from its possibly calibrated threshold)."""
    if effect is None:
        return None
    if limits is not None:
        return Tiers(*limits)
    is_test = col.p_value is not None and not col.higher_is_drift
    minimum = effect.minimum if is_test else col.threshold
    return default_tiers(
        effect.measure,
        is_test=is_test,
        threshold=minimum if minimum is not None else 0.0,
    )
