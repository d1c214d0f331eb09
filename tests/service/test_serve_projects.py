"""``driftscope serve --config A --config B``: several projects sharing one store in one
process (one overview, one API); projects that do not share a store, or share a name, are
refused with a one-line error naming the file."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

pytest.importorskip("fastapi")

from tests.service._dashboard import login
from tests.service._serve import free_port, serve_process
from tests.service.test_api import _rows

CONFIG = """\
project: {name}
reference: reference.parquet
columns: {{timestamp: ts}}
window: 1d
store: {store}
"""


def _projects(folder: Path, stores: dict[str, str]) -> list[str]:
    rng = np.random.default_rng(0)
    reference = pa.table({"x": rng.normal(0, 1, 500), "city": rng.choice(["a", "b"], 500)})
    pq.write_table(reference, folder / "reference.parquet")
    paths = []
    for name, store in stores.items():
        path = folder / f"{name}.yaml"
        path.write_text(CONFIG.format(name=name.split("-")[0], store=store))
        paths.append(str(path))
    return paths


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "driftscope", *args],
        capture_output=True, text=True, check=False, env={**os.environ, **(env or {})},
    )  # fmt: skip


def test_two_projects_in_one_service(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'shared.db'}"
    fraud, churn = _projects(tmp_path, {"fraud": store, "churn": store})
    token = _cli("token", "create", "--config", fraud, "--name", "t", "--scope", "admin")
    assert token.returncode == 0, token.stderr
    made = _cli("user", "create", "--config", churn, "--name", "ada",
                env={"DRIFTSCOPE_PASSWORD": "correct-horse-battery"})  # fmt: skip
    assert made.returncode == 0, made.stderr
    port = free_port()
    server = serve_process("--config", fraud, "--config", churn, port=port)
    auth = {"Authorization": f"Bearer {token.stdout.strip()}"}
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=5) as client:
            for name in ("fraud", "churn"):
                posted = client.post(
                    f"/api/v1/projects/{name}/logs", json={"rows": _rows(20, 1)}, headers=auth
                )
                assert posted.status_code == 202
                assert client.get(f"/api/v1/projects/{name}/windows", headers=auth).json() == {
                    "windows": []
                }
            assert client.get("/api/v1/projects/other/windows", headers=auth).status_code == 404
            assert login(client, "ada", "correct-horse-battery").status_code == 303
            overview = client.get("/").text
            assert 'href="/projects/fraud"' in overview
            assert 'href="/projects/churn"' in overview
    finally:
        server.terminate()
        _, err = server.communicate(timeout=20)
    assert f"serving fraud, churn on http://127.0.0.1:{port}" in err


def test_projects_served_together_must_share_a_store_and_differ_in_name(tmp_path: Path) -> None:
    one, other = f"sqlite:///{tmp_path / 'one.db'}", f"sqlite:///{tmp_path / 'two.db'}"
    first, second = _projects(tmp_path, {"fraud": one, "churn": other})
    apart = _cli("serve", "--config", first, "--config", second, "--port", str(free_port()))
    assert apart.returncode == 2
    assert apart.stderr.count("\n") == 1
    assert "churn.yaml: store: projects served together must share one store" in apart.stderr
    again, twice = _projects(tmp_path, {"fraud-a": one, "fraud-b": one})
    same = _cli("serve", "--config", again, "--config", twice, "--port", str(free_port()))
    assert same.returncode == 2
    assert "fraud-b.yaml: project: 'fraud' is also the project of" in same.stderr


@pytest.mark.parametrize("command", [["serve"], ["demo", "--serve"]])
def test_without_the_service_extra_one_line_says_what_to_install(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
) -> None:
    import importlib.util

    from driftscope.cli import main

    real = importlib.util.find_spec
    # as on a core install: the extra's packages are not there
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "fastapi" else real(name, *a)
    )
    began = time.monotonic()
    code = main([*command, "--output-dir", str(tmp_path / "demo")] if "demo" in command
                else [*command, "--config", str(tmp_path / "none.yaml")])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2
    assert "needs the service extra (fastapi is missing): pip install 'driftscope[service]'" in err
    assert err.count("\n") == 1
    assert time.monotonic() - began < 5  # refused before the demo's work
