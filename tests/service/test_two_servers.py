"""Two ``driftscope serve`` processes on one PostgreSQL store (SPEC section 7): both take
posted logs, both schedulers run every few tenths of a second, and the store's lock makes
each window computed once, by one of them, from every row posted for it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")
pytest.importorskip("psycopg")

from driftscope.auth import new_token, token_hash
from driftscope.monitor.store import open_store
from tests.service._serve import free_port, wait_up

pytestmark = pytest.mark.slow

DAYS = 8
ROWS = 120  # per day, in one request
FIRST_DAY = datetime(2026, 3, 1, tzinfo=UTC)
COMPUTED = re.compile(r"credit: window (\S+) to (\S+) computed \((\d+) rows")


def _project(folder: Path, store_url: str) -> Path:
    rng = np.random.default_rng(0)
    reference = pa.table({"x": rng.normal(0, 1, 1_000), "city": rng.choice(["a", "b"], 1_000)})
    pq.write_table(reference, folder / "reference.parquet")
    config = folder / "driftscope.yaml"
    config.write_text(
        "project: credit\n"
        f'reference: "{folder / "reference.parquet"}"\n'
        "columns: {timestamp: ts, id: id}\n"
        "window: 1d\n"
        f'store: "{store_url}"\n'
        "alerts: {rules: []}\n"
    )
    return config


def _day_rows(day: int) -> list[dict[str, object]]:
    """ROWS rows spread over ``day`` (0-based from FIRST_DAY), the later days shifted."""
    rng = np.random.default_rng(day)
    start = FIRST_DAY + timedelta(days=day)
    return [
        {
            "ts": (start + timedelta(seconds=int(s))).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "id": f"d{day}-{j}",
            "x": float(v),
            "city": str(c),
        }
        for j, (s, v, c) in enumerate(
            zip(
                np.sort(rng.integers(0, 86_400, ROWS)),
                rng.normal(0.0 if day < DAYS // 2 else 1.0, 1.0, ROWS),
                rng.choice(["a", "b"], ROWS),
                strict=True,
            )
        )
    ]


def _messages(log: str) -> list[str]:
    """The messages of a server's stderr, whether its lines are JSON objects or text."""
    return [
        json.loads(line)["message"] if line.startswith("{") else line for line in log.splitlines()
    ]


class Serve:
    """``driftscope serve --every 0.2`` on a free port of 127.0.0.1; its stderr in a file."""

    def __init__(self, config: Path, log: Path) -> None:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.log = log
        self._err = log.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "driftscope", "serve", "--config", str(config),
             "--port", str(port), "--every", "0.2", "--log-format", "text"],
            stdout=subprocess.DEVNULL, stderr=self._err,
        )  # fmt: skip

    def wait_ready(self) -> None:
        try:
            wait_up(self.url, process=self.proc)
        except AssertionError as exc:
            raise AssertionError(f"{exc}: {self.log.read_text()}") from None

    def stop(self) -> str:
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
        self._err.close()
        return self.log.read_text()


def test_two_servers_on_one_store_compute_each_window_once(
    tmp_path: Path, pg_schema_url: Callable[[], str]
) -> None:
    pg_url = pg_schema_url()
    config = _project(tmp_path, pg_url)
    store = open_store(pg_url)  # migrates the schema before either server starts
    token = new_token()
    store.add_token("model", "admin", token_hash(token), datetime.now(UTC))
    auth = {"Authorization": f"Bearer {token}"}
    servers = [Serve(config, tmp_path / "serve-a.log"), Serve(config, tmp_path / "serve-b.log")]
    logs: list[str] = []
    try:
        for server in servers:
            server.wait_ready()
        with httpx.Client(timeout=30) as client:
            # Each day in one request, in time order, to the servers in turn: a window's rows
            # are all there once a later day's are, whichever server computes it.
            for day in range(DAYS):
                server = servers[day % 2]
                answer = client.post(
                    f"{server.url}/api/v1/projects/credit/logs",
                    json={"rows": _day_rows(day)},
                    headers=auth,
                )
                assert answer.status_code == 202, answer.text
                assert answer.json() == {"accepted": ROWS}
            deadline = time.monotonic() + 90
            seen: list[object] = []
            while time.monotonic() < deadline and len(seen) < DAYS:
                time.sleep(0.2)
                seen = client.get(
                    f"{servers[len(seen) % 2].url}/api/v1/projects/credit/windows", headers=auth
                ).json()["windows"]
        time.sleep(1.0)  # a few more turns of both schedulers: nothing more may be computed
    finally:
        logs = [server.stop() for server in servers]
    try:
        windows = store.windows("credit")
        points = store.points("credit")
        batches = store.log_batches("credit")
    finally:
        store.close()

    # every posted row kept once and counted once, in the window of its day
    assert [b.rows for b in batches] == [ROWS] * DAYS
    days = [FIRST_DAY + timedelta(days=d) for d in range(DAYS)]
    assert [(w.start, w.end) for w in windows] == [(d, d + timedelta(days=1)) for d in days]
    assert [w.rows for w in windows] == [ROWS] * DAYS
    assert {w.status for w in windows} == {"computed"}
    # one set of points per window, none twice
    figures = Counter((p.window_start, p.column, p.metric) for p in points)
    assert figures
    assert max(figures.values()) == 1
    per_window = Counter(p.window_start for p in points)
    assert sorted(per_window) == days
    assert len(set(per_window.values())) == 1
    # each window computed by exactly one of the two servers, once
    computed = Counter(
        (match.group(1), int(match.group(3)))
        for log in logs
        for match in map(COMPUTED.search, _messages(log))
        if match is not None
    )
    stamps = [d.strftime("%Y-%m-%dT%H:%M:%SZ") for d in days]
    assert computed == Counter({(stamp, ROWS): 1 for stamp in stamps}), logs
    assert "Traceback" not in "".join(logs)
