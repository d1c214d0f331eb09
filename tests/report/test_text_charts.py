"""The HTML report's descriptor charts of a text column: one histogram per descriptor that
moved (its own p-value below alpha), each side's shares drawn to scale, tails marked, none for
the others, the means where a descriptor kept no distribution, every label escaped, and a
layout that fits a 900 px wide window in a real browser."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from tests._fortunes import fortunes, needs_fortunes
from tests.report.test_html import Page, sections

import driftscope
from driftscope.multivariate.text import DescriptorDrift, TextDrift, text_drift
from driftscope.report._format import fmt_p, fmt_share
from driftscope.report._text import descriptor_charts, text_block
from driftscope.report.html import render_html
from driftscope.report.svg import mean_bars
from driftscope.result import DriftReport

HOSTILE = '<script>alert("x")</script>&_share'


def _found() -> TextDrift:
    """Quotes about people against political quotes, a third of them in capitals and the
    rest twice as long: several descriptors move, some do not."""
    current = [
        text.upper() if i % 3 == 0 else f"{text} {text}"
        for i, text in enumerate(fortunes("politics")[:400])
    ]
    return text_drift(fortunes("people")[:400], current)


def _charts(page: Page) -> list[int]:
    (grid,) = page.find("div", "descriptor-charts")
    return page.find("svg", "chart", within=grid)


def _name(page: Page, chart: int) -> str:
    """The descriptor a histogram draws, from its accessible name."""
    label = page.elements[chart].attrs["aria-label"]
    assert label.startswith("histogram of "), label
    return label.removeprefix("histogram of ").split(": reference")[0]


def _heights(page: Page, chart: int, kind: str) -> list[float]:
    """Each bin's bar height in one side's outline (``M x base`` then ``V y H x`` per bin)."""
    (path,) = page.find("path", kind, within=chart)
    d = page.elements[path].attrs["d"]
    base = float(re.match(r"M[\d.]+ ([\d.]+)", d).group(1))  # type: ignore[union-attr]
    return [base - float(y) for y in re.findall(r"V([\d.]+)H", d)]


@needs_fortunes
def test_each_descriptor_that_moved_has_one_histogram_and_the_others_none() -> None:
    found = _found()
    moved = [d.name for d in found.moved_descriptors]
    assert 2 <= len(moved) < len(found.descriptors)  # the test would tell nothing otherwise
    page = Page(text_block(found))
    charts = _charts(page)
    assert len(charts) == len(moved)
    names = [_name(page, i) for i in charts]
    assert names == moved  # most moved first, as the descriptors' own order says
    assert not page.find("svg", "small")  # every one kept its distribution: no means chart


@needs_fortunes
def test_a_histogram_draws_each_sides_shares_to_scale_with_the_test_beside() -> None:
    found = _found()
    length = next(d for d in found.moved_descriptors if d.name == "length")
    page = Page(text_block(found))
    chart = next(i for i in _charts(page) if _name(page, i) == "length")
    figure = page.elements[chart].ancestors[-1]
    assert page.elements[figure].tag == "figure"
    for kind, shares in (("ref", length.reference_shares), ("cur", length.current_shares)):
        heights = _heights(page, chart, kind)
        assert len(heights) == len(shares) == 20
        scale = max(heights) / max(shares)
        assert heights == pytest.approx([s * scale for s in shares], abs=0.06)
    tips = [page.text_of(i) for i in page.find("title", within=chart)]
    assert len(tips) == 20
    assert f"reference {fmt_share(length.reference_shares[5])}" in tips[5]
    assert f"current {fmt_share(length.current_shares[5])}" in tips[5]
    (caption,) = page.find("figcaption", within=figure)
    said = page.text_of(caption)
    assert "characters per text" in said
    assert f"KS {length.statistic:.4g}" in said
    assert f"p {fmt_p(length.p_value)}" in said
    axis = [page.text_of(i) for i in page.find("text", "al", within=chart)]
    assert axis == ["length", "share of texts"]


@needs_fortunes
def test_a_histogram_marks_its_tails() -> None:
    found = _found()
    length = next(d for d in found.moved_descriptors if d.name == "length")
    assert length.value_range is not None
    assert length.value_range[0] < length.edges[0]
    assert length.value_range[1] > length.edges[-1]  # both tails: else the test tells less
    page = Page(descriptor_charts(found))
    chart = next(i for i in _charts(page) if _name(page, i) == "length")
    hatched = page.find("rect", "tail", within=chart)
    bars = [i for i in hatched if page.elements[i].ancestors[-1] == chart]  # not the legend's
    assert len(bars) == 2
    tails = [page.text_of(i) for i in page.find("text", "tl", within=chart)]
    assert tails[0].startswith("tail < ")
    assert tails[1].startswith("tail \u2265 ")


def test_a_histogram_without_tails_marks_none() -> None:
    still = _descriptor(value_range=(0.0, 20.0))
    page = Page(descriptor_charts(_with(still)))
    (chart,) = _charts(page)
    assert not page.find("rect", "tail", within=chart)  # neither bar nor legend entry
    tips = [page.text_of(i) for i in page.find("title", within=chart)]
    assert tips[0].startswith("[0, 1):")
    assert tips[-1].startswith("[19, 20):")


def test_a_descriptor_without_edges_shows_its_means() -> None:
    page = Page(descriptor_charts(_with(_descriptor(edges=()))))
    (grid,) = page.find("div", "descriptor-charts")
    (chart,) = page.find("svg", "small", within=grid)
    assert "histogram" not in page.elements[chart].attrs["aria-label"]
    assert "reference 4" in page.elements[chart].attrs["aria-label"]


def test_descriptor_labels_are_escaped() -> None:
    found = _fake_found()
    html = descriptor_charts(found)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    page = Page(html)
    charts = _charts(page)
    assert len(charts) == 1  # only the one that moved
    assert HOSTILE in page.elements[charts[0]].attrs["aria-label"]
    assert HOSTILE in page.text_of(page.find("figcaption")[0])
    fallback = replace(found, descriptors=(replace(found.descriptors[0], edges=()),))
    assert "<script>" not in descriptor_charts(fallback)


def test_no_descriptor_moved_means_no_charts() -> None:
    found = _fake_found()
    calm = replace(found, descriptors=tuple(replace(d, p_value=0.9) for d in found.descriptors))
    assert descriptor_charts(calm) == ""
    assert "descriptor-charts" not in text_block(calm)


def test_mean_bars_are_proportional_and_a_share_reads_in_percent() -> None:
    svg = mean_bars("oov_share", reference=0.1, current=0.2, note="KS 0.3", as_share=True)
    widths = [float(w) for w in re.findall(r'<rect class="(?:ref|cur)"[^>]* width="([\d.]+)"', svg)]
    assert len(widths) == 2
    assert widths[1] == pytest.approx(2 * widths[0], rel=0.02)
    assert ">10%<" in svg
    assert ">20%<" in svg
    counts = mean_bars("length", reference=1234.5, current=0.0)
    assert ">1,234<" in counts or ">1,235<" in counts


def test_mean_bars_draw_nonsense_as_nothing_but_say_it() -> None:
    svg = mean_bars("words", reference=float("nan"), current=-3.0)
    widths = re.findall(r'<rect class="(?:ref|cur)"[^>]* width="([\d.]+)"', svg)
    assert widths == ["0", "0"]
    assert ">NaN<" in svg
    assert ">-3<" in svg


@needs_fortunes
def test_a_reports_text_column_shows_its_descriptor_charts() -> None:
    report = _report()
    quote = report.column("quote")
    assert quote.text is not None
    page = Page(render_html(report))
    section = sections(page)["quote"]
    (grid,) = page.find("div", "descriptor-charts", within=section)
    charts = page.find("svg", "chart", within=grid)
    assert [_name(page, i) for i in charts] == [d.name for d in quote.text.moved_descriptors]


def _report() -> DriftReport:
    rng = np.random.default_rng(0)
    current = [
        text.upper() if i % 3 == 0 else f"{text} {text}"
        for i, text in enumerate(fortunes("politics")[:600])
    ]
    return driftscope.compare(
        {"quote": fortunes("people")[:600], "x": rng.normal(size=600)},
        {"quote": current, "x": rng.normal(size=600)},
    )


def _fake_found() -> TextDrift:
    """A real TextDrift on a few synthetic texts, with one descriptor renamed to markup and
    made to move, and the others made still."""
    rng = np.random.default_rng(1)
    words = ["drift", "model", "data", "shift", "label", "feature"]
    texts = [" ".join(rng.choice(words, 6)) for _ in range(60)]
    found = text_drift(texts[:30], texts[30:])
    first, *rest = found.descriptors
    loud = replace(first, name=HOSTILE, p_value=1e-6, statistic=0.5)
    return replace(found, descriptors=(loud, *(replace(d, p_value=0.9) for d in rest)))


def _descriptor(**changes: Any) -> DescriptorDrift:
    """A descriptor that moved, with edges 0, 1, ... 20 and a made-up distribution."""
    reference = tuple([0.1] * 10 + [0.0] * 10)
    current = tuple([0.0] * 10 + [0.1] * 10)
    made = DescriptorDrift(
        "words", 0.9, 1e-9, 4.0, 15.0, tuple(map(float, range(21))), reference, current, (0, 20)
    )
    return replace(made, **changes)


def _with(descriptor: DescriptorDrift) -> TextDrift:
    return replace(_fake_found(), descriptors=(descriptor,))


# -- in a browser ---------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.slow
@needs_fortunes
def test_descriptor_charts_fit_a_900_pixel_window(browser: Any, tmp_path: Path) -> None:
    pytest.importorskip("playwright.sync_api")
    path = tmp_path / "report.html"
    _report().save_html(path)
    context = browser.new_context(viewport={"width": 900, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri(), wait_until="load")
    sizes = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert sizes[0] <= sizes[1], "the page scrolls sideways"
    boxes = page.eval_on_selector_all(
        "div.descriptor-charts svg.chart",
        """els => els.map(e => {
            const r = e.getBoundingClientRect(), p = e.closest('.descriptor-charts')
                .getBoundingClientRect();
            return [r.width, r.height, r.left >= p.left - 0.5 && r.right <= p.right + 0.5];
        })""",
    )
    assert len(boxes) >= 2
    for width, height, inside in boxes:
        assert width >= 280, "a chart too narrow to read"
        assert height > 60
        assert inside
    # Its text reads at 10 px or more, and none reaches past its figure (tick labels at the
    # plot's ends are centred on them), nor does a caption.
    fit = page.eval_on_selector_all(
        "div.descriptor-charts figure",
        """els => els.map(f => {
            const box = f.getBoundingClientRect(), svg = f.querySelector('svg.chart'),
                scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width,
                texts = [...svg.querySelectorAll('text')], cap = f.querySelector('figcaption');
            return [
                Math.min(...texts.map(t => parseFloat(getComputedStyle(t).fontSize) * scale)),
                texts.every(t => { const r = t.getBoundingClientRect();
                    return r.left >= box.left - 0.5 && r.right <= box.right + 0.5; }),
                cap.scrollWidth <= cap.clientWidth,
            ];
        })""",
    )
    for smallest, inside, caption_fits in fit:
        assert smallest >= 10, "chart text too small to read"
        assert inside, "a label reaches past its chart"
        assert caption_fits
    # Both sides distinguishable: their outlines differ in colour.
    fills = page.eval_on_selector_all(
        "div.descriptor-charts svg.chart path",
        "els => els.map(e => getComputedStyle(e).fill + ' ' + getComputedStyle(e).stroke)",
    )
    assert len(set(fills)) == 2
    # Two charts side by side at 900 px: the grid uses the width.
    lefts = page.eval_on_selector_all(
        "div.descriptor-charts svg.chart", "els => els.map(e => e.getBoundingClientRect().left)"
    )
    assert len({round(x) for x in lefts}) == 2
    page.locator("details.col[data-name=quote] div.descriptor-charts").screenshot(
        path=str(tmp_path / "text_charts.png")
    )
    assert errors == []
    context.close()
