"""First data-quality findings drawn from what the drift pass already measured.

A missing-value spike, categories never seen in the reference (beyond what sampling alone
leaves unseen), a whole-number column whose
current values all lie outside the reference's range (a year: it cannot help drifting), columns
that could not be tested (errors) and columns not tested by design (``info``: a type with no
drift method yet). The data-quality checks of a later release build on this list.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from driftscope.result import ColumnResult, QualityIssue

MISSING_INCREASE_ABS = 0.05
"""A missing share must grow by at least 5 points ..."""
MISSING_INCREASE_RATIO = 2.0
"""... and at least double, to be reported."""
NEW_CATEGORY_SHARE = 0.01
"""New categories are reported once they cover at least 1% of current rows ..."""
NEW_CATEGORY_Z = 3.0
"""... and more than sampling alone leaves on values the reference did not see, by this many
standard errors (of the current share and of the Good-Turing estimate itself)."""
LOW_POWER_EXAMPLES = 5
"""Columns named in the low-power note; the rest are counted."""


def column_findings(
    columns: Sequence[ColumnResult], *, late_labels: str | None = None
) -> list[QualityIssue]:
    """Quality issues seen in the per-column results. ``late_labels``: the target whose
    current labels come from a labels file, so that rows not labelled yet are no missing-value
    rise (the performance notes count them)."""
    issues: list[QualityIssue] = []
    for col in columns:
        ref_m, cur_m = col.reference_missing_share, col.current_missing_share
        rose = cur_m - ref_m >= MISSING_INCREASE_ABS and cur_m >= MISSING_INCREASE_RATIO * ref_m
        if rose and col.name != late_labels:
            issues.append(
                QualityIssue(
                    col.name,
                    "missing_share_increase",
                    "warning",
                    f"column {col.name!r}: missing values rose from {ref_m:.1%} to {cur_m:.1%}",
                    reference=ref_m,
                    current=cur_m,
                )
            )
        share = col.current_stats.get("new_category_share")
        if isinstance(share, float) and share >= _new_category_limit(col):
            examples = col.details.get("new_category_examples", [])
            shown = ", ".join(repr(e) for e in examples)
            issues.append(
                QualityIssue(
                    col.name,
                    "new_categories",
                    "warning",
                    f"column {col.name!r}: {share:.1%} of current rows have categories not in "
                    f"the reference ({shown})",
                    reference=0.0,
                    current=share,
                )
            )
        apart = _disjoint_integers(col)
        if apart is not None:
            issues.append(QualityIssue(col.name, "disjoint_values", "warning", apart))
        if col.error is not None:
            issues.append(QualityIssue(col.name, "column_error", "error", col.error))
        elif col.note is not None:
            issues.append(QualityIssue(col.name, "untested_column", "info", col.note))
    blind = [col for col in columns if col.status == "low_power"]
    if blind:
        issues.append(QualityIssue(None, "low_power", "info", _low_power_message(blind)))
    return issues


def unseen_share(reference_stats: Mapping[str, object]) -> float | None:
    """The share of a same-population sample expected on values a reference did not see:
    Good-Turing's ``f1 / n`` (the reference's values seen once over its rows). Without the
    count of singletons, every distinct value may be one, so ``distinct / n`` bounds it.

    >>> unseen_share({"count": 1000, "categories": 900, "singletons": 800})
    0.8
    >>> unseen_share({"count": 1000, "categories": 4})
    0.004
    """
    rows = reference_stats.get("count")
    singles = reference_stats.get("singletons", reference_stats.get("categories"))
    if not isinstance(rows, int) or not isinstance(singles, int) or rows <= 0:
        return None
    return min(singles / rows, 1.0)


def _new_category_limit(col: ColumnResult) -> float:
    """The new-category share past which a column's new values are more than chance: at
    least :data:`NEW_CATEGORY_SHARE`, and past the unseen share sampling alone leaves (a
    column of thousands of values leaves 3-24% of current rows on values the reference did
    not happen to draw) by :data:`NEW_CATEGORY_Z` standard errors: the binomial spread of the
    current share, ``u (1 - u) / n_c``, plus the Good-Turing estimate's own,
    ``(u (1 - u) + 2 f2 / n_r) / n_r`` (Esty 1983; ``f2`` the reference's values seen twice,
    taken as ``f1`` when the summary does not count them). On 3,000 Zipf categories at 10,000
    rows a side, the current share alone gave 5.8% false alarms, both give 0.15%."""
    ref = col.reference_stats
    expected = unseen_share(ref)
    n_current, n_reference = col.current_stats.get("count"), ref.get("count")
    if expected is None or not isinstance(n_current, int) or n_current <= 0:
        return NEW_CATEGORY_SHARE
    variance = expected * (1.0 - expected) / n_current
    if isinstance(n_reference, int) and n_reference > 0:
        twice = ref.get("doubletons", ref.get("singletons", 0))
        pairs = twice / n_reference if isinstance(twice, int) else 0.0
        variance += (expected * (1.0 - expected) + 2.0 * pairs) / n_reference
    return max(NEW_CATEGORY_SHARE, expected + NEW_CATEGORY_Z * math.sqrt(variance))


def _low_power_message(columns: list[ColumnResult]) -> str:
    shown = ", ".join(
        f"{col.name} (detects {col.effect_measure or 'an effect'} from "
        f"{col.detectable_effect:.3g}; minimum {_minimum_effect(col):.3g})"
        for col in columns[:LOW_POWER_EXAMPLES]
    )
    more = len(columns) - LOW_POWER_EXAMPLES
    return (
        f"{len(columns)} column(s) found no drift but had too few rows to see a change of "
        f"their minimum effect, so 'no drift' is not established: {shown}"
        + (f", and {more} more" if more > 0 else "")
    )


def _minimum_effect(col: ColumnResult) -> float:
    """The effect the column had too few rows to see, as its
    :class:`~driftscope.result.Effect` holds it: a test's minimum effect size, a
    distance's threshold before calibration."""
    minimum = col.effect.minimum if col.effect is not None else None
    return math.nan if minimum is None else minimum


def _disjoint_integers(col: ColumnResult) -> str | None:
    """A hint for a drifted whole-number column whose current values all lie outside the
    reference's range (a year, a batch or version number): it drifts completely by
    construction, which is rarely what the user meant to test."""
    if not col.drifted:
        return None
    ref, cur = col.reference_stats, col.current_stats
    bounds = [ref.get("min"), ref.get("max"), cur.get("min"), cur.get("max")]
    if not all(isinstance(b, int | float) and float(b).is_integer() for b in bounds):
        return None
    ref_min, ref_max, cur_min, cur_max = (float(b) for b in bounds)  # type: ignore[arg-type]
    if ref_min <= cur_max and cur_min <= ref_max:
        return None
    return (
        f"column {col.name!r}: every current value ({cur_min:g} to {cur_max:g}) lies outside "
        f"the reference's range ({ref_min:g} to {ref_max:g}), so it drifts completely; if it "
        f"counts time or versions (a year, a batch number), mark it --type {col.name}=timestamp "
        f"or --type {col.name}=ignored"
    )
