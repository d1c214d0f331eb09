"""A monitored project served with its dashboard, for the dashboard's tests: ten days of logs
(drift from day 6, a column with an HTML-looking name, a rule with one), monitored into SQLite,
an account, and the app on a real uvicorn on 127.0.0.1."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import httpx
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from driftscope.auth import create_user
from driftscope.monitor import load_config, open_store
from driftscope.monitor.run import run_monitor
from driftscope.service.app import create_app
from tests.service._serve import InThread

EVIL = "<img src=x onerror=alert(1)>"
"""A column name that would run script if a page did not escape it."""
EVIL_RULE = "x-drift <script>alert(2)</script>"
USER, PASSWORD = "ada", "correct-horse-battery"
DAYS = 10
CONFIG = f"""\
project: credit
reference: reference.parquet
logs: {{path: logs/}}
columns: {{timestamp: ts, target: label, probability: score}}
window: 1d
store: sqlite:///store.db
alerts:
  channels: {{log: {{type: log, path: alerts.jsonl}}}}
  rules:
    - name: "{EVIL_RULE}"
      metric: severity
      columns: "*"
      above: 1.5
      channels: [log]
"""


def _side(rng: np.random.Generator, n: int, shift: float) -> dict[str, object]:
    x = rng.normal(shift, 1, n)
    score = 1 / (1 + np.exp(-x))
    return {
        "x": x,
        "city": rng.choice(["north", "south", "east"], n),
        EVIL: rng.normal(shift * 2, 1, n),
        "score": score,
        "label": (rng.random(n) < score).astype(np.int64),
    }


def monitored_project(folder: Path) -> Path:
    """Write the project (reference, daily logs, config), monitor it; return the config path."""
    rng = np.random.default_rng(3)
    pq.write_table(pa.table(_side(rng, 3_000, 0.0)), folder / "reference.parquet")
    (folder / "logs").mkdir()
    for day in range(1, DAYS + 1):
        columns = _side(rng, 400, 0.0 if day < 6 else 1.2)
        del columns["label"]
        hours = rng.integers(0, 24, 400)
        columns["ts"] = [datetime(2026, 3, day, int(h), tzinfo=UTC) for h in hours]
        pq.write_table(pa.table(columns), folder / "logs" / f"day{day:02d}.parquet")
    config_path = folder / "driftscope.yaml"
    config_path.write_text(CONFIG)
    config = load_config(config_path)
    store = open_store(config.store)
    try:
        run_monitor(config, store=store, until=datetime(2026, 3, DAYS + 1, tzinfo=UTC))
        create_user(store, USER, PASSWORD)
    finally:
        store.close()
    return config_path


class Dashboard:
    """The project's app on a real server in a thread; ``url`` and a signed-in ``client``."""

    def __init__(self, folder: Path) -> None:
        self.config = load_config(monitored_project(folder))
        self.store = open_store(self.config.store)
        app = create_app([self.config], self.store)
        self.served = InThread(app)
        self.url = self.served.url
        self.anonymous = httpx.Client(base_url=self.url, timeout=10)
        self.client = httpx.Client(base_url=self.url, timeout=10)
        answer = login(self.client, USER, PASSWORD)
        assert answer.status_code == 303, answer.text

    def csrf(self, path: str = "/") -> str:
        """The form token on a page of the signed-in client's session."""
        found = re.search(r'name="csrf" value="([^"]+)"', self.client.get(path).text)
        assert found is not None
        return found.group(1)

    def close(self) -> None:
        self.client.close()
        self.anonymous.close()
        self.served.close()
        self.store.close()


def login(
    client: httpx.Client, username: str, password: str, next_url: str = "/"
) -> httpx.Response:
    """Sign ``client`` in through the login form, as a browser would (the form's token and
    its cookie); the answer to the form's post."""
    page = client.get("/login")
    token = re.search(r'name="token" value="([^"]+)"', page.text)
    assert token is not None
    return client.post(
        "/login",
        data={"token": token.group(1), "next": next_url, "username": username,
              "password": password},
    )  # fmt: skip
