"""The dashboard as a person uses it, in Debian's headless Chromium driven by playwright:
sign in, open the overview, follow the drifted model to its heat map, to a window's report and
to an alert; sign out. Every page loads with no console error, no request leaves 127.0.0.1,
and a column named like an HTML tag shows as text and runs nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("playwright.sync_api")

from tests.service._dashboard import EVIL, PASSWORD, USER, Dashboard

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def dash(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dashboard]:
    served = Dashboard(tmp_path_factory.mktemp("browser"))
    try:
        yield served
    finally:
        served.close()


class Tab:
    """A browser tab that records console errors, page errors, dialogs and every request."""

    def __init__(self, browser: Any, width: int = 1280) -> None:
        self.context = browser.new_context(viewport={"width": width, "height": 900})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.hosts: set[str] = set()
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else 0)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self._dialog)
        self.page.on("request", lambda r: self.hosts.add(urlsplit(r.url).netloc or r.url))

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def close(self) -> None:
        self.context.close()


def test_a_person_follows_drift_from_the_overview_to_a_report_and_an_alert(
    browser: Any, dash: Dashboard
) -> None:
    tab = Tab(browser)
    page = tab.page
    try:
        page.goto(dash.url + "/projects/credit")  # a deep link: first the login page
        assert page.url.startswith(dash.url + "/login")
        page.fill("input[name=username]", USER)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(dash.url + "/projects/credit")  # back where the link pointed
        page.click("a.brand")
        page.wait_for_url(dash.url + "/")
        assert page.title().startswith("Projects")
        row = page.locator("table.projects tbody tr").first
        assert "major drift" in row.inner_text()
        row.locator("a.project").click()
        page.wait_for_url(dash.url + "/projects/credit")
        heat = page.locator("svg.heat")
        box = heat.bounding_box()
        assert box is not None
        assert box["width"] > 600
        assert box["height"] > 60
        # a major cell of the last window: its report opens
        cells = page.locator("svg.heat a:has(rect.l2)")
        assert cells.count() >= 4
        cells.last.click()
        page.wait_for_url("**/projects/credit/windows/**")
        assert "Drift report" in page.content()
        page.click("text=credit dashboard")
        page.wait_for_url(dash.url + "/projects/credit")
        page.locator("ul.alerts a").first.click()
        page.wait_for_url("**/projects/credit/alerts/*")
        assert page.locator("svg.chart rect.span").count() == 1
        assert page.locator("svg.chart line.threshold").count() >= 1
        page.click("button:has-text('Sign out')")
        page.wait_for_url(dash.url + "/login")
        page.goto(dash.url + "/")
        assert page.url.startswith(dash.url + "/login")  # the session is over
        assert tab.errors == []
        assert tab.dialogs == []
        assert tab.hosts == {urlsplit(dash.url).netloc}
    finally:
        tab.close()


def _signed_in(browser: Any, dash: Dashboard, width: int = 1280) -> Tab:
    tab = Tab(browser, width)
    tab.page.goto(dash.url + "/login")
    tab.page.fill("input[name=username]", USER)
    tab.page.fill("input[name=password]", PASSWORD)
    tab.page.click("button[type=submit]")
    tab.page.wait_for_url(dash.url + "/")
    return tab


def test_a_hostile_column_name_shows_as_text_and_runs_nothing(
    browser: Any, dash: Dashboard
) -> None:
    tab = _signed_in(browser, dash)
    page = tab.page
    try:
        for path in ("/projects/credit", "/projects/credit?column=" + EVIL, "/"):
            page.goto(dash.url + path)
            page.wait_for_load_state("load")
        page.goto(dash.url + "/projects/credit")
        labels = page.eval_on_selector_all(
            "svg.heat text.row-label", "els => els.map(e => e.textContent)"
        )
        assert any(label.startswith("<img src=x") for label in labels)
        assert page.locator("img").count() == 0  # it was never parsed as a tag
        options = page.locator("select[name=column] option").all_inner_texts()
        assert EVIL in options
        page.select_option("select[name=column]", EVIL)
        page.click("button:has-text('Show')")
        page.wait_for_load_state("load")
        assert EVIL in page.locator("h2").all_inner_texts()[1]
        page.goto(dash.url + "/projects/credit/alerts")
        assert "<script>alert(2)</script>" in page.locator("table.grid").inner_text()
        assert tab.dialogs == []
        assert tab.errors == []
    finally:
        tab.close()


@pytest.mark.parametrize("width", [390, 900, 1920])
def test_pages_fit_phone_laptop_and_desktop_widths(
    browser: Any, dash: Dashboard, width: int
) -> None:
    tab = _signed_in(browser, dash, width)
    try:
        for path in ("/", "/projects/credit", "/projects/credit/alerts"):
            tab.page.goto(dash.url + path)
            overflow = tab.page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            # wide tables scroll inside their card, never the page
            assert overflow <= 1, (path, width, overflow)
        assert tab.errors == []
    finally:
        tab.close()
