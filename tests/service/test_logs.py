"""The service's structured logs, from a real ``driftscope serve`` process: every stderr line
after the banner is one JSON object; each request has its line (method, path, status, ms,
client); the scheduler's messages come the same way; no token, password, session cookie or
query string ever reaches a line."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import httpx
import pytest

pytest.importorskip("fastapi")

from driftscope.auth import create_user
from tests.service._dashboard import login
from tests.service._serve import free_port, serve_process
from tests.service.test_api import Served, _rows

PASSWORD = "a-password-to-find-nowhere"


def test_serve_logs_one_json_object_per_line_and_no_secret(tmp_path: Path) -> None:
    served = Served(tmp_path)
    token = served.tokens["admin"]
    create_user(served.store, "ada", PASSWORD)
    served.close()
    port = free_port()
    server = serve_process(
        "--config", str(tmp_path / "driftscope.yaml"), "--every", "0.3", port=port,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    auth = {"Authorization": f"Bearer {token}"}
    secrets = [token, PASSWORD, "query-secret"]
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=5) as client:
            posted = client.post(
                "/api/v1/projects/credit/logs", json={"rows": _rows(50, 1)}, headers=auth
            )
            assert posted.status_code == 202
            client.get("/api/v1/projects/credit/windows?since=query-secret", headers=auth)
            client.get("/api/v1/projects/credit/windows", headers={"Authorization": "Bearer x"})
            assert login(client, "ada", PASSWORD).status_code == 303
            secrets.append(client.cookies["ds_session"])
            assert client.get("/").status_code == 200
            client.post("/api/v1/projects/credit/logs", json={"rows": _rows(50, 3)}, headers=auth)
            time.sleep(1.0)  # the scheduler computes day 1 (day 3's rows close it)
    finally:
        server.terminate()
        _, err = server.communicate(timeout=20)
    lines = err.splitlines()
    assert lines[0].startswith("driftscope: serving credit on")
    records = [json.loads(line) for line in lines[1:]]  # every line is JSON
    assert all({"time", "level", "logger", "message"} <= r.keys() for r in records)
    requests = [r for r in records if r["logger"] == "driftscope.http"]
    seen = {(r["method"], r["path"], r["status"]) for r in requests}
    assert ("POST", "/api/v1/projects/credit/logs", 202) in seen
    assert ("GET", "/api/v1/projects/credit/windows", 401) in seen
    assert ("POST", "/login", 303) in seen
    assert ("GET", "/", 200) in seen
    assert all(r["client"] == "127.0.0.1" and r["ms"] >= 0 for r in requests)
    computed = [r for r in records if "computed" in r["message"]]
    assert computed
    assert computed[0]["logger"] == "driftscope.service"
    for secret in secrets:
        assert secret not in err
