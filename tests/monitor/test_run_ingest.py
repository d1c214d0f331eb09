"""Rows posted to the HTTP API (kept in the store) count as logs: alone, or with files."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from driftscope.monitor import load_config, open_store
from driftscope.monitor.run import run_monitor
from driftscope.monitor.sources.ingest import encode_batch
from tests.monitor.test_run import DAY0, ROWS, _rows, make_project


def _ingest(store_url: str, day: int, rows: int, seed: int, extra: str | None = None) -> None:
    rng = np.random.default_rng(seed)
    data = _rows(rows, rng, 0.0)
    start = np.datetime64((DAY0 + timedelta(days=day)).replace(tzinfo=None), "s")
    stamps = start + np.sort(rng.integers(0, 86_400, rows)).astype("timedelta64[s]")
    data["ts"] = pa.array(stamps, pa.timestamp("s", "UTC"))
    if extra:
        data[extra] = pa.array(np.ones(rows))
    body, n, first, last, missing, bad = encode_batch(pa.table(data), "ts")
    store = open_store(store_url)
    try:
        store.append_logs("credit", body, n, first, last, missing, bad, datetime.now(UTC))
    finally:
        store.close()


def test_a_project_fed_only_through_the_api(tmp_path: Path) -> None:
    path = make_project(tmp_path, days=0)
    text = path.read_text()
    path.write_text(text.replace("logs: {path: logs/}\n", ""))
    config = load_config(path)
    assert config.logs is None
    for day in range(3):
        _ingest(config.store, day, 400, day)
    _ingest(config.store, 1, 100, 99)  # a second batch for day 1
    result = run_monitor(config)
    assert [w.rows for w in result.windows] == [400, 500, 400]
    assert run_monitor(config).windows == ()
    _ingest(config.store, 3, 400, 7)
    assert [w.start for w in run_monitor(config).windows] == [DAY0 + timedelta(days=3)]


def test_files_and_ingested_rows_share_their_windows(tmp_path: Path) -> None:
    path = make_project(tmp_path, days=2)
    config = load_config(path)
    _ingest(config.store, 0, 50, 5, extra="from_api")
    result = run_monitor(config)
    assert [w.rows for w in result.windows] == [ROWS + 50, ROWS]
    store = open_store(config.store)
    try:
        report = store.report("credit", DAY0) or ""
    finally:
        store.close()
    assert "ingested rows: has no column 'from_api'" not in report  # the file lacks it
    assert "from_api" in report


def test_reading_ingested_rows_leaves_the_files_alone(tmp_path: Path) -> None:
    path = make_project(tmp_path, days=1)
    config = load_config(path)
    run_monitor(config)
    log = tmp_path / "logs" / "day-00.parquet"
    table = pq.read_table(log)
    assert table.num_rows == ROWS
