"""Deciding which columns drifted: multiple-testing control and practical significance.

Pure functions on numbers; the engine applies them to a report's columns.
"""

from driftscope.decision.effect_size import (
    CRAMERS_V,
    KS_DISTANCE,
    MMD_DISTANCE,
    TEXT_SEPARATION,
    EffectMeasure,
    cramers_v,
    ks_distance,
    mmd_distance,
    text_separation,
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
    "MMD_DISTANCE",
    "TEXT_SEPARATION",
    "EffectMeasure",
    "adjust_p_values",
    "cramers_v",
    "ks_distance",
    "mmd_distance",
    "text_separation",
]
