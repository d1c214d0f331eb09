"""Stream detectors through the service: logs and then their labels posted to the HTTP API
of a real uvicorn on 127.0.0.1 feed the model's error stream, whose detection is a metric the
API serves and a rule alerts on; the dashboard marks each detection on the charts of its
column and on the performance chart, names escaped, in headless Chromium at 900 px (a
screenshot in /tmp/dash_streams.png)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import numpy as np
import pyarrow as pa
import pytest

pytest.importorskip("fastapi")
pytest.importorskip("jinja2")

from driftscope.auth import create_user
from driftscope.monitor import load_config, open_store
from driftscope.monitor.run import run_monitor
from driftscope.service.app import create_app
from tests.monitor.test_streams import DAY0, SHIFT_DAY, _project
from tests.service._dashboard import EVIL, PASSWORD, USER, login
from tests.service._serve import InThread
from tests.service.test_api import Served

ROWS = 300
CONFIG = """\
project: credit
reference: reference.parquet
columns: {timestamp: ts, id: rid, target: outcome, prediction: pred}
window: 1d
store: sqlite:///store.db
detectors:
  - {stream: error, method: hddm_a}
alerts:
  rules:
    - {name: concept, metric: detections, columns: [error], above: 0, severity: error}
"""
API = "/api/v1/projects/credit"
SCREENSHOT = Path("/tmp/dash_streams.png")


def _day(day: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Day ``day``'s logged rows (no outcome) and their labels: the model is wrong on 10% of
    rows, then on 40% from :data:`SHIFT_DAY` on (the concept changed; its inputs did not)."""
    rng = np.random.default_rng(day)
    start = DAY0 + timedelta(days=day)
    outcome = rng.integers(0, 2, ROWS)
    wrong = rng.random(ROWS) < (0.4 if day >= SHIFT_DAY else 0.1)
    logs = [
        {
            "ts": (start + timedelta(seconds=int(s))).isoformat().replace("+00:00", "Z"),
            "rid": f"{day}-{i}",
            "x": float(rng.normal()),
            "pred": int(1 - outcome[i] if wrong[i] else outcome[i]),
        }
        for i, s in enumerate(np.sort(rng.integers(0, 86_400, ROWS)))
    ]
    labels = [{"rid": f"{day}-{i}", "outcome": int(outcome[i])} for i in range(ROWS)]
    return logs, labels


def test_labels_posted_to_the_api_feed_the_error_stream_and_alert(tmp_path: Path) -> None:
    rng = np.random.default_rng(99)
    outcome = rng.integers(0, 2, 2_000)
    reference = pa.table(
        {
            "x": rng.normal(size=2_000),
            "pred": np.where(rng.random(2_000) < 0.1, 1 - outcome, outcome),
            "outcome": outcome,
        }
    )
    served = Served(tmp_path, config=CONFIG, reference=reference)
    try:
        days = [_day(day) for day in range(6)]
        for logs, _ in days:
            answer = served.client.post(
                f"{API}/logs", json={"rows": logs}, headers=served.auth("ingest")
            )
            assert answer.status_code == 202
        until = DAY0 + timedelta(days=6)
        first = run_monitor(served.config, store=served.store, until=until)
        assert len(first.windows) == 6
        assert first.opened == ()

        labels = [row for _, day_labels in days for row in day_labels]
        answer = served.client.post(
            f"{API}/labels", json={"rows": labels}, headers=served.auth("ingest")
        )
        assert answer.json() == {"accepted": 6 * ROWS, "matched": 6 * ROWS}
        second = run_monitor(served.config, store=served.store, until=until)
        assert second.opened == ("credit/concept/error",)

        read = served.auth("read")
        points = served.client.get(
            f"{API}/metrics", params={"metric": "detections", "column": "error"}, headers=read
        ).json()["points"]
        assert [p["window_start"] for p in points] == ["2026-03-06T00:00:00Z"]
        assert points[0]["value"] >= 1
        at = served.client.get(
            f"{API}/metrics", params={"metric": "detected_at", "column": "error"}, headers=read
        ).json()["points"][0]["value"]
        assert at >= (DAY0 + timedelta(days=SHIFT_DAY)).timestamp()
        alerts = served.client.get(f"{API}/alerts", headers=read).json()["alerts"]
        assert [(a["rule"], a["column"], a["state"]) for a in alerts] == [
            ("concept", "error", "open")
        ]
    finally:
        served.close()


class _Dashboard:
    """The stream test's shop project, monitored, with a detector named like an HTML tag,
    served with its dashboard and a signed-in client."""

    def __init__(self, folder: Path) -> None:
        extra = f'  - {{column: amount, method: cusum, name: "{EVIL}"}}\n'
        path, _ = _project(folder)
        text = path.read_text()
        path.write_text(text.replace("alerts:\n", extra + "alerts:\n"))
        self.config = load_config(path)
        self.store = open_store(self.config.store)
        run_monitor(self.config, store=self.store)
        create_user(self.store, USER, PASSWORD)
        self.served = InThread(create_app([self.config], self.store))
        self.url = self.served.url
        self.client = httpx.Client(base_url=self.url, timeout=10)
        assert login(self.client, USER, PASSWORD).status_code == 303

    def close(self) -> None:
        self.client.close()
        self.served.close()
        self.store.close()


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[_Dashboard]:
    served = _Dashboard(tmp_path_factory.mktemp("streams"))
    try:
        yield served
    finally:
        served.close()


def _section(html: str, heading: str) -> str:
    found = re.search(rf"<h2>{heading}.*?</section>", html, flags=re.S)
    assert found is not None, heading
    return found.group(0)


def _events(svg: str) -> list[str]:
    return re.findall(r'<g class="event"><title>([^<]*)</title>', svg)


def test_each_detection_is_marked_on_its_columns_chart(dashboard: _Dashboard) -> None:
    stored = {
        (p.column, p.window_start): p.value
        for p in dashboard.store.points("shop", metric="detected_at")
    }
    page = dashboard.client.get("/projects/shop", params={"column": "amount"})
    assert page.status_code == 200
    chart = _section(page.text, "ks of amount")
    marks = _events(chart)
    on_amount = [key for key in stored if key[0] in ("amount", "amount-ph", EVIL)]
    assert len(marks) == len(on_amount) > 0
    first = min(stored[key] for key in on_amount if key[0] == "amount")
    when = datetime.fromtimestamp(first, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert f"amount: adwin on amount signalled drift at {when}" in marks
    assert any(m.startswith("amount-ph: page_hinkley on amount") for m in marks)
    # the hostile name shows as text, never as markup
    assert "<img" not in page.text
    assert any(m.startswith("&lt;img src=x onerror=alert(1)&gt;: cusum on amount") for m in marks)
    assert "dotted lines with a triangle" in chart
    # the error stream's detections mark the performance chart, not the feature's
    performance = _section(page.text, "Performance over time")
    error_marks = _events(performance)
    assert error_marks
    assert len(error_marks) == len([key for key in stored if key[0] == "error"])
    assert all(m.startswith("error: ddm on the model") for m in error_marks)
    # a column no detector reads has no marks
    plain = dashboard.client.get("/projects/shop", params={"column": "p"})
    assert _events(_section(plain.text, "[a-z_]+ of p")) == []


@pytest.mark.browser
def test_the_marks_in_chromium_at_900_px(dashboard: _Dashboard, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 900, "height": 1400})
    page = context.new_page()
    errors: list[str] = []
    hosts: set[str] = set()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else 0)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: hosts.add(urlsplit(r.url).netloc))
    try:
        page.goto(dashboard.url + "/login?next=%2Fprojects%2Fshop%3Fcolumn%3Damount")
        page.fill("input[name=username]", USER)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(dashboard.url + "/projects/shop?column=amount")
        marks = page.locator("svg.chart g.event")
        assert marks.count() >= 3
        box = marks.first.bounding_box()
        assert box is not None
        assert box["height"] > 100  # a line across the plot, not a dot
        colour = page.evaluate(
            "getComputedStyle(document.querySelector('svg.chart g.event path')).fill"
        )
        assert colour not in ("", "none", "rgb(0, 0, 0)")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1
        page.screenshot(path=str(SCREENSHOT), full_page=True)
        assert errors == []
        assert hosts == {urlsplit(dashboard.url).netloc}
    finally:
        context.close()
