"""The ``method`` of a drop explanation: how the weights were found, what was left out, and
what no weighting could represent, in one line for the report."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from driftscope.performance.explain._codes import FEATURE_BINS, MAX_WEIGHT, UNSEEN, FeatureCodes


def notes(
    codes: Sequence[FeatureCodes],
    left_out: int,
    min_share: float,
    skipped: Sequence[str],
    undefined: Sequence[str],
    empty: Sequence[str],
    n_cur: int,
) -> list[str]:
    """What the explanation left out or could not weight, a phrase each."""
    out = []
    if left_out:
        out.append(
            f"{left_out} feature(s) or segment(s) account for less than {min_share:.0%} of the "
            "drop (or improve the metric) and are not listed"
        )
    if skipped:
        out.append(f"not weighted (text or embeddings): {', '.join(skipped)}")
    if undefined:
        out.append(f"the metric is undefined once re-weighted for: {', '.join(undefined)}")
    if empty:
        out.append(
            "segments the reference has no rows of (or only rows of) cannot be re-weighted: "
            + ", ".join(empty)
        )
    lacking = np.zeros(n_cur, dtype=bool)
    for c in codes:
        lacking |= c.current == UNSEEN
    if lacking.any():
        examples = [f"{c.name}: {', '.join(c.unseen)}" for c in codes if c.unseen]
        seen = f" (new categories {'; '.join(examples)})" if examples else ""
        out.append(
            f"{lacking.mean():.1%} of the current rows hold values no reference row has{seen}; "
            "no weighting of reference rows stands for them"
        )
    return out


def method(how: str, segments: bool, notes: Sequence[str]) -> str:
    """The whole account, its parts joined by semicolons."""
    parts = [
        "reference rows re-weighted to the current inputs (weights p_cur(x) / p_ref(x), each "
        f"capped at {MAX_WEIGHT:g} times the average row's)",
        f"jointly by {how}",
        f"per feature by current over reference shares in up to {FEATURE_BINS} quantile bins "
        "of the reference (a category per bin; missing values in a bin of their own)",
    ]
    if segments:
        parts.append("per segment by its current share of the rows over its reference share")
    parts.extend(notes)
    parts.append(
        "only a shift of the inputs is accounted for: a changed relation between inputs and "
        "target shows as the unexplained rest (drop minus explained)"
    )
    return "; ".join(parts)
