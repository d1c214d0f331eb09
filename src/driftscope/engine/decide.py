"""Turn each column's raw test into a decision: adjusted p-value, effect size, drifted or not.

A column tested by a p-value method drifts when its p-value, adjusted over the family of all
such columns of the report, is below its alpha *and* its effect size reaches its minimum.
A column measured by a distance drifts when the distance reaches its threshold (the distance
is its own effect size). See :mod:`driftscope.decision`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from driftscope.decision import adjust_p_values
from driftscope.errors import param_error
from driftscope.report.model import ColumnResult


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


def apply_decisions(
    columns: Sequence[ColumnResult],
    *,
    correction: str,
    min_effect: float | Mapping[str, float] | None,
) -> list[ColumnResult]:
    """Columns with ``p_value_adjusted``, ``effect_threshold`` and the final ``drifted``."""
    family = [i for i, col in enumerate(columns) if col.tested and col.p_value is not None]
    adjusted = adjust_p_values([columns[i].p_value or 0.0 for i in family], correction)
    out = list(columns)
    for i, p_adjusted in zip(family, adjusted, strict=True):
        col = columns[i]
        if col.threshold is None:  # not reachable: every tested column has a threshold
            continue
        minimum = resolve_min_effect(min_effect, col.name, col.effect_threshold or 0.0)
        significant = float(p_adjusted) < col.threshold
        large_enough = col.effect_size is None or col.effect_size >= minimum
        out[i] = replace(
            col,
            p_value_adjusted=float(p_adjusted),
            effect_threshold=minimum if col.effect_size is not None else None,
            drifted=significant and large_enough,
        )
    return out
