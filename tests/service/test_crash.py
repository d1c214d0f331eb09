"""A ``driftscope serve`` process killed with SIGKILL during sustained ingestion loses no
acknowledged row: after restarts on the same store every row answered 202 is there exactly
once, and the store is consistent (every batch decodes, its rows match its metadata, no
request is stored in part or twice). On SQLite and, when it answers, PostgreSQL; with bodies
in the store (JSON rows) and in synced files beside it (``--ingest-dir``, Parquet bodies over
1 MiB)."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import httpx
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

from driftscope.monitor.sources.ingest import decode_batch
from driftscope.monitor.store import open_store
from driftscope.service.ingest import FILE_FROM
from tests.service._serve import free_port, wait_up

ROWS = 40  # per request
DAY_NS = 86_400 * 10**9
KILLS = 2


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    fresh: Callable[[], str] = request.getfixturevalue("pg_schema_url")  # skips without PG
    return fresh()


@pytest.fixture(params=["store", "files"])
def bodies_in(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _project(folder: Path, store_url: str) -> Path:
    rng = np.random.default_rng(0)
    reference = pa.table({"x": rng.normal(0, 1, 500), "city": rng.choice(["a", "b"], 500)})
    pq.write_table(reference, folder / "reference.parquet")
    config = folder / "driftscope.yaml"
    config.write_text(
        "project: credit\n"
        f'reference: "{folder / "reference.parquet"}"\n'
        "columns: {timestamp: ts}\n"
        "window: 1d\n"
        f'store: "{store_url}"\n'
        "alerts: {rules: []}\n"
    )
    return config


def _rows(request: int) -> list[dict[str, object]]:
    """ROWS rows whose ids name the request; their times lie in 2030 (no window completes,
    so the scheduler stays idle)."""
    return [
        {
            "ts": f"2030-01-01T{j % 24:02d}:{request % 60:02d}:00Z",
            "id": f"r{request}-{j}",
            "x": float(request + j / ROWS),
            "city": "ab"[j % 2],
        }
        for j in range(ROWS)
    ]


def _parquet(request: int) -> bytes:
    """The rows of ``request`` as a Parquet body over FILE_FROM bytes (a column of random
    text that does not compress), so that the service keeps it in a file."""
    rng = np.random.default_rng(request)
    size = FILE_FROM // ROWS // 2 + 100  # bytes of each row's pad, twice that in hex
    rows = [row | {"pad": rng.bytes(size).hex()} for row in _rows(request)]
    table = pa.Table.from_pylist(rows)
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="none")
    body = sink.getvalue()
    assert len(body) >= FILE_FROM
    return body


class Serve:
    """``driftscope serve`` on a free port of 127.0.0.1, ready once /healthz answers."""

    def __init__(self, config: Path, *options: str) -> None:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "driftscope", "serve", "--config", str(config),
             "--port", str(port), "--every", "3600", *options],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            wait_up(self.url, process=self.proc)
        except AssertionError:
            self.proc.kill()
            raise

    def kill(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)


class Load:
    """Client threads posting batches with distinct ids in a loop to whichever server is up;
    ``acked`` are the requests answered 202 (their ``accepted`` checked)."""

    def __init__(self, token: str, threads: int = 2, parquet: bool = False) -> None:
        self.headers = {"Authorization": f"Bearer {token}"}
        self.parquet = parquet
        self.url = ""
        self.lock = threading.Lock()
        self.next = 0
        self.acked: set[int] = set()
        self.failed = 0
        self.refused: list[str] = []
        self.stop = threading.Event()
        self.pool = [threading.Thread(target=self._post, daemon=True) for _ in range(threads)]

    def start(self, url: str) -> None:
        self.url = url
        for thread in self.pool:
            thread.start()

    def _post(self) -> None:
        with httpx.Client(timeout=5) as client:
            while not self.stop.is_set():
                with self.lock:
                    request = self.next
                    self.next += 1
                    url = self.url
                if self.parquet:
                    body = {"content": _parquet(request)}
                    kind = {"Content-Type": "application/vnd.apache.parquet"}
                else:
                    body, kind = {"json": {"rows": _rows(request)}}, {}
                try:
                    answer = client.post(
                        f"{url}/api/v1/projects/credit/logs",
                        headers=self.headers | kind,
                        **body,  # type: ignore[arg-type]
                    )
                except httpx.TransportError:
                    with self.lock:
                        self.failed += 1  # no answer: stored or not, never acknowledged
                    time.sleep(0.02)
                    continue
                with self.lock:
                    if answer.status_code == 202 and answer.json() == {"accepted": ROWS}:
                        self.acked.add(request)
                    else:
                        self.refused.append(f"{answer.status_code} {answer.text[:200]}")

    def wait_for(self, acked: int, timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.acked) >= acked:
                    return
            time.sleep(0.02)
        pytest.fail(f"only {len(self.acked)} requests acknowledged, waited for {acked}")

    def close(self) -> None:
        self.stop.set()
        for thread in self.pool:
            thread.join(10)


@pytest.mark.slow
def test_sigkill_during_ingestion_loses_no_acknowledged_row(
    tmp_path: Path, store_url: str, bodies_in: str
) -> None:
    config = _project(tmp_path, store_url)
    folder = tmp_path / "bodies"
    options = ("--ingest-dir", str(folder)) if bodies_in == "files" else ()
    token = subprocess.run(
        [sys.executable, "-m", "driftscope", "token", "create", "--config", str(config),
         "--name", "crash", "--scope", "ingest"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    server = Serve(config, *options)
    load = Load(token, parquet=bodies_in == "files")
    load.start(server.url)
    try:
        for kill in range(1, KILLS + 1):
            load.wait_for(15 * kill)  # sustained: requests in flight when the kill comes
            time.sleep(0.3)
            server.kill()
            time.sleep(0.2)  # posts fail meanwhile: never acknowledged
            server = Serve(config, *options)
            with load.lock:
                load.url = server.url
        load.wait_for(len(load.acked) + 10)  # the restarted server ingests
    finally:
        load.close()
        server.stop()
    assert not load.refused, load.refused[:3]
    assert load.failed > 0, "no request was cut off by a kill"

    store = open_store(store_url)
    try:
        batches = store.log_batches("credit")
        bodies = store.log_batch_bodies("credit", [b.id for b in batches])
    finally:
        store.close()
    assert sorted(bodies) == [b.id for b in batches]  # every batch has its body
    if bodies_in == "files":  # where the bodies are: past the killed writes, one per start
        files = list(folder.iterdir())
        # A start opens its file with its first large body: one killed before any arrived
        # (a loaded machine) leaves none, so at most one file per start, never more.
        assert 1 <= len(files) <= KILLS + 1, files
        assert len({f.name.split("-")[1] for f in files}) == len(files)  # one per process
        kept = sum(f.stat().st_size for f in files)
        assert kept >= sum(b.size for b in batches) >= len(batches) * FILE_FROM
    seen: Counter[str] = Counter()
    requests: Counter[int] = Counter()
    for batch in batches:
        table = decode_batch(bodies[batch.id])  # every batch decodes
        assert table.num_rows == batch.rows == ROWS
        assert batch.missing == batch.unparseable == 0
        ts = table.column("ts").cast(pa.timestamp("ns", "UTC")).cast(pa.int64()).to_numpy()
        assert (batch.first, batch.last) == (int(ts.min()), int(ts.max()))
        assert batch.size == len(bodies[batch.id])
        ids = table.column("id").to_pylist()
        # one whole request per batch: never a part of one
        (request,) = {int(i[1:].split("-")[0]) for i in ids}
        assert ids == [f"r{request}-{j}" for j in range(ROWS)]
        requests[request] += 1
        seen.update(ids)
    assert all(n == 1 for n in seen.values()), "a row is stored twice"
    assert all(n == 1 for n in requests.values()), "a request is stored twice"
    lost = load.acked - set(requests)
    assert not lost, f"acknowledged but not stored: {sorted(lost)[:10]}"
    for request in load.acked:
        assert all(seen[f"r{request}-{j}"] == 1 for j in range(ROWS))
    # requests that got no answer may be stored (committed before the kill) or not, once
    assert set(requests) <= set(range(load.next))
