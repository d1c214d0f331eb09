"""The project page's "Features together" panel: one small chart per multivariate test
(its statistic over the windows, the windows where it found drift marked, the p-value in each
point's title, each point a link to its window's report), absent for a project without
multivariate points, names escaped. Points are written through the store's API into SQLite,
served by the app on a real uvicorn on 127.0.0.1, signed in through the login form; the
same page in headless Chromium at 900 px (a screenshot in /tmp/dash_mv.png)."""

from __future__ import annotations

import math
import re
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

pytest.importorskip("fastapi")
pytest.importorskip("jinja2")

from driftscope.auth import create_user
from driftscope.monitor import load_config, open_store
from driftscope.monitor.store.base import DATASET_COLUMN, MetricPoint, WindowRecord
from driftscope.service.app import create_app
from driftscope.service.dashboard import views
from tests.service._dashboard import EVIL, PASSWORD, USER, login
from tests.service._serve import InThread

DAYS = 12
START = datetime(2026, 3, 1, tzinfo=UTC)
FEATURES = ("amount", "age", "tenure", "balance")
MMD_DRIFT = (7, 8, 9, 10, 11)
"""Days (0-based) where the MMD test finds drift: the correlation broke from day 7."""
CLASSIFIER_DRIFT = (8, 9, 10, 11)
CLASSIFIER_NOT_RUN = 3
"""A day the classifier could not run (too few rows): no point, a gap in its line."""
SCREENSHOT = Path("/tmp/dash_mv.png")
CONFIG = """\
project: {project}
reference: reference.parquet
logs: {{path: logs/}}
columns: {{timestamp: ts}}
window: 1d
store: sqlite:///store.db
{checks}alerts:
  channels: {{log: {{type: log, path: alerts.jsonl}}}}
  rules:
    - name: classifier-auc
      metric: multivariate_classifier
      columns: "*"
      above: 0.6
      channels: [log]
"""
PAGE = (
    b"<!doctype html><html><head><title>Drift report</title></head><body>Drift report</body></html>"
)


def _points(
    project: str, day: int, methods: dict[str, tuple[float, float | None, bool]]
) -> list[MetricPoint]:
    start = START + timedelta(days=day)
    end = start + timedelta(days=1)
    figures = {
        (DATASET_COLUMN, "rows"): 1_000.0,
        (DATASET_COLUMN, "drift_share"): 0.0,
        (DATASET_COLUMN, "drifted_columns"): 0.0,
        (DATASET_COLUMN, "dataset_severity"): 1.0 if any(d for *_, d in methods.values()) else 0.0,
    }
    for i, feature in enumerate(FEATURES):
        figures[feature, "ks"] = 0.01 + 0.002 * i
        figures[feature, "severity"] = 0.0
        figures[feature, "drift"] = 0.0
    for method, (statistic, p_value, drifted) in methods.items():
        name = f"multivariate_{method}"
        figures[DATASET_COLUMN, name] = statistic
        figures[DATASET_COLUMN, f"{name}_drift"] = float(drifted)
        if p_value is not None:
            figures[DATASET_COLUMN, f"{name}_p_value"] = p_value
    return [MetricPoint(project, start, end, c, m, v) for (c, m), v in figures.items()]


def _joint(day: int) -> dict[str, tuple[float, float | None, bool]]:
    """The project's two tests on ``day``: MMD^2 and the classifier's AUC rise as the
    features' correlation breaks."""
    rng = np.random.default_rng(day)
    mmd_drift = day in MMD_DRIFT
    mmd = (0.02 + 0.004 * (day - 6) if mmd_drift else abs(rng.normal(0, 0.0015)),
           0.0099 if mmd_drift else float(rng.uniform(0.1, 0.9)), mmd_drift)  # fmt: skip
    out = {"mmd": mmd}
    if day != CLASSIFIER_NOT_RUN:
        drift = day in CLASSIFIER_DRIFT
        auc = 0.62 + 0.03 * (day - 8) if drift else 0.5 + float(rng.normal(0, 0.006))
        out["classifier"] = (auc, 1e-12 if drift else float(rng.uniform(0.1, 0.9)), drift)
    return out


def _write_project(folder: Path, store: Any, project: str, checks: str, methods: Any) -> Path:
    path = folder / f"{project}.yaml"
    path.write_text(CONFIG.format(project=project, checks=checks))
    for day in range(DAYS):
        start = START + timedelta(days=day)
        record = WindowRecord(
            project, start, start + timedelta(days=1), 1_000, "none", "computed", "{}"
        )
        assert store.write_window(record, _points(project, day, methods(day)), zlib.compress(PAGE))
    return path


class Served:
    """Three projects in one SQLite store, served on 127.0.0.1 with a signed-in client:
    ``joint`` (mmd and classifier), ``plain`` (no multivariate check) and ``hostile`` (a
    method named like an HTML tag)."""

    def __init__(self, folder: Path) -> None:
        pq.write_table(pa.table({f: np.zeros(10) for f in FEATURES}), folder / "reference.parquet")
        (folder / "logs").mkdir()
        checks = "checks: {multivariate: [mmd, classifier]}\n"
        first = folder / "joint.yaml"
        first.write_text(CONFIG.format(project="joint", checks=checks))
        self.store = open_store(load_config(first).store)
        paths = [
            _write_project(folder, self.store, "joint", checks, _joint),
            _write_project(folder, self.store, "plain", "", lambda day: {}),
            _write_project(
                folder, self.store, "hostile", "", lambda day: {EVIL: (0.1 * day, 0.5, day == 5)}
            ),
        ]
        create_user(self.store, USER, PASSWORD)
        self.configs = [load_config(p) for p in paths]
        self.served = InThread(create_app(self.configs, self.store))
        self.url = self.served.url
        self.client = httpx.Client(base_url=self.url, timeout=10)
        assert login(self.client, USER, PASSWORD).status_code == 303

    def close(self) -> None:
        self.client.close()
        self.served.close()
        self.store.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    service = Served(tmp_path_factory.mktemp("together"))
    try:
        yield service
    finally:
        service.close()


def _panel(html: str) -> str:
    found = re.search(r'<section class="card" id="together">(.*?)</section>', html, flags=re.S)
    assert found is not None, "no Features together panel"
    return found.group(1)


def test_the_panel_has_one_small_chart_per_test_with_its_drifted_windows_marked(
    served: Served,
) -> None:
    page = served.client.get("/projects/joint")
    assert page.status_code == 200
    panel = _panel(page.text)
    assert "<h2>Features together</h2>" in panel
    charts = re.findall(r'<figure class="mv">(.*?)</figure>', panel, flags=re.S)
    assert len(charts) == 2
    mmd, classifier = charts
    assert "<strong>mmd</strong>" in mmd
    assert "<strong>classifier</strong>" in classifier
    assert mmd.count('<svg class="chart small"') == 1
    assert mmd.count('class="dot mark"') == len(MMD_DRIFT)
    assert classifier.count('class="dot mark"') == len(CLASSIFIER_DRIFT)
    assert f"drift in {len(MMD_DRIFT)} of {DAYS} windows" in mmd
    assert f"drift in {len(CLASSIFIER_DRIFT)} of {DAYS - 1} windows" in classifier  # one not run
    assert "last: drift" in mmd
    # the p-value and the verdict in the marked point's title, the point a link to its window
    assert re.search(
        r'<a href="/projects/joint/windows/2026-03-08T00%3A00%3A00Z"><circle class="dot mark"'
        r"[^>]*><title>mmd MMD² · 2026-03-08 · [0-9.e-]+ · p = 0.0099 · drift</title>",
        mmd,
    )
    assert "· no drift</title>" in mmd
    # the classifier's line breaks where it did not run: two paths around the gap
    assert classifier.count('<path class="line s0"') == 2
    # the rule on the classifier's AUC draws its threshold on that chart only
    assert "classifier-auc: above 0.6" in classifier
    assert "classifier-auc" not in mmd


def test_every_marked_point_opens_its_windows_report(served: Served) -> None:
    panel = _panel(served.client.get("/projects/joint").text)
    links = re.findall(r'<a href="([^"]+)"><circle class="dot mark"', panel)
    assert len(links) == len(MMD_DRIFT) + len(CLASSIFIER_DRIFT)
    for link in sorted(set(links)):
        report = served.client.get(link.replace("&amp;", "&"))
        assert report.status_code == 200
        assert "Drift report" in report.text


def test_a_project_without_multivariate_points_has_no_panel(served: Served) -> None:
    page = served.client.get("/projects/plain")
    assert page.status_code == 200
    assert 'id="together"' not in page.text
    assert "chart small" not in page.text
    assert "Features together" not in page.text


def test_a_hostile_method_name_shows_as_text(served: Served) -> None:
    page = served.client.get("/projects/hostile")
    assert page.status_code == 200
    panel = _panel(page.text)
    assert "<img" not in page.text
    assert "<strong>&lt;img src=x onerror=alert(1)&gt;</strong>" in panel
    assert 'aria-label="&lt;img src=x onerror=alert(1)&gt;: statistic per window"' in panel
    assert panel.count('class="dot mark"') == 1


def test_the_panel_reads_no_more_points_than_the_page_did(served: Served) -> None:
    """The panel's figures come from the dataset's points the page reads anyway: the page
    asks the store for points as often with multivariate points as without."""
    calls: list[tuple[Any, ...]] = []

    class Counting:
        def __init__(self, store: Any) -> None:
            self.inner = store

        def points(self, *args: Any, **kwargs: Any) -> Any:
            calls.append(args)
            return self.inner.points(*args, **kwargs)

        def __getattr__(self, name: str) -> Any:
            return getattr(self.inner, name)

    from driftscope.service.dashboard.pages import _project_context

    counted: dict[str, int] = {}
    for config in served.configs[:2]:
        calls.clear()
        service = type("S", (), {"store": Counting(served.store)})()
        context = _project_context(service, config, None, None, None, None)  # type: ignore[arg-type]
        counted[config.project] = len(calls)
        assert bool(context["together"]) == (config.project == "joint")
    assert counted["joint"] == counted["plain"]


def test_together_series_reads_the_methods_in_the_reports_order() -> None:
    starts = [START + timedelta(days=i) for i in range(3)]
    figures = [
        {"multivariate_classifier": 0.7, "multivariate_classifier_drift": 1.0,
         "multivariate_mmd": 0.01, "multivariate_mmd_drift": 0.0,
         "multivariate_mmd_p_value": 0.5},
        {"multivariate_mmd": 0.02, "multivariate_mmd_drift": 1.0},
        {"rows": 10.0},
    ]  # fmt: skip
    found = views.together_series(views.Windows(starts, starts, figures))
    assert [t.method for t in found] == ["mmd", "classifier"]
    mmd, classifier = found
    assert mmd.drifted == [False, True, False]
    assert mmd.tested == 2
    assert math.isnan(mmd.values[2])
    assert mmd.notes() == ["p = 0.5 · no drift", "drift", "no drift"]
    assert classifier.statistic == "AUC"
    assert classifier.drifted_windows == 1


@pytest.mark.browser
def test_the_panel_in_chromium_at_900_px(served: Served, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 900, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    hosts: set[str] = set()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else 0)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: hosts.add(urlsplit(r.url).netloc))
    try:
        page.goto(served.url + "/login?next=%2Fprojects%2Fjoint")
        page.fill("input[name=username]", USER)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(served.url + "/projects/joint")
        panel = page.locator("#together")
        small = panel.locator("svg.chart.small")
        assert small.count() == 2
        boxes = [box for box in (chart.bounding_box() for chart in small.all()) if box]
        assert len(boxes) == 2
        assert boxes[0]["y"] == boxes[1]["y"]  # side by side at 900 px
        assert all(box["width"] > 330 for box in boxes)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1
        title = panel.locator("circle.mark title").first.text_content()
        assert title is not None
        assert title.endswith("· p = 0.0099 · drift")
        panel.scroll_into_view_if_needed()
        panel.screenshot(path=str(SCREENSHOT))
        assert errors == []
        assert hosts == {urlsplit(served.url).netloc}
        small.first.locator("circle.mark").first.click()
        page.wait_for_url("**/projects/joint/windows/2026-03-08T00%3A00%3A00Z")
        assert "Drift report" in page.content()
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 1920])
def test_the_panel_fits_a_phone_and_a_desktop(served: Served, browser: Any, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        page.goto(served.url + "/login?next=%2Fprojects%2Fjoint")
        page.fill("input[name=username]", USER)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(served.url + "/projects/joint")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1
        boxes = [c.bounding_box() for c in page.locator("#together svg.chart.small").all()]
        assert all(box is not None and box["width"] > 280 for box in boxes)
        page.locator("#together").screenshot(path=f"/tmp/dash_mv_{width}.png")
    finally:
        context.close()
