"""A run killed (SIGKILL) in the middle of writing a window leaves no half window: the store
opens cleanly afterwards and holds the whole window or none of it. A batch of posted log rows
that append_logs acknowledged (returned) survives a kill, and none is ever half kept."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from driftscope.monitor.store import open_store
from driftscope.testing.store import PROJECT, window

POINTS = 5_000
KILL_AFTER = 2_500  # past two batches of inserts: rows are in the open transaction

_WRITER = textwrap.dedent(
    """
    import sys, time
    from driftscope.monitor.store import MetricPoint, open_store
    from driftscope.testing.store import window

    store = open_store(sys.argv[1])
    record = window(0)

    def points():
        for i in range({points}):
            if i == {kill_after} and sys.argv[2] == "hang":
                print("inside", flush=True)
                time.sleep(600)
            yield MetricPoint(record.project, record.start, record.end, f"c{{i}}", "psi", 0.1)

    store.write_window(record, points())
    print("written", flush=True)
    """
).format(points=POINTS, kill_after=KILL_AFTER)


def _run_writer(url: str, mode: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", _WRITER, url, mode], stdout=subprocess.PIPE, text=True
    )


def _kill_inside_the_transaction(url: str) -> None:
    with _run_writer(url, "hang") as writer:
        try:
            assert writer.stdout is not None
            assert writer.stdout.readline().strip() == "inside"
        finally:
            writer.send_signal(signal.SIGKILL)
            writer.wait(timeout=30)
    assert writer.returncode == -signal.SIGKILL


def _check_kill_leaves_nothing_then_a_rerun_writes_everything(url: str) -> None:
    _kill_inside_the_transaction(url)
    store = open_store(url)
    try:
        assert store.windows(PROJECT) == []
        assert store.points(PROJECT) == []
    finally:
        store.close()
    with _run_writer(url, "finish") as finished:
        out, _ = finished.communicate(timeout=120)
    assert out.strip() == "written"
    store = open_store(url)
    try:
        assert store.windows(PROJECT) == [window(0)]
        assert len(store.points(PROJECT)) == POINTS
    finally:
        store.close()


@pytest.mark.slow
def test_sqlite_run_killed_mid_window_leaves_no_half_window(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    open_store(url).close()  # the schema exists before the kill: only the window is at stake
    _check_kill_leaves_nothing_then_a_rerun_writes_everything(url)


@pytest.mark.slow
def test_postgresql_run_killed_mid_window_leaves_no_half_window(
    pg_schema_url: Callable[[], str],
) -> None:
    url = pg_schema_url()
    open_store(url).close()
    _check_kill_leaves_nothing_then_a_rerun_writes_everything(url)


# --- posted log rows: a batch acknowledged (append_logs returned) survives a kill ------------

BATCH_BYTES = 4 * 2**20
ACKNOWLEDGED = 3

_APPENDER = textwrap.dedent(
    """
    import sys, time
    from datetime import UTC, datetime
    from sqlalchemy import event
    from driftscope.monitor.store import open_store

    store = open_store(sys.argv[1])
    if sys.argv[2] == "hang":
        # Stop inside the transaction of the batch after the acknowledged ones: its row is
        # written, not committed, when the kill comes.
        def hang(conn, cursor, statement, *args):
            if "INSERT INTO ds_ingest" in statement and number == {acknowledged}:
                print("inside", flush=True)
                time.sleep(600)
        event.listen(store._engine, "after_cursor_execute", hang)
    number = 0
    while True:
        body = bytes([number % 256]) * {size}
        got = store.append_logs("fraud", body, 1, number, number, 0, 0, datetime.now(UTC))
        print(got, flush=True)  # the acknowledgement: append_logs returned
        number += 1
    """
).format(acknowledged=ACKNOWLEDGED, size=BATCH_BYTES)


def _check_acknowledged_batches_survive_a_kill(url: str, mode: str) -> None:
    with subprocess.Popen(
        [sys.executable, "-c", _APPENDER, url, mode], stdout=subprocess.PIPE, text=True
    ) as appender:
        try:
            assert appender.stdout is not None
            acknowledged = [int(appender.stdout.readline()) for _ in range(ACKNOWLEDGED)]
            if mode == "hang":
                assert appender.stdout.readline().strip() == "inside"
        finally:
            appender.send_signal(signal.SIGKILL)
            appender.wait(timeout=30)
    assert appender.returncode == -signal.SIGKILL
    store = open_store(url)
    try:
        batches = store.log_batches(PROJECT)
        kept = [b.id for b in batches]
        if mode == "hang":
            assert kept == acknowledged  # the one in its transaction is not there at all
        else:  # killed at any moment: maybe one more, committed before it was acknowledged
            assert kept[: len(acknowledged)] == acknowledged
        bodies = store.log_batch_bodies(PROJECT, kept)
        for number, batch in enumerate(batches):  # none half-written
            assert batch.size == BATCH_BYTES
            assert bodies[batch.id] == bytes([number % 256]) * BATCH_BYTES
            assert (batch.first, batch.last) == (number, number)
    finally:
        store.close()


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["hang", "anywhere"])
def test_sqlite_batches_acknowledged_before_a_kill_survive_it_whole(
    tmp_path: Path, mode: str
) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    open_store(url).close()
    _check_acknowledged_batches_survive_a_kill(url, mode)


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["hang", "anywhere"])
def test_postgresql_batches_acknowledged_before_a_kill_survive_it_whole(
    pg_schema_url: Callable[[], str], mode: str
) -> None:
    url = pg_schema_url()
    open_store(url).close()
    _check_acknowledged_batches_survive_a_kill(url, mode)
