"""The dataset's verdict: one answer to "did it drift, how badly, does it matter?".

The severity is the worst of:

* the features' own tiers (features of importance 0 left out: the model does not use them);
* ``major`` when the drifted features reach ``share_threshold`` of the tested ones (of the
  feature importance, when importances are given): broad drift, even if each change is mild;
* the model's columns: a drifted prediction (model output drift) or target (label shift)
  counts with its own tier, named as what it is, but never in the feature drift share.

The dataset **drifted** exactly when the severity is ``major``: broad drift, or a change that
is large in at least one feature or in the model's output or labels. ``warning`` is drift
that is real but mild and narrow. Every output (terminal, HTML, JSON, the exit code of
``--fail-on``) states this one verdict.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from driftscope._types import MODEL_ROLES, Role
from driftscope.decision.severity import worst
from driftscope.result import ColumnResult, DatasetVerdict, ModelDrift

SHARE_TOLERANCE = 1e-9
"""Shares within this of ``share_threshold`` reach it: fifteen weights of 1/30 add up to
0.49999999999999994, and "half the features" must read as half. Far below any share that
can be told apart (one feature in a billion)."""


def share_reaches(score: float, share_threshold: float) -> bool:
    """Whether a drift share (or weighted score) reaches the threshold, up to rounding.

    >>> share_reaches(sum([1 / 30] * 15), 0.5), share_reaches(0.49, 0.5)
    (True, False)
    """
    return score >= share_threshold - SHARE_TOLERANCE


def dataset_verdict(
    columns: Sequence[ColumnResult], share_threshold: float, correction: str
) -> DatasetVerdict:
    """The verdict over a report's decided columns."""
    features = [c for c in columns if c.role == Role.FEATURE and c.tested]
    weighted = any(c.importance is not None for c in features)
    weights = {c.name: (c.importance or 0.0) if weighted else 1.0 / len(features) for c in features}
    drifted = sum(1 for c in features if c.drifted)
    share = drifted / len(features) if features else 0.0
    # Unweighted, the score is the count's share (one division, no sum of 1/n's); weighted,
    # an exactly rounded sum.
    score = math.fsum(weights[c.name] for c in features if c.drifted) if weighted else share
    share_reached = drifted > 0 and share_reaches(score, share_threshold)
    # A feature the model does not use cannot raise the dataset's severity.
    relevant = [c for c in features if weights[c.name] > 0.0]
    model = [c for c in columns if c.role in MODEL_ROLES and c.tested]
    severity = worst([c.severity for c in relevant + model])
    reasons = []
    if share_reached:
        severity = "major"
        what = f"{score:.0%} of the feature importance" if weighted else f"{share:.0%}"
        reasons.append(
            f"dataset drift: {drifted} of {len(features)} features drifted "
            f"({what}, threshold {share_threshold:.0%})"
        )
    for tier in ("major", "warning"):
        named = sorted(
            (c for c in relevant if c.severity == tier),
            key=lambda c: (-weights[c.name], -(c.effect_size or 0.0)),
        )
        if named:
            reasons.append(f"{tier}: " + ", ".join(_reason(c, weighted) for c in named))
    moved = [c for c in model if c.severity != "none"]
    reasons.extend(f"{_MODEL_LABEL[c.role]}, {c.severity}: {_reason(c, False)}" for c in moved)
    model_drift = tuple(ModelDrift(c.name, c.role, c.severity) for c in moved)
    return DatasetVerdict(
        drifted=severity == "major",
        drifted_columns=drifted,
        columns=len(features),
        drift_share=share,
        share_threshold=share_threshold,
        correction=correction,
        severity=severity,
        weighted_drift_score=score,
        reasons=tuple(reasons),
        share_reached=share_reached,
        major_features=sum(1 for c in relevant if c.severity == "major"),
        model_drift=model_drift,
    )


_MODEL_LABEL = {
    Role.PREDICTION: "model output drift (prediction)",
    Role.TARGET: "label shift (target)",
}


def _reason(col: ColumnResult, weighted: bool) -> str:
    parts = [
        f"{col.method} drifted"
        if col.effect_size is None
        else f"{col.effect_measure} {col.effect_size:.3g}"
    ]
    if weighted:
        parts.append(f"importance {col.importance:.2f}")
    return f"{col.name} ({', '.join(parts)})"
