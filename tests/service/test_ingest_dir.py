"""``serve --ingest-dir DIR``: posted bodies of FILE_FROM bytes or more are kept in synced,
append-only files there and the store keeps where they lie; smaller ones stay in the store.
The monitor reads both alike. (A SIGKILL during such ingestion: test_crash.py.)"""

from __future__ import annotations

import io
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import httpx
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

pytest.importorskip("fastapi")

from driftscope.monitor.run import run_monitor
from driftscope.monitor.store.ingest_files import IngestFiles
from driftscope.service.ingest import FILE_FROM
from tests.service._serve import free_port
from tests.service.test_api import Served, _rows

PARQUET = "application/vnd.apache.parquet"


def _big_parquet(day: int, rows: int = 60_000, shift: float = 0.0) -> bytes:
    """A day of rows as an uncompressed Parquet body of more than FILE_FROM bytes."""
    rng = np.random.default_rng(day)
    table = pa.table(
        {
            "ts": pa.array(
                np.datetime64(f"2026-03-{day:02d}")
                + rng.integers(0, 86_400, rows).astype("timedelta64[s]")
            ).cast(pa.timestamp("s", "UTC")),
            "x": rng.normal(shift, 1, rows),
            "city": rng.choice(["a", "b"], rows),
        }
    )
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="none")
    body = sink.getvalue()
    assert len(body) >= FILE_FROM
    return body


@pytest.fixture
def with_files(tmp_path: Path) -> Iterator[Served]:
    files = IngestFiles(tmp_path / "bodies")
    served = Served(tmp_path, max_body=64 * 2**20, files=files)
    yield served
    served.close()
    files.close()


def test_large_bodies_go_to_files_small_ones_stay_and_the_monitor_reads_both(
    with_files: Served, tmp_path: Path
) -> None:
    served = with_files
    logs, ingest = "/api/v1/projects/credit/logs", served.auth("ingest")
    big = [_big_parquet(1), _big_parquet(2, shift=2.0)]
    for body in big:
        answer = served.client.post(logs, content=body, headers=ingest | {"Content-Type": PARQUET})
        assert answer.status_code == 202, answer.text
        assert answer.json() == {"accepted": 60_000}
    small = served.client.post(logs, json={"rows": _rows(300, 3)}, headers=ingest)
    assert small.json() == {"accepted": 300}

    with sqlite3.connect(tmp_path / "store.db") as db:
        kept = db.execute(
            "SELECT length(body), body_file, body_offset, body_size FROM ds_ingest ORDER BY id"
        ).fetchall()
    (file,) = (tmp_path / "bodies").iterdir()
    assert kept[0] == (0, str(file), 0, len(big[0]))  # in the file: the store keeps where
    assert kept[1] == (0, str(file), len(big[0]), len(big[1]))
    assert kept[2][1:] == (None, None, None)  # small: in the store
    assert kept[2][0] > 0
    assert file.read_bytes() == big[0] + big[1]
    assert file.stat().st_mode & 0o777 == 0o600

    batches = served.store.log_batches("credit")
    assert [b.size for b in batches] == [len(big[0]), len(big[1]), kept[2][0]]
    bodies = served.store.log_batch_bodies("credit", [b.id for b in batches])
    assert [bodies[b.id] for b in batches[:2]] == big  # byte for byte

    result = run_monitor(served.config, store=served.store, until=datetime(2026, 3, 4, tzinfo=UTC))
    assert [w.rows for w in result.windows] == [60_000, 60_000, 300]
    assert [w.severity for w in result.windows][1] == "major"  # day 2 shifted


def test_concurrent_large_posts_are_each_kept_once_and_whole(with_files: Served) -> None:
    served = with_files
    bodies = {day: _big_parquet(day, rows=60_000 + day) for day in range(1, 9)}

    def post(day: int) -> int:
        with httpx.Client(base_url=served.url, timeout=60) as client:
            answer = client.post(
                "/api/v1/projects/credit/logs",
                content=bodies[day],
                headers=served.auth("ingest") | {"Content-Type": PARQUET},
            )
            assert answer.status_code == 202, answer.text
            return int(answer.json()["accepted"])

    with ThreadPoolExecutor(4) as pool:
        assert sorted(pool.map(post, bodies)) == [60_000 + d for d in bodies]
    batches = served.store.log_batches("credit")
    kept = served.store.log_batch_bodies("credit", [b.id for b in batches])
    assert sorted(kept.values()) == sorted(bodies.values())


def test_an_ingest_dir_that_cannot_be_made_is_one_line_naming_it(tmp_path: Path) -> None:
    (tmp_path / "reference.parquet").write_bytes(b"")
    config = tmp_path / "driftscope.yaml"
    config.write_text(
        "project: credit\nreference: reference.parquet\ncolumns: {timestamp: ts}\n"
        f"store: sqlite:///{tmp_path / 'store.db'}\n"
    )
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    done = subprocess.run(
        [sys.executable, "-m", "driftscope", "serve", "--config", str(config),
         "--port", str(free_port()), "--ingest-dir", str(blocker / "bodies")],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1
    assert f"--ingest-dir {blocker / 'bodies'}: cannot create it" in done.stderr
    assert not (tmp_path / "store.db").exists()  # refused before the store was opened


def test_a_body_file_gone_is_the_servers_fault_and_its_path_stays_in_its_log(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    config = (
        "project: credit\nreference: reference.parquet\n"
        "columns: {timestamp: ts, id: id, target: y}\nwindow: 1d\n"
        "store: sqlite:///store.db\nalerts: {rules: []}\n"
    )
    files = IngestFiles(tmp_path / "bodies")
    served = Served(tmp_path, max_body=64 * 2**20, files=files, config=config)
    try:
        table = pq.read_table(io.BytesIO(_big_parquet(1)))
        ids = pa.array([f"r{i}" for i in range(table.num_rows)])
        with_ids = table.append_column("id", ids)
        sink = io.BytesIO()
        pq.write_table(with_ids, sink, compression="none")
        logs = served.client.post(
            "/api/v1/projects/credit/logs",
            content=sink.getvalue(),
            headers=served.auth("ingest") | {"Content-Type": PARQUET},
        )
        assert logs.status_code == 202, logs.text
        (file,) = (tmp_path / "bodies").iterdir()
        file.unlink()
        labels = served.client.post(
            "/api/v1/projects/credit/labels",
            json={"rows": [{"id": "r1", "y": 1}]},
            headers=served.auth("ingest"),
        )
        assert labels.status_code == 500
        assert labels.json() == {"error": "a posted log batch cannot be read; see the server's log"}
        assert str(tmp_path) not in labels.text
        logged = [r.getMessage() for r in caplog.records if r.name == "driftscope.service"]
        assert any(str(file) in line and "cannot read" in line for line in logged), logged
    finally:
        served.close()
        files.close()
