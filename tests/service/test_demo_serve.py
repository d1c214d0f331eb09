"""``driftscope demo --serve`` as a user runs it: a real process that monitors the demo's 60
days, prints a login, and serves the dashboard on 127.0.0.1 until Ctrl-C."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

pytest.importorskip("fastapi")

from tests.service._dashboard import login
from tests.service._serve import free_port, wait_up

pytestmark = pytest.mark.slow


def test_demo_serve_prints_a_login_and_serves_the_monitored_days(tmp_path: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "driftscope", "demo", "--serve", "--port", str(port),
         "--output-dir", str(tmp_path / "demo"), "--rows", "4000"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        said: dict[str, str] = {}
        deadline = time.monotonic() + 120
        while "password" not in said and time.monotonic() < deadline:
            line = process.stdout.readline()
            assert line, f"the demo ended early: {process.stderr.read() if process.stderr else ''}"
            key, _, value = line.strip().partition(": ")
            said[key.lower()] = value
        assert said["dashboard"] == f"http://127.0.0.1:{port}/"
        assert said["username"] == "demo"
        wait_up(said["dashboard"].rstrip("/"), process=process)
        with httpx.Client(base_url=said["dashboard"], timeout=5) as client:
            assert login(client, "demo", "not-the-password").status_code == 401
            assert login(client, "demo", said["password"]).status_code == 303
            overview = client.get("/")
            assert overview.status_code == 200
            assert "credit-model" in overview.text
            assert "60 windows" in overview.text
            project = client.get("/projects/credit-model")
            assert project.text.count('<a href="/projects/credit-model/windows/') >= 60
        process.send_signal(signal.SIGINT)  # Ctrl-C
        assert process.wait(30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()
