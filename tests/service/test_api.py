"""The HTTP API of SPEC section 8, served by a real uvicorn on 127.0.0.1 and called with httpx:
auth and scopes, ingestion in three body formats feeding the monitor, the read endpoints, and
every refusal as a JSON error that stores nothing."""

from __future__ import annotations

import io
import json
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

pytest.importorskip("fastapi")
uvicorn = pytest.importorskip("uvicorn")

from driftscope.auth import new_token, token_hash  # noqa: E402
from driftscope.monitor import load_config, open_store  # noqa: E402
from driftscope.monitor.run import run_monitor  # noqa: E402
from driftscope.monitor.store.ingest_files import IngestFiles  # noqa: E402
from driftscope.service.app import create_app  # noqa: E402
from tests.service._serve import InThread  # noqa: E402

CONFIG = """\
project: credit
reference: reference.parquet
columns: {timestamp: ts}
window: 1d
store: sqlite:///store.db
alerts: {rules: []}
"""


class Served:
    """The app on a real server in a thread; ``url`` and a token per scope."""

    def __init__(
        self,
        folder: Path,
        max_body: int = 2**20,
        every: float | None = None,
        config: str = CONFIG,
        reference: pa.Table | None = None,
        files: IngestFiles | None = None,
    ) -> None:
        rng = np.random.default_rng(0)
        if reference is None:
            reference = pa.table(
                {"x": rng.normal(0, 1, 2_000), "city": rng.choice(["a", "b"], 2_000)}
            )
        pq.write_table(reference, folder / "reference.parquet")
        (folder / "driftscope.yaml").write_text(config)
        self.config = load_config(folder / "driftscope.yaml")
        self.store = open_store(self.config.store)
        self.tokens = {}
        for scope in ("ingest", "read", "admin"):
            token = new_token()
            self.store.add_token(f"test-{scope}", scope, token_hash(token), datetime.now(UTC))
            self.tokens[scope] = token
        app = create_app([self.config], self.store, max_body=max_body, every=every, files=files)
        self.served = InThread(app)
        self.url = self.served.url
        self.client = httpx.Client(base_url=self.url, timeout=10)

    def auth(self, scope: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[scope]}"}

    def batches(self) -> int:
        return len(self.store.log_batches("credit"))

    def close(self) -> None:
        self.client.close()
        self.served.close()
        self.store.close()


def _rows(n: int, day: int, shift: float = 0.0) -> list[dict[str, object]]:
    rng = np.random.default_rng(day)
    return [
        {
            "ts": f"2026-03-{day:02d}T{h:02d}:00:00Z",
            "x": float(v),
            "city": str(c),
        }
        for h, v, c in zip(
            rng.integers(0, 24, n), rng.normal(shift, 1, n), rng.choice(["a", "b"], n), strict=True
        )
    ]


def test_health_needs_no_token(served: Served) -> None:
    answer = served.client.get("/healthz")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok"}


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        ({"Authorization": "Bearer ds_not-a-real-token"}, 401),
        ({"Authorization": "Basic dXNlcjpwYXNz"}, 401),
        ("read", 403),
    ],
)
def test_posting_logs_needs_an_ingest_token(
    served: Served, headers: dict[str, str] | str, status: int
) -> None:
    sent = served.auth(headers) if isinstance(headers, str) else headers
    answer = served.client.post(
        "/api/v1/projects/credit/logs", json={"rows": _rows(5, 1)}, headers=sent
    )
    assert answer.status_code == status
    assert set(answer.json()) == {"error"}
    assert served.batches() == 0  # nothing stored by a rejected request
    assert "ds_not-a-real-token" not in answer.text


def test_reading_needs_a_read_token(served: Served) -> None:
    assert served.client.get("/api/v1/projects/credit/windows").status_code == 401
    answer = served.client.get("/api/v1/projects/credit/windows", headers=served.auth("ingest"))
    assert answer.status_code == 403
    assert (
        served.client.get(
            "/api/v1/projects/credit/windows", headers=served.auth("admin")
        ).status_code
        == 200
    )


def test_posted_rows_in_three_formats_feed_the_monitor(served: Served) -> None:
    logs = "/api/v1/projects/credit/logs"
    ingest = served.auth("ingest")
    first = served.client.post(logs, json={"rows": _rows(300, 1)}, headers=ingest)
    assert first.status_code == 202
    assert first.json() == {"accepted": 300}
    lines = "\n".join(json.dumps(r) for r in _rows(300, 2, shift=2.0))
    second = served.client.post(
        logs, content=lines, headers={**ingest, "Content-Type": "application/x-ndjson"}
    )
    assert second.json() == {"accepted": 300}
    buffer = io.BytesIO()
    pq.write_table(pa.Table.from_pylist(_rows(300, 3)), buffer)
    third = served.client.post(
        logs,
        content=buffer.getvalue(),
        headers={**ingest, "Content-Type": "application/vnd.apache.parquet"},
    )
    assert third.json() == {"accepted": 300}
    assert served.batches() == 3

    result = run_monitor(served.config, store=served.store, until=datetime(2026, 3, 4, tzinfo=UTC))
    assert [w.rows for w in result.windows] == [300, 300, 300]

    read = served.auth("read")
    windows = served.client.get("/api/v1/projects/credit/windows", headers=read).json()["windows"]
    assert [w["start"] for w in windows] == [f"2026-03-0{d}T00:00:00Z" for d in (1, 2, 3)]
    assert windows[1]["severity"] == "major"
    assert "x" in windows[1]["drifted_columns"]
    assert set(windows[0]) == {"start", "end", "rows", "severity", "status", "drifted_columns"}
    points = served.client.get(
        "/api/v1/projects/credit/metrics",
        params={"metric": "drift", "column": "x", "since": "2026-03-02T00:00:00Z"},
        headers=read,
    ).json()["points"]
    assert [(p["window_start"], p["value"]) for p in points] == [
        ("2026-03-02T00:00:00Z", 1.0),
        ("2026-03-03T00:00:00Z", 0.0),
    ]
    assert set(points[0]) == {"window_start", "window_end", "column", "metric", "value"}
    alerts = served.client.get(
        "/api/v1/projects/credit/alerts", params={"state": "all"}, headers=read
    )
    assert alerts.json() == {"alerts": []}


@pytest.mark.parametrize(
    ("body", "content_type", "status", "says"),
    [
        (b"{not json", "application/json", 400, "not JSON"),
        (b'{"rows": 3}', "application/json", 400, '"rows" must be a list'),
        (b'{"rows": []}', "application/json", 400, "no rows"),
        (b"[1, 2]\n", "application/x-ndjson", 400, "line 1 is not a JSON object"),
        (b"PAR1 not really", "application/vnd.apache.parquet", 400, "not a readable Parquet"),
        (b"x,y\n1,2\n", "text/csv", 415, "is not accepted"),
        (b'{"rows": [{"x": 1}]}', "application/json", 422, "no timestamp column 'ts'"),
        (b'{"rows": [{"ts": "2026-03-01", "x": 1}, {"ts": "2026-03-01", "x": "a"}]}',
         "application/json", 422, "column 'x': row 2 holds a str where earlier rows hold int"),
    ],
)  # fmt: skip
def test_bad_bodies_are_refused_with_a_json_error_and_nothing_stored(
    served: Served, body: bytes, content_type: str, status: int, says: str
) -> None:
    answer = served.client.post(
        "/api/v1/projects/credit/logs",
        content=body,
        headers={**served.auth("ingest"), "Content-Type": content_type},
    )
    assert answer.status_code == status, answer.text
    error = answer.json()["error"]
    assert says in error
    assert "\n" not in error
    assert "Traceback" not in error
    assert served.batches() == 0


def test_a_body_over_the_limit_is_413(served: Served) -> None:
    big = {"rows": _rows(20_000, 1)}  # about 1.3 MB, over the fixture's 1 MiB
    answer = served.client.post(
        "/api/v1/projects/credit/logs", json=big, headers=served.auth("ingest")
    )
    assert answer.status_code == 413
    assert "over the limit" in answer.json()["error"]
    assert served.batches() == 0


def test_an_unknown_project_is_404(served: Served) -> None:
    answer = served.client.post(
        "/api/v1/projects/other/logs", json={"rows": _rows(3, 1)}, headers=served.auth("ingest")
    )
    assert answer.status_code == 404
    assert answer.json() == {"error": "no project 'other' here"}
    missing = served.client.get("/api/v1/nothing", headers=served.auth("read"))
    assert missing.status_code == 404
    assert "error" in missing.json()


def test_html_and_sql_looking_values_are_data(served: Served) -> None:
    rows = [
        {"ts": "2026-03-01T01:00:00Z", "x": 1.0, "city": "<img src=x onerror=alert(1)>"},
        {"ts": "2026-03-01T02:00:00Z", "x": 2.0, "city": "'; DROP TABLE ds_windows; --"},
    ]
    answer = served.client.post(
        "/api/v1/projects/credit/logs", json={"rows": rows}, headers=served.auth("ingest")
    )
    assert answer.status_code == 202
    assert served.store.windows("credit") == []  # the table is still there
    assert served.batches() == 1


def test_bad_query_values_are_400(served: Served) -> None:
    read = served.auth("read")
    answer = served.client.get(
        "/api/v1/projects/credit/metrics", params={"since": "yesterday"}, headers=read
    )
    assert answer.status_code == 400
    assert "since" in answer.json()["error"]
    state = served.client.get("/api/v1/projects/credit/alerts", params={"state": "x"}, headers=read)
    assert state.status_code == 400


def test_the_openapi_schema_needs_a_read_token_or_a_session(served: Served) -> None:
    # the Swagger page itself is a dashboard page (tests/service/test_dashboard.py)
    assert served.client.get("/api/openapi.json").status_code == 303  # to the login page
    assert served.client.get("/api/openapi.json", headers=served.auth("ingest")).status_code == 403
    spec = served.client.get("/api/openapi.json", headers=served.auth("read")).json()
    assert "/api/v1/projects/{project}/logs" in spec["paths"]
    assert not any(path.startswith("/projects") for path in spec["paths"])  # pages left out


def test_the_scheduler_computes_windows_as_rows_arrive(tmp_path: Path) -> None:
    service = Served(tmp_path, every=0.2)
    try:
        ingest, read = service.auth("ingest"), service.auth("read")
        for day in (1, 2):
            answer = service.client.post(
                "/api/v1/projects/credit/logs", json={"rows": _rows(200, day)}, headers=ingest
            )
            assert answer.status_code == 202
        deadline = time.monotonic() + 20
        windows: list[dict[str, object]] = []
        while time.monotonic() < deadline and len(windows) < 2:
            time.sleep(0.1)
            got = service.client.get("/api/v1/projects/credit/windows", headers=read)
            windows = got.json()["windows"]
        assert [w["rows"] for w in windows] == [200, 200]
    finally:
        service.close()


def test_a_scheduled_run_skips_a_turn_while_another_holds_the_lock(tmp_path: Path) -> None:
    from driftscope.service.scheduler import run_once

    service = Served(tmp_path)
    try:
        service.client.post(
            "/api/v1/projects/credit/logs",
            json={"rows": _rows(50, 1)},
            headers=service.auth("ingest"),
        )
        with service.store.lock("credit"):
            assert run_once(service.config, service.store) == 0
        assert run_once(service.config, service.store) == 1
    finally:
        service.close()


def test_json_with_nan_and_infinity_is_read_as_before(served: Served) -> None:
    # Python's json.dumps writes NaN and Infinity unless told not to; orjson refuses them, so
    # the standard library reads what it refuses: the same bodies are accepted as before.
    body = b'{"rows": [{"ts": "2026-03-01T01:00:00Z", "x": NaN}, {"ts": "2026-03-01T02:00:00Z", "x": Infinity}]}'  # noqa: E501
    answer = served.client.post(
        "/api/v1/projects/credit/logs",
        content=body,
        headers={**served.auth("ingest"), "Content-Type": "application/json"},
    )
    assert answer.json() == {"accepted": 2}
    from driftscope.monitor.sources.ingest import decode_batch

    (stored,) = served.store.log_batch_bodies("credit", [1]).values()
    values = decode_batch(stored).column("x").to_pylist()
    assert np.isnan(values[0])
    assert values[1] == float("inf")


def test_a_posted_parquet_file_is_kept_byte_for_byte(served: Served) -> None:
    buffer = io.BytesIO()
    pq.write_table(pa.Table.from_pylist(_rows(50, 1)), buffer)
    answer = served.client.post(
        "/api/v1/projects/credit/logs",
        content=buffer.getvalue(),
        headers={**served.auth("ingest"), "Content-Type": "application/vnd.apache.parquet"},
    )
    assert answer.json() == {"accepted": 50}
    assert served.store.log_batch_bodies("credit", [1]) == {1: buffer.getvalue()}


def test_concurrent_posts_are_each_kept_once_and_whole(served: Served) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from driftscope.monitor.sources.ingest import decode_batch

    def post(n: int) -> int:
        with httpx.Client(base_url=served.url, timeout=30) as client:
            answer = client.post(
                "/api/v1/projects/credit/logs",
                json={"rows": _rows(n, 1)},
                headers=served.auth("ingest"),
            )
            assert answer.status_code == 202
            return int(answer.json()["accepted"])

    sizes = [1 + (i * 37) % 200 for i in range(60)]
    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(post, sizes)) == sizes
    batches = served.store.log_batches("credit")
    assert sorted(b.rows for b in batches) == sorted(sizes)
    bodies = served.store.log_batch_bodies("credit", [b.id for b in batches])
    assert [decode_batch(bodies[b.id]).num_rows for b in batches] == [b.rows for b in batches]
