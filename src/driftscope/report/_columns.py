"""The HTML report's column sections: one collapsible card per column, with its distribution
chart, its test table and its summary statistics side by side.

Also what the page's other parts say about a column in the same words: its severity score
(:func:`severity`), the order of the columns (:func:`by_severity`) and its result in a few
words (:func:`result_text`).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping

from driftscope._types import TESTED_ROLES, Role
from driftscope.report._format import fmt_num, fmt_p, fmt_share, scalar
from driftscope.report._text import embedding_block, text_block
from driftscope.report.svg import distribution_chart, esc, shorten
from driftscope.result import ColumnResult

_MAX_DETAILS = 12  # scalar entries of ColumnResult.details shown per column
_BIG_CHANGE = 0.1  # a count or spread that moved by this relative amount is highlighted
# Statistics of where the values lie: their change is measured in the reference's spread (a
# relative change of a minimum near 0 says nothing), and highlighted from _BIG_SHIFT spreads.
_LOCATION = frozenset({"mean", "min", "p25", "median", "p75", "max"})
_BIG_SHIFT = 0.1
_TEXT_CHARS = 60  # a text statistic (the most frequent category) is cut here; full in a tooltip

Indexed = tuple[int, ColumnResult]
"""A column with its position in the report (its anchor, ``#c<position>``)."""


def severity(col: ColumnResult) -> float:
    """The column's severity score, with NaN (from a NaN statistic) counted as 0 so that it
    can neither break the sort nor the chart's scale."""
    score = col.severity_score
    return 0.0 if math.isnan(score) else score


def by_severity(columns: list[Indexed]) -> list[Indexed]:
    """Most severe first; ties keep the report's order (sorted() is stable)."""
    return sorted(columns, key=lambda item: -severity(item[1]))


def result_text(col: ColumnResult) -> str:
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
    "low_power": ("small", "low_power"),
}


def _status(col: ColumnResult) -> tuple[str, str]:
    """CSS class and pill text of a column's section: its status, in the terminal's words."""
    return _STATUS[col.status]


def column_sections(columns: list[Indexed]) -> str:
    """One collapsible section per column: drifted ones first and open, most severe first."""
    ordered = sorted(by_severity(columns), key=lambda item: not item[1].drifted)
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
        parts.append(f'<span class="sumstat">{esc(result_text(col))}</span>')
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
    if col.text is not None:
        parts.append(f'<div class="full">{text_block(col.text)}{tables}</div>')
    elif col.embedding is not None:
        parts.append(f'<div class="full">{embedding_block(col.embedding)}{tables}</div>')
    elif col.distribution is None:
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
            ("threshold ratio", f"{fmt_num(severity(col))}×"),
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
        (key, value) for key, raw in col.details.items() if (value := scalar(raw)) is not None
    ]
    for key, value in scalars[:_MAX_DETAILS]:
        rows.append((esc(key), esc(shorten(fmt_num(value), 120))))
        if isinstance(value, int | float):
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
