"""The self-contained HTML report: one file, inline CSS, SVG and a small script, no network.

The page is built from plain strings (there is no template engine to pull in); every
user-provided string goes through :func:`~driftscope.report.svg.esc`. A Content-Security-Policy
allows only the page's own script (by its sha256 hash), inline styles and ``data:`` images, so
even a string that escaped escaping could neither run code nor load anything.
"""

from __future__ import annotations

import base64
import hashlib
import math
import numbers
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from string import Template

from driftscope._types import Role
from driftscope.report._format import fmt_num, fmt_p, fmt_share
from driftscope.report.model import ColumnResult, DriftReport
from driftscope.report.svg import distribution_chart, esc, severity_axis, severity_bar, shorten

_TESTED_ROLES = frozenset({Role.FEATURE, Role.TARGET, Role.PREDICTION})
_MAX_CHIPS = 40  # drifted columns listed by name in the summary; the rest are counted
_MAX_DETAILS = 12  # scalar entries of ColumnResult.details shown per column
_SEVERITY_CAP = 5.0  # the summary chart's axis ends here; longer bars get a break mark
_BIG_CHANGE = 0.1  # a summary statistic that moved by this relative amount is highlighted

_Indexed = tuple[int, ColumnResult]  # a column with its position in the report (its anchor)


@dataclass(frozen=True, slots=True)
class _Assets:
    page: Template
    css: str
    script: str
    csp: str


@lru_cache(maxsize=1)
def _assets() -> _Assets:
    """Read the templates once per process and hash the script for the CSP."""
    folder = resources.files("driftscope.report") / "templates"
    script = (folder / "report.js").read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    csp = (
        "default-src 'none'; style-src 'unsafe-inline'; "
        f"script-src 'sha256-{digest}'; img-src data:; base-uri 'none'; form-action 'none'"
    )
    return _Assets(
        page=Template((folder / "report.html").read_text(encoding="utf-8")),
        css=(folder / "report.css").read_text(encoding="utf-8"),
        script=script,
        csp=csp,
    )


def render_html(report: DriftReport) -> str:
    """Render ``report`` as one self-contained HTML page.

    The page shows the sources, the dataset verdict, a severity chart of every tested column
    (most severe first) and one collapsible section per column with its distribution chart
    and test numbers; a filter box narrows both. It makes no network request when opened.

    >>> from driftscope.report.model import DatasetVerdict, DriftReport, Source
    >>> report = DriftReport(
    ...     reference=Source(rows=100, source="ref.csv"), current=Source(rows=90, source="cur.csv"),
    ...     dataset=DatasetVerdict(False, 0, 0, 0.0, 0.5), columns=(),
    ...     created_at="2026-01-01T00:00:00Z", driftscope_version="0.1.0")
    >>> page = render_html(report)
    >>> page.startswith("<!DOCTYPE html>"), "ref.csv" in page
    (True, True)
    """
    assets = _assets()
    columns = list(enumerate(report.columns))
    body = "".join(
        (
            _header(report),
            "<main>",
            _summary(report, columns),
            _quality(report, columns),
            _toolbar(),
            _severity_chart(columns),
            _sections(columns),
            _footer(report),
            "</main>",
        )
    )
    title = f"Drift report: {report.reference.source} vs {report.current.source}"
    return assets.page.substitute(
        csp=assets.csp,
        version=esc(report.driftscope_version),
        title=esc(shorten(title, 200)),
        css=assets.css,
        body=body,
        script=assets.script,
    )


def _severity(col: ColumnResult) -> float:
    """The column's severity score, with NaN (from a NaN statistic) counted as 0 so that it
    can neither break the sort nor the chart's scale."""
    score = col.severity_score
    return 0.0 if math.isnan(score) else score


def _by_severity(columns: list[_Indexed]) -> list[_Indexed]:
    """Most severe first; ties keep the report's order (sorted() is stable)."""
    return sorted(columns, key=lambda item: -_severity(item[1]))


def _header(report: DriftReport) -> str:
    ref, cur = report.reference, report.current
    return (
        '<header class="top"><div class="brand">driftscope</div><h1>Drift report</h1>'
        '<dl class="meta">'
        f'<div><dt>Reference</dt><dd><span class="mono">{esc(ref.source)}</span> · '
        f"{fmt_num(ref.rows)} rows</dd></div>"
        f'<div><dt>Current</dt><dd><span class="mono">{esc(cur.source)}</span> · '
        f"{fmt_num(cur.rows)} rows</dd></div>"
        f"<div><dt>Created</dt><dd>{esc(report.created_at)}</dd></div>"
        f"<div><dt>driftscope</dt><dd>{esc(report.driftscope_version)}</dd></div>"
        "</dl></header>"
    )


_VERDICT_KIND = {"major": ("drift", "!"), "warning": ("warn", "!"), "none": ("ok", "✓")}


def _summary(report: DriftReport, columns: list[_Indexed]) -> str:
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


def _chips(lead: str, drifted: list[_Indexed]) -> str:
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


def _quality(report: DriftReport, columns: list[_Indexed]) -> str:
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
        items.append(
            f'<li class="q-{esc(issue.severity)}"><span class="pill q">{esc(issue.severity)}</span>'
            f'<span class="badge">{esc(issue.check)}</span>{where} {esc(issue.message)}</li>'
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


def _tile(label: str, value: str, extra: str, *, bad: bool) -> str:
    small = f" <small>{extra}</small>" if extra else ""
    cls = "tile bad" if bad else "tile"
    return (
        f'<div class="{cls}"><div class="v">{value}{small}</div><div class="k">{label}</div></div>'
    )


def _toolbar() -> str:
    return (
        '<div class="toolbar" role="search">'
        '<input type="search" id="ds-filter" placeholder="Filter columns by name…" '
        'aria-label="Filter columns by name" autocomplete="off" spellcheck="false">'
        '<label><input type="checkbox" id="ds-drifted-only"> drifted only</label>'
        '<button type="button" id="ds-expand">Expand all</button>'
        '<button type="button" id="ds-collapse">Collapse all</button>'
        '<span id="ds-count" aria-live="polite"></span></div>'
    )


def _severity_chart(columns: list[_Indexed]) -> str:
    tested = _by_severity([item for item in columns if item[1].tested])
    parts = [
        '<section class="card" aria-label="drift severity">',
        "<h2>Threshold ratio by column</h2>",
        '<p class="hint">How far each tested column is past its drift threshold: a distance '
        "divided by its threshold; for a test, the smaller of −log10(adjusted p) / −log10(alpha) "
        "and effect size / minimum effect. The dashed line at 1× is the threshold; orange bars "
        "are columns that drifted.</p>",
    ]
    if not tested:
        parts.append('<p class="note">No column was tested.</p></section>')
        return "".join(parts)
    peak = max(_severity(col) for _, col in tested)
    # Room for the longest bar, at least up to twice the threshold, at most up to the cap.
    scale = min(_SEVERITY_CAP, max(2.0, math.ceil(min(peak * 1.05, _SEVERITY_CAP))))
    parts.append(
        '<div class="sev-grid sev-head"><span>column</span>'
        f"{severity_axis(scale)}<span>method · statistic</span></div>"
        '<div class="sev-list">'
    )
    for index, col in tested:
        severity = _severity(col)
        kind = "drift" if col.drifted else "ok"
        tip = f"{col.name}: {fmt_num(severity)}× its threshold"
        text = _result_text(col)
        parts.append(
            f'<a class="sev-grid sev-row {kind}" href="#c{index}" data-name="{esc(col.name)}" '
            f'data-drifted="{int(col.drifted)}" title="{esc(tip)}">'
            f'<span class="n">{esc(col.name)}</span>{severity_bar(severity, scale, col.drifted)}'
            f'<span class="m" title="{esc(text)}">{esc(text)}</span></a>'
        )
    parts.append("</div></section>")
    return "".join(parts)


def _footer(report: DriftReport) -> str:
    parts = [
        f"<footer><p>Generated by driftscope {esc(report.driftscope_version)} at "
        f"{esc(report.created_at)}. This report is a single self-contained file: it loads "
        "nothing from the network.</p>"
    ]
    if report.options:
        items = "".join(
            f'<tr><th>{esc(key)}</th><td class="mono">{esc(_option_text(value))}</td></tr>'
            for key, value in report.options.items()
        )
        parts.append(f"<details><summary>Options</summary><table>{items}</table></details>")
    parts.append("</footer>")
    return "".join(parts)


def _option_text(value: object) -> str:
    plain = _plain(value)
    return shorten(fmt_num(plain) if plain is not None else repr(value), 300)


def _plain(value: object) -> float | int | str | None:
    """``value`` as a scalar :func:`fmt_num` can show, or None when it is not a scalar."""
    if isinstance(value, str | bool):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    return None


def _result_text(col: ColumnResult) -> str:
    """The method and its numbers in a few words: ``ks · 0.1234, adj. p = 1.2e-05`` (the
    p-value the decision used, as in the terminal)."""
    if not col.tested:
        return "not tested"
    text = f"{col.method} · {fmt_num(col.statistic)}"
    if col.is_test:
        label = "adj. p" if col.p_value_adjusted is not None else "p"
        text += f", {label} = {fmt_p(col.decision_p_value)}"
    return text


_STATUS = {
    "drift": ("drift", "drift"),
    "small": ("small", "small"),
    "ok": ("ok", "ok"),
    "error": ("err", "error"),
    "untested": ("skip", "not tested"),
}


def _status(col: ColumnResult) -> tuple[str, str]:
    """CSS class and pill text of a column's section: its status, in the terminal's words."""
    return _STATUS[col.status]


def _sections(columns: list[_Indexed]) -> str:
    """One collapsible section per column: drifted ones first and open, most severe first."""
    ordered = sorted(_by_severity(columns), key=lambda item: not item[1].drifted)
    empty = "No column matches the filter." if columns else "The report has no columns."
    return "".join(
        (
            '<section aria-label="columns">',
            *(_section(index, col) for index, col in ordered),
            f'<p id="ds-empty" hidden>{empty}</p></section>',
        )
    )


def _section(index: int, col: ColumnResult) -> str:
    kind, label = _status(col)
    name = esc(col.name)
    parts = [
        f'<details class="col {kind}" id="c{index}" data-name="{name}" '
        f'data-drifted="{int(col.drifted)}"{" open" if col.drifted else ""}>'
        f'<summary><span class="cname">{name}</span><span class="badge">{esc(col.type)}</span>'
    ]
    if col.role != Role.FEATURE:
        parts.append(f'<span class="badge">{esc(col.role)}</span>')
    if col.tested:
        parts.append(f'<span class="sumstat">{esc(_result_text(col))}</span>')
    if col.severity != "none":
        parts.append(f'<span class="sev-tag {esc(col.severity)}">{esc(col.severity)}</span>')
    if col.importance is not None:
        parts.append(f'<span class="badge">importance {fmt_share(col.importance)}</span>')
    parts.append(f'<span class="pill {kind}">{label}</span></summary><div class="colbody">')
    if col.error is not None:
        parts.append(f'<p class="error full">{esc(col.error)}</p>')
    elif col.note is not None:
        parts.append(f'<p class="note full">{esc(col.note)}</p>')
    elif not col.tested:
        parts.append(f'<p class="note full">{esc(_untested_reason(col))}</p>')
    tables = _test_table(col) + _stats_table(col)
    if col.distribution is None:
        parts.append(f'<div class="full">{tables}</div>')
    else:
        chart = distribution_chart(
            col.distribution,
            x_label=col.name,
            reference_label="reference",
            current_label="current",
        )
        parts.append(f"<div>{chart}</div><div>{tables}</div>")
    parts.append("</div></details>")
    return "".join(parts)


def _untested_reason(col: ColumnResult) -> str:
    if col.role not in _TESTED_ROLES:
        return f"The role {col.role} is not tested; only features, targets and predictions are."
    if col.method is None:
        return f"No drift method applies to {col.type} columns."
    return f"The method {col.method} produced no statistic."


def _test_table(col: ColumnResult) -> str:
    """Method, statistic, p-value, the decision rule and the method's scalar details."""
    if col.method is None:
        return ""
    rows = [("method", esc(col.method))]
    if col.tested:
        threshold = fmt_num(col.threshold)
        is_test = col.is_test
        rule = f"p < {threshold}" if is_test else f"statistic ≥ {threshold}"
        if is_test and col.p_value_adjusted is not None:
            rule = f"adjusted p < {threshold}"
        if is_test and col.effect_size is not None and col.effect_threshold is not None:
            rule += f" and {col.effect_measure} ≥ {fmt_num(col.effect_threshold)}"
        drifted = '<span class="yes">drift</span>' if col.drifted else esc(_status(col)[1])
        rows += [("statistic", fmt_num(col.statistic)), ("p-value", fmt_p(col.p_value))]
        if col.p_value_adjusted is not None:
            rows.append(("adjusted p-value", fmt_p(col.p_value_adjusted)))
        if is_test and col.effect_size is not None:
            rows.append((f"effect ({esc(col.effect_measure)})", fmt_num(col.effect_size)))
        rows.append(("severity", esc(col.severity)))
        if col.importance is not None:
            rows.append(("importance", fmt_share(col.importance)))
        rows += [
            ("drift when", esc(rule)),
            ("status", drifted),
            ("threshold ratio", f"{fmt_num(_severity(col))}×"),
        ]
    scalars = [
        (key, plain) for key, value in col.details.items() if (plain := _plain(value)) is not None
    ]
    rows += [(esc(key), esc(shorten(fmt_num(plain), 120))) for key, plain in scalars[:_MAX_DETAILS]]
    if len(scalars) > _MAX_DETAILS:
        rows.append(("", f"and {len(scalars) - _MAX_DETAILS:,} more in the JSON report"))
    body = "".join(f"<tr><th>{key}</th><td>{value}</td></tr>" for key, value in rows)
    return f'<table class="test"><tbody>{body}</tbody></table>'


def _stats_table(col: ColumnResult) -> str:
    """Missing shares and the summary statistics of both sides, with the relative change."""
    ref_missing, cur_missing = col.reference_missing_share, col.current_missing_share
    points = (cur_missing - ref_missing) * 100
    change = f"{points:+.1f} pp" if math.isfinite(points) else ""
    parts = [
        '<table class="stats"><thead><tr><th></th><th class="num">reference</th>'
        '<th class="num">current</th><th class="num">change</th></tr></thead><tbody>',
        f'<tr><th>missing share</th><td class="num">{esc(fmt_share(ref_missing))}</td>'
        f'<td class="num">{esc(fmt_share(cur_missing))}</td><td class="num">{change}</td></tr>',
    ]
    ref, cur = col.reference_stats, col.current_stats
    for key in dict.fromkeys([*ref, *cur]):
        a, b = ref.get(key), cur.get(key)
        parts.append(
            f'<tr><th>{esc(key)}</th><td class="num">{esc(shorten(fmt_num(a), 80))}</td>'
            f'<td class="num">{esc(shorten(fmt_num(b), 80))}</td>{_change_cell(a, b)}</tr>'
        )
    parts.append("</tbody></table>")
    return "".join(parts)


def _change_cell(ref: object, cur: object) -> str:
    """The relative change from reference to current, when both are numbers and it is defined."""
    a, b = _number(ref), _number(cur)
    change = (b - a) / abs(a) if a is not None and b is not None and a != 0 else math.nan
    if not math.isfinite(change):
        return '<td class="num"></td>'
    cls = "num big" if abs(change) >= _BIG_CHANGE else "num"
    return f'<td class="{cls}">{change * 100:+.1f}%</td>'


def _number(value: object) -> float | None:
    """A summary statistic as a float; None for text, flags and missing values."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return float(value)
    return None
