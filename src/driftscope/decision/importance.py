"""Feature importance: how much each feature's drift should weigh in the dataset verdict.

Drift in a feature the model ignores cannot hurt its predictions; drift in the one it relies on
most can. Given importances (from the user, or measured by permutation, see
:mod:`driftscope.engine.importance`), the dataset verdict weighs each drifted feature by its
share of the total importance instead of counting every feature the same.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from driftscope.errors import ConfigError


def normalize_importance(
    importance: Mapping[str, float], features: Sequence[str]
) -> dict[str, float]:
    """Weights for ``features`` that sum to 1, from importances given for some of them.

    Features without an importance get 0. Unknown names, negative or non-finite values, and
    importances that are all zero are errors.

    >>> normalize_importance({"a": 3.0, "b": 1.0}, ["a", "b", "c"])
    {'a': 0.75, 'b': 0.25, 'c': 0.0}
    """
    unknown = sorted(set(importance) - set(features))
    if unknown:
        shown = ", ".join(repr(name) for name in unknown[:5])
        raise ConfigError(
            f"importance: {shown} {'is not a' if len(unknown) == 1 else 'are not'} tested "
            f"feature column{'s' if len(unknown) > 1 else ''}"
        )
    for name, value in importance.items():
        if not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
            raise ConfigError(f"importance: {name!r} must be a finite number >= 0; got {value!r}")
    total = float(sum(importance.values()))
    if total <= 0.0:
        raise ConfigError("importance: every importance is 0; give at least one positive value")
    return {name: float(importance.get(name, 0.0)) / total for name in features}


def weighted_drift_score(weights: Mapping[str, float], drifted: Mapping[str, bool]) -> float:
    """The drifted features' share of the total weight.

    >>> weighted_drift_score({"a": 0.75, "b": 0.25}, {"a": False, "b": True})
    0.25
    """
    return float(sum(w for name, w in weights.items() if drifted.get(name, False)))
