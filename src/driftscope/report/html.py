"""The self-contained HTML report: one file, inline CSS, SVG and a small script, no network.

The page is built from plain strings (there is no template engine to pull in); every
user-provided string goes through :func:`~driftscope.report.svg.esc`. A Content-Security-Policy
allows only the page's own script (by its sha256 hash), inline styles and ``data:`` images, so
even a string that escaped escaping could neither run code nor load anything.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from string import Template

from driftscope._types import TESTED_ROLES, Role
from driftscope.report._format import fmt_num, fmt_p, fmt_share
from driftscope.report.model import ColumnResult, DriftReport
from driftscope.report.svg import (
    CHART_DEFS,
    distribution_chart,
    esc,
    severity_axis,
    severity_bar,
    shorten,
)

_MAX_CHIPS = 40  # drifted columns listed by name in the summary; the rest are counted
_MAX_DETAILS = 12  # scalar entries of ColumnResult.details shown per column
_SEVERITY_CAP = 5.0  # the summary chart's axis ends here; longer bars get a break mark
_BIG_CHANGE = 0.1  # a count or spread that moved by this relative amount is highlighted
# Statistics of where the values lie: their change is measured in the reference's spread (a
# relative change of a minimum near 0 says nothing), and highlighted from _BIG_SHIFT spreads.
_LOCATION = frozenset({"mean", "min", "p25", "median", "p75", "max"})
_BIG_SHIFT = 0.1
_TEXT_CHARS = 60  # a text statistic (the most frequent category) is cut here; full in a tooltip
_NOTEBOOK_HEIGHT = 720  # px: the notebook frame's height; the page scrolls inside it

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
            CHART_DEFS,
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


def render_notebook(report: DriftReport) -> str:
    """Render ``report`` for a notebook cell: the page of :func:`render_html` in a frame.

    The frame's ``srcdoc`` is the whole page, escaped, so a notebook shows exactly the HTML
    file. ``sandbox="allow-scripts"`` lets the page's own script run (under the page's CSP) in
    an origin of its own, so neither its stylesheet nor its script can touch the notebook.

    >>> import html
    >>> from driftscope.report.model import DatasetVerdict, DriftReport, Source
    >>> report = DriftReport(
    ...     reference=Source(rows=100, source="ref.csv"), current=Source(rows=90, source="cur.csv"),
    ...     dataset=DatasetVerdict(False, 0, 0, 0.0, 0.5), columns=(),
    ...     created_at="2026-01-01T00:00:00Z", driftscope_version="0.1.0")
    >>> frame = render_notebook(report)
    >>> frame.startswith("<iframe"), 'sandbox="allow-scripts"' in frame
    (True, True)
    >>> html.unescape(frame.split('srcdoc="')[1].split('"')[0]) == render_html(report)
    True
    """
    title = f"Drift report: {report.reference.source} vs {report.current.source}"
    return (
        f'<iframe title="{esc(shorten(title, 200))}" width="100%" height="{_NOTEBOOK_HEIGHT}" '
        f'style="border:0" sandbox="allow-scripts" srcdoc="{esc(render_html(report))}">'
        "</iframe>"
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


def _statistics(col: ColumnResult) -> dict[str, float]:
    """The column's raw statistics by method, for the summary chart's switch: finite values of
    the deciding method and of the further ones reported beside it (``--method ks --method
    psi`` gives every column a ks and a psi bar)."""
    if not col.tested or col.method is None or col.statistic is None:
        return {}
    found = {col.method: float(col.statistic)}
    found.update((m.method, float(m.result.statistic)) for m in col.also if m.result is not None)
    return {method: value for method, value in found.items() if math.isfinite(value)}


def _severity_chart(columns: list[_Indexed]) -> str:
    """The summary chart: one bar per tested column, most severe first. A menu switches the bars
    to any method's raw statistic (report.js reads each row's ``data-stats``)."""
    tested = _by_severity([item for item in columns if item[1].tested])
    statistics = {index: _statistics(col) for index, col in tested}
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
    peak = max(_severity(col) for _, col in tested)
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
        severity = _severity(col)
        kind = "drift" if col.drifted else "ok"
        tip = f"{col.name}: {fmt_num(severity)}× its threshold"
        text = _result_text(col)
        values = statistics[index]
        # Six significant digits draw the bars exactly enough and keep 2,000 rows light.
        data = json.dumps({m: float(f"{v:.6g}") for m, v in values.items()}) if values else ""
        stats = f' data-stats="{esc(data)}"' if data else ""
        parts.append(
            f'<a class="sev-grid sev-row {kind}" href="#c{index}" data-name="{esc(col.name)}" '
            f'data-drifted="{int(col.drifted)}"{stats} title="{esc(tip)}">'
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
    "low_power": ("small", "low power"),
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
        f'<summary><span class="cname">{_breakable(col.name)}</span>'
        f'<span class="badge">{esc(col.type)}</span>'
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
    # Each table scrolls inside its own box should it ever be wider than its column.
    tables = "".join(
        f'<div class="tw">{t}</div>' for t in (_test_table(col), _stats_table(col)) if t
    )
    if col.distribution is None:
        parts.append(f'<div class="full">{tables}</div>')
    else:
        chart = distribution_chart(
            col.distribution,
            x_label=col.name,
            reference_label="reference",
            current_label="current",
            value_range=_value_range(col),
        )
        parts.append(f"<div>{chart}</div><div>{tables}</div>")
    parts.append("</div></details>")
    return "".join(parts)


def _value_range(col: ColumnResult) -> tuple[float, float] | None:
    """The smallest and largest value of both sides, from the summary statistics, so that the
    chart can tell when its end bins hold tails beyond its range; None when either is unknown."""
    ref, cur = col.reference_stats, col.current_stats
    lows = [_number(ref.get("min")), _number(cur.get("min"))]
    highs = [_number(ref.get("max")), _number(cur.get("max"))]
    known_lows = [v for v in lows if v is not None and math.isfinite(v)]
    known_highs = [v for v in highs if v is not None and math.isfinite(v)]
    if not known_lows or not known_highs:
        return None
    return min(known_lows), max(known_highs)


_NUM = ' class="num"'


def _untested_reason(col: ColumnResult) -> str:
    if col.role not in TESTED_ROLES:
        return f"The role {col.role} is not tested; only features, targets and predictions are."
    if col.method is None:
        return f"No drift method applies to {col.type} columns."
    return f"The method {col.method} produced no statistic."


def _test_table(col: ColumnResult) -> str:
    """Method, statistic, p-value, the decision rule and the method's scalar details."""
    if col.method is None:
        return ""
    rows: list[tuple[str, str]] = [("method", esc(col.method))]
    num: set[str] = set()  # the rows whose value is a number, kept on one line
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
        num |= {"statistic", "p-value", "adjusted p-value", "importance", "threshold ratio"}
        if col.p_value_adjusted is not None:
            rows.append(("adjusted p-value", fmt_p(col.p_value_adjusted)))
        if is_test and col.effect_size is not None:
            effect = f"effect ({esc(col.effect_measure)})"
            rows.append((effect, fmt_num(col.effect_size)))
            num.add(effect)
        rows.append(("severity", esc(col.severity)))
        if col.importance is not None:
            rows.append(("importance", fmt_share(col.importance)))
        rows += [
            ("drift when", esc(rule)),
            ("status", drifted),
            ("threshold ratio", f"{fmt_num(_severity(col))}×"),
        ]
    for extra in col.also:  # reported beside the deciding method, not decided on
        res = extra.result
        if res is None:
            text = f"error: {extra.error}"
        else:
            text = f"{fmt_num(res.statistic)}"
            if res.p_value is not None:
                text += f", p = {fmt_p(res.p_value)}"
            verdict = "past" if res.drifted else "below"
            text += f" ({verdict} its threshold {fmt_num(res.threshold)})"
        rows.append((f"also: {esc(extra.method)}", esc(text)))
    scalars = [
        (key, plain) for key, value in col.details.items() if (plain := _plain(value)) is not None
    ]
    for key, plain in scalars[:_MAX_DETAILS]:
        rows.append((esc(key), esc(shorten(fmt_num(plain), 120))))
        if isinstance(plain, int | float):
            num.add(esc(key))
    if len(scalars) > _MAX_DETAILS:
        rows.append(("", f"and {len(scalars) - _MAX_DETAILS:,} more in the JSON report"))
    body = "".join(
        f"<tr><th>{key}</th><td{_NUM if key in num else ''}>{value}</td></tr>"
        for key, value in rows
    )
    return f'<table class="test"><tbody>{body}</tbody></table>'


_CHANGE_HELP = "mean, quartiles, min, max: in reference sd (or IQR); counts, spreads: relative"


def _stats_table(col: ColumnResult) -> str:
    """Missing shares and the summary statistics of both sides, with their change."""
    ref_missing, cur_missing = col.reference_missing_share, col.current_missing_share
    points = (cur_missing - ref_missing) * 100
    change = f"{points:+.1f} pp" if math.isfinite(points) else ""
    parts = [
        '<table class="stats"><thead><tr><th></th><th class="num">reference</th>'
        f'<th class="num">current</th><th class="num" title="{esc(_CHANGE_HELP)}">change</th>'
        "</tr></thead><tbody>",
        f'<tr><th>missing share</th><td class="num">{esc(fmt_share(ref_missing))}</td>'
        f'<td class="num">{esc(fmt_share(cur_missing))}</td><td class="num">{change}</td></tr>',
    ]
    ref, cur = col.reference_stats, col.current_stats
    spread = _spread(ref)
    for key in dict.fromkeys([*ref, *cur]):
        a, b = ref.get(key), cur.get(key)
        parts.append(
            f"<tr><th>{esc(key)}</th>{_value_cell(a)}{_value_cell(b)}"
            f"{_change_cell(key, a, b, spread)}</tr>"
        )
    parts.append("</tbody></table>")
    return "".join(parts)


def _value_cell(value: float | int | str | None) -> str:
    """A summary statistic: a number on one line, or text (a category) that wraps anywhere and
    is cut at _TEXT_CHARS, whole in its tooltip."""
    if not isinstance(value, str):
        return f'<td class="num">{esc(fmt_num(value))}</td>'
    short = shorten(value, _TEXT_CHARS)
    tip = f' title="{esc(value)}"' if short != value else ""
    return f'<td class="txt"{tip}>{_breakable(short)}</td>'


def _breakable(text: str) -> str:
    """``text`` escaped, free to wrap after its underscores: a long snake_case name then wraps
    between its words before it wraps inside one (an escaped string has no "_" in an entity)."""
    return esc(text).replace("_", "_<wbr>")


def _spread(stats: Mapping[str, object]) -> tuple[float, str] | None:
    """The reference's spread that location changes are measured in, with its unit: the
    standard deviation, else the interquartile range; None when neither is positive."""
    std = _number(stats.get("std"))
    if std is not None and math.isfinite(std) and std > 0:
        return std, "sd"
    p25, p75 = _number(stats.get("p25")), _number(stats.get("p75"))
    iqr = p75 - p25 if p25 is not None and p75 is not None else math.nan
    if math.isfinite(iqr) and iqr > 0:
        return iqr, "IQR"
    return None


def _change_cell(key: str, ref: object, cur: object, spread: tuple[float, str] | None) -> str:
    """The change from reference to current when both are numbers: for a location statistic
    (mean, min, quartiles, max) in units of the reference's ``spread``, since a relative change
    near zero means nothing (a min from 0.001 to 0.003 is not "+200%"); else relative."""
    a, b = _number(ref), _number(cur)
    if a is None or b is None:
        return '<td class="num"></td>'
    if key in _LOCATION and spread is not None:
        size, unit = spread
        shift = (b - a) / size
        if not math.isfinite(shift):
            return '<td class="num"></td>'
        cls = "num big" if abs(shift) >= _BIG_SHIFT else "num"
        name = "standard deviation" if unit == "sd" else "interquartile range"
        tip = f"{fmt_num(b - a)}, {fmt_num(shift)} times the reference's {name} ({fmt_num(size)})"
        return f'<td class="{cls}" title="{esc(tip)}">{_signed(shift)} {unit}</td>'
    change = (b - a) / abs(a) if a != 0 else math.nan
    if not math.isfinite(change):
        return '<td class="num"></td>'
    cls = "num big" if abs(change) >= _BIG_CHANGE else "num"
    return f'<td class="{cls}">{change * 100:+.1f}%</td>'


def _signed(value: float) -> str:
    """A change in spreads with its sign: two decimals, fewer digits past a hundred.

    >>> [_signed(v) for v in (0.0112, -1.5, 250.4, 3e7)]
    ['+0.01', '-1.50', '+250', '+3e+07']
    """
    if abs(value) < 100:
        return f"{value + 0.0:+.2f}"
    if abs(value) < 1e6:
        return f"{value:+,.0f}"
    return f"{value:+.0e}"


def _number(value: object) -> float | None:
    """A summary statistic as a float; None for text, flags and missing values."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return float(value)
    return None
