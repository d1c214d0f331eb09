"""Inline SVG charts for the HTML report, drawn in Python so the page needs no charting library.

Colours come from CSS classes (``ref``, ``cur``, ``ok``, ``drift``, ...) defined by the page's
stylesheet, which keeps every chart small and lets the page switch to a dark palette. Every
user-provided string passes through :func:`esc` before it reaches an attribute or a text node.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Sequence

from driftscope.report._format import fmt_num, fmt_share, fmt_ticks
from driftscope.result import Distribution

# Chart geometry in SVG user units; the page scales charts to the width available.
_WIDTH = 560
_PLOT_HEIGHT = 176  # a histogram's plot area, between legend and tick labels
_LEGEND_Y = 14
_TOP = 30
_ROW = 26  # height of one category in a bars chart
_LABEL_CHARS = 22  # category labels longer than this are cut (the full text is in a tooltip)
_TAIL = "ds-tail"  # id of the hatching that marks tail bars, defined once per page (CHART_DEFS)

CHART_DEFS = (
    '<svg class="defs" width="0" height="0" aria-hidden="true">'
    f'<pattern id="{_TAIL}" width="6" height="6" patternUnits="userSpaceOnUse" '
    'patternTransform="rotate(45)"><rect width="3" height="6"/></pattern></svg>'
)
"""What the charts refer to (the tail hatching): put once in a page before its charts."""


def esc(text: object) -> str:
    """Escape any value for use in HTML or SVG text and (quoted) attribute values.

    >>> esc('<b a="1">&')
    '&lt;b a=&quot;1&quot;&gt;&amp;'
    """
    return html.escape(str(text), quote=True)


def shorten(text: str, limit: int) -> str:
    """Cut ``text`` to at most ``limit`` characters, marking the cut with an ellipsis.

    Cut before escaping, so an entity is never split in half.

    >>> shorten("temperature_celsius", 8)
    'tempera…'
    """
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + "…"


def nice_ticks(low: float, high: float, target: int = 5) -> list[float]:
    """Round tick positions (1, 2, 2.5 or 5 times a power of ten) inside [low, high],
    increasing; any finite range works, from subnormal widths to the float limit (where no
    round tick fits, the ends themselves).

    >>> nice_ticks(0.0, 0.23)
    [0.0, 0.05, 0.1, 0.15, 0.2]
    >>> nice_ticks(3.0, 3.0)
    [3.0]
    >>> nice_ticks(-1.7e308, 1.7e308)
    [-1e+308, 0.0, 1e+308]
    >>> nice_ticks(0.0, 5e-324)
    [0.0, 5e-324]
    """
    if not high > low:
        return [low]
    ends = [low, high]
    raw = high / target - low / target  # not (high - low) / target: that overflows at 1e308
    if not (math.isfinite(raw) and raw > 0):
        return ends
    magnitude = 10.0 ** math.floor(math.log10(raw))
    if not magnitude > 0:  # below the smallest subnormal: no round tick
        return ends
    steps = (m * magnitude for m in (1.0, 2.0, 2.5, 5.0, 10.0))
    step = next((s for s in steps if s >= raw), math.inf)
    if not math.isfinite(step):  # a round step past the float limit
        return ends
    first = math.ceil(low / step - 1e-9)
    last = math.floor(high / step + 1e-9)
    if not 0 <= last - first <= 4 * target:  # rounding noise at the last digits of a float
        return ends
    # Rounding at the step's precision removes the float noise of n * step (0.15000000000000002).
    digits = 2 - math.floor(math.log10(step))
    ticks = sorted({round(n * step, digits) + 0.0 for n in range(first, last + 1)})
    ticks = [t for t in ticks if math.isfinite(t)]
    return ticks if ticks else ends


def severity_bar(severity: float, scale: float, drifted: bool) -> str:
    """One row of the summary chart: a bar of length severity / scale and the threshold line.

    Coordinates are percentages so the bar stretches with its grid cell without distorting.
    A bar longer than the scale is drawn to the end with a small break mark.
    """
    finite = severity if math.isfinite(severity) else scale * 2
    width = min(max(finite, 0.0) / scale, 1.0) * 100
    kind = "drift" if drifted else "ok"
    parts = [
        '<svg class="sev" height="16" aria-hidden="true">',
        f'<rect class="{kind}" x="0" y="3" width="{width:.2f}%" height="10" rx="2"/>',
    ]
    if finite > scale:
        parts.append('<rect class="brk" x="95%" y="2" width="3" height="12"/>')
    threshold_x = 100 / scale
    parts.append(
        f'<line class="thr" x1="{threshold_x:.2f}%" x2="{threshold_x:.2f}%" y1="0" y2="16"/></svg>'
    )
    return "".join(parts)


def severity_axis(scale: float) -> str:
    """The tick row above the summary chart: 0, 1× (the threshold, in bold), ... ``scale``×."""
    parts = ['<svg class="sev-axis" height="18" aria-hidden="true">']
    last = int(scale)
    for tick in range(last + 1):
        anchor = "start" if tick == 0 else "end" if tick == last else "middle"
        cls = ' class="thr-l"' if tick == 1 else ""
        parts.append(
            f'<text{cls} x="{tick / scale * 100:.2f}%" y="13" text-anchor="{anchor}">{tick}×</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def distribution_chart(
    dist: Distribution,
    *,
    x_label: str,
    reference_label: str,
    current_label: str,
    value_range: tuple[float, float] | None = None,
    y_label: str = "share of rows",
    width: int = _WIDTH,
    plot_height: int = _PLOT_HEIGHT,
) -> str:
    """Reference-vs-current chart of one column: overlaid histograms, or grouped category bars.

    ``x_label`` (usually the column name), ``y_label`` and the legend labels are escaped here;
    pass them raw. ``value_range`` is the smallest and largest value of both sides: when it
    reaches past the histogram's edges, the end bins also hold the values beyond (the tails),
    and are drawn hatched, labelled and explained as such. ``width`` and ``plot_height`` size
    a histogram in SVG units (the page scales it to its box; text keeps its size in those
    units, so a chart shown small wants a narrower ``width`` to stay legible).
    """
    n = len(dist.labels)
    consistent = len(dist.reference) == n and len(dist.current) == n and n > 0
    if dist.kind == "histogram":
        edges = dist.edges
        consistent = (
            consistent
            and edges is not None
            and len(edges) == n + 1
            and all(math.isfinite(e) for e in edges)
        )
    if not consistent:
        return (
            '<p class="note">No distribution to draw (bins and shares do not line up: '
            f"{n} labels, {len(dist.reference)} reference and {len(dist.current)} current shares)."
            "</p>"
        )
    legend = _legend(reference_label, current_label)
    if dist.edges is not None and dist.kind == "histogram":
        low, high = value_range if value_range is not None else (math.inf, -math.inf)
        tails = (low < dist.edges[0], high > dist.edges[-1])
        if any(tails):
            legend += _tail_key(reference_label, current_label)
        size = (width, plot_height)
        return _histogram(dist, dist.edges, x_label, legend, tails, value_range, y_label, size)
    return _bars(dist, legend)


def _tail_key(reference_label: str, current_label: str) -> str:
    """The legend's entry for tail bars, after the reference and current entries."""
    x = 18 + 7 * len(reference_label) + 12 + 28 + 7 * len(current_label) + 18
    return (
        f'<g class="legend"><rect class="ref" x="{x}" y="{_LEGEND_Y - 9}" width="11" height="11"/>'
        f'<rect class="tail" x="{x}" y="{_LEGEND_Y - 9}" width="11" height="11"/>'
        f'<text x="{x + 16}" y="{_LEGEND_Y}">end bars include the tails</text></g>'
    )


def _legend(reference_label: str, current_label: str) -> str:
    ref_width = 18 + 7 * len(reference_label)  # rough text width, enough to avoid overlap
    return (
        f'<g class="legend"><rect class="ref" x="0" y="{_LEGEND_Y - 9}" width="11" height="11"/>'
        f'<text x="16" y="{_LEGEND_Y}">{esc(reference_label)}</text>'
        f'<rect class="cur" x="{ref_width + 12}" y="{_LEGEND_Y - 9}" width="11" height="11"/>'
        f'<text x="{ref_width + 28}" y="{_LEGEND_Y}">{esc(current_label)}</text></g>'
    )


def _clean(shares: Sequence[float]) -> list[float]:
    """Shares as plottable numbers: NaN or negative become 0 rather than breaking the path."""
    return [s if math.isfinite(s) and s > 0 else 0.0 for s in map(float, shares)]


def _share_axis(peak: float) -> tuple[float, list[float]]:
    """Top of the share axis (the first round tick at or above ``peak``) and its ticks."""
    if not peak > 0:
        peak = 1.0
    ticks = nice_ticks(0.0, peak, 4)
    if ticks[-1] < peak:  # one more step, so the tallest bar stays under the top tick
        ticks.append(float(f"{2 * ticks[-1] - ticks[-2]:.12g}"))
    return ticks[-1], ticks


def _c(value: float) -> str:
    """A coordinate with one decimal and no trailing ".0": every byte counts at 2,000 charts."""
    return f"{value:.1f}".removesuffix(".0")


def _pct(share: float) -> str:
    return f"{share * 100:.3g}%"


def _histogram(
    dist: Distribution,
    bin_edges: Sequence[float],
    x_label: str,
    legend: str,
    tails: tuple[bool, bool] = (False, False),
    value_range: tuple[float, float] | None = None,
    y_label: str = "share of rows",
    size: tuple[int, int] = (_WIDTH, _PLOT_HEIGHT),
) -> str:
    # With tails, a row under the tick labels names them.
    left, right, bottom = (52, 14, 58) if any(tails) else (52, 14, 44)
    width, plot_h = size
    height = _TOP + plot_h + bottom
    plot_w = width - left - right
    edges = [float(e) for e in bin_edges]
    low, high = edges[0], edges[-1]
    if not high > low:  # a single value: give it a unit-wide range around itself
        # (or wider than its float spacing: 1e17 - 0.5 is 1e17)
        half = max(0.5, abs(low) * 1e-6)
        low, high = low - half, high + half
        edges = [low + (high / 2 - low / 2) * 2 * i / (len(edges) - 1) for i in range(len(edges))]
    ref, cur = _clean(dist.reference), _clean(dist.current)
    top, y_ticks = _share_axis(max(ref + cur))
    base = _TOP + plot_h

    def x(v: float) -> float:
        # Halved before subtracting: (high - low) overflows for a range across 1e308.
        return left + (v / 2 - low / 2) / (high / 2 - low / 2) * plot_w

    def y(s: float) -> float:
        return base - s / top * plot_h

    def area(shares: list[float]) -> str:
        d = [f"M{_c(x(edges[0]))} {_c(base)}"]
        for i, s in enumerate(shares):
            d.append(f"V{_c(y(s))}H{_c(x(edges[i + 1]))}")
        d.append(f"V{_c(base)}Z")
        return "".join(d)

    n = len(dist.labels)
    # A tail bar holds its bin and every value beyond the chart's range on its side.
    tail_bins = {i for i, side in ((0, tails[0]), (n - 1, tails[1])) if side}
    beyond = ""
    if tail_bins:
        beyond = "; its end bars also count the values beyond the axis"
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="histogram of {esc(x_label)}: reference and current{beyond}">',
        legend,
    ]
    parts += _y_grid(y_ticks, y, left, width - right)
    parts.append(f'<path class="ref" d="{area(ref)}"/><path class="cur" d="{area(cur)}"/>')
    for i in sorted(tail_bins):
        x0, x1 = x(edges[i]), x(edges[i + 1])
        top_y = y(max(ref[i], cur[i]))
        parts.append(
            f'<rect class="tail" x="{_c(x0)}" y="{_c(top_y)}" width="{_c(max(x1 - x0, 0.5))}" '
            f'height="{_c(base - top_y)}"/>'
        )
    # Invisible full-height bins carry the tooltips, so hovering anywhere over a bin works.
    for i, label in enumerate(dist.labels):
        x0, x1 = x(edges[i]), x(edges[i + 1])
        tip = f"{label}: reference {fmt_share(ref[i])}, current {fmt_share(cur[i])}"
        if i in tail_bins:
            tip += _tail_note(i == 0, edges, value_range)
        parts.append(
            f'<rect class="hit" x="{_c(x0)}" y="{_TOP}" width="{_c(max(x1 - x0, 0.5))}" '
            f'height="{plot_h}"><title>{esc(tip)}</title></rect>'
        )
    parts.append(f'<line class="axis" x1="{left}" x2="{width - right}" y1="{base}" y2="{base}"/>')
    x_ticks = nice_ticks(low, high, 6)
    for tick, label in zip(x_ticks, fmt_ticks(x_ticks), strict=True):
        tx = x(tick)
        parts.append(
            f'<line class="tick" x1="{_c(tx)}" x2="{_c(tx)}" y1="{base}" y2="{base + 4}"/>'
            f'<text class="tx" x="{_c(tx)}" y="{base + 16}">{label}</text>'
        )
    if 0 in tail_bins:
        parts.append(
            f'<text class="tl" x="{left}" y="{base + 30}">tail {esc(dist.labels[0])}</text>'
        )
    if n - 1 in tail_bins:
        parts.append(
            f'<text class="tl" x="{width - right}" y="{base + 30}" text-anchor="end">'
            f"tail {esc(dist.labels[-1])}</text>"
        )
    parts.append(
        f'<text class="al" x="{_c(left + plot_w / 2)}" y="{height - 4}">'
        f"{esc(shorten(x_label, 60))}</text>"
        f'<text class="al" transform="translate(12 {_c(_TOP + plot_h / 2)}) rotate(-90)">'
        f"{esc(y_label)}</text></svg>"
    )
    return "".join(parts)


def _tail_note(
    low_side: bool, edges: Sequence[float], value_range: tuple[float, float] | None
) -> str:
    """What a tail bar's tooltip adds: which values beyond the axis it counts."""
    if low_side:
        extreme = f", down to the minimum {fmt_num(value_range[0])}" if value_range else ""
        return f" (tail: this bar also counts every value below {fmt_num(edges[0])}{extreme})"
    extreme = f", up to the maximum {fmt_num(value_range[1])}" if value_range else ""
    return f" (tail: this bar also counts every value above {fmt_num(edges[-1])}{extreme})"


def _y_grid(ticks: list[float], y: Callable[[float], float], x0: float, x1: float) -> list[str]:
    out = []
    for tick in ticks:
        ty = y(tick)
        out.append(
            f'<line class="grid" x1="{x0}" x2="{x1}" y1="{_c(ty)}" y2="{_c(ty)}"/>'
            f'<text class="ty" x="{x0 - 6}" y="{_c(ty + 4)}">{_pct(tick)}</text>'
        )
    return out


def _bars(dist: Distribution, legend: str) -> str:
    left, right, bottom = 166, 16, 40  # room for a label of _LABEL_CHARS wide characters
    n = len(dist.labels)
    plot_w, plot_h = _WIDTH - left - right, n * _ROW
    height = _TOP + plot_h + bottom
    ref, cur = _clean(dist.reference), _clean(dist.current)
    top, x_ticks = _share_axis(max(ref + cur))
    base = _TOP + plot_h

    parts = [
        f'<svg class="chart" viewBox="0 0 {_WIDTH} {height}" role="img" '
        'aria-label="category shares: reference and current">',
        legend,
    ]
    for tick in x_ticks:
        tx = left + tick / top * plot_w
        parts.append(
            f'<line class="grid" x1="{_c(tx)}" x2="{_c(tx)}" y1="{_TOP}" y2="{base}"/>'
            f'<text class="tx" x="{_c(tx)}" y="{base + 16}">'
            f"{_pct(tick)}</text>"
        )
    for i, label in enumerate(dist.labels):
        y0 = _TOP + i * _ROW
        tip = f"{label}: reference {fmt_share(ref[i])}, current {fmt_share(cur[i])}"
        parts.append(
            f"<g><title>{esc(tip)}</title>"
            f'<text class="cl" x="{left - 8}" y="{y0 + 17}">'
            f"{esc(shorten(label, _LABEL_CHARS))}</text>"
            f'<rect class="ref" x="{left}" y="{y0 + 3}" width="{_c(ref[i] / top * plot_w)}" '
            'height="10"/>'
            f'<rect class="cur" x="{left}" y="{y0 + 13}" width="{_c(cur[i] / top * plot_w)}" '
            'height="10"/></g>'
        )
    parts.append(
        f'<line class="axis" x1="{left}" x2="{left}" y1="{_TOP}" y2="{base}"/>'
        f'<text class="al" x="{_c(left + plot_w / 2)}" y="{height - 4}">'
        "share of rows</text></svg>"
    )
    return "".join(parts)


_SMALL_WIDTH = 320  # a small chart (one number on both sides), shown several to a row


def mean_bars(
    label: str, *, reference: float, current: float, note: str = "", as_share: bool = False
) -> str:
    """A small chart of one number on both sides (a text descriptor's mean): a reference and a
    current bar on one axis from 0, each with its value, under ``label`` and ``note`` (both
    escaped here; pass them raw). ``as_share``: the number is a fraction, shown in %.

    Negative and non-finite values are drawn as 0 (their value is still written).
    """
    left, right, plot_left = 66, 62, 0  # row names left of the bars, values right of them
    plot_w = _SMALL_WIDTH - left - right
    values = [float(reference), float(current)]
    drawn = _clean(values)
    top, ticks = _share_axis(max(drawn))
    shown = [fmt_share(v) if as_share else fmt_num(v) for v in values]
    labels = [_pct(t) for t in ticks] if as_share else fmt_ticks(ticks)
    base = 70
    height = base + 18
    title = f"{label}: reference {shown[0]}, current {shown[1]}"
    parts = [
        f'<svg class="chart small" viewBox="0 0 {_SMALL_WIDTH} {height}" role="img" '
        f'aria-label="{esc(title)}"><title>{esc(title)}</title>',
        f'<g class="legend"><text x="{plot_left}" y="13">{esc(shorten(label, 26))}</text>'
        f'<text class="note" x="{_SMALL_WIDTH}" y="13" text-anchor="end">{esc(note)}</text></g>',
    ]
    for tick in ticks:
        tx = left + tick / top * plot_w
        parts.append(f'<line class="grid" x1="{_c(tx)}" x2="{_c(tx)}" y1="22" y2="{base}"/>')
    for row, (kind, name) in enumerate((("ref", "reference"), ("cur", "current"))):
        y0 = 26 + row * 21
        width = drawn[row] / top * plot_w
        parts.append(
            f'<text x="{plot_left}" y="{y0 + 11}">{name}</text>'
            f'<rect class="{kind}" x="{left}" y="{y0}" width="{_c(width)}" height="14"/>'
            f'<text x="{_c(left + width + 4)}" y="{y0 + 11}">{esc(shown[row])}</text>'
        )
    parts.append(f'<line class="axis" x1="{left}" x2="{left}" y1="22" y2="{base}"/>')
    for tick, text in zip(ticks, labels, strict=True):
        tx = left + tick / top * plot_w
        parts.append(f'<text class="tx" x="{_c(tx)}" y="{base + 13}">{esc(text)}</text>')
    parts.append("</svg>")
    return "".join(parts)


__all__ = [
    "CHART_DEFS",
    "distribution_chart",
    "esc",
    "mean_bars",
    "nice_ticks",
    "severity_axis",
    "severity_bar",
    "shorten",
]
