"""The HTML report in a real browser: Debian's headless Chromium driven by playwright.

Checks what only a browser can: the page loads with no request but its own file and no console
error (a CSP violation would be one), charts have a size on screen, the filter works, hostile
names show as text and run nothing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from driftscope.report.model import DriftReport

pytestmark = pytest.mark.browser
sync_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is not installed; the browser tests need Debian's chromium"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


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


def open_report(browser: Any, report: DriftReport, path: Path) -> Opened:
    report.save_html(path)
    context = browser.new_context(viewport={"width": 1366, "height": 900})
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
