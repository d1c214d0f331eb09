"""The short human summary ``driftscope report`` prints: a table and a verdict line."""

from __future__ import annotations

from driftscope.report.model import ColumnResult, DriftReport

MAX_NAME = 32
CORRECTION_NAMES = {
    "bh": "Benjamini-Hochberg",
    "holm": "Holm",
    "bonferroni": "Bonferroni",
}


def fmt_number(value: float | None) -> str:
    """Numbers for people: 4 significant digits, scientific for tiny p-values.

    >>> fmt_number(0.000012345), fmt_number(0.31234), fmt_number(None)
    ('1.234e-05', '0.3123', '-')
    """
    if value is None:
        return "-"
    if value != 0 and abs(value) < 1e-3:
        return f"{value:.3e}"
    return f"{value:.4g}"


def _name(text: str) -> str:
    # Control characters in a column name must not move the cursor or colour the terminal.
    clean = "".join(ch if ch.isprintable() else "?" for ch in text)
    return clean if len(clean) <= MAX_NAME else clean[: MAX_NAME - 1] + "…"


def _row(col: ColumnResult) -> list[str]:
    if col.error is not None:
        verdict = "error"
    elif not col.tested:
        verdict = f"({col.role})"
    elif col.drifted:
        verdict = "DRIFT"
    else:
        verdict = "small" if _significant_but_small(col) else "ok"
    return [
        _name(col.name),
        str(col.type),
        col.method or "-",
        fmt_number(col.statistic),
        fmt_number(col.decision_p_value),
        fmt_number(col.effect_size) if col.is_test else "-",
        verdict,
    ]


def _significant_but_small(col: ColumnResult) -> bool:
    """A test whose (adjusted) p-value passed but whose effect size did not."""
    p = col.decision_p_value
    return (
        col.is_test
        and p is not None
        and col.threshold is not None
        and p < col.threshold
        and col.effect_size is not None
        and col.effect_threshold is not None
        and col.effect_size < col.effect_threshold
    )


def format_table(report: DriftReport, *, color: bool = False) -> str:
    """The column table (most severe first, untested last) and a summary line."""
    cols = sorted(report.columns, key=lambda c: (not c.tested, -c.severity_score))
    header = ["column", "type", "method", "statistic", "p-value", "effect", "drifted"]
    rows = [_row(c) for c in cols]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = []
    for i, row in enumerate([header, *rows]):
        cells = [
            cell.ljust(w) if j < 3 or j == 6 else cell.rjust(w)
            for j, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        line = "  ".join(cells).rstrip()
        if color and i > 0 and row[6] == "DRIFT":
            line = f"\x1b[1;31m{line}\x1b[0m"
        lines.append(line)
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    ds = report.dataset
    lines.append("")
    lines.append(
        f"Drift in {ds.drifted_columns} of {ds.columns} tested feature columns "
        f"({ds.drift_share:.0%}; the dataset drifts at {ds.share_threshold:.0%}): "
        + ("DATASET DRIFT" if ds.drifted else "no dataset drift")
    )
    if ds.severity != "none":
        lines.append(f"Severity: {ds.severity.upper()}")
        lines.extend(f"  - {_clean(reason)}" for reason in ds.reasons)
    tests = sum(1 for c in report.columns if c.p_value_adjusted is not None)
    if tests > 1 and ds.correction in CORRECTION_NAMES:
        lines.append(
            f"p-values adjusted for {tests} tests ({CORRECTION_NAMES[ds.correction]}); "
            "'small': significant, but the effect is below its minimum"
        )
    errors = sum(1 for c in report.columns if c.error is not None)
    if report.quality:
        lines.append(f"Data quality: {len(report.quality)} issue(s)")
        lines.extend(f"  - [{q.severity}] {_clean(q.message)}" for q in report.quality[:10])
        if len(report.quality) > 10:
            lines.append(f"  ... and {len(report.quality) - 10} more (see the JSON report)")
    elif errors:
        lines.append(f"{errors} column(s) could not be tested")
    return "\n".join(lines)


def _clean(text: str) -> str:
    return "".join(ch if ch.isprintable() else "?" for ch in text)
