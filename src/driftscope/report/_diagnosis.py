"""The HTML report's diagnoses: the segments where drift or errors concentrate, what accounts
for a performance drop, and the constraint a quality violation broke."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping

from driftscope._plain import plain
from driftscope.report._format import fmt_num, fmt_p, fmt_share
from driftscope.report.svg import esc
from driftscope.result import DriftReport, DropExplanation, SegmentValue

MAX_SEGMENTS = 10
"""Segments listed in the report's table (the JSON lists every one)."""
MAX_ATTRIBUTIONS = 8
"""Features and segments listed under a performance drop."""


def slice_text(filters: Mapping[str, SegmentValue]) -> str:
    """A slice as people read it: ``region = 'north' and amount in [10, 20)``.

    >>> slice_text({"region": "north", "amount": (10.0, 20.0), "flag": None})
    "region = 'north' and amount in [10, 20) and flag is missing"
    """
    parts = []
    for column, value in filters.items():
        if value is None:
            parts.append(f"{column} is missing")
        elif isinstance(value, tuple):
            low, high = value
            parts.append(f"{column} in [{fmt_num(low)}, {fmt_num(high)})")
        else:
            parts.append(f"{column} = {value!r}")
    return " and ".join(parts)


def segments(report: DriftReport) -> str:
    """The segment search's findings, best first (nothing when it did not run)."""
    found = report.segments
    if found is None:
        return ""
    notes = "".join(f'<p class="hint note">{esc(note)}.</p>' for note in report.segments_notes)
    if not found:
        return (
            '<section class="card segments" aria-label="segments">'
            "<h2>Segments: none found</h2>"
            '<p class="hint">No slice of the data (category values, binned numbers, pairs of '
            "them) holds drift or errors beyond the rest of the data, after correcting for "
            f"every slice searched.</p>{notes}</section>"
        )
    rows = []
    for rank, seg in enumerate(found[:MAX_SEGMENTS], start=1):
        moved = f"<br><small>{esc(', '.join(seg.columns))}</small>" if seg.columns else ""
        rows.append(
            f'<tr class="seg-{esc(seg.kind)}"><td class="num">{rank}</td>'
            f"<td>{esc(slice_text(seg.filters))}{moved}</td>"
            f'<td><span class="badge">{esc(seg.kind)}</span></td>'
            f'<td class="num">{seg.rows:,} <small>({esc(fmt_share(seg.share))})</small></td>'
            f'<td class="num">{esc(fmt_num(seg.effect))}</td>'
            f'<td class="num">{esc(fmt_num(seg.score))}</td>'
            f'<td class="num">{esc(fmt_p(seg.p_value))}</td></tr>'
        )
    more = len(found) - MAX_SEGMENTS
    tail = f'<p class="hint">and {more:,} more in the JSON report.</p>' if more > 0 else ""
    messages = "".join(f"<li>{esc(seg.message)}</li>" for seg in found[:3])
    return (
        '<section class="card segments" aria-label="segments">'
        f"<h2>Segments: {len(found):,} where drift or errors concentrate</h2>"
        f'<ul class="reasons">{messages}</ul>'
        '<table class="stats segments"><thead><tr><th class="num">#</th><th>slice</th>'
        '<th>kind</th><th class="num">current rows</th><th class="num">effect</th>'
        '<th class="num">score</th><th class="num">p (adjusted)</th></tr></thead><tbody>'
        + "".join(rows)
        + "</tbody></table>"
        + tail
        + notes
        + "</section>"
    )


def explanation(found: DropExplanation | None) -> str:
    """A paragraph and a table on what accounts for the headline metric's drop."""
    if found is None:
        return ""
    estimated = " (estimated)" if found.estimated else ""
    share = found.explained / found.drop if found.drop else math.nan
    head = (
        f"<strong>Why {esc(found.metric)} fell</strong> from {esc(fmt_num(found.reference))} "
        f"to {esc(fmt_num(found.current))}{esc(estimated)}: "
    )
    if found.explained > 0 and math.isfinite(share):
        head += (
            f"the shift of the inputs accounts for {esc(fmt_num(found.explained))} "
            f"({esc(fmt_share(min(share, 1.0)))} of the drop)"
        )
        if share < 1.0:
            head += "; the rest is a change the inputs do not explain (concept drift, or noise)"
        head += "."
    else:
        head += (
            "the shift of the inputs does not account for it (re-weighted to the current "
            "inputs, the reference does not get worse), so the relation between the inputs "
            "and the target changed (concept drift), or the drop is noise."
        )
    rows = "".join(
        f"<tr><td>{esc(a.name)}</td><td>{esc(a.kind)}</td>"
        f'<td class="num">{esc(fmt_num(a.expected))}</td>'
        f'<td class="num">{esc(fmt_num(a.drop))}</td>'
        f'<td class="num">{esc(fmt_share(a.share))}</td></tr>'
        for a in found.attributions[:MAX_ATTRIBUTIONS]
    )
    table = (
        '<table class="stats attributions"><thead><tr><th>feature or segment</th><th>kind</th>'
        f'<th class="num">expected {esc(found.metric)}</th><th class="num">drop</th>'
        '<th class="num">share</th></tr></thead><tbody>' + rows + "</tbody></table>"
        if rows
        else ""
    )
    method = f'<p class="hint">{esc(found.method)}</p>' if found.method else ""
    return f'<div class="explanation"><p>{head}</p>{table}{method}</div>'


def expected_text(expected: object) -> str:
    """A constraint as the constraints file writes it, on one line.

    >>> expected_text({"min": 0, "max": 120})
    '{"min": 0, "max": 120}'
    """
    if isinstance(expected, str):
        return expected
    return json.dumps(plain(expected, json_safe=True), ensure_ascii=False)
