"""Starting the service for tests: the app on a real uvicorn in a thread (:class:`InThread`),
or ``driftscope serve`` as a real process (:func:`serve_process`), on a free port of 127.0.0.1,
ready once ``/healthz`` answers."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from typing import Any

import httpx

from tests.alerts._receivers import free_port

__all__ = ["InThread", "create_token", "free_port", "serve_process", "wait_up"]


def wait_up(url: str, seconds: float = 30.0, process: subprocess.Popen[Any] | None = None) -> None:
    """Return once ``url``/healthz answers 200; an AssertionError after ``seconds``, or at
    once when ``process`` has ended."""
    deadline = time.monotonic() + seconds
    with httpx.Client(timeout=2) as client:
        while time.monotonic() < deadline:
            if process is not None and process.poll() is not None:
                raise AssertionError(f"serve exited at start with {process.returncode}")
            try:
                if client.get(url + "/healthz").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
    raise AssertionError(f"{url} did not answer /healthz within {seconds:g} s")


def create_token(config: str, scope: str, name: str = "model") -> str:
    """A new token from ``driftscope token create``, as a user makes one."""
    made = subprocess.run(
        [sys.executable, "-m", "driftscope", "token", "create", "--config", config,
         "--name", name, "--scope", scope],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return made.stdout.strip()


def serve_process(*args: str, port: int, **popen: Any) -> subprocess.Popen[str]:
    """``driftscope serve ARGS --port PORT`` as a process, returned once it answers."""
    process: subprocess.Popen[str] = subprocess.Popen(
        [sys.executable, "-m", "driftscope", "serve", *args, "--port", str(port)],
        text=True,
        **({"stdout": subprocess.DEVNULL, "stderr": subprocess.PIPE} | popen),
    )
    try:
        wait_up(f"http://127.0.0.1:{port}", process=process)
    except AssertionError:
        process.kill()
        process.communicate()
        raise
    return process


class InThread:
    """``app`` on a real uvicorn server in a thread of this process; ``url`` once started."""

    def __init__(self, app: Any) -> None:
        import uvicorn

        self.server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", access_log=False)
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.01)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"

    def close(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)
