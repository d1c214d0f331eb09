"""The scheduler's on-demand run (the dashboard's button) and its loop: windows computed now,
``busy`` while another run holds the project's lock, ``failed`` with the reason, and a
failed turn never ends the loop."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from driftscope.monitor import MonitorConfig, load_config, open_store
from driftscope.monitor.store import MemoryStore, Store
from driftscope.service.scheduler import RunNow, run_now, run_once, schedule
from tests.monitor.store.conftest import pg_schema_url  # noqa: F401 (a fixture, used by name)

FIRST_DAY = datetime(2026, 3, 1, tzinfo=UTC)


def _day(folder: Path, day: int) -> None:
    """The logs of ``day`` (0-based from FIRST_DAY), 200 rows in a Parquet file."""
    rng = np.random.default_rng(day)
    start = np.datetime64(FIRST_DAY.replace(tzinfo=None), "s") + np.timedelta64(day, "D")
    seconds = np.sort(rng.integers(0, 86_400, 200)).astype("timedelta64[s]")
    table = pa.table(
        {
            "ts": pa.array(start + seconds, pa.timestamp("s", tz="UTC")),
            "x": rng.normal(0, 1, 200),
            "city": rng.choice(["a", "b"], 200),
        }
    )
    pq.write_table(table, folder / "logs" / f"day-{day}.parquet")


@pytest.fixture
def project(tmp_path: Path) -> Iterator[tuple[MonitorConfig, Store]]:
    """A project with two days of logs in files and its SQLite store."""
    rng = np.random.default_rng(0)
    reference = pa.table({"x": rng.normal(0, 1, 1_000), "city": rng.choice(["a", "b"], 1_000)})
    pq.write_table(reference, tmp_path / "reference.parquet")
    (tmp_path / "logs").mkdir()
    for day in (0, 1):
        _day(tmp_path, day)
    (tmp_path / "driftscope.yaml").write_text(
        "project: credit\n"
        "reference: reference.parquet\n"
        "logs: {path: logs/}\n"
        "columns: {timestamp: ts}\n"
        "window: 1d\n"
        "store: sqlite:///store.db\n"
        "alerts: {rules: []}\n"
    )
    config = load_config(tmp_path / "driftscope.yaml")
    store = open_store(config.store)
    try:
        yield config, store
    finally:
        store.close()


def test_a_run_now_computes_the_complete_windows_and_says_which(
    project: tuple[MonitorConfig, Store],
) -> None:
    config, store = project
    done = run_now(config, store)
    assert done.state == "done"
    assert done.project == "credit"
    assert [(w.start, w.rows) for w in done.windows] == [
        (FIRST_DAY, 200),
        (FIRST_DAY + timedelta(days=1), 200),
    ]
    assert done.computed == 2 == len(store.windows("credit"))
    again = run_now(config, store)
    assert again == RunNow("credit", "done")
    assert again.computed == 0


def test_a_run_now_while_another_run_holds_the_lock_is_busy_and_computes_nothing(
    project: tuple[MonitorConfig, Store],
) -> None:
    config, store = project
    with store.lock("credit"):
        busy = run_now(config, store)
    assert busy.state == "busy"
    assert busy.computed == 0
    assert "another run" in busy.message
    assert store.windows("credit") == []
    assert run_now(config, store).computed == 2


def test_a_run_now_on_another_connection_of_postgresql_is_busy_too(
    project: tuple[MonitorConfig, Store], request: pytest.FixtureRequest
) -> None:
    # Two servers (or the scheduler and the button) hold different connections: PostgreSQL's
    # advisory lock, not a lock of this process, is what keeps them apart.
    config, _ = project
    fresh = request.getfixturevalue("pg_schema_url")
    url = fresh()
    holder, other = open_store(url), open_store(url)
    try:
        with holder.lock("credit"):
            assert run_now(config, other).state == "busy"
        assert run_now(config, other).computed == 2
    finally:
        holder.close()
        other.close()


def test_a_failed_run_now_says_why_and_keeps_nothing(
    project: tuple[MonitorConfig, Store], tmp_path: Path
) -> None:
    config, store = project
    (tmp_path / "reference.parquet").unlink()
    failed = run_now(config, store)
    assert failed.state == "failed"
    assert "reference.parquet" in failed.message
    assert "\n" not in failed.message
    assert store.windows("credit") == []
    assert run_once(config, store) == 0


class _BrokenOnce(MemoryStore):
    """A memory store whose first lock fails as no driftscope error would (a bug, or a
    driver's error the store left untranslated)."""

    def __init__(self) -> None:
        super().__init__()
        self.tries = 0

    def lock(self, project: str) -> AbstractContextManager[None]:
        self.tries += 1
        if self.tries == 1:
            raise RuntimeError("connection reset\nsecond line")
        return super().lock(project)


def test_the_loop_goes_on_after_a_turn_fails_unexpectedly(
    project: tuple[MonitorConfig, Store], caplog: pytest.LogCaptureFixture
) -> None:
    config, _ = project
    store = _BrokenOnce()

    async def two_turns() -> None:
        task = asyncio.create_task(schedule([config], store, every=0.05))
        deadline = asyncio.get_running_loop().time() + 20
        while not store.windows("credit") and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.05)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    with caplog.at_level(logging.INFO, logger="driftscope.service"):
        asyncio.run(two_turns())
    assert store.tries >= 2
    assert len(store.windows("credit")) == 2
    failed = [r for r in caplog.records if "monitor run failed" in r.getMessage()]
    assert failed
    assert failed[0].exc_info is not None
    computed = [r.getMessage() for r in caplog.records if "computed" in r.getMessage()]
    assert computed[0].startswith("credit: window 2026-03-01T00:00:00Z to 2026-03-02T00:00:00Z")


def test_a_turn_indexes_the_ids_of_posted_rows_ahead_of_labels(tmp_path: Path) -> None:
    from driftscope.monitor.sources.ingest import encode_batch
    from driftscope.service.scheduler import index_ids

    pq.write_table(pa.table({"x": [0.1, 0.2, 0.3]}), tmp_path / "reference.parquet")
    (tmp_path / "driftscope.yaml").write_text(
        "project: credit\nreference: reference.parquet\ncolumns: {timestamp: ts, id: rid}\n"
        "window: 1d\nstore: sqlite:///store.db\n"
    )
    config = load_config(tmp_path / "driftscope.yaml")
    store = open_store(config.store)
    try:
        rows = pa.table(
            {"ts": ["2026-03-01T01:00:00Z"] * 3, "rid": ["a", "b", "c"], "x": [1.0, 2.0, 3.0]}
        )
        store.append_logs("credit", *encode_batch(rows, "ts"), FIRST_DAY)
        assert store.unindexed_log_batches("credit") == [1]
        assert index_ids(config, store) == 1
        assert store.unindexed_log_batches("credit") == []
        assert store.logged_ids("credit", ["a", "c", "z"]) == {"a", "c"}
        assert index_ids(config, store) == 0
    finally:
        store.close()
