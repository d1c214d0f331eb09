"""The HTML report's multivariate section: each test of the features together, its verdict and
the columns that separate the periods most."""

from __future__ import annotations

from driftscope.multivariate import MultivariateResult
from driftscope.report._format import fmt_num, fmt_p
from driftscope.report.svg import esc
from driftscope.result import DriftReport

NAMES = {
    "mmd": ("MMD", "MMD\u00b2"),
    "classifier": ("domain classifier", "held-out AUC"),
    "reconstruction": ("PCA reconstruction", "mean error"),
}
"""Each method as the page names it, and its statistic."""
SHOWN = 3
"""Columns listed as separating the periods, per test."""


def multivariate(report: DriftReport) -> str:
    """The section (nothing when no multivariate test was asked for)."""
    results = report.multivariate
    if results is None:
        return ""
    drifted = sum(r.drifted for r in results)
    verdict = f"drift in {drifted} of {len(results)} tests" if drifted else "no drift"
    count = len(results[0].columns) if results else 0
    rows = "".join(_row(r) for r in results)
    return (
        '<section class="card multivariate" aria-label="multivariate">'
        f"<h2>Features together: {esc(verdict)}</h2>"
        f'<p class="hint">{count} features tested together, as rows: what no column shows '
        "on its own, such as a correlation that turned.</p>"
        '<table class="stats multivariate"><thead><tr><th>test</th>'
        '<th class="num">statistic</th><th class="num">p-value or bounds</th><th>verdict</th>'
        "<th>separating most</th></tr></thead><tbody>" + rows + "</tbody></table></section>"
    )


def _row(result: MultivariateResult) -> str:
    name, statistic = NAMES.get(result.method, (result.method, "statistic"))
    if result.error is not None:
        return (
            f'<tr class="mv-error"><td>{esc(name)}<br><small>{esc(statistic)}</small></td>'
            f'<td colspan="4">not tested: {esc(result.error)}</td></tr>'
        )
    if result.p_value is not None:
        # a p-value below float64's range (a huge sample's) is 0: it is not
        against = "p < 1e-300" if result.p_value == 0 else f"p {fmt_p(result.p_value)}"
    else:
        lower = result.details.get("lower")
        against = f"[{fmt_num(lower)}, {fmt_num(result.threshold)}]"
    approximate = ""
    if result.approximate:
        used = result.details.get("rows_used")
        rows = f" on {used[0]:,} and {used[1]:,} rows" if isinstance(used, tuple) else ""
        approximate = f"<br><small>approximate{esc(rows)}</small>"
    separating = [c for c in result.explanation[:SHOWN] if c.score > 0]
    listed = ", ".join(f"{c.name} ({fmt_num(c.score)})" for c in separating)
    kind = "drift" if result.drifted else "none"
    return (
        f'<tr class="mv-{kind}"><td>{esc(name)}<br><small>{esc(statistic)}</small></td>'
        f'<td class="num">{esc(fmt_num(result.statistic))}{approximate}</td>'
        f'<td class="num">{esc(against)}</td>'
        f'<td><span class="badge">{"drift" if result.drifted else "no drift"}</span></td>'
        f"<td>{esc(listed) if result.drifted and listed else '-'}</td></tr>"
    )
