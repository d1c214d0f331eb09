"""The self-contained HTML report: one file, inline CSS, SVG and a small script, no network.

The page is built from plain strings (there is no template engine to pull in); every
user-provided string goes through :func:`~driftscope.report.svg.esc`. A Content-Security-Policy
allows only the page's own script (by its sha256 hash), inline styles and ``data:`` images, so
even a string that escaped escaping could neither run code nor load anything.

This module assembles the page: its header, toolbar and footer around the sections of
:mod:`~driftscope.report._sections` (summary, data quality, severity chart) and the column
cards of :mod:`~driftscope.report._columns`.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from string import Template

from driftscope.report._columns import column_sections
from driftscope.report._diagnosis import segments
from driftscope.report._format import fmt_num, scalar
from driftscope.report._multivariate import multivariate
from driftscope.report._sections import performance, quality, severity_chart, summary
from driftscope.report.svg import CHART_DEFS, esc, shorten
from driftscope.result import DriftReport

_NOTEBOOK_HEIGHT = 720  # px: the notebook frame's height; the page scrolls inside it


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

    >>> from driftscope.result import DatasetVerdict, DriftReport, Source
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
            summary(report, columns),
            performance(report),
            segments(report),
            multivariate(report),
            quality(report, columns),
            _toolbar(),
            severity_chart(columns),
            column_sections(columns),
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
    >>> from driftscope.result import DatasetVerdict, DriftReport, Source
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
    """An option's value as the footer shows it: a scalar formatted, anything else its repr."""
    shown = scalar(value)
    return shorten(fmt_num(shown) if shown is not None else repr(value), 300)
