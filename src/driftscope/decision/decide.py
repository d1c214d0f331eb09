"""The one place where a column's numbers become a decision: drifted or not, and how badly.

Everything that says whether a column drifted (the engine, the report, the gate, the monitor
of a later release) asks :func:`decide`; nothing else compares a statistic with a threshold.

A **test** (a p-value method) drifts when its p-value, adjusted over the report's tests, is
below alpha *and* its effect size reaches the minimum. Significant but smaller than the
minimum is ``small``: real, too small to matter.

A **distance** is its own effect size and drifts when it reaches its threshold. When the
threshold was calibrated, the distance is *significant* once it is past what chance reaches
(the calibrated threshold); significant but below the user's fixed threshold is ``small``
too. An uncalibrated distance counts as significant (nothing says it is chance) for its
severity, but is never called ``small``.

The **severity** grades a significant change by its effect size (see
:mod:`driftscope.decision.severity`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from driftscope.decision.severity import Severity, Tiers
from driftscope.stats._result import passes

Status = Literal["drift", "small", "ok", "low_power"]
"""A tested column's verdict in one word, the same in every output. ``low_power``: no drift
found, but the test could not have found drift of the size that matters (too few rows)."""


@dataclass(frozen=True, slots=True)
class Evidence:
    """What a decision rests on, for one tested column.

    ``p_value`` is the adjusted p-value for tests and None for distances. ``threshold`` is
    alpha for tests and the (possibly calibrated) drift threshold for distances;
    ``chance_threshold`` is what a distance reaches by chance (its calibration), None when
    not calibrated. ``effect_size`` and ``effect_minimum``: a test's effect and the minimum
    it must reach (None when the method has no effect measure); a distance's effect is the
    distance itself, and its minimum the user's fixed threshold. ``detectable_effect``: the
    smallest effect the test could have found at these sample sizes (see
    :mod:`driftscope.decision.power`; for a calibrated distance, what chance reaches).
    ``degenerate``: both samples were constant and equal, so nothing can have drifted.
    """

    statistic: float
    p_value: float | None
    threshold: float
    higher_is_drift: bool
    effect_size: float | None = None
    effect_minimum: float | None = None
    chance_threshold: float | None = None
    detectable_effect: float | None = None
    degenerate: bool = False


@dataclass(frozen=True, slots=True)
class Decision:
    """The verdict on one column: ``drifted``, ``significant`` (beyond chance), the
    ``severity`` tier of the change and the one-word ``status``."""

    drifted: bool
    significant: bool
    severity: Severity
    status: Status


def decide(evidence: Evidence, tiers: Tiers | None) -> Decision:
    """Decide one column; ``tiers`` grade the effect (None: no grading beyond drift/none).

    >>> test = Evidence(statistic=0.2, p_value=1e-9, threshold=0.05, higher_is_drift=False,
    ...                 effect_size=0.2, effect_minimum=0.03)
    >>> decide(test, Tiers(0.03, 0.1))
    Decision(drifted=True, significant=True, severity='major', status='drift')
    >>> tiny = Evidence(statistic=0.01, p_value=1e-4, threshold=0.05, higher_is_drift=False,
    ...                 effect_size=0.01, effect_minimum=0.03)
    >>> decide(tiny, Tiers(0.03, 0.1)).status
    'small'
    >>> few = Evidence(statistic=0.1, p_value=0.6, threshold=0.05, higher_is_drift=False,
    ...                effect_size=0.1, effect_minimum=0.03, detectable_effect=0.2)
    >>> decide(few, Tiers(0.03, 0.1)).status
    'low_power'
    """
    e = evidence
    if e.degenerate:
        return Decision(drifted=False, significant=False, severity="none", status="ok")
    if e.higher_is_drift:
        significant = e.chance_threshold is None or e.statistic >= e.chance_threshold
        drifted = passes(e.statistic, None, e.threshold, higher_is_drift=True)
    else:
        significant = passes(e.statistic, e.p_value, e.threshold, higher_is_drift=False)
        large_enough = (
            e.effect_size is None or e.effect_minimum is None or e.effect_size >= e.effect_minimum
        )
        drifted = significant and large_enough
    if not significant:
        severity: Severity = "none"
    elif e.effect_size is None or tiers is None:  # no effect measure: the verdict is all we know
        severity = "warning" if drifted else "none"
    else:
        severity = tiers.of(e.effect_size)
    # "small" claims a measured significance: a test's, or a calibrated distance's.
    measured = not e.higher_is_drift or e.chance_threshold is not None
    blind = (
        e.detectable_effect is not None
        and e.effect_minimum is not None
        and e.detectable_effect > e.effect_minimum
    )
    status: Status = (
        "drift"
        if drifted
        else "small"
        if significant and measured
        else "low_power"
        if blind
        else "ok"
    )
    return Decision(drifted=drifted, significant=significant, severity=severity, status=status)
