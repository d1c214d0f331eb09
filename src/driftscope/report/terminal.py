"""The short human summary ``driftscope report`` prints: a table and a verdict line."""

from __future__ import annotations

from driftscope.result import ColumnResult, DriftReport, MethodResult, MetricValue

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


STATUS_WORDS = {
    "drift": "DRIFT",
    "small": "small",
    "ok": "ok",
    "low_power": "low_power",
    "error": "error",
}


def status_word(col: ColumnResult) -> str:
    """The column's status as the table prints it (DRIFT in capitals, to stand out)."""
    if col.status == "untested":
        return "not tested" if col.note is not None else "-"
    return STATUS_WORDS[col.status]


def _row(col: ColumnResult, others: list[str]) -> list[str]:
    also = {m.method: m for m in col.also}
    return [
        _name(col.name),
        str(col.role),
        str(col.type),
        col.method or "-",
        fmt_number(col.statistic),
        fmt_number(col.decision_p_value),
        fmt_number(col.effect_size) if col.is_test else "-",
        *(_also_cell(also.get(name)) for name in others),
        status_word(col),
    ]


def _also_cell(entry: MethodResult | None) -> str:
    """A further method's statistic, ``*`` when it is past that method's own threshold."""
    if entry is None:
        return ""
    if entry.result is None:
        return "error"
    return fmt_number(entry.result.statistic) + ("*" if entry.result.drifted else "")


HEADER = ["column", "role", "type", "method", "statistic", "p-value", "effect", "status"]
_TEXT = {"column", "role", "type", "method", "status"}  # left-aligned; numbers align right


def format_table(report: DriftReport, *, color: bool = False) -> str:
    """The column table (most severe first, untested last), the verdict and its reasons.

    Further methods asked for beside the deciding one get a column each, before the status.
    """
    cols = sorted(report.columns, key=lambda c: (not c.tested, -c.severity_score))
    others = list(dict.fromkeys(m.method for c in cols for m in c.also))
    header = [*HEADER[:-1], *others, HEADER[-1]]
    rows = [_row(c, others) for c in cols]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    left = {j for j, name in enumerate(header) if name in _TEXT and j < len(HEADER) - 1}
    left.add(len(header) - 1)
    lines = []
    for i, row in enumerate([header, *rows]):
        cells = [
            cell.ljust(w) if j in left else cell.rjust(w)
            for j, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        line = "  ".join(cells).rstrip()
        if color and i > 0 and row[-1] == "DRIFT":
            line = f"\x1b[1;31m{line}\x1b[0m"
        lines.append(line)
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    ds = report.dataset
    lines.append("")
    lines.append(_clean(ds.headline))
    lines.extend(f"  - {_clean(reason)}" for reason in ds.reasons)
    tests = sum(1 for c in report.columns if c.p_value_adjusted is not None)
    if tests > 1 and ds.correction in CORRECTION_NAMES:
        lines.append(f"p-values adjusted for {tests} tests ({CORRECTION_NAMES[ds.correction]})")
    if others:
        lines.append(
            f"{', '.join(others)}: reported beside the deciding method; "
            "* past that method's own threshold"
        )
    if any(c.status == "small" for c in report.columns):
        lines.append("'small': significant, but the effect is below its minimum")
    lines.extend(_performance_lines(report))
    lines.extend(_segment_lines(report))
    lines.extend(_multivariate_lines(report))
    issues = report.quality_issues
    if issues:
        lines.append(f"Data quality: {len(issues)} issue(s)")
        lines.extend(f"  - [{q.severity}] {_clean(q.message)}" for q in issues[:10])
        if len(issues) > 10:
            lines.append(f"  ... and {len(issues) - 10} more (see the JSON report)")
    notes = [q for q in report.quality if q.severity == "info"]
    if notes:
        lines.append(f"Notes: {len(notes)}")
        lines.extend(f"  - {_clean(q.message)}" for q in notes[:10])
        if len(notes) > 10:
            lines.append(f"  ... and {len(notes) - 10} more (see the JSON report)")
    return "\n".join(lines)


def _performance_lines(report: DriftReport) -> list[str]:
    """The model's performance, a metric per line: reference -> current, with intervals."""
    perf = report.performance
    if perf is None:
        return []
    lines = [f"Model performance ({perf.task.replace('_', ' ')}): reference -> current"]
    for name in dict.fromkeys([*perf.reference, *perf.current]):
        sides = [_metric_text(perf.reference.get(name)), _metric_text(perf.current.get(name))]
        lines.append(f"  {name}: {sides[0]} -> {sides[1]}")
    concept = perf.concept
    if concept is not None:
        verdict = "CHANGED" if concept.changed else "unchanged"
        p_value = concept.calibration.p_value
        p_text = "p < 1e-15" if p_value < 1e-15 else f"p = {fmt_number(p_value)}"
        shift = fmt_number(concept.calibration.shift)
        test = "error test" if perf.task == "regression" else "calibration test"
        label = concept.calibration.label
        worst = "" if label is None else f", class {_clean(label)} most"
        lines.append(f"  input-label relation: {verdict} ({test} {p_text}, shift {shift}{worst})")
        moved = [f.name for f in concept.features if f.p_value_adjusted < concept.alpha]
        if moved and concept.changed:
            lines.append(f"  features whose relation moved: {_clean(', '.join(moved[:5]))}")
    found = perf.explanation
    if found is not None and found.explained > 0:
        lines.append(
            f"  the inputs' shift accounts for {fmt_number(found.explained)} of the "
            f"{fmt_number(found.drop)} fall in {found.metric}"
        )
    elif found is not None:
        lines.append(
            f"  the inputs' shift does not account for the {fmt_number(found.drop)} fall in "
            f"{found.metric}: a changed input-target relation, or noise"
        )
    if found is not None:
        top = [f"{a.name} ({fmt_number(a.drop)})" for a in found.attributions[:3]]
        if top:
            lines.append(f"  largest parts: {_clean(', '.join(top))}")
    lines.extend(f"  - {_clean(note)}" for note in perf.notes)
    return lines


def _segment_lines(report: DriftReport) -> list[str]:
    """The segment search's top findings, one per line."""
    found = report.segments
    if found is None:
        return []
    if not found:
        notes = [f"  - {_clean(note)}" for note in report.segments_notes]
        return ["Segments: none where drift or errors concentrate", *notes]
    lines = [f"Segments: {len(found)} where drift or errors concentrate"]
    lines.extend(f"  {i}. {_clean(s.message)}" for i, s in enumerate(found[:3], start=1))
    if len(found) > 3:
        lines.append(f"  ... and {len(found) - 3} more (see the JSON report)")
    lines.extend(f"  - {_clean(note)}" for note in report.segments_notes)
    return lines


def _multivariate_lines(report: DriftReport) -> list[str]:
    """Each multivariate test in one line, with the columns that separate the periods most."""
    if report.multivariate is None:
        return []
    lines = [f"Multivariate ({len(report.multivariate[0].columns)} features together):"]
    for result in report.multivariate:
        if result.error is not None:
            lines.append(f"  {result.method}: not tested ({_clean(result.error)})")
            continue
        verdict = "drift" if result.drifted else "no drift"
        name = {"mmd": "MMD^2", "classifier": "classifier AUC"}.get(
            result.method, "mean reconstruction error"
        )
        text = f"  {result.method}: {verdict} ({name} {fmt_number(result.statistic)}"
        if result.p_value is not None:
            text += f", p={fmt_number(result.p_value)}"
        text += ", approximate)" if result.approximate else ")"
        lines.append(text)
        top = [f"{c.name} ({fmt_number(c.score)})" for c in result.explanation[:3] if c.score > 0]
        if result.drifted and top:
            lines.append(f"    separating most: {_clean(', '.join(top))}")
    return lines


def _metric_text(metric: MetricValue | None) -> str:
    if metric is None or metric.value is None:
        return "-"
    text = fmt_number(metric.value)
    if metric.ci_low is not None and metric.ci_high is not None:
        text += f" [{fmt_number(metric.ci_low)}, {fmt_number(metric.ci_high)}]"
    return text + (" (estimated)" if metric.estimated else "")


def _clean(text: str) -> str:
    return "".join(ch if ch.isprintable() else "?" for ch in text)
