"""The HTML report in a real browser: Debian's headless Chromium driven by playwright.

Checks what only a browser can: the page loads with no request but its own file and no console
error (a CSP violation would be one), charts have a size on screen, the filter works, hostile
names show as text and run nothing, the layout fits laptop to desktop widths, the chart's menu
switches statistics, and the notebook frame shows the page.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from driftscope.report._sections import method_statistics
from driftscope.result import DriftReport

pytestmark = pytest.mark.browser
pytest.importorskip("playwright.sync_api")


@dataclass
class Opened:
    """A report open in a browser tab, with everything the tab reported."""

    page: Any
    url: str
    console: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def visible_sections(self) -> list[str]:
        return self.page.eval_on_selector_all(
            "details.col", "els => els.filter(e => !e.hidden).map(e => e.dataset.name)"
        )

    def visible_bars(self) -> list[str]:
        return self.page.eval_on_selector_all(
            "a.sev-row", "els => els.filter(e => !e.hidden).map(e => e.dataset.name)"
        )


def open_report(browser: Any, report: DriftReport, path: Path, width: int = 1366) -> Opened:
    report.save_html(path)
    return open_file(browser, path, width)


def open_file(browser: Any, path: Path, width: int = 1366) -> Opened:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    opened = Opened(page=page, url=path.as_uri())
    page.on("console", lambda m: opened.console.append((m.type, m.text)))
    page.on("pageerror", lambda e: opened.errors.append(str(e)))
    page.on("request", lambda r: opened.requests.append(r.url))

    def on_dialog(dialog: Any) -> None:
        opened.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    # Whatever the page asked for beyond its own file never leaves the machine.
    context.route(
        "**/*",
        lambda route: route.continue_() if route.request.url == opened.url else route.abort(),
    )
    page.goto(opened.url, wait_until="load")
    return opened


@pytest.fixture
def opened(browser: Any, realistic_report: DriftReport, tmp_path: Path) -> Iterator[Opened]:
    result = open_report(browser, realistic_report, tmp_path / "report.html")
    yield result
    result.page.context.close()


def test_page_loads_with_no_request_and_no_console_error(opened):
    opened.page.click("#ds-expand")  # render every chart, so nothing is left unloaded
    opened.page.wait_for_timeout(200)
    assert opened.requests == [opened.url]
    assert [m for m in opened.console if m[0] in {"error", "warning"}] == []
    assert opened.errors == []


def test_every_chart_is_drawn_with_a_size_on_screen(opened, realistic_report):
    opened.page.click("#ds-expand")
    areas = opened.page.eval_on_selector_all(
        "details.col",
        """els => Object.fromEntries(els.map(e => [e.dataset.name,
             Math.max(0, ...Array.from(e.querySelectorAll(
               'svg.chart path.ref, svg.chart path.cur, svg.chart rect.ref, svg.chart rect.cur'),
               s => { const b = s.getBoundingClientRect(); return b.width * b.height; }))]))""",
    )
    for col in realistic_report.columns:
        if col.distribution is not None:
            assert areas[col.name] > 100, col.name
    bars = opened.page.eval_on_selector_all(
        "a.sev-row",
        """els => Object.fromEntries(els.map(e => {
             const b = e.querySelector('svg.sev rect').getBoundingClientRect();
             return [e.dataset.name, b.width * b.height]; }))""",
    )
    assert set(bars) == {c.name for c in realistic_report.columns if c.tested}
    for name in realistic_report.drifted_columns:
        assert bars[name] > 100, name


def test_filter_box_hides_sections_and_bars_whose_name_does_not_match(opened):
    page = opened.page
    page.fill("#ds-filter", "AGE")  # case does not matter
    page.wait_for_function("() => document.getElementById('ds-count').textContent.includes(' of ')")
    assert opened.visible_sections() == ["age"]
    assert opened.visible_bars() == ["age"]
    assert page.is_hidden("#ds-empty")
    page.fill("#ds-filter", "no column is called this")
    page.wait_for_function("() => !document.getElementById('ds-empty').hidden")
    assert opened.visible_sections() == []
    assert page.inner_text("#ds-count").startswith("0 of")


def test_drifted_only_toggle_keeps_the_drifted_columns(opened, realistic_report):
    opened.page.check("#ds-drifted-only")
    assert sorted(opened.visible_sections()) == sorted(realistic_report.drifted_columns)
    assert sorted(opened.visible_bars()) == sorted(realistic_report.drifted_columns)
    opened.page.uncheck("#ds-drifted-only")
    assert len(opened.visible_sections()) == len(realistic_report.columns)


def test_clicking_a_bar_unfolds_its_section(opened):
    page = opened.page
    assert page.get_attribute("details.col[data-name='income']", "open") is None
    page.click("a.sev-row[data-name='income']")
    assert page.get_attribute("details.col[data-name='income']", "open") == ""
    assert page.is_visible("details.col[data-name='income'] svg.chart")


def test_hostile_strings_show_as_text_and_run_nothing(opened, hostile):
    page = opened.page
    page.click("#ds-expand")
    text = page.inner_text("body")
    for value in (hostile.name, hostile.source, hostile.error):
        assert value in text
    assert hostile.label in page.text_content("details.col[open] svg.chart")
    assert page.eval_on_selector_all("script", "els => els.length") == 1
    assert page.eval_on_selector_all("img", "els => els.length") == 0
    assert opened.dialogs == []


def test_screenshot_is_not_blank(opened, tmp_path):
    shot = tmp_path / "report.png"
    opened.page.screenshot(path=str(shot), full_page=True)
    data = shot.read_bytes()
    # A blank page compresses to a few kilobytes of repetitive bytes; charts and text do not.
    assert len(data) > 50_000
    assert len(set(data)) > 200


@pytest.mark.slow
def test_two_thousand_columns_load_and_filter(browser, wide_report, tmp_path):
    opened = open_report(browser, wide_report(2000), tmp_path / "wide.html")
    page = opened.page
    assert page.inner_text("#ds-count") == "2000 columns"
    page.fill("#ds-filter", "feature_19")
    page.wait_for_function(
        "() => document.getElementById('ds-count').textContent.startsWith('100 of')"
    )
    assert len(opened.visible_bars()) == 100
    assert opened.errors == []
    page.context.close()


# Layout checks, run in the page: each returns a list of what is wrong (empty when all is well).
OVERFLOWING_TABLES = """() => Array.from(document.querySelectorAll("table"))
  .filter((t) => t.getClientRects().length)
  .map((t) => [t, t.closest("details.col, section.card, footer")])
  .filter(([t, card]) => {
    const a = t.getBoundingClientRect(), b = card.getBoundingClientRect();
    return a.left < b.left - 0.5 || a.right > b.right + 0.5;
  })
  .map(([t, card]) => `${card.id || card.className}: ${t.className}`)"""

# A word broken across lines has client rects on more than one line.
BROKEN_HEADER_WORDS = """() => {
  const broken = [];
  for (const th of document.querySelectorAll("th")) {
    if (!th.getClientRects().length) continue;
    if (th.scrollWidth > th.clientWidth) broken.push(`${th.textContent}: overflows`);
    const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of node.data.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = new Set(Array.from(range.getClientRects(), (r) => Math.round(r.top)));
        if (tops.size > 1) broken.push(`${th.textContent}: '${m[0]}' broken`);
      }
    }
  }
  return broken;
}"""

CLIPPED_NUMBERS = """() => Array.from(document.querySelectorAll("td.num"))
  .filter((td) => td.getClientRects().length && td.scrollWidth > td.clientWidth)
  .map((td) => td.textContent)"""


@pytest.mark.parametrize("width", [900, 1280, 1920])
@pytest.mark.parametrize(
    "fixture", ["realistic_report", "long_names_report", "diagnosed_report", "multivariate_report"]
)
def test_layout_fits_laptop_to_desktop_widths(browser, request, fixture, width, tmp_path):
    report = request.getfixturevalue(fixture)
    opened = open_report(browser, report, tmp_path / "report.html", width)
    page = opened.page
    page.click("#ds-expand")
    page.wait_for_timeout(100)
    sizes = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert sizes[0] <= sizes[1], "the page scrolls sideways"
    assert page.evaluate(OVERFLOWING_TABLES) == []
    assert page.evaluate(BROKEN_HEADER_WORDS) == []
    assert page.evaluate(CLIPPED_NUMBERS) == []
    # For a person to look at while changing the layout; pytest keeps the last few runs.
    page.screenshot(path=str(tmp_path / f"{fixture}-{width}.png"), full_page=True)
    assert opened.errors == []
    page.context.close()


def test_long_category_leaves_the_numbers_readable(browser, long_names_report, tmp_path):
    opened = open_report(browser, long_names_report, tmp_path / "report.html", 1400)
    name = long_names_report.columns[3].name
    widths = opened.page.eval_on_selector_all(
        f"details.col[data-name='{name}'] table.stats td",
        "tds => tds.map(td => [td.className, td.getBoundingClientRect().width])",
    )
    numbers = [w for cls, w in widths if cls.startswith("num")]
    assert min(numbers) > 40, widths  # 2,000 and +25.0 pp fit without squeezing
    assert opened.page.evaluate(OVERFLOWING_TABLES) == []
    assert opened.errors == []
    opened.page.context.close()


def bar_widths(page: Any) -> dict[str, float]:
    """Each shown bar's width on screen, by column."""
    return page.eval_on_selector_all(
        "a.sev-row",
        """els => Object.fromEntries(els.filter(e => e.getClientRects().length).map(e =>
             [e.dataset.name, e.querySelector('svg.sev rect').getBoundingClientRect().width]))""",
    )


def test_menu_switches_the_bars_to_a_statistic_and_back(browser, mixed_methods_report, tmp_path):
    opened = open_report(browser, mixed_methods_report, tmp_path / "report.html")
    page = opened.page
    before = bar_widths(page)
    order = page.eval_on_selector_all("a.sev-row", "els => els.map(e => e.dataset.name)")
    page.select_option("#ds-stat", "psi")
    psi = {
        c.name: method_statistics(c)["psi"]
        for c in mixed_methods_report.columns
        if "psi" in method_statistics(c)
    }
    widths = bar_widths(page)
    assert set(widths) == set(psi), "only the columns with a psi statistic are shown"
    largest = max(psi, key=psi.__getitem__)
    for name, value in psi.items():
        assert widths[name] / widths[largest] == pytest.approx(value / psi[largest], abs=0.01)
    shown = page.eval_on_selector_all(
        "a.sev-row", "els => els.filter(e => e.getClientRects().length).map(e => e.dataset.name)"
    )
    assert shown == sorted(psi, key=psi.__getitem__, reverse=True), "largest first"
    assert "psi" in page.inner_text("section.sev-card h2")
    # The statistic's axis and hint replace the threshold ratio's; no threshold line is drawn.
    assert page.eval_on_selector_all("svg.stat-axis text", "els => els.length") >= 2
    assert page.is_visible("svg.stat-axis")
    assert page.is_hidden("svg.sev-axis:not(.stat-axis)")
    assert page.is_hidden("p.ratio-hint")
    assert "psi" in page.inner_text("p.stat-hint")
    lines = page.eval_on_selector_all(
        "a.sev-row line.thr", "els => els.filter(e => e.getClientRects().length).length"
    )
    assert lines == 0
    page.select_option("#ds-stat", "")
    assert bar_widths(page) == before
    assert page.is_hidden("svg.stat-axis")
    assert page.is_visible("svg.sev-axis:not(.stat-axis)")
    assert page.eval_on_selector_all("a.sev-row", "els => els.map(e => e.dataset.name)") == order
    assert page.inner_text("section.sev-card h2") == "Threshold ratio by column"
    assert opened.errors == []
    assert [m for m in opened.console if m[0] in {"error", "warning"}] == []
    page.context.close()


def test_menu_and_filter_work_together(browser, mixed_methods_report, tmp_path):
    opened = open_report(browser, mixed_methods_report, tmp_path / "report.html")
    page = opened.page
    page.select_option("#ds-stat", "psi")
    page.fill("#ds-filter", "score_1")
    page.wait_for_function("() => document.getElementById('ds-count').textContent.includes(' of ')")
    assert list(bar_widths(page)) == ["score_1"]
    page.context.close()


def test_notebook_frame_shows_the_report(browser, realistic_report, tmp_path):
    host = tmp_path / "notebook.html"
    host.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>notebook</title></head>"
        f"<body><div class='output'>{realistic_report._repr_html_()}</div></body></html>",
        encoding="utf-8",
    )
    opened = open_file(browser, host, 1280)
    page = opened.page
    frame = page.frame_locator("iframe")
    # The page's script runs in the frame: a bar's link unfolds its section.
    assert frame.locator("details.col[data-name='income']").get_attribute("open") is None
    frame.locator("a.sev-row[data-name='income']").click()
    income = frame.locator("details.col[data-name='income']")
    assert income.get_attribute("open") == ""
    # ... and scrolls to it inside the frame (following the link would leave the report).
    assert 0 <= income.evaluate("e => e.getBoundingClientRect().top") < 200
    frame.locator("#ds-expand").click()
    names = frame.locator("details.col").evaluate_all("els => els.map(e => e.dataset.name)")
    assert sorted(names) == sorted(c.name for c in realistic_report.columns)
    assert frame.locator("details.col[open] svg.chart").first.is_visible()
    box = page.locator("iframe").bounding_box()
    assert box["width"] > 1000
    assert box["height"] >= 400
    # The page's script runs in the frame: the filter narrows the sections.
    frame.locator("#ds-filter").fill("age")
    page.wait_for_timeout(300)
    assert frame.locator("#ds-count").inner_text().startswith("1 of")
    # Its stylesheet stays inside: the host page keeps the browser's default look.
    assert page.evaluate("getComputedStyle(document.body).margin") == "8px"
    assert opened.errors == []
    assert [m for m in opened.console if m[0] in {"error", "warning"}] == []
    assert opened.dialogs == []
    assert all(url == opened.url or url.startswith(("about:", "data:")) for url in opened.requests)
    page.screenshot(path=str(tmp_path / "notebook.png"))
    page.context.close()


def test_diagnoses_show_as_text_with_markup_in_a_segment_value(
    browser, diagnosed_report, hostile, tmp_path
):
    opened = open_report(browser, diagnosed_report, tmp_path / "report.html", 1280)
    page = opened.page
    segments = page.inner_text("section.segments")
    assert f"region = {hostile.label!r}" in segments  # the pocket, shown as written
    assert page.is_visible("table.segments tr.seg-error")
    assert page.is_visible("table.segments tr.seg-drift")
    assert "Why roc_auc fell" in page.inner_text("section.performance .explanation")
    violations = page.eval_on_selector_all("section.quality li", "els => els.map(e => e.innerText)")
    assert any("range" in v and "expected: {" in v for v in violations)
    assert page.eval_on_selector_all("script", "els => els.length") == 1
    assert opened.dialogs == []
    assert opened.errors == []
    page.context.close()


def test_the_multivariate_section_names_the_separating_columns_as_text(
    browser, multivariate_report, hostile, tmp_path
):
    opened = open_report(browser, multivariate_report, tmp_path / "report.html", 1280)
    page = opened.page
    section = page.inner_text("section.multivariate")
    assert section.startswith("Features together: drift in 3 of 3 tests")
    assert page.locator("table.multivariate tr.mv-drift").count() == 3
    assert hostile.name in section  # the markup-named column, shown as written
    assert "spend" in section
    assert page.eval_on_selector_all("script", "els => els.length") == 1
    assert page.eval_on_selector_all("img", "els => els.length") == 0
    assert opened.dialogs == []
    assert opened.errors == []
    page.screenshot(path=str(tmp_path / "multivariate.png"), full_page=True)
    page.context.close()
