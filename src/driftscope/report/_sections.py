"""The HTML report's sections above the columns: the summary (verdict, tiles, the drifted
columns as chips), the data-quality findings and the severity chart with its statistic menu.
"""

from __future__ import annotations

import json
import math

from driftscope._types import Role
from driftscope.performance.metrics import HIGHER_IS_BETTER
from driftscope.report._columns import Indexed, by_severity, result_text, severity
from driftscope.report._diagnosis import expected_text, explanation
from driftscope.report._format import fmt_num, fmt_p, fmt_share
from driftscope.report.svg import esc, severity_axis, severity_bar
from driftscope.result import ColumnResult, ConceptDrift, DriftReport, MetricValue

_MAX_CHIPS = 40  # drifted columns listed by name in the summary; the rest are counted
_SEVERITY_CAP = 5.0  # the summary chart's axis ends here; longer bars get a break mark

_VERDICT_KIND = {"major": ("drift", "!"), "warning": ("warn", "!"), "none": ("ok", "✓")}


def summary(report: DriftReport, columns: list[Indexed]) -> str:
    """The dataset verdict and why, its numbers as tiles, and the drifted columns as links."""
    verdict = report.dataset
    errors = sum(col.status == "error" for _, col in columns)
    untested = sum(col.status == "untested" for _, col in columns)
    kind, icon = _VERDICT_KIND[verdict.severity]
    parts = [
        '<section class="card summary" aria-label="summary">',
        f'<div class="verdict {kind}"><span class="icon" aria-hidden="true">{icon}</span><div>',
        f"<strong>{esc(verdict.headline)}</strong>The dataset drifts when its severity is "
        "major: when the drifted features reach "
        f"{fmt_share(verdict.share_threshold)} of the tested ones, when one changed majorly, "
        "or when the model's prediction or target did. Predictions and targets are not "
        "counted among the features.</div></div>",
        '<div class="tiles">',
        _tile(
            "drifted features",
            f"{verdict.drifted_columns:,}",
            f"/ {verdict.columns:,}",
            bad=verdict.drifted_columns > 0,
        ),
        _tile(
            f"feature drift share (dataset at {fmt_share(verdict.share_threshold)})",
            fmt_share(verdict.drift_share),
            "",
            bad=verdict.share_reached,
        ),
        _tile("severity", esc(verdict.severity), "", bad=verdict.severity != "none"),
        _tile("columns with errors", f"{errors:,}", "", bad=errors > 0),
        _tile("columns not tested", f"{untested:,}", "", bad=False),
        "</div>",
    ]
    if verdict.reasons:
        parts.append('<ul class="reasons">')
        parts.extend(f"<li>{esc(reason)}</li>" for reason in verdict.reasons)
        parts.append("</ul>")
    anchors = {col.name: index for index, col in columns}
    for lead, names in (
        ("Drifted features, most severe first:", report.drifted_columns),
        ("Drifted model columns:", report.drifted_model_columns),
    ):
        if names:
            parts.append(_chips(lead, [(anchors[name], report.column(name)) for name in names]))
    parts.append("</section>")
    return "".join(parts)


def _chips(lead: str, drifted: list[Indexed]) -> str:
    parts = [f'<p class="chips"><span class="lead">{esc(lead)}</span>']
    for index, col in drifted[:_MAX_CHIPS]:
        role = "" if col.role == Role.FEATURE else f"{col.role} "
        parts.append(
            f'<a class="chip" href="#c{index}" title="{esc(role + col.name)}">{esc(col.name)}</a>'
        )
    if len(drifted) > _MAX_CHIPS:
        parts.append(f'<span class="lead">and {len(drifted) - _MAX_CHIPS:,} more</span>')
    parts.append("</p>")
    return "".join(parts)


def _tile(label: str, value: str, extra: str, *, bad: bool) -> str:
    small = f" <small>{extra}</small>" if extra else ""
    cls = "tile bad" if bad else "tile"
    return (
        f'<div class="{cls}"><div class="v">{value}{small}</div><div class="k">{label}</div></div>'
    )


def quality(report: DriftReport, columns: list[Indexed]) -> str:
    """The data-quality findings (missing-value spikes, new categories, ...), errors first."""
    if not report.quality:
        return ""
    anchors = {col.name: index for index, col in columns}
    order = {"error": 0, "warning": 1, "info": 2}
    issues = sorted(report.quality, key=lambda issue: order[issue.severity])
    items = []
    for issue in issues:
        where = ""
        if issue.column is not None and issue.column in anchors:
            where = f' <a href="#c{anchors[issue.column]}">{esc(issue.column)}</a>'
        expected = ""
        if issue.expected is not None:
            expected = (
                f' <span class="expected">expected: {esc(expected_text(issue.expected))}</span>'
            )
        items.append(
            f'<li class="q-{esc(issue.severity)}"><span class="pill q">{esc(issue.severity)}</span>'
            f'<span class="badge">{esc(issue.check)}</span>{where} {esc(issue.message)}'
            f"{expected}</li>"
        )
    problems = sum(issue.severity != "info" for issue in issues)
    notes = len(issues) - problems
    title = f"Data quality: {problems:,} issue{'s' if problems != 1 else ''}"
    if notes:
        title += f", {notes:,} note{'s' if notes != 1 else ''}"
    return (
        '<section class="card quality" aria-label="data quality">'
        f"<h2>{title}</h2>"
        f'<ul class="quality-list">{"".join(items)}</ul></section>'
    )


def performance(report: DriftReport) -> str:
    """The model's performance on both sides: each metric with its 95% interval, the change,
    marked when the intervals do not overlap and the model got worse."""
    perf = report.performance
    if perf is None:
        return ""
    names = list(dict.fromkeys([*perf.reference, *perf.current]))
    rows = []
    for name in names:
        ref, cur = perf.reference.get(name), perf.current.get(name)
        change, worse = "", False
        if ref is not None and cur is not None and ref.value is not None and cur.value is not None:
            delta = cur.value - ref.value
            change = f"{delta:+.4g}"
            apart = (
                ref.ci_low is not None
                and cur.ci_low is not None
                and ref.ci_high is not None
                and cur.ci_high is not None
                and (cur.ci_high < ref.ci_low or cur.ci_low > ref.ci_high)
            )
            worse = apart and (delta < 0 if HIGHER_IS_BETTER.get(name, True) else delta > 0)
        cls = ' class="worse"' if worse else ""
        rows.append(
            f"<tr{cls}><th>{esc(name)}</th>{_metric_cell(ref)}{_metric_cell(cur)}"
            f'<td class="num">{esc(change)}</td></tr>'
        )
    task = perf.task.replace("_", " ")
    notes = "".join(f"<li>{esc(note)}</li>" for note in perf.notes)
    return (
        '<section class="card performance" aria-label="model performance">'
        f"<h2>Model performance ({esc(task)})</h2>"
        '<p class="hint">Each metric with its 95% bootstrap interval, on '
        f"{perf.rows[0]:,} labelled reference and {perf.rows[1]:,} labelled current rows. "
        "A row is marked when the intervals do not overlap and the model got worse.</p>"
        '<table class="stats perf"><thead><tr><th>metric</th><th class="num">reference</th>'
        '<th class="num">current</th><th class="num">change</th></tr></thead><tbody>'
        + "".join(rows)
        + "</tbody></table>"
        + _concept(perf.concept, perf.task)
        + explanation(perf.explanation)
        + (f'<ul class="reasons">{notes}</ul>' if notes else "")
        + "</section>"
    )


_CONCEPT_FEATURES = 5  # features named in the concept-drift paragraph


def _concept(concept: ConceptDrift | None, task: str) -> str:
    """A paragraph on concept drift: whether the labels still follow the reference's
    calibration (a regression: the model errs as it did at the same inputs), and, when the
    relation changed, the features whose relation to the label moved most."""
    if concept is None:
        return ""
    test = concept.calibration
    p_text = "p < 1e-15" if test.p_value < 1e-15 else f"p = {fmt_p(test.p_value)}"
    shift = esc(fmt_num(test.shift))
    if task == "regression":
        what = "the model's errors at the same inputs"
        if concept.changed:
            head = (
                "<strong>Concept drift:</strong> the model no longer errs as it did on the "
                f"reference at the same inputs ({esc(p_text)}; its error moved by {shift} "
                "of the reference's mean absolute error), so the relation between the inputs "
                "and the target changed, not only the inputs."
            )
        elif test.p_value < concept.alpha:
            head = (
                f"No concept drift found: {what} moved ({esc(p_text)}) by only {shift} of "
                "the reference's mean absolute error."
            )
        else:
            head = f"No concept drift found: {what} are as on the reference ({esc(p_text)})."
    else:
        label = f" (class {esc(test.label)} most)" if test.label is not None else ""
        if concept.changed:
            head = (
                "<strong>Concept drift:</strong> the current labels no longer follow the "
                f"model's calibration on the reference{label} ({esc(p_text)}), so "
                "the relation between the inputs and the labels changed, not only the inputs."
            )
        elif test.p_value < concept.alpha:
            head = (
                "No concept drift found: the current labels moved off the model's calibration "
                f"on the reference ({esc(p_text)}) by only {shift} probability points on "
                "average, and its log loss and ROC AUC stayed within what the shift of the "
                "inputs predicts."
            )
        else:
            head = (
                "No concept drift found: the current labels follow the model's calibration on "
                f"the reference ({esc(p_text)})."
            )
    where = ""
    moved = [f for f in concept.features if f.p_value_adjusted < concept.alpha]
    if concept.changed and moved:
        unit = " of the mean absolute error" if task == "regression" else ""
        named = ", ".join(
            f"{esc(f.name)} (residual shift {esc(fmt_num(f.shift))}{unit})"
            for f in moved[:_CONCEPT_FEATURES]
        )
        where = f" Features whose relation to the label moved most: {named}."
    kind = "drift" if concept.changed else "ok"
    return f'<p class="concept {kind}">{head}{where}</p>'


def _metric_cell(metric: MetricValue | None) -> str:
    if metric is None or metric.value is None:
        return '<td class="num">–</td>'
    interval = ""
    if metric.ci_low is not None and metric.ci_high is not None:
        interval = f" <small>[{fmt_num(metric.ci_low)}, {fmt_num(metric.ci_high)}]</small>"
    estimated = " <small>(estimated)</small>" if metric.estimated else ""
    return f'<td class="num">{esc(fmt_num(metric.value))}{interval}{estimated}</td>'


def method_statistics(col: ColumnResult) -> dict[str, float]:
    """The column's raw statistics by method, for the summary chart's switch: finite values of
    the deciding method and of the further ones reported beside it (``--method ks --method
    psi`` gives every column a ks and a psi bar)."""
    if not col.tested or col.method is None or col.statistic is None:
        return {}
    found = {col.method: float(col.statistic)}
    found.update((m.method, float(m.result.statistic)) for m in col.also if m.result is not None)
    return {method: value for method, value in found.items() if math.isfinite(value)}


def severity_chart(columns: list[Indexed]) -> str:
    """The summary chart: one bar per tested column, most severe first. A menu switches the bars
    to any method's raw statistic (report.js reads each row's ``data-stats``)."""
    tested = by_severity([item for item in columns if item[1].tested])
    statistics = {index: method_statistics(col) for index, col in tested}
    methods = sorted({method for values in statistics.values() for method in values})
    parts = ['<section class="card sev-card" aria-label="drift severity"><div class="card-head">']
    parts.append("<h2>Threshold ratio by column</h2>")
    if methods:
        options = "".join(f'<option value="{esc(m)}">{esc(m)} statistic</option>' for m in methods)
        parts.append(
            '<label class="stat-pick">bars show <select id="ds-stat" autocomplete="off">'
            f'<option value="" selected>threshold ratio</option>{options}</select></label>'
        )
    parts.append(
        '</div><p class="hint ratio-hint">How far each tested column is past its drift '
        "threshold: a distance divided by its threshold; for a test, the smaller of "
        "−log10(adjusted p) / −log10(alpha) and effect size / minimum effect. The dashed line "
        'at 1× is the threshold; orange bars are columns that drifted.</p><p class="hint '
        'stat-hint"></p>'
    )
    if not tested:
        parts.append('<p class="note">No column was tested.</p></section>')
        return "".join(parts)
    peak = max(severity(col) for _, col in tested)
    # Room for the longest bar, at least up to twice the threshold, at most up to the cap.
    scale = min(_SEVERITY_CAP, max(2.0, math.ceil(min(peak * 1.05, _SEVERITY_CAP))))
    parts.append(
        '<div class="sev-grid sev-head"><span>column</span>'
        f'<div class="axes">{severity_axis(scale)}'
        '<svg class="sev-axis stat-axis" height="18" aria-hidden="true"></svg></div>'
        "<span>method · statistic</span></div>"
        '<div class="sev-list">'
    )
    for index, col in tested:
        score = severity(col)
        kind = "drift" if col.drifted else "ok"
        tip = f"{col.name}: {fmt_num(score)}× its threshold"
        text = result_text(col)
        values = statistics[index]
        # Six significant digits draw the bars exactly enough and keep 2,000 rows light.
        data = json.dumps({m: float(f"{v:.6g}") for m, v in values.items()}) if values else ""
        stats = f' data-stats="{esc(data)}"' if data else ""
        parts.append(
            f'<a class="sev-grid sev-row {kind}" href="#c{index}" data-name="{esc(col.name)}" '
            f'data-drifted="{int(col.drifted)}"{stats} title="{esc(tip)}">'
            f'<span class="n">{esc(col.name)}</span>{severity_bar(score, scale, col.drifted)}'
            f'<span class="m" title="{esc(text)}">{esc(text)}</span></a>'
        )
    parts.append("</div></section>")
    return "".join(parts)
