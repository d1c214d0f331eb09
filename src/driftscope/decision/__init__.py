"""Deciding which columns drifted: multiple-testing control and practical significance.

Pure functions on numbers; the engine applies them to a report's columns.
"""

from driftscope.decision.effect_size import (
    CRAMERS_V,
    KS_DISTANCE,
    EffectMeasure,
    cramers_v,
    ks_distance,
)
from driftscope.decision.multiple_testing import (
    CORRECTIONS,
    DEFAULT_CORRECTION,
    adjust_p_values,
)

__all__ = [
    "CORRECTIONS",
    "CRAMERS_V",
    "DEFAULT_CORRECTION",
    "KS_DISTANCE",
    "EffectMeasure",
    "adjust_p_values",
    "cramers_v",
    "ks_distance",
]
