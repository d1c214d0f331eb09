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
    >>> normalize_importance({"a": 1e308, "b": 1e308}, ["a", "b"])  # no overflow to 0
    {'a': 0.5, 'b': 0.5}
    """
    unknown = sorted(set(importance) - set(features))
    if unknown:
        shown = ", ".join(repr(name) for name in unknown[:5])
        raise ConfigError(
            f"importance: {shown} {'is not a' if len(unknown) == 1 else 'are not'} tested "
            f"feature column{'s' if len(unknown) > 1 else ''}"
        )
    values = {name: _checked(name, value) for name, value in importance.items()}
    # Scaled by the largest first: summing importances near 1e308 overflowed to inf, and every
    # weight divided by it became 0, which flipped the verdict.
    top = max(values.values(), default=0.0)
    if top <= 0.0:
        raise ConfigError("importance: every importance is 0; give at least one positive value")
    scaled = {name: value / top for name, value in values.items()}
    total = math.fsum(scaled.values())  # in [1, len(features)]: no overflow, no underflow
    return {name: scaled.get(name, 0.0) / total for name in features}


def _checked(name: str, value: object) -> float:
    """``value`` as a float, or a ConfigError unless it is a finite number >= 0."""
    problem = ConfigError(f"importance: {name!r} must be a finite number >= 0; got {value!r}")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise problem
    try:
        number = float(value)
    except OverflowError:  # an integer beyond any float
        digits = int(abs(int(value)).bit_length() * math.log10(2)) + 1  # str() may refuse to
        raise ConfigError(
            f"importance: {name!r} must be a finite number >= 0; got an integer of about "
            f"{digits} digits"
        ) from None
    if not math.isfinite(number) or number < 0:
        raise problem
    return number


def weighted_drift_score(weights: Mapping[str, float], drifted: Mapping[str, bool]) -> float:
    """The drifted features' share of the total weight.

    >>> weighted_drift_score({"a": 0.75, "b": 0.25}, {"a": False, "b": True})
    0.25
    """
    return float(sum(w for name, w in weights.items() if drifted.get(name, False)))
