"""``driftscope serve`` as a user runs it: a real process on 127.0.0.1, a token from
``driftscope token create``, rows posted, a window computed by the scheduler."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.service._serve import free_port, serve_process
from tests.service.test_api import Served, _rows

pytest.importorskip("fastapi")


def test_serve_token_ingest_and_the_scheduled_window(tmp_path: Path) -> None:
    Served(tmp_path).close()  # writes the reference, the config and an empty store
    config = str(tmp_path / "driftscope.yaml")
    made = subprocess.run(
        [sys.executable, "-m", "driftscope", "token", "create", "--config", config,
         "--name", "model", "--scope", "admin"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    token = made.stdout.strip()
    assert token.startswith("ds_")
    assert made.stdout == token + "\n"
    port = free_port()
    server = serve_process("--config", config, "--every", "0.3", port=port)
    url = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=url, timeout=5) as client:
            deadline = time.monotonic() + 30
            auth = {"Authorization": f"Bearer {token}"}
            posted = client.post(
                "/api/v1/projects/credit/logs", json={"rows": _rows(100, 1)}, headers=auth
            )
            assert posted.status_code == 202
            windows: list[object] = []
            while time.monotonic() < deadline and not windows:
                time.sleep(0.2)
                windows = client.get("/api/v1/projects/credit/windows", headers=auth).json()[
                    "windows"
                ]
            assert len(windows) == 1
    finally:
        server.terminate()
        _, err = server.communicate(timeout=20)
    assert f"serving credit on http://127.0.0.1:{port}" in err
    assert token not in err


def test_serve_without_a_config_is_one_line(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "driftscope", "serve", "--config", str(tmp_path / "none.yaml")],
        check=False, capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert "none.yaml" in done.stderr
