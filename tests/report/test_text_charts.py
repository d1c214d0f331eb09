"""The HTML report's descriptor charts of a text column: one small chart per descriptor that
moved (its own p-value below alpha), none for the others, every label escaped, and a layout
that fits a 900 px wide window in a real browser."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from tests._fortunes import fortunes, needs_fortunes
from tests.report.test_html import Page, sections

import driftscope
from driftscope.multivariate.text import TextDrift, text_drift
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
    return page.find("svg", "small", within=grid)


@needs_fortunes
def test_each_descriptor_that_moved_has_one_chart_and_the_others_none() -> None:
    found = _found()
    moved = [d.name for d in found.moved_descriptors]
    assert 2 <= len(moved) < len(found.descriptors)  # the test would tell nothing otherwise
    page = Page(text_block(found))
    charts = _charts(page)
    assert len(charts) == len(moved)
    titles = [page.elements[i].attrs["aria-label"].split(":")[0] for i in charts]
    assert titles == moved  # most moved first, as the descriptors' own order says
    still = {d.name for d in found.descriptors} - set(moved)
    assert not any(title in still for title in titles)


@needs_fortunes
def test_a_chart_shows_both_means_and_the_test() -> None:
    found = _found()
    length = next(d for d in found.moved_descriptors if d.name == "length")
    page = Page(text_block(found))
    chart = next(i for i in _charts(page) if "length" in page.elements[i].attrs["aria-label"])
    text = " ".join(page.text_of(i) for i in page.find("text", within=chart))
    assert "reference" in text
    assert "current" in text
    assert f"{length.reference_mean:,.4g}".split(".")[0] in text.replace(",", "")
    assert "KS " in text


def test_descriptor_labels_are_escaped() -> None:
    found = _fake_found()
    html = descriptor_charts(found)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    page = Page(html)
    assert len(page.find("svg", "small")) == 1  # only the one that moved
    assert HOSTILE[:20] in page.elements[page.find("svg", "small")[0]].attrs["aria-label"]


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
    assert len(page.find("svg", "small", within=grid)) == len(quote.text.moved_descriptors)


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


# -- in a browser ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from tests._browser import chromium

    yield from chromium()


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
        "div.descriptor-charts svg.small",
        """els => els.map(e => {
            const r = e.getBoundingClientRect(), p = e.closest('.descriptor-charts')
                .getBoundingClientRect();
            return [r.width, r.height, r.left >= p.left - 0.5 && r.right <= p.right + 0.5];
        })""",
    )
    assert len(boxes) >= 2
    for width, height, inside in boxes:
        assert width >= 280, "a chart too narrow to read"  # its text at least 10 px
        assert height > 60
        assert inside
    # Two charts side by side at 900 px: the grid uses the width.
    lefts = page.eval_on_selector_all(
        "div.descriptor-charts svg.small", "els => els.map(e => e.getBoundingClientRect().left)"
    )
    assert len({round(x) for x in lefts}) == 2
    page.locator("details.col[data-name=quote] div.descriptor-charts").screenshot(
        path=str(tmp_path / "text_charts.png")
    )
    assert errors == []
    context.close()
