"""The dashboard's charts as inline SVG strings: a metric over time (lines, a confidence
band, threshold lines, shaded spans, marked windows; full width or small) and the severity
heat map (features x windows).

Pure functions of their data: no store, no request. Every text that reaches the SVG goes
through :func:`~driftscope.report.svg.esc`; colours come from CSS classes (the dashboard's
Content-Security-Policy allows no inline style attributes).

>>> from datetime import UTC, datetime, timedelta
>>> days = [datetime(2026, 3, 1, tzinfo=UTC) + timedelta(days=i) for i in range(3)]
>>> svg = line_chart(
...     days, [Series("psi", (0.1, float("nan"), 0.3))], thresholds=[Threshold("rule <x>", 0.25)]
... )
>>> svg.startswith("<svg") and "rule &lt;x&gt;" in svg and svg.count("<circle") == 2
True
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from driftscope.report.svg import esc, nice_ticks, shorten

WIDTH, HEIGHT = 860, 230
SMALL = (430, 170)
"""A small chart's width and height, two to a row of a laptop's page."""
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 14, 28
TICK_SPACING = 112
"""Room per time-axis label: a full chart has 7, a small one 3."""


@dataclass(frozen=True, slots=True)
class Series:
    """One line: its legend name, one value per window (NaN where the window has none) and
    its CSS class (``s0`` to ``s5`` pick the palette; ``dashed`` for a reference level).
    ``notes`` (one per window) end each point's title; the windows ``marked`` True are drawn
    as larger drift markers (class ``mark``)."""

    name: str
    values: Sequence[float]
    css: str = "s0"
    notes: Sequence[str] | None = None
    marked: Sequence[bool] | None = None


@dataclass(frozen=True, slots=True)
class Band:
    """A shaded band around a series (a confidence interval), one bound pair per window."""

    name: str
    low: Sequence[float]
    high: Sequence[float]


@dataclass(frozen=True, slots=True)
class Threshold:
    """A horizontal line at ``value``, labelled (a rule's threshold)."""

    label: str
    value: float


@dataclass(frozen=True, slots=True)
class Span:
    """A shaded stretch of time (an alert open from ``start`` to ``end``)."""

    label: str
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class Event:
    """A moment marked by a vertical line (a stream detector's detection), labelled."""

    label: str
    at: datetime


def line_chart(
    times: Sequence[datetime],
    series: Sequence[Series],
    *,
    band: Band | None = None,
    thresholds: Sequence[Threshold] = (),
    spans: Sequence[Span] = (),
    events: Sequence[Event] = (),
    links: Sequence[str] | None = None,
    fmt: Callable[[float], str] = lambda v: f"{v:.4g}",
    size: tuple[int, int] = (WIDTH, HEIGHT),
    label: str = "",
) -> str:
    """A chart of values over the windows starting at ``times`` (in order), or an empty
    string when no value is finite. ``events`` are drawn as vertical lines at their time
    (one beyond the windows' span at its edge); ``links`` (one URL per window) make each
    point a link; ``size`` is the drawing's width and height (:data:`SMALL` for a small
    chart, CSS class ``chart small``); ``label`` names the chart for screen readers."""
    values = [v for s in series for v in s.values if math.isfinite(v)]
    if band is not None:
        values += [v for v in (*band.low, *band.high) if math.isfinite(v)]
    if not times or not values:
        return ""
    values += [t.value for t in thresholds if math.isfinite(t.value)]
    low, high = min(values), max(values)
    if high == low:
        low, high = low - (abs(low) * 0.1 or 1.0), high + (abs(high) * 0.1 or 1.0)
    pad = (high - low) * 0.06
    low, high = low - pad, high + pad
    width, height = size
    x = _x_scale(times, width)
    plot_h = height - TOP - BOTTOM

    def y(value: float) -> float:
        return TOP + plot_h * (1 - (value - low) / (high - low))

    css = "chart" if size == (WIDTH, HEIGHT) else "chart small"
    named = f' aria-label="{esc(label)}"' if label else ""
    out = [
        f'<svg class="{css}" viewBox="0 0 {width} {height}" role="img"{named} '
        f'preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">'
    ]
    half = (width - LEFT - RIGHT) / max(len(times) - 1, 1) / 2
    for span in spans:  # from half a step before its first window to half after its last
        x0 = max(x(span.start) - half, LEFT)
        x1 = min(x(span.end) + half, width - RIGHT)
        out.append(
            f'<rect class="span" x="{_c(x0)}" y="{TOP}" width="{_c(max(x1 - x0, 2))}"'
            f' height="{plot_h}"><title>{esc(span.label)}</title></rect>'
        )
    for tick in nice_ticks(low, high):
        out.append(
            f'<line class="grid" x1="{LEFT}" x2="{width - RIGHT}" y1="{_c(y(tick))}" '
            f'y2="{_c(y(tick))}"/><text class="tick" x="{LEFT - 6}" y="{_c(y(tick) + 4)}" '
            f'text-anchor="end">{esc(fmt(tick))}</text>'
        )
    out.extend(_time_axis(times, x, width, height))
    if band is not None:
        out.append(_band(times, band, x, y))
    for threshold in thresholds:
        if not math.isfinite(threshold.value):
            continue
        ty = _c(y(threshold.value))
        # a small chart labels its thresholds at the left: drift is mostly recent, and the
        # label would cover the latest points
        at, anchor = (width - RIGHT - 4, "end") if css == "chart" else (LEFT + 4, "start")
        out.append(
            f'<line class="threshold" x1="{LEFT}" x2="{width - RIGHT}" y1="{ty}" y2="{ty}">'
            f"<title>{esc(threshold.label)}</title></line>"
            f'<text class="threshold-label" x="{at}" '
            f'y="{_c(y(threshold.value) - 4)}" text-anchor="{anchor}">'
            f"{esc(shorten(threshold.label, 60 if css == 'chart' else 40))}</text>"
        )
    for event in events:
        ex = _c(min(max(x(event.at), LEFT), width - RIGHT))
        out.append(
            f'<g class="event"><title>{esc(event.label)}</title>'
            f'<line x1="{ex}" x2="{ex}" y1="{TOP}" y2="{height - BOTTOM}"/>'
            f'<path d="M{ex},{TOP + 9} l-5,-9 h10 z"/></g>'
        )
    for item in series:
        out.append(_series(times, item, x, y, links, fmt))
    out.append("</svg>")
    return "".join(out)


def legend(series: Sequence[Series], band: Band | None = None) -> str:
    """The chart's legend as HTML: one swatch per series (and the band)."""
    parts = [
        f'<span class="key"><i class="sw {esc(s.css)}"></i>{esc(s.name)}</span>' for s in series
    ]
    if band is not None:
        parts.append(f'<span class="key"><i class="sw band"></i>{esc(band.name)}</span>')
    return f'<div class="legend">{"".join(parts)}</div>'


@dataclass(frozen=True, slots=True)
class HeatRow:
    """One feature of the heat map: its name and its severity per window (0 none, 1 warning,
    2 major, NaN not measured)."""

    name: str
    levels: Sequence[float]


LEVEL_NAMES = {0: "no drift", 1: "warning", 2: "major drift"}
CELL_H, LABEL_W = 18, 170


def heat_map(
    times: Sequence[datetime], rows: Sequence[HeatRow], links: Sequence[str], label: str
) -> str:
    """The severity of every feature (rows) in every window (columns); each cell links to its
    window's report (``links``, one per window) and names feature, window and severity."""
    if not times or not rows:
        return ""
    plot_w = WIDTH - LABEL_W - RIGHT
    cell_w = plot_w / len(times)
    height = TOP + CELL_H * len(rows) + BOTTOM
    out = [
        f'<svg class="heat" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{esc(label)}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for r, row in enumerate(rows):
        top = TOP + r * CELL_H
        out.append(
            f'<text class="row-label" x="{LABEL_W - 8}" y="{top + CELL_H - 5}" '
            f'text-anchor="end"><title>{esc(row.name)}</title>{esc(shorten(row.name, 24))}</text>'
        )
        for i, level in enumerate(row.levels):
            name = "not measured" if not math.isfinite(level) else LEVEL_NAMES.get(int(level))
            css = "na" if not math.isfinite(level) else f"l{int(level)}"
            title = f"{row.name} · {day_text(times[i])} · {name}"
            out.append(
                f'<a href="{esc(links[i])}"><rect class="{css}" x="{_c(LABEL_W + i * cell_w)}" '
                f'y="{top + 1}" width="{_c(max(cell_w - 1, 1))}" height="{CELL_H - 2}">'
                f"<title>{esc(title)}</title></rect></a>"
            )
    bottom = TOP + CELL_H * len(rows)
    for i in _tick_indexes(len(times)):
        out.append(
            f'<text class="tick" x="{_c(LABEL_W + (i + 0.5) * cell_w)}" y="{bottom + 16}" '
            f'text-anchor="middle">{esc(day_text(times[i]))}</text>'
        )
    out.append("</svg>")
    return "".join(out)


def strip(levels: Sequence[float], titles: Sequence[str]) -> str:
    """A small row of severity cells (the overview's last windows), oldest first."""
    if not levels:
        return ""
    w = 8
    cells = []
    for i, (level, title) in enumerate(zip(levels, titles, strict=True)):
        css = "na" if not math.isfinite(level) else f"l{int(level)}"
        cells.append(
            f'<rect class="{css}" x="{i * w}" y="0" width="{w - 1}" height="16">'
            f"<title>{esc(title)}</title></rect>"
        )
    return (
        f'<svg class="strip" viewBox="0 0 {len(levels) * w} 16" width="{len(levels) * w}" '
        f'height="16" xmlns="http://www.w3.org/2000/svg">{"".join(cells)}</svg>'
    )


def _x_scale(times: Sequence[datetime], width: int) -> Callable[[datetime], float]:
    first, last = times[0], times[-1]
    span = (last - first).total_seconds()
    plot_w = width - LEFT - RIGHT
    if span <= 0:
        return lambda t: LEFT + plot_w / 2
    return lambda t: LEFT + plot_w * (t - first).total_seconds() / span


def _time_axis(
    times: Sequence[datetime], x: Callable[[datetime], float], width: int, height: int
) -> list[str]:
    base = height - BOTTOM
    out = [f'<line class="axis" x1="{LEFT}" x2="{width - RIGHT}" y1="{base}" y2="{base}"/>']
    hourly = len(times) > 1 and (times[1] - times[0]) < timedelta(days=1)
    for i in _tick_indexes(len(times), max(2, (width - LEFT - RIGHT) // TICK_SPACING)):
        text = times[i].strftime("%m-%d %H:%M") if hourly else day_text(times[i])
        at = x(times[i])
        anchor = "end" if at > width - RIGHT - 40 else "start" if at < LEFT + 30 else "middle"
        out.append(
            f'<text class="tick" x="{_c(at)}" y="{base + 17}" '
            f'text-anchor="{anchor}">{esc(text)}</text>'
        )
    return out


def _band(
    times: Sequence[datetime],
    band: Band,
    x: Callable[[datetime], float],
    y: Callable[[float], float],
) -> str:
    """The band as polygons over each run of windows where both bounds are finite."""
    out = []
    run: list[int] = []
    for i in [*range(len(times)), -1]:
        if i >= 0 and math.isfinite(band.low[i]) and math.isfinite(band.high[i]):
            run.append(i)
            continue
        if run:
            upper = [f"{_c(x(times[j]))},{_c(y(band.high[j]))}" for j in run]
            lower = [f"{_c(x(times[j]))},{_c(y(band.low[j]))}" for j in reversed(run)]
            out.append(
                f'<polygon class="band" points="{" ".join(upper + lower)}">'
                f"<title>{esc(band.name)}</title></polygon>"
            )
            run = []
    return "".join(out)


def _series(
    times: Sequence[datetime],
    item: Series,
    x: Callable[[datetime], float],
    y: Callable[[float], float],
    links: Sequence[str] | None,
    fmt: Callable[[float], str],
) -> str:
    css = esc(item.css)
    out = []
    path: list[str] = []
    for i, value in enumerate(item.values):
        if math.isfinite(value):
            path.append(f"{'L' if path else 'M'}{_c(x(times[i]))},{_c(y(value))}")
        elif path:
            out.append(f'<path class="line {css}" d="{"".join(path)}"/>')
            path = []
    if path:
        out.append(f'<path class="line {css}" d="{"".join(path)}"/>')
    if "dashed" in item.css:
        return "".join(out)
    for i, value in enumerate(item.values):
        if not math.isfinite(value):
            continue
        title = f"{item.name} · {day_text(times[i])} · {fmt(value)}"
        if item.notes is not None and item.notes[i]:
            title += f" · {item.notes[i]}"
        marked = item.marked is not None and item.marked[i]
        dot = (
            f'<circle class="dot {"mark" if marked else css}" cx="{_c(x(times[i]))}" '
            f'cy="{_c(y(value))}" r="{4.5 if marked else 3}"><title>{esc(title)}</title></circle>'
        )
        out.append(f'<a href="{esc(links[i])}">{dot}</a>' if links else dot)
    return "".join(out)


def _tick_indexes(count: int, target: int = 7) -> list[int]:
    if count <= target:
        return list(range(count))
    step = math.ceil(count / target)
    return list(range(0, count, step))


def day_text(moment: datetime) -> str:
    """A window's time as charts and pages show it: the date alone at midnight.

    >>> from datetime import datetime
    >>> day_text(datetime(2026, 3, 1)), day_text(datetime(2026, 3, 1, 6))
    ('2026-03-01', '2026-03-01 06:00')
    """
    if moment.hour == moment.minute == moment.second == 0:
        return moment.strftime("%Y-%m-%d")
    return moment.strftime("%Y-%m-%d %H:%M")


def _c(value: float) -> str:
    return f"{value:.1f}"
