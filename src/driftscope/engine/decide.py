"""Turn each column's raw test into a decision: adjusted p-value, effect size, drifted or not.

A column tested by a p-value method drifts when its p-value, adjusted over the family of all
such columns of the report, is below its alpha *and* its effect size reaches its minimum.
A column measured by a distance drifts when the distance reaches its threshold (the distance
is its own effect size). See :mod:`driftscope.decision`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from driftscope.decision import CRAMERS_V, KS_DISTANCE, adjust_p_values
from driftscope.decision.decide import Evidence, decide
from driftscope.decision.power import detectable_cramers_v, detectable_ks_distance
from driftscope.decision.severity import Tiers, default_tiers
from driftscope.errors import ConfigError, param_error
from driftscope.report.model import ColumnResult, Effect


def resolve_min_effect(
    min_effect: float | Mapping[str, float] | None, column: str, default: float
) -> float:
    """The minimum effect size of one column: the user's (global or per column) or the default."""
    if min_effect is None:
        return default
    if isinstance(min_effect, Mapping):
        return float(min_effect.get(column, default))
    return float(min_effect)


def check_min_effect(min_effect: float | Mapping[str, float] | None) -> None:
    """ConfigError for a minimum effect outside [0, 1] (both effect measures lie in [0, 1])."""
    values = (
        [] if min_effect is None
        else list(min_effect.items()) if isinstance(min_effect, Mapping)
        else [("min_effect", min_effect)]
    )  # fmt: skip
    for name, value in values:
        if not isinstance(value, int | float) or not 0.0 <= float(value) <= 1.0:
            label = "min_effect" if name == "min_effect" else f"min_effect[{name!r}]"
            raise param_error("compare", label, "a number in [0, 1]", value)


def check_tiers(tiers: Mapping[str, tuple[float, float]] | None) -> None:
    """ConfigError for per-column tiers that are not two limits 0 <= warning <= major."""
    for column, limits in (tiers or {}).items():
        try:
            warning, major = limits
            Tiers(float(warning), float(major))
        except (TypeError, ValueError, ConfigError):
            raise param_error(
                "compare",
                f"tiers[{column!r}]",
                "(warning, major) with 0 <= warning <= major",
                limits,
            ) from None


def check_columns(option: str, per_column: object, columns: set[str]) -> None:
    """ConfigError naming the first column of a per-column option that is not compared."""
    if isinstance(per_column, Mapping):
        for name in per_column:
            if name not in columns:
                raise ConfigError(f"{option}: column {name!r} is not in both datasets")


def apply_decisions(
    columns: Sequence[ColumnResult],
    *,
    correction: str,
    min_effect: float | Mapping[str, float] | None,
    tiers: Mapping[str, tuple[float, float]] | None = None,
) -> list[ColumnResult]:
    """Columns with ``p_value_adjusted``, ``effect_threshold`` and their :class:`Decision`
    (``drifted``, ``severity`` and the one-word status), all from :func:`decide`."""
    family = [i for i, col in enumerate(columns) if col.tested and col.p_value is not None]
    raw = [columns[i].p_value or 0.0 for i in family]
    adjusted = dict(zip(family, adjust_p_values(raw, correction), strict=True))
    out = list(columns)
    for i, col in enumerate(columns):
        if not col.tested or col.test is None:
            continue
        res, effect, is_test = col.test, col.effect, i in adjusted
        if is_test and effect is not None:
            minimum = resolve_min_effect(min_effect, col.name, effect.minimum or 0.0)
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
            decision=decide(evidence, _tiers(col, effect, tiers)),
        )
    return out


def _detectable(col: ColumnResult) -> float | None:
    """The smallest effect the column's test could have found at its sample sizes, on its
    effect measure, at its alpha (see :mod:`driftscope.decision.power`)."""
    n_ref, n_cur = col.details.get("n_reference"), col.details.get("n_current")
    if not isinstance(n_ref, int) or not isinstance(n_cur, int) or col.threshold is None:
        return None
    if col.effect_measure == KS_DISTANCE.name:
        return detectable_ks_distance(n_ref, n_cur, alpha=col.threshold)
    categories = col.details.get("n_categories")
    if col.effect_measure == CRAMERS_V.name and isinstance(categories, int):
        return detectable_cramers_v(n_ref + n_cur, categories, alpha=col.threshold)
    return None


def _tiers(
    col: ColumnResult, effect: Effect | None, tiers: Mapping[str, tuple[float, float]] | None
) -> Tiers | None:
    """The column's severity limits: the user's, else the defaults of its effect measure
    (for a distance, from its possibly calibrated threshold)."""
    if effect is None:
        return None
    limits = (tiers or {}).get(col.name)
    if limits is not None:
        return Tiers(float(limits[0]), float(limits[1]))
    is_test = col.p_value is not None and not col.higher_is_drift
    minimum = effect.minimum if is_test else col.threshold
    return default_tiers(
        effect.measure,
        is_test=is_test,
        threshold=minimum if minimum is not None else 0.0,
    )
