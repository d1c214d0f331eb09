"""driftscope.Client against real servers on 127.0.0.1: the service on uvicorn (``Served``) and a
scripted HTTP receiver for the answers the service does not give on demand (503, 429, a server
that hangs or appears late). No network call is mocked."""

from __future__ import annotations

import io
import logging
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

pytest.importorskip("fastapi")

from driftscope import Client
from driftscope.monitor.run import run_monitor
from tests.alerts._receivers import Receiver, Reply, Request, _handler, free_port
from tests.service._serve import create_token, serve_process
from tests.service.test_api import Served, _rows

ACCEPTED = Reply(status=202, headers={"Content-Type": "application/json"}, body=b"{}")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    server.default = ACCEPTED
    try:
        yield server
    finally:
        server.close()


def _stored_rows(served: Served) -> list[int]:
    return [batch.rows for batch in served.store.log_batches("credit")]


def _sent_rows(request: Request) -> list[dict[str, Any]]:
    if request.headers["content-type"] == "application/vnd.apache.parquet":
        rows: list[dict[str, Any]] = pq.read_table(io.BytesIO(request.body)).to_pylist()
        return rows
    return request.json()["rows"]  # type: ignore[no-any-return]


def _client(url: str, token: str = "ds_test-token-not-real", **options: Any) -> Client:
    options.setdefault("backoff", 0.05)
    options.setdefault("max_backoff", 0.2)
    return Client(url, token, project="credit", **options)


def test_rows_logged_one_at_a_time_all_arrive(served: Served) -> None:
    rows = _rows(2_500, 1)
    with _client(served.url, served.tokens["ingest"], batch_rows=1_000) as client:
        for row in rows:
            client.log(row)
        assert client.flush(timeout=20)
        assert (client.sent, client.dropped, client.failed) == (2_500, 0, 0)
    assert sum(_stored_rows(served)) == 2_500
    assert max(_stored_rows(served)) <= 1_000


def test_dataframes_tables_and_lists_all_arrive_and_feed_the_monitor(served: Served) -> None:
    pd = pytest.importorskip("pandas")
    pl = pytest.importorskip("polars")
    day2 = _rows(400, 2)
    frame = pd.DataFrame(day2)
    frame["ts"] = pd.to_datetime(frame["ts"])  # a real timestamp column, sent as Parquet
    with _client(served.url, served.tokens["ingest"], batch_rows=1_000) as client:
        client.log(_rows(300, 1))  # a list of dicts
        client.log(frame.set_index("x").reset_index())  # the index is not sent
        client.log(pl.DataFrame(_rows(500, 3)))
        client.log(pa.Table.from_pylist(_rows(2_100, 4)))  # sent in slices of batch_rows
        client.log([])  # no rows: nothing to do
        assert client.flush(timeout=20)
        assert client.sent == 3_300
    assert _stored_rows(served) == [300, 400, 500, 1_000, 1_000, 100]
    result = run_monitor(served.config, store=served.store, until=datetime(2026, 3, 5, tzinfo=UTC))
    assert [w.rows for w in result.windows] == [300, 400, 500, 2_100]


def test_log_returns_at_once_while_the_server_hangs(receiver: Receiver) -> None:
    receiver.default = Reply(hang=True)  # every request waits until the test ends
    client = _client(receiver.url, timeout=30, batch_rows=100)
    rows = _rows(10_100, 1)
    try:
        for row in rows[:100]:  # a batch: the thread posts it and gets stuck
            client.log(row)
        deadline = time.monotonic() + 10
        while not receiver.requests and time.monotonic() < deadline:
            time.sleep(0.01)
        assert receiver.requests
        started = time.perf_counter()
        for row in rows[100:]:
            client.log(row)
        mean = (time.perf_counter() - started) / 10_000
        assert mean < 100e-6, f"log() took {mean * 1e6:.1f} µs a call"
        assert client.queued == 10_100
        assert len(receiver.requests) == 1
    finally:
        client.close(timeout=0)


def test_a_server_down_keeps_memory_bounded_and_rows_flow_once_it_appears() -> None:
    port = free_port()
    client = _client(f"http://127.0.0.1:{port}", batch_rows=100, max_queued_rows=1_000)
    receiver = Receiver()
    receiver.default = ACCEPTED
    late = None
    try:
        started = time.perf_counter()
        for i in range(5_000):
            client.log({"ts": "2026-03-01T00:00:00Z", "i": i})
        assert time.perf_counter() - started < 1.0
        time.sleep(0.3)  # a few refused connections and retries
        assert client.retries >= 1
        assert client.queued <= 1_000 + 100  # the queue, and at most a batch being posted
        assert client.dropped >= 4_000 - 100
        assert client.sent == 0

        late = ThreadingHTTPServer(("127.0.0.1", port), _handler(receiver))
        threading.Thread(target=late.serve_forever, args=(0.05,), daemon=True).start()
        assert client.flush(timeout=10)
        got = [row["i"] for request in receiver.requests for row in _sent_rows(request)]
        assert client.sent == len(got)
        assert client.sent + client.dropped == 5_000
        # the oldest were dropped: what arrived is the newest rows, in order, each once
        assert got == list(range(5_000 - len(got), 5_000))
        assert len(got) >= 1_000
    finally:
        client.close(timeout=0)
        if late is not None:
            late.shutdown()
            late.server_close()
        receiver.close()


def test_503_twice_is_retried_until_accepted(receiver: Receiver) -> None:
    receiver.script(Reply(status=503), Reply(status=503))
    with _client(receiver.url) as client:
        client.log(_rows(3, 1))
        assert client.flush(timeout=10)
        assert (client.sent, client.failed, client.retries) == (3, 0, 2)
    assert len(receiver.requests) == 3
    assert len({request.body for request in receiver.requests}) == 1  # the same batch each time


def test_429_waits_as_long_as_retry_after_says(receiver: Receiver) -> None:
    receiver.script(Reply(status=429, headers={"Retry-After": "1"}))
    arrivals: list[float] = []
    record = receiver.record

    def timed(request: Request) -> Reply:
        arrivals.append(time.monotonic())
        return record(request)

    receiver.record = timed  # type: ignore[method-assign]
    with _client(receiver.url) as client:
        client.log(_rows(2, 1))
        assert client.flush(timeout=10)
        assert client.sent == 2
    assert len(arrivals) == 2
    assert arrivals[1] - arrivals[0] >= 0.9


def test_a_400_drops_the_batch_counts_it_and_logs_one_line(
    receiver: Receiver, caplog: pytest.LogCaptureFixture
) -> None:
    receiver.script(Reply(status=400, body=b'{"error": "the body holds no rows"}'))
    caplog.set_level(logging.WARNING, logger="driftscope.client")
    with _client(receiver.url) as client:
        client.log(_rows(5, 1))
        assert client.flush(timeout=10)
        client.log(_rows(7, 1))  # the client goes on
        assert client.flush(timeout=10)
        assert (client.failed, client.sent, client.retries) == (5, 7, 0)
    refused = [r.getMessage() for r in caplog.records if r.name == "driftscope.client"]
    assert len(refused) == 1
    assert "refused 5 rows" in refused[0]
    assert "HTTP 400 the body holds no rows" in refused[0]


def test_a_413_halves_the_requests_until_they_fit(tmp_path: Path) -> None:
    served = Served(tmp_path, max_body=40_000)
    try:
        # distinct notes, so that Parquet's dictionary cannot shrink them: ~210 kB in all
        rows = [{**row, "note": f"{i:05d}" + "n" * 200} for i, row in enumerate(_rows(1_000, 1))]
        with _client(served.url, served.tokens["ingest"]) as client:
            client.log(rows)
            assert client.flush(timeout=20)
            assert (client.sent, client.failed, client.dropped) == (1_000, 0, 0)
        sizes = _stored_rows(served)
        assert sum(sizes) == 1_000
        assert max(sizes) <= 125
    finally:
        served.close()


def test_rows_the_service_finds_wrong_are_dropped_and_counted(served: Served) -> None:
    with _client(served.url, served.tokens["ingest"]) as client:
        client.log({"x": 1.0})  # no timestamp column: 422
        assert client.flush(timeout=10)
        client.log(_rows(4, 1))
        assert client.flush(timeout=10)
        assert (client.failed, client.sent) == (1, 4)
    assert _stored_rows(served) == [4]


def test_a_wrong_token_is_refused_and_never_logged(
    served: Served, receiver: Receiver, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, httpx's and httpcore's included
    secret = served.tokens["ingest"]
    receiver.script(Reply(status=503), Reply(status=400, body=b'{"error": "no"}'))
    with _client(served.url, secret) as good, _client(served.url, secret[:-4] + "abcd") as bad:
        good.log(_rows(3, 1))
        bad.log(_rows(3, 1))
        assert good.flush(timeout=10)
        assert bad.flush(timeout=10)
        assert (good.sent, bad.failed) == (3, 3)  # 401 is a refusal like any 4xx
    with _client(receiver.url, secret) as scripted:  # a retry, a refusal, a success
        for _ in range(3):
            scripted.log(_rows(2, 1))
            assert scripted.flush(timeout=10)
    with _client(f"http://127.0.0.1:{free_port()}", secret) as down:
        down.log(_rows(2, 1))
        time.sleep(0.2)
        down.close(timeout=0)
    assert {"httpx", "httpcore.http11", "driftscope.client"} <= {r.name for r in caplog.records}
    for record in caplog.records:
        assert secret not in record.getMessage()
        assert secret[:20] not in record.getMessage()
    assert secret[:20] not in caplog.text


def test_close_sends_what_is_queued(served: Served) -> None:
    client = _client(served.url, served.tokens["ingest"], flush_interval=60)
    client.log(_rows(10, 1))
    assert client.queued == 10
    assert client.close()
    assert _stored_rows(served) == [10]
    client.log(_rows(1, 1))  # after close: counted, never sent
    assert (client.sent, client.dropped) == (10, 1)


def test_log_refuses_what_is_not_rows() -> None:
    with _client("http://127.0.0.1:9") as client:
        for wrong in ("ts,x", 3, [1, 2], None, b"{}"):
            with pytest.raises(TypeError, match="log"):
                client.log(wrong)
        client.log(())
        assert client.queued == 0
        client.close(timeout=0)


def test_labels_go_to_their_own_endpoint_in_their_own_batches(receiver: Receiver) -> None:
    with _client(receiver.url) as client:
        client.log(_rows(2, 1))
        client.label([{"id": 1, "y": 0}, {"id": 2, "y": 1}])
        client.log(_rows(3, 1))
        assert client.flush(timeout=10)
        assert client.sent == 7
    paths = [(r.path.rsplit("/", 1)[-1], len(_sent_rows(r))) for r in receiver.requests]
    assert paths == [("logs", 2), ("labels", 2), ("logs", 3)]


def test_labels_the_service_refuses_count_as_failed(
    served: Served, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="driftscope.client")
    with _client(served.url, served.tokens["ingest"]) as client:  # credit has no columns.id
        client.label({"id": 1, "y": 0})
        assert client.flush(timeout=10)
        assert (client.failed, client.sent) == (1, 0)
    assert "refused 1 rows of labels" in caplog.text
    assert "HTTP 422" in caplog.text
    assert "no columns.id" in caplog.text


def test_logs_and_labels_through_a_real_serve_make_a_labelled_window(tmp_path: Path) -> None:
    from tests.service.test_labels import DAY0, ROWS, _day, _served

    _served(tmp_path).close()  # the reference, the config and an empty store
    config = str(tmp_path / "driftscope.yaml")
    token = create_token(config, "ingest")
    port = free_port()
    server = serve_process("--config", config, "--every", "3600", port=port)
    url = f"http://127.0.0.1:{port}"
    try:
        truths = {}
        with Client(url, token, project="credit", batch_rows=300) as client:
            for day in (0, 1):
                logs, truths[day] = _day(day)
                client.log(logs)
            assert client.flush(timeout=30)
            client.label(truths[1])  # 400 rows: two requests of at most 300
            client.label({"rid": "never-logged", "outcome": True})
            assert client.flush(timeout=30)
            assert (client.sent, client.failed, client.dropped) == (3 * ROWS + 1, 0, 0)
    finally:
        server.terminate()
        _, errors = server.communicate(timeout=30)
    assert "Traceback" not in errors
    from driftscope.monitor import load_config, open_store

    loaded = load_config(Path(config))
    store = open_store(loaded.store)
    try:
        assert len(store.labels_since("credit", None)) == ROWS + 1
        done = run_monitor(loaded, store=store, until=DAY0 + timedelta(days=2))
        assert [w.rows for w in done.windows] == [ROWS, ROWS]
        measured = {p.window_start for p in store.points("credit", metric="roc_auc")}
        assert measured == {DAY0 + timedelta(days=1)}
    finally:
        store.close()


@pytest.mark.slow
def test_rows_arrive_when_the_program_exits_without_close(served: Served) -> None:
    program = textwrap.dedent(
        f"""
        import sys, driftscope
        assert "httpx" not in sys.modules  # the package stays light until Client is used
        client = driftscope.Client({served.url!r}, {served.tokens["ingest"]!r},
                                   project="credit", flush_interval=60)
        for h in range(24):
            client.log({{"ts": f"2026-03-01T{{h:02d}}:00:00Z", "x": 1.0, "city": "a"}})
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", program], check=False, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert _stored_rows(served) == [24]
    assert served.tokens["ingest"] not in done.stderr
    assert done.stdout == ""


@pytest.mark.slow
def test_a_forked_worker_sends_its_own_rows(served: Served) -> None:
    program = textwrap.dedent(
        f"""
        import os, driftscope
        client = driftscope.Client({served.url!r}, {served.tokens["ingest"]!r},
                                   project="credit", flush_interval=60)
        row = {{"ts": "2026-03-01T10:00:00Z", "x": 1.0, "city": "a"}}
        client.log([row] * 3)
        client.log([row] * 5)  # still queued at the fork: the parent's to send
        child = os.fork()
        if child == 0:
            client.log([row] * 7)
            os._exit(0 if client.flush(timeout=10) and client.sent == 7 else 1)
        _, status = os.waitpid(child, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        assert client.close() and client.sent == 8
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", program], check=False, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert sorted(_stored_rows(served)) == [7, 8]
