"""The HTML report's part of a text column (the words that came and went, the descriptors
that moved, each with a small chart, and texts typical of each side) and of an embedding
column (what moved).

A descriptor's chart is its distribution on each side, as :class:`~driftscope.multivariate.
text.DescriptorDrift` keeps it (shares over shared edges, the end bins holding the tails); a
descriptor without edges (constant on both sides, or a result built without them) shows its
mean on each side instead. This layer only renders: it does not recount the texts.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from driftscope.report._format import fmt_num, fmt_p
from driftscope.report.svg import distribution_chart, esc, mean_bars
from driftscope.result import Distribution

if TYPE_CHECKING:
    from driftscope.multivariate.embeddings import EmbeddingDrift
    from driftscope.multivariate.text import DescriptorDrift, TextDrift

SHOWN = 10
"""Terms listed each way."""

CAPTIONS = {
    "length": "characters per text",
    "words": "words per text",
    "word_length": "letters per word",
    "non_letter_share": "share of visible characters that are no letter",
    "uppercase_share": "share of letters in upper case",
    "digit_share": "share of characters that are digits",
    "oov_share": "share of words out of the reference's vocabulary",
}
"""What each descriptor counts, under its chart (see
:mod:`driftscope.multivariate.text.descriptors`)."""
CHART_WIDTH = 400
"""A descriptor chart's width in SVG units: about the width it is shown at two to a row in a
900 px window, so that its text reads at the page's size."""
_GRID = (
    "display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,300px),1fr));"
    "gap:4px 28px;margin:6px 0 14px"
)


def text_block(found: TextDrift) -> str:
    """The column's words, descriptors and examples (every string escaped)."""
    vocabulary = found.vocabulary
    grown = ", ".join(f"{t.term} ({t.note})" for t in vocabulary.grown[:SHOWN]) or "-"
    shrunk = ", ".join(f"{t.term} ({t.note})" for t in vocabulary.shrunk[:SHOWN]) or "-"
    words = found.classifier
    toward_current = ", ".join(c.name for c in words.explanation[:SHOWN]) or "-"
    toward_reference = ", ".join(words.details.get("reference_terms", [])[:SHOWN]) or "-"
    rows = "".join(
        f'<tr class="{"moved" if d.p_value < found.alpha else ""}"><td>{esc(d.name)}</td>'
        f'<td class="num">{esc(fmt_num(d.reference_mean))}</td>'
        f'<td class="num">{esc(fmt_num(d.current_mean))}</td>'
        f'<td class="num">{esc(fmt_num(d.statistic))}</td>'
        f'<td class="num">{esc(fmt_p(d.p_value))}</td></tr>'
        for d in found.descriptors
    )
    examples = words.details.get("examples", {})
    shown = "".join(
        f'<li><span class="badge">{esc(side)}</span> {esc(text)}</li>'
        for side in ("reference", "current")
        for text in examples.get(side, [])
    )
    return (
        '<div class="text-drift">'
        f"<p><b>Words grown or new:</b> {esc(grown)}</p>"
        f"<p><b>Words shrunk or gone:</b> {esc(shrunk)}</p>"
        f"<p><b>Words that tell current texts apart:</b> {esc(toward_current)}; "
        f"<b>reference texts:</b> {esc(toward_reference)} "
        f"<small>(held-out AUC {esc(fmt_num(words.statistic))}, vocabulary Jensen-Shannon "
        f"{esc(fmt_num(vocabulary.statistic))}, p {esc(fmt_p(vocabulary.p_value))})</small></p>"
        + descriptor_charts(found)
        # The table scrolls in its own box on a narrow screen, as the column's other tables.
        + '<div class="tw"><table class="stats descriptors"><thead><tr><th>descriptor</th>'
        '<th class="num">reference mean</th><th class="num">current mean</th>'
        '<th class="num">KS</th><th class="num">p</th></tr></thead><tbody>'
        + rows
        + "</tbody></table></div>"
        + (f'<ul class="examples">{shown}</ul>' if shown else "")
        + "</div>"
    )


def descriptor_charts(found: TextDrift) -> str:
    """One small chart per descriptor that moved (its own p-value below alpha), most moved
    first: its distribution on each side (its mean where it has none), what it counts, its KS
    distance and p-value; "" when none moved."""
    moved = found.moved_descriptors
    if not moved:
        return ""
    charts = "".join(
        '<figure style="margin:0"><figcaption class="note"><b>'
        f"{esc(d.name)}</b> <small>{esc(CAPTIONS.get(d.name, ''))}<br>KS "
        f"{esc(fmt_num(d.statistic))}, p {esc(fmt_p(d.p_value))}; mean "
        f"{esc(fmt_num(d.reference_mean))} \u2192 {esc(fmt_num(d.current_mean))}</small>"
        f"</figcaption>{_chart(d)}</figure>"
        for d in moved
    )
    return (
        "<p><b>Descriptors that moved</b> <small>(share of texts by value, each side)</small></p>"
        f'<div class="descriptor-charts" style="{_GRID}">{charts}</div>'
    )


def _chart(d: DescriptorDrift) -> str:
    """A descriptor's histogram, or its means where it kept no distribution."""
    if not d.edges:
        return mean_bars(
            d.name,
            reference=d.reference_mean,
            current=d.current_mean,
            note=f"KS {fmt_num(d.statistic)}, p {fmt_p(d.p_value)}",
            as_share=d.name.endswith("_share"),
        )
    return distribution_chart(
        _distribution(d),
        x_label=d.name,
        reference_label="reference",
        current_label="current",
        value_range=d.value_range,
        y_label="share of texts",
        width=CHART_WIDTH,
        plot_height=150,
    )


def _distribution(d: DescriptorDrift) -> Distribution:
    """A descriptor's bins as the chart takes them; the end bins name their tails (as a numeric
    column's do) where values lie beyond the edges."""
    edges = d.edges
    labels = [f"[{fmt_num(a)}, {fmt_num(b)})" for a, b in itertools.pairwise(edges)]
    low, high = d.value_range if d.value_range is not None else (edges[0], edges[-1])
    if low < edges[0]:
        labels[0] = f"< {fmt_num(edges[1])}"
    if high > edges[-1]:
        labels[-1] = f"\u2265 {fmt_num(edges[-2])}"
    return Distribution(
        kind="histogram",
        labels=tuple(labels),
        reference=d.reference_shares,
        current=d.current_shares,
        edges=edges,
    )


def embedding_block(found: EmbeddingDrift) -> str:
    """The embedding column's test and what moved (numbers only: nothing to escape but
    formatted numbers, escaped all the same)."""
    moved = ", ".join(f"#{j} ({fmt_num(ks)})" for j, ks in found.moved_components) or "-"
    approximate = " (random Fourier features)" if found.mmd.approximate else ""
    return (
        '<div class="text-drift">'
        f"<p><b>MMD\u00b2 of the vectors:</b> {esc(fmt_num(found.mmd.statistic))}, "
        f"p {esc(fmt_p(found.mmd.p_value))}{esc(approximate)}</p>"
        f"<p><b>Mean vectors:</b> {esc(fmt_num(found.mean_distance))} apart (p "
        f"{esc(fmt_p(found.mean_p_value))}), cosine distance "
        f"{esc(fmt_num(found.cosine_distance))}</p>"
        f"<p><b>Components that drift on their own:</b> {found.drifted_components} of "
        f"{found.components}; most moved: {esc(moved)}</p></div>"
    )
