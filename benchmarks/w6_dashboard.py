"""W6 (dashboard): how fast ``driftscope serve`` answers its pages for 90 daily windows x 25
features.

A project with the W1 schema (the shared generator's 25 features) plus a model (a probability
column ``score`` and the target ``label`` in the reference; the logs carry no labels, so each
window's performance is estimated) is monitored for 90 days of 2,000 rows (drift from day 46)
by the real ``run_monitor`` into a store: a SQLite file, and a fresh schema of PostgreSQL.
Then ``driftscope serve`` runs as a subprocess on a free port of 127.0.0.1 (loopback only), a
person signs in through the login form, and each page is fetched ``--calls`` times after one
warm-up; the table gives the median and the 95th percentile. Times are taken by the client,
so they include the HTTP round trip on loopback: an upper bound of the server-side time.

Target (/work/shared/BENCHMARKS.md, W6): a dashboard page of 90 windows x 25 features in under
300 ms server-side. No peer is timed: Evidently's UI (the nearest) needs its own snapshots
workspace and is not installed on this machine; the ratio is to the target.

Usage: python benchmarks/w6_dashboard.py [--calls 30] [--skip-postgres] [--markdown FILE]
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType

import httpx
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _proc import machine
from w6 import free_port, load_generator, percentile, with_pg_schema

REPO = Path(__file__).resolve().parent.parent
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DAYS, ROWS, DRIFT_DAY = 90, 2_000, 46
START = datetime(2026, 1, 1, tzinfo=UTC)
TARGET_MS = 300.0
PASSWORD = "bench-password-w6"
CONFIG = """\
project: w6
reference: reference.parquet
logs: {path: logs/}
columns: {timestamp: ts, target: label, probability: score}
window: 1d
store: "%(store)s"
alerts:
  channels: {log: {type: log, path: alerts.jsonl}}
  rules:
    - {name: major-drift, metric: severity, columns: "*", above: 1.5, channels: [log]}
    - {name: share, metric: drift_share, columns: "*", above: 0.3, channels: [log]}
"""


def with_model(table: pa.Table, rng: np.random.Generator, labels: bool) -> pa.Table:
    x = (np.asarray(table["num_00"]) - 0.0) + 0.3 * (np.asarray(table["num_01"]) - 1.0)
    score = 1 / (1 + np.exp(-x))
    table = table.append_column("score", pa.array(score))
    if labels:
        table = table.append_column("label", pa.array((rng.random(len(x)) < score).astype(int)))
    return table


def write_project(w1: ModuleType, folder: Path, store_url: str) -> Path:
    rng = np.random.default_rng(6)
    pq.write_table(
        with_model(w1.make_table(20_000, rng, False), rng, True), folder / "reference.parquet"
    )
    (folder / "logs").mkdir()
    for day in range(DAYS):
        table = with_model(w1.make_table(ROWS, rng, day + 1 >= DRIFT_DAY), rng, False)
        start = int((START + timedelta(days=day)).timestamp()) * 1_000_000
        micros = start + np.sort(rng.integers(0, 86_400 * 1_000_000, ROWS, dtype=np.int64))
        ts = pa.array(micros, pa.int64()).cast(pa.timestamp("us", tz="UTC"))
        pq.write_table(table.add_column(0, "ts", ts), folder / "logs" / f"day{day:03d}.parquet")
    config = folder / "driftscope.yaml"
    config.write_text(CONFIG % {"store": store_url})
    return config


@dataclass
class Backend:
    name: str
    monitor_s: float = 0.0
    pages: dict[str, list[float]] = field(default_factory=dict)
    error: str | None = None


def login(client: httpx.Client) -> None:
    page = client.get("/login")
    token = re.search(r'name="token" value="([^"]+)"', page.text)
    assert token is not None
    answer = client.post(
        "/login",
        data={"token": token.group(1), "next": "/", "username": "bench", "password": PASSWORD},
    )
    if answer.status_code != 303:
        raise SystemExit(f"w6_dashboard: login failed ({answer.status_code})")


def measure(w1: ModuleType, name: str, store_url: str, calls: int) -> Backend:
    result = Backend(name)
    exe = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if store_url.startswith("sqlite"):
            store_url = f"sqlite:///{folder / 'store.db'}"
        config = write_project(w1, folder, store_url)
        began = time.perf_counter()
        subprocess.run(
            [exe, "-m", "driftscope", "monitor", "run", "--config", str(config), "--quiet",
             "--until", (START + timedelta(days=DAYS)).isoformat()],
            check=False, capture_output=True,
        )  # fmt: skip
        result.monitor_s = time.perf_counter() - began
        env = {**os.environ, "DRIFTSCOPE_PASSWORD": PASSWORD}
        subprocess.run(
            [exe, "-m", "driftscope", "user", "create", "--config", str(config), "--name", "bench"],
            check=True, capture_output=True, env=env,
        )  # fmt: skip
        port = free_port()
        server = subprocess.Popen(
            [exe, "-m", "driftscope", "serve", "--config", str(config), "--port", str(port),
             "--every", "86400"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
                deadline = time.monotonic() + 30
                while time.monotonic() < deadline:
                    try:
                        client.get("/healthz")
                        break
                    except httpx.TransportError:
                        time.sleep(0.1)
                login(client)
                project = client.get("/projects/w6").text
                windows = re.findall(r'href="(/projects/w6/windows/[^"]+)"', project)
                alerts = re.findall(r'href="(/projects/w6/alerts/\d+)"', client.get(
                    "/projects/w6/alerts").text)  # fmt: skip
                pages = {
                    "overview `/`": "/",
                    "project (heat map of 90 windows, 2 charts)": "/projects/w6",
                    "project, one column and metric": "/projects/w6?column=num_03&metric=severity",
                    "project, 30 days": "/projects/w6?since=2026-02-01&until=2026-03-02",
                    "alert history": "/projects/w6/alerts",
                    "one alert's timeline": alerts[0] if alerts else "/projects/w6/alerts",
                    "a window's report": windows[-1] if windows else "/projects/w6",
                }
                for label, path in pages.items():
                    assert client.get(path).status_code == 200, path  # warm-up
                    times = []
                    for _ in range(calls):
                        began = time.perf_counter()
                        answer = client.get(path)
                        times.append((time.perf_counter() - began) * 1000)
                        assert answer.status_code == 200, path
                    result.pages[label] = times
        finally:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    return result


def render(results: list[Backend], calls: int) -> str:
    lines = [
        "# W6 — dashboard pages, 90 daily windows x 25 features",
        "",
        f"Machine: {machine()}. Each page fetched {calls} times over HTTP on loopback after "
        "one warm-up, signed in with a session; client-side milliseconds (an upper bound of "
        f"the server-side time). Target: < {TARGET_MS:.0f} ms.",
        "",
        "| store | page | p50 ms | p95 ms | p95 / target | verdict |",
        "|---|---|---:|---:|---:|---|",
    ]
    for res in results:
        if res.error:
            lines.append(f"| {res.name} | — | — | — | — | {res.error} |")
            continue
        for label, times in res.pages.items():
            p50, p95 = statistics.median(times), percentile(times, 0.95)
            ok = "**pass**" if p95 < TARGET_MS else "**FAIL**"
            lines.append(
                f"| {res.name} | {label} | {p50:.1f} | {p95:.1f} | {p95 / TARGET_MS:.2f} | {ok} |"
            )
    lines.append("")
    for res in results:
        if not res.error:
            lines.append(
                f"- {res.name}: the 90 windows monitored by `driftscope monitor run` in "
                f"{res.monitor_s:.1f} s (2,000 rows each, performance estimated per window)."
            )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--calls", type=int, default=30)
    p.add_argument("--skip-postgres", action="store_true")
    p.add_argument("--pg-url", default=PG_URL)
    p.add_argument("--markdown", type=Path)
    p.add_argument(
        "--generator", type=Path, default=REPO.parent / "shared" / "bench" / "w1_data.py"
    )
    args = p.parse_args(argv)
    if not 1 <= args.calls <= 1_000:
        raise SystemExit("w6_dashboard: --calls must be 1 to 1000")
    w1 = load_generator(args.generator)
    results = [measure(w1, "SQLite", "sqlite", args.calls)]
    if not args.skip_postgres:
        results.append(
            with_pg_schema(
                args.pg_url,
                lambda url: measure(w1, "PostgreSQL", url, args.calls),
                lambda why: Backend("PostgreSQL", error=why),
            )
        )
    text = render(results, args.calls)
    print(text)
    if args.markdown:
        args.markdown.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
