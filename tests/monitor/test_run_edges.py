"""``monitor run`` at its edges: real channels on 127.0.0.1 (one grouped message, a 400 given
up once, an outage retried by the next run, no secret anywhere), logs whose schema differs
from the reference, and a run killed with SIGKILL finished by the next."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from driftscope.monitor import load_config, open_store
from driftscope.monitor.run import run_monitor
from tests.alerts._receivers import Receiver, Reply
from tests.monitor.test_run import DAYS, DRIFT_FROM, _day_file, make_project

SLACK_SECRET = "T0000/B0000/slack-secret-4f9a"
HOOK_SECRET = "hook-signing-secret-77c1"
CHANNELS = """\
alerts:
  base_url: "http://dashboard.example:8000"
  channels:
    team-slack: {type: slack, url: "${SLACK_URL}"}
    hook: {type: webhook, url: "${HOOK_URL}", secret: "${HOOK_SECRET}"}
  rules:
    - {name: feature-drift, metric: severity, columns: "*", above: 1.5, severity: warning,
       channels: [team-slack, hook], cooldown: 30d}
"""


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    try:
        yield server
    finally:
        server.close()


def _with_channels(path: Path) -> None:
    text = path.read_text()
    path.write_text(text[: text.index("alerts:")] + CHANNELS)


@pytest.fixture
def env(receiver: Receiver, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_URL", f"{receiver.url}/services/{SLACK_SECRET}")
    monkeypatch.setenv("HOOK_URL", f"{receiver.url}/hook")
    monkeypatch.setenv("HOOK_SECRET", HOOK_SECRET)


def _everything_stored(config_store: str) -> str:
    store = open_store(config_store)
    try:
        parts = [w.report for w in store.windows("credit")]
        parts += [d.payload + str(d.last_error) for d in store.due_deliveries(_far_future())]
        parts += [str(a) for a in store.alerts("credit")]
        return "\n".join(parts)
    finally:
        store.close()


def _far_future() -> object:
    from datetime import UTC, datetime

    return datetime(2100, 1, 1, tzinfo=UTC)


@pytest.mark.usefixtures("env")
def test_one_grouped_message_per_channel_with_every_field(
    tmp_path: Path, receiver: Receiver
) -> None:
    path = make_project(tmp_path)
    _with_channels(path)
    result = run_monitor(load_config(path))
    assert result.delivery is not None
    assert result.delivery.delivered == 2
    slack = [r for r in receiver.requests if r.path.startswith("/services/")]
    hook = [r for r in receiver.requests if r.path == "/hook"]
    assert len(slack) == 1  # the columns that drifted together: one message
    assert len(hook) == 1
    text = slack[0].json()["text"]
    blocks = json.dumps(slack[0].json()["blocks"])
    assert "http://dashboard.example:8000/projects/credit" in blocks  # alerts.base_url
    assert "credit" in text
    assert "feature-drift" in text
    body = hook[0].json()
    assert body["event"] == "alert.triggered"
    alert = body["alert"]
    assert alert["project"] == "credit"
    assert alert["window_start"] == f"2026-03-{DRIFT_FROM + 1:02d}T00:00:00Z"
    assert alert["dedup_key"] == f"credit/feature-drift/{alert['column']}"
    assert {c["column"] for c in alert["columns"]} >= {"income", "utilisation"}
    assert hook[0].headers["x-driftscope-signature"].startswith("sha256=")
    # nothing more on a second run
    assert run_monitor(load_config(path)).delivery.delivered == 0  # type: ignore[union-attr]
    assert len(receiver.requests) == 2


@pytest.mark.usefixtures("env")
def test_a_400_is_given_up_and_logged_once_without_a_secret(
    tmp_path: Path, receiver: Receiver, caplog: pytest.LogCaptureFixture
) -> None:
    receiver.default = Reply(400, body=f"bad request for {SLACK_SECRET}".encode())
    path = make_project(tmp_path)
    _with_channels(path)
    caplog.set_level(logging.DEBUG)
    result = run_monitor(load_config(path))
    assert result.delivery is not None
    assert result.delivery.failed == 2
    again = run_monitor(load_config(path))
    assert again.delivery is not None
    assert again.delivery.failed == 0  # not retried
    assert len(receiver.requests) == 2
    logged = caplog.text
    assert (
        sum("400" in r.getMessage() for r in caplog.records if r.name.startswith("driftscope")) == 2
    )
    for secret in (SLACK_SECRET, HOOK_SECRET):
        assert secret not in logged
        assert secret not in _everything_stored(load_config(path).store)
        assert secret not in json.dumps([r.json() for r in receiver.requests])


@pytest.mark.usefixtures("env")
def test_an_outage_delays_the_message_to_the_next_run(tmp_path: Path, receiver: Receiver) -> None:
    receiver.script(Reply(503), Reply(503))  # both channels fail once, no Retry-After
    path = make_project(tmp_path)
    _with_channels(path)
    config = load_config(path)
    first = run_monitor(config)
    assert first.delivery is not None
    assert first.delivery.retrying == 2  # backoff of a minute: left for the next run
    from datetime import UTC, datetime, timedelta

    later = run_monitor(config, clock=lambda: datetime.now(UTC) + timedelta(minutes=5))
    assert later.delivery is not None
    assert later.delivery.delivered == 2
    assert len(receiver.requests) == 4


def test_logs_whose_schema_differs_are_monitored_with_findings(tmp_path: Path) -> None:
    path = make_project(tmp_path, days=3)
    logs = tmp_path / "logs"
    day = pq.read_table(logs / "day-02.parquet")
    day = day.drop_columns(["age"])  # a feature gone missing upstream
    day = day.append_column("new_flag", pa.array([True] * day.num_rows))  # a column appeared
    city = day.schema.get_field_index("city")
    codes = pa.array(np.arange(day.num_rows) % 4)  # city arrives as numbers
    day = day.set_column(city, "city", codes)
    pq.write_table(day, logs / "day-02.parquet")
    config = load_config(path)
    result = run_monitor(config)
    assert len(result.windows) == 3
    store = open_store(config.store)
    try:
        report = json.loads(store.report("credit", result.windows[-1].start) or "{}")
        found = {(q["check"], q["column"]): q["message"] for q in report["quality"]}
        assert ("missing_column", "age") in found
        assert ("new_column", "new_flag") in found
        changed = found["column_error", "city"]
        assert "categorical in" in changed
        assert "numeric in" in changed
        assert "reference.parquet" in changed  # both sides named, not <Profile>
        assert "2026-03-03T00:00:00Z" in changed
        # the rest is still monitored
        assert store.points("credit", metric="severity", column="income")
    finally:
        store.close()


@pytest.mark.slow
def test_a_run_killed_with_sigkill_is_finished_by_the_next(tmp_path: Path) -> None:
    path = make_project(tmp_path, days=DAYS)
    for extra in range(DAYS, DAYS + 12):  # more windows, so the kill lands mid-run
        _day_file(tmp_path / "logs", extra, np.random.default_rng(extra))
    config = load_config(path)
    child = subprocess.Popen(
        [sys.executable, "-m", "driftscope", "monitor", "run", "--config", str(path), "--quiet"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        stored = 0
        while time.monotonic() < deadline and child.poll() is None:
            if (tmp_path / "store.db").exists():
                store = open_store(config.store)
                try:
                    stored = len(store.windows("credit"))
                finally:
                    store.close()
                if stored >= 3:
                    break
            time.sleep(0.05)
        assert child.poll() is None, "the run ended before it could be killed"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait()
    rest = run_monitor(config)
    assert rest.windows
    store = open_store(config.store)
    try:
        windows = store.windows("credit")
        assert len(windows) == DAYS + 12
        spans = [(p.window_start, p.column, p.metric) for p in store.points("credit")]
        assert len(spans) == len(set(spans))
        assert all(w.status == "computed" for w in windows)
    finally:
        store.close()
    events = [json.loads(line) for line in (tmp_path / "alerts.jsonl").read_text().splitlines()]
    ids = [event["event_id"] for event in events]
    assert len(ids) == len(set(ids))  # nobody told twice
    # opened at the drift's first window, then reminded once a week (cooldown 7d)
    assert [e["window_start"][:10] for e in events if e["rule"] == "feature-drift"] == [
        "2026-03-06",
        "2026-03-13",
        "2026-03-20",
    ]
