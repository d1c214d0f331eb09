"""W6 benchmark: ingestion through the HTTP API, and the metrics endpoint over a year.

``driftscope serve`` runs as a subprocess on a free port of 127.0.0.1 (loopback only) for a
project whose reference has the W1 schema (``make_table`` of the shared generator, a small
reference: it is not read while ingesting). A token comes from ``driftscope token create
--scope ingest`` (and one ``--scope read`` for the metrics endpoint). A client of httpx in a
few threads (one connection each) then posts, bounded by a number of requests and a number
of seconds per run (never unbounded):

1. JSON bodies ``{"rows": [...]}`` of 1,000 W1 rows plus a ``ts`` column (RFC 3339 text);
2. Parquet bodies of 100,000 W1 rows plus ``ts`` (timestamp[us, UTC]).

The bodies are serialised once before the runs, so the client spends its time sending. Each
run's rate is the rows acknowledged with 202 over the run's wall time; the table gives the
median of the runs. The server's peak RSS is the kernel's ``ru_maxrss`` of the serve process
(``os.wait4`` after it stops), over all its runs.

Before the server starts, its store is filled with 365 daily windows x 25 columns of points
(5 metrics per column, 5 dataset figures) through the store's ``write_window``; the metrics
endpoint is then asked for one metric of one column (365 points) 50 times (after 2 s of
untimed calls: the server's scheduler takes its first turn as it starts) and the median is
reported with its 95th percentile. It is timed by the client, so it includes the HTTP round
trip on loopback: an upper bound of the server-side time the target names.
``--metrics-only`` runs that part alone (no load).

The same runs on SQLite (a file in a temporary folder) and on PostgreSQL (a fresh schema of
``--pg-url``, dropped after). The log timestamps lie in 2030, so no window completes and the
scheduler (``--every`` of a day) computes nothing while the load runs.

Targets (/work/shared/BENCHMARKS.md, W6): >= 100,000 rows/s as JSON, >= 1,000,000 rows/s as
Parquet, a year of daily points for one metric in < 50 ms. Where a target is missed, the
stage breakdown (the server's steps timed in this process on the same bodies and store kind)
says where the time goes.

Usage: python benchmarks/w6.py [--quick] [--metrics-only] [--skip-postgres] [--markdown FILE]
                               [--runs 3] [--threads 4] [--seconds 20] [--metrics-calls 50]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import TypeVar

import httpx
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from _proc import driftscope_exe, load_generator, machine

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
MiB = 1024 * 1024
PROJECT = "w6"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
T = TypeVar("T")
# Posted rows lie in 2030: no window of theirs is complete, so the scheduler computes nothing.
LOG_DAY = datetime(2030, 1, 1, tzinfo=UTC)
# The year of stored windows the metrics endpoint is asked for.
YEAR_START = datetime(2025, 1, 1, tzinfo=UTC)
COLUMN_METRICS = ("drift_score", "p_value", "drift", "severity", "missing_share")
DATASET_METRICS = ("rows", "drift_share", "drifted_columns", "dataset_severity", "quality_findings")
JSON_TARGET = 100_000.0
PARQUET_TARGET = 1_000_000.0
METRICS_TARGET_MS = 50.0
WARM_UP_S = 2.0
"""Seconds of metrics calls, not timed, before the timed ones."""


# --- data ------------------------------------------------------------------------------------


def log_table(w1: ModuleType, rows: int, seed: int) -> pa.Table:
    """W1 rows with ``ts`` spread over LOG_DAY (timestamp[us, UTC]), first column."""
    rng = np.random.default_rng(np.random.SeedSequence([6, seed]))
    table = w1.make_table(rows, rng, False)
    base = int(LOG_DAY.timestamp()) * 1_000_000
    micros = base + np.sort(rng.integers(0, 86_400 * 1_000_000, rows, dtype=np.int64))
    ts = pa.array(micros, type=pa.int64()).cast(pa.timestamp("us", tz="UTC"))
    return table.add_column(0, "ts", ts)


def json_body(table: pa.Table) -> bytes:
    """``{"rows": [...]}`` with ``ts`` as RFC 3339 text."""
    rows = table.to_pylist()
    for row in rows:
        row["ts"] = row["ts"].strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return json.dumps({"rows": rows}).encode()


def parquet_body(table: pa.Table) -> bytes:
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


@dataclass(slots=True)
class Bodies:
    json: list[bytes]
    json_rows: int
    parquet: list[bytes]
    parquet_rows: int


def make_bodies(w1: ModuleType, json_rows: int, parquet_rows: int) -> Bodies:
    """A few distinct bodies of each kind, posted in turn."""
    return Bodies(
        json=[json_body(log_table(w1, json_rows, s)) for s in range(4)],
        json_rows=json_rows,
        parquet=[parquet_body(log_table(w1, parquet_rows, 100 + s)) for s in range(2)],
        parquet_rows=parquet_rows,
    )


def write_reference(w1: ModuleType, path: Path) -> None:
    rng = np.random.default_rng(np.random.SeedSequence(0).spawn(2)[0])
    pq.write_table(w1.make_table(5_000, rng, False), path)


def write_config(folder: Path, store_url: str) -> Path:
    q = json.dumps  # a JSON string is a YAML string
    config = folder / "driftscope.yaml"
    config.write_text(
        "\n".join(
            [
                f"project: {PROJECT}",
                f"reference: {q(str(folder / 'reference.parquet'))}",
                "columns: {timestamp: ts}",
                "window: 1d",
                f"store: {q(store_url)}",
                "alerts: {rules: []}",
                "",
            ]
        ),
        encoding="utf-8",
    )
    return config


def fill_year(store_url: str, columns: list[str]) -> int:
    """365 daily windows x 25 columns of points (plus dataset figures); returns the points."""
    from driftscope.monitor.store import DATASET_COLUMN, MetricPoint, WindowRecord, open_store

    store = open_store(store_url)
    rng = np.random.default_rng(365)
    n = 0
    try:
        for day in range(365):
            start = YEAR_START + timedelta(days=day)
            end = start + timedelta(days=1)
            window = WindowRecord(PROJECT, start, end, 100_000, "none", "computed", "{}")
            points = [
                MetricPoint(PROJECT, start, end, column, metric, float(rng.random()))
                for column in columns
                for metric in COLUMN_METRICS
            ]
            points += [
                MetricPoint(PROJECT, start, end, DATASET_COLUMN, metric, float(rng.random()))
                for metric in DATASET_METRICS
            ]
            store.write_window(window, points)
            n += len(points)
    finally:
        store.close()
    return n


# --- the server ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_token(exe: str, config: Path, name: str, scope: str) -> str:
    done = subprocess.run(
        [exe, "token", "create", "--config", str(config), "--name", name, "--scope", scope],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"w6: token create failed: {done.stderr.strip()[-300:]}")
    return done.stdout.strip()


class Server:
    """``driftscope serve`` on 127.0.0.1; ``stop()`` returns its peak RSS (bytes)."""

    def __init__(self, exe: str, config: Path, log: Path, *options: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log.open("w")
        self.proc = subprocess.Popen(
            [exe, "serve", "--config", str(config), "--host", "127.0.0.1",
             "--port", str(self.port), "--every", "86400", "--max-body-mb", "256", *options],
            stdout=subprocess.DEVNULL, stderr=self.log,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        with httpx.Client(timeout=2) as client:
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    raise SystemExit(f"w6: serve exited early; see {log}")
                try:
                    if client.get(self.url + "/healthz").status_code == 200:
                        return
                except httpx.TransportError:
                    time.sleep(0.1)
        self.proc.kill()
        raise SystemExit("w6: serve did not answer /healthz within 60 s")

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGINT)
        timer = threading.Timer(30, self.proc.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(self.proc.pid, 0)
        finally:
            timer.cancel()
        self.proc.returncode = os.waitstatus_to_exitcode(status)
        self.log.close()
        return int(usage.ru_maxrss) * 1024


# --- load ------------------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` so far (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass(slots=True)
class LoadRun:
    rows: int
    requests: int
    seconds: float
    errors: list[str] = field(default_factory=list)
    server_cpu: float = 0.0  # CPU seconds of the serve process during the run
    client_cpu: float = 0.0  # CPU seconds of this process (the client) during the run

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0


def post_load(
    url: str,
    token: str,
    bodies: list[bytes],
    rows_per_body: int,
    content_type: str,
    *,
    requests: int,
    seconds: float,
    threads: int,
    server_pid: int,
) -> LoadRun:
    """Post at most ``requests`` bodies within at most ``seconds`` from ``threads`` threads
    (one connection each); rows acknowledged with 202 over the wall time."""
    path = f"{url}/api/v1/projects/{PROJECT}/logs"
    headers = {"Authorization": f"Bearer {token}", "Content-Type": content_type}
    lock = threading.Lock()
    state = {"next": 0, "acked": 0}
    errors: list[str] = []
    deadline = time.monotonic() + seconds

    def worker() -> None:
        with httpx.Client(timeout=max(30.0, seconds)) as client:
            while time.monotonic() < deadline:
                with lock:
                    i = state["next"]
                    if i >= requests:
                        return
                    state["next"] = i + 1
                try:
                    answer = client.post(path, content=bodies[i % len(bodies)], headers=headers)
                except httpx.HTTPError as exc:
                    with lock:
                        errors.append(f"{type(exc).__name__}: {exc}"[:160])
                    continue
                with lock:
                    if answer.status_code == 202:
                        state["acked"] += int(answer.json()["accepted"])
                    else:
                        errors.append(f"{answer.status_code}: {answer.text[:160]}")

    server0, client0 = cpu_seconds(server_pid), time.process_time()
    start = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - start
    return LoadRun(
        state["acked"],
        state["acked"] // rows_per_body,
        elapsed,
        errors,
        server_cpu=cpu_seconds(server_pid) - server0,
        client_cpu=time.process_time() - client0,
    )


def time_metrics(url: str, token: str, calls: int) -> tuple[list[float], int, float]:
    """Client-side milliseconds of ``calls`` GETs of one metric of one column, after
    WARM_UP_S seconds of the same calls (the server's scheduler takes its first turn as it
    starts), and the points the answer held."""
    params = {"metric": "drift_score", "column": "num_00"}
    headers = {"Authorization": f"Bearer {token}"}
    path = f"{url}/api/v1/projects/{PROJECT}/metrics"
    with httpx.Client(timeout=30) as client:
        warm = time.monotonic() + WARM_UP_S
        while True:
            first = client.get(path, params=params, headers=headers)
            first.raise_for_status()
            if time.monotonic() >= warm:
                break
        n = len(first.json()["points"])
        times = []
        for _ in range(calls):
            t0 = time.perf_counter()
            answer = client.get(path, params=params, headers=headers)
            answer.raise_for_status()
            answer.json()
            times.append((time.perf_counter() - t0) * 1000)
        floor = []
        for _ in range(calls):
            t0 = time.perf_counter()
            client.get(f"{url}/healthz").raise_for_status()
            floor.append((time.perf_counter() - t0) * 1000)
    return times, n, statistics.median(floor)


def analyze(store_url: str) -> None:
    """Gather PostgreSQL's statistics on the windows and points just filled, as autovacuum
    would within about a minute: without them the planner takes the tables for empty."""
    import sqlalchemy

    engine = sqlalchemy.create_engine(store_url)
    try:
        with engine.begin() as conn:
            conn.execute(sqlalchemy.text("ANALYZE ds_windows, ds_points"))
    finally:
        engine.dispose()


# --- where the time goes ---------------------------------------------------------------------


def stages(
    store_url: str, config: Path, bodies: Bodies, ingest_dir: Path | None = None
) -> dict[str, dict[str, float]]:
    """The server's steps for one body of each kind, in this process, on a store like the
    server's (median ms of 3): read the body, encode the batch (a Parquet body is kept as it
    came: only its summary is made), append it (the commit, of one batch alone; with
    ``ingest_dir``, a body large enough is appended to a file there and synced first)."""
    from driftscope.monitor.config import load_config
    from driftscope.monitor.sources.ingest import encode_batch
    from driftscope.monitor.store import open_store
    from driftscope.monitor.store.ingest_files import IngestFiles
    from driftscope.service.bodies import _loads, read_body_rows
    from driftscope.service.ingest import FILE_FROM

    cfg = load_config(config)
    store = open_store(store_url)
    files = None if ingest_dir is None else IngestFiles(ingest_dir)
    out: dict[str, dict[str, float]] = {}
    try:
        for kind, body, ctype in (
            ("json", bodies.json[0], "application/json"),
            ("parquet", bodies.parquet[0], "application/vnd.apache.parquet"),
        ):
            timed: dict[str, list[float]] = {"read body": [], "encode batch": [], "commit": []}
            for _ in range(3):
                t0 = time.perf_counter()
                table, parquet = read_body_rows(body, ctype)
                t1 = time.perf_counter()
                batch = encode_batch(table, cfg.columns.timestamp, body if parquet else None)
                t2 = time.perf_counter()
                if files is not None and len(batch[0]) >= FILE_FROM:
                    batch = (files.append(batch[0]), *batch[1:])
                store.append_logs(PROJECT, *batch, datetime.now(UTC))
                t3 = time.perf_counter()
                timed["read body"].append((t1 - t0) * 1000)
                timed["encode batch"].append((t2 - t1) * 1000)
                timed["commit"].append((t3 - t2) * 1000)
            out[kind] = {k: statistics.median(v) for k, v in timed.items()}
            out[kind]["body MB"] = len(body) / 1e6
            out[kind]["batch MB"] = (
                len(encode_batch(table, cfg.columns.timestamp, body if parquet else None)[0]) / 1e6
            )
            if kind == "json":  # read body = the server's parser + Table.from_pylist
                parsed = json.loads(body)
                t0 = time.perf_counter()
                for _ in range(3):
                    _loads(body)
                t1 = time.perf_counter()
                for _ in range(3):
                    pa.Table.from_pylist(parsed["rows"])
                t2 = time.perf_counter()
                for _ in range(3):
                    json.loads(body)
                out[kind]["parse"] = (t1 - t0) / 3 * 1000
                out[kind]["from_pylist"] = (t2 - t1) / 3 * 1000
                out[kind]["json.loads"] = (time.perf_counter() - t2) / 3 * 1000
                # what Arrow's own JSON reader takes for the same rows as JSON Lines
                import pyarrow.json as pj

                lines = "\n".join(json.dumps(r) for r in parsed["rows"]).encode()
                t0 = time.perf_counter()
                for _ in range(3):
                    pj.read_json(io.BytesIO(lines))
                out[kind]["pyarrow.json"] = (time.perf_counter() - t0) / 3 * 1000
        query: list[float] = []
        for _ in range(10):
            t0 = time.perf_counter()
            store.points(PROJECT, "drift_score", "num_00", None, None)
            query.append((time.perf_counter() - t0) * 1000)
        out["metrics"] = {"store.points": statistics.median(query)}
    finally:
        store.close()
        if files is not None:
            files.close()
    return out


def profile_json(store_url: str, config: Path, bodies: Bodies, n: int = 50) -> str:
    """cProfile of the server's steps for ``n`` JSON bodies in this process (read, encode,
    commit; HTTP and the event loop left out): the top functions by own time."""
    import cProfile
    import pstats

    from driftscope.monitor.config import load_config
    from driftscope.monitor.sources.ingest import encode_batch
    from driftscope.monitor.store import open_store
    from driftscope.service.bodies import read_body_rows

    cfg = load_config(config)
    store = open_store(store_url)
    profiler = cProfile.Profile()
    try:
        profiler.enable()
        for i in range(n):
            table, _ = read_body_rows(bodies.json[i % len(bodies.json)], "application/json")
            batch = encode_batch(table, cfg.columns.timestamp)
            store.append_logs(PROJECT, *batch, datetime.now(UTC))
        profiler.disable()
    finally:
        store.close()
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(12)
    lines = text.getvalue().splitlines()
    start = next((i for i, ln in enumerate(lines) if "ncalls" in ln), 0)
    summary = next((ln.strip() for ln in lines if "function calls" in ln), "")
    return "\n".join([summary, *(ln.rstrip() for ln in lines[start:] if ln.strip())])


# --- one backend -----------------------------------------------------------------------------


@dataclass(slots=True)
class Backend:
    name: str
    json_runs: list[LoadRun] = field(default_factory=list)
    parquet_runs: list[LoadRun] = field(default_factory=list)
    metrics_ms: list[float] = field(default_factory=list)
    analyzed_ms: list[float] = field(default_factory=list)  # PostgreSQL, after ANALYZE
    metrics_points: int = 0
    healthz_ms: float = 0.0
    stored_points: int = 0
    peak_bytes: int = 0
    stages: dict[str, dict[str, float]] = field(default_factory=dict)
    profile: str = ""
    error: str | None = None

    def median(self, kind: str) -> float | None:
        runs = self.json_runs if kind == "json" else self.parquet_runs
        return statistics.median(r.rate for r in runs) if runs else None


def measure(
    name: str,
    store_url: str,
    folder: Path,
    exe: str,
    bodies: Bodies,
    args: argparse.Namespace,
    files: bool = False,
) -> Backend:
    """One store kind's runs; with ``files``, the server keeps large bodies in files of a
    folder beside the store (``serve --ingest-dir``)."""
    res = Backend(name)
    options = ("--ingest-dir", str(folder / "bodies")) if files else ()
    config = write_config(folder, store_url)
    ingest = make_token(exe, config, "w6-ingest", "ingest")  # opens the store: migrations
    read = make_token(exe, config, "w6-read", "read")
    w1_columns = list(pq.read_schema(folder / "reference.parquet").names)
    print(f"[{name}] filling 365 windows x {len(w1_columns)} columns", file=sys.stderr)
    res.stored_points = fill_year(store_url, w1_columns)
    server = Server(exe, config, folder / f"serve-{name}.log", *options)
    try:
        timed = time_metrics(server.url, read, args.metrics_calls)
        res.metrics_ms, res.metrics_points, res.healthz_ms = timed
        if store_url.startswith("postgresql"):
            analyze(store_url)
            res.analyzed_ms = time_metrics(server.url, read, args.metrics_calls)[0]
        if args.metrics_only:
            return res
        for kind, runs in (("json", res.json_runs), ("parquet", res.parquet_runs)):
            if kind == "json":
                pool, per, ctype, count = (
                    bodies.json, bodies.json_rows, "application/json", args.json_requests,
                )  # fmt: skip
            else:
                pool, per, ctype, count = (
                    bodies.parquet, bodies.parquet_rows, "application/vnd.apache.parquet",
                    args.parquet_requests,
                )  # fmt: skip
            # one short warm-up (connections, imports on the server's first body)
            post_load(server.url, ingest, pool, per, ctype, requests=args.threads,
                      seconds=args.seconds, threads=args.threads,
                      server_pid=server.proc.pid)  # fmt: skip
            for k in range(args.runs):
                run = post_load(server.url, ingest, pool, per, ctype, requests=count,
                                seconds=args.seconds, threads=args.threads,
                                server_pid=server.proc.pid)  # fmt: skip
                runs.append(run)
                print(
                    f"[{name}] {kind} run {k + 1}: {run.rows:,} rows in {run.seconds:.2f} s "
                    f"= {run.rate:,.0f} rows/s"
                    + (f" ({len(run.errors)} errors: {run.errors[0]})" if run.errors else ""),
                    file=sys.stderr,
                    flush=True,
                )
    finally:
        res.peak_bytes = server.stop()
    if args.metrics_only:
        return res
    res.stages = stages(store_url, config, bodies, folder / "stage-bodies" if files else None)
    res.profile = profile_json(store_url, config, bodies)
    return res


def with_pg_schema(url: str, run: Callable[[str], T], unreachable: Callable[[str], T]) -> T:
    """``run`` on a fresh schema of the PostgreSQL database at ``url``, dropped after; what
    ``unreachable`` makes of the reason when the server cannot be reached."""
    import psycopg

    plain = url.replace("postgresql+psycopg://", "postgresql://", 1)
    schema = f"w6_{uuid.uuid4().hex[:12]}"
    try:
        with psycopg.connect(plain, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
    except psycopg.Error as exc:
        return unreachable(f"unreachable: {str(exc).splitlines()[0][:120]}")
    try:
        return run(f"{url}?options=-csearch_path%3D{schema}")
    finally:
        with psycopg.connect(plain, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


# --- output ----------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "**pass**" if ok else "**FAIL**"


def percentile(values: list[float], share: float) -> float:
    """The ``share`` quantile of ``values`` (nearest rank: a value that was measured)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def render_metrics(results: list[Backend]) -> str:
    """The metrics endpoint's latency per store: client-side p50 and p95 of the calls."""
    lines = [
        "| store | points per answer | calls | p50 ms | p95 ms | min ms | max ms | "
        "GET /healthz p50 ms | p50 < 50 ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        if r.error or not r.metrics_ms:
            lines.append(f"| {r.name} | {r.error or 'not measured'} | | | | | | | |")
            continue
        for name, ms in ((r.name, r.metrics_ms), (f"{r.name}, analyzed", r.analyzed_ms)):
            if not ms:
                continue
            p50 = statistics.median(ms)
            lines.append(
                f"| {name} | {r.metrics_points} | {len(ms)} | {p50:.1f} | "
                f"{percentile(ms, 0.95):.1f} | {min(ms):.1f} | {max(ms):.1f} | "
                f"{r.healthz_ms:.1f} | {verdict(p50 < METRICS_TARGET_MS)} |"
            )
    return (
        "Metrics endpoint, a year of one metric of one column (365 daily windows stored), "
        "timed by the client over HTTP on loopback. The tables were filled seconds before: "
        "PostgreSQL has no statistics on them yet (unless autovacuum came by) and then joins "
        "windows and points by a nested loop that reads the metric's index once per window; "
        "the 'analyzed' row is the same server after ANALYZE (what autovacuum does within "
        "about a minute):\n\n" + "\n".join(lines)
    )


def render(args: argparse.Namespace, bodies: Bodies, results: list[Backend]) -> str:
    lines = [
        "| store | JSON rows/s (1,000-row bodies) | / 100k target | Parquet rows/s "
        f"({bodies.parquet_rows:,}-row bodies) | / 1M target | metrics, year of one column "
        "(ms, client median) | / 50 ms target | serve peak RSS MiB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    targets: list[str] = []
    for r in results:
        if r.error:
            lines.append(f"| {r.name} | {r.error} | | | | | | |")
            continue
        j, p = r.median("json"), r.median("parquet")
        m = statistics.median(r.metrics_ms) if r.metrics_ms else None
        lines.append(
            f"| {r.name} | {j:,.0f} | {j / JSON_TARGET:.2f} | {p:,.0f} | "
            f"{p / PARQUET_TARGET:.2f} | {m:.1f} | {m / METRICS_TARGET_MS:.2f} | "
            f"{r.peak_bytes / MiB:,.0f} |"
        )
        targets += [
            f"- {r.name}, JSON >= 100,000 rows/s: {verdict(j >= JSON_TARGET)} ({j:,.0f})",
            f"- {r.name}, Parquet >= 1,000,000 rows/s: {verdict(p >= PARQUET_TARGET)} ({p:,.0f})",
            f"- {r.name}, metrics (365 points) < 50 ms: {verdict(m < METRICS_TARGET_MS)} "
            f"({m:.1f} ms client-side, round trip included; p95 "
            f"{percentile(r.metrics_ms, 0.95):.1f} ms, min {min(r.metrics_ms):.1f} ms)",
        ]
    runs = [
        "Runs (rows/s of each; rows acknowledged 202 / wall time; CPU time of the serve "
        "process and of the client over the run's wall time, 2 cores in all):",
        "",
    ]
    for r in results:
        if r.error:
            continue
        for kind, rs in (("JSON", r.json_runs), ("Parquet", r.parquet_runs)):
            errs = sum(len(x.errors) for x in rs)
            runs.append(
                f"- {r.name} {kind}: "
                + ", ".join(
                    f"{x.rate:,.0f} ({x.rows:,} rows, {x.seconds:.1f} s; CPU: server "
                    f"{x.server_cpu / x.seconds:.0%}, client {x.client_cpu / x.seconds:.0%} "
                    "of one core)"
                    for x in rs
                )
                + (f"; {errs} failed requests, e.g. {next(e for x in rs for e in x.errors)}"
                   if errs else "")
            )  # fmt: skip
        runs.append(
            f"- {r.name} metrics: {r.metrics_points} points per answer, "
            f"{r.stored_points:,} points stored; ms of the {len(r.metrics_ms)} calls: "
            + ", ".join(f"{x:.1f}" for x in sorted(r.metrics_ms))
        )
    breakdown = [
        "Where the time goes: the server's steps for one body, timed in this process on the "
        "same store kind (median ms of 3; one request, one thread; the server adds HTTP, "
        "auth and the thread hop):",
        "",
        "| store | body | body MB | read body ms | encode batch ms | commit ms | batch MB | "
        "rows/s of the three steps, one thread |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        for kind, s in r.stages.items():
            if kind == "metrics":
                continue
            rows = bodies.json_rows if kind == "json" else bodies.parquet_rows
            total = s["read body"] + s["encode batch"] + s["commit"]
            breakdown.append(
                f"| {r.name} | {kind} | {s['body MB']:.2f} | {s['read body']:.1f} | "
                f"{s['encode batch']:.1f} | {s['commit']:.1f} | {s['batch MB']:.2f} | "
                f"{rows / total * 1000:,.0f} |"
            )
    detail = []
    for r in results:
        if r.error:
            continue
        js = r.stages.get("json", {})
        detail.append(
            f"- {r.name}: of the JSON body's read, parsing {js.get('parse', 0):.1f} ms "
            f"(orjson; the standard library's json.loads: {js.get('json.loads', 0):.1f} ms) "
            f"and pa.Table.from_pylist {js.get('from_pylist', 0):.1f} ms (pyarrow.json's "
            f"reader on the same rows as JSON Lines: {js.get('pyarrow.json', 0):.1f} ms, "
            "not what the server runs); the metrics query "
            f"alone (store.points, in this process) "
            f"{r.stages.get('metrics', {}).get('store.points', 0):.1f} ms; a GET /healthz "
            f"round trip (HTTP on loopback, no auth, no store) {r.healthz_ms:.1f} ms."
        )
    profiles = [
        f"cProfile of 50 JSON bodies through the server's steps, {r.name} (top 12 by own "
        f"time):\n\n```text\n{r.profile}\n```"
        for r in results
        if r.profile
    ]
    return "\n\n".join(
        [
            "\n".join(lines),
            "Targets (BENCHMARKS.md, W6):\n\n" + "\n".join(targets),
            render_metrics(results),
            "\n".join(runs),
            "\n".join(breakdown),
            "\n".join(detail),
            *profiles,
        ]
    )


def software() -> str:
    from importlib.metadata import PackageNotFoundError, version

    parts = [f"Python {platform.python_version()}"]
    for pkg in ("driftscope", "fastapi", "uvicorn", "httpx", "pyarrow", "sqlalchemy", "psycopg"):
        try:
            parts.append(f"{pkg} {version(pkg)}")
        except PackageNotFoundError:
            parts.append(f"{pkg} (not installed)")
    head = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    if head:
        parts.append(f"repository at {head}")
    return ", ".join(parts)


def header(args: argparse.Namespace, bodies: Bodies) -> str:
    metrics = (
        f"Metrics: {args.metrics_calls} client-timed GETs of one metric of one column over 365 "
        "stored daily windows (25 columns x 5 metrics + 5 dataset figures each)."
    )
    if args.metrics_only:
        return "\n".join(
            [
                f"## W6 benchmark, metrics endpoint only — {time.strftime('%Y-%m-%d %H:%M:%S %Z')}",
                "",
                f"Machine: {machine()}.",
                f"Software: {software()}.",
                metrics,
            ]
        )
    return "\n".join(
        [
            f"## W6 benchmark — {time.strftime('%Y-%m-%d %H:%M:%S %Z')}",
            "",
            f"Machine: {machine()}.",
            f"Software: {software()}.",
            f"Load: `driftscope serve` on 127.0.0.1 (a subprocess), httpx client in "
            f"{args.threads} threads (one connection each), in the same machine; per run at "
            f"most {args.json_requests} JSON requests ({bodies.json_rows:,} rows, "
            f"{len(bodies.json[0]) / 1e6:.2f} MB each) or {args.parquet_requests} Parquet "
            f"requests ({bodies.parquet_rows:,} rows, {len(bodies.parquet[0]) / 1e6:.2f} MB "
            f"each), and at most {args.seconds:.0f} s; median of {args.runs} runs after a "
            "warm-up. " + metrics,
        ]
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter
    )
    p.add_argument("--quick", action="store_true", help="fewer, shorter runs (a smoke test)")
    p.add_argument("--skip-postgres", action="store_true")
    p.add_argument(
        "--files",
        choices=("no", "also", "only"),
        default="also",
        help="also (or only) run each store with large bodies kept in files (serve --ingest-dir)",
    )
    p.add_argument("--pg-url", default=PG_URL)
    p.add_argument("--markdown", type=Path, default=None, help="also write the output here")
    p.add_argument("--runs", type=int, default=3, help="runs of each kind (median)")
    p.add_argument("--threads", type=int, default=4, help="client threads (connections)")
    p.add_argument("--seconds", type=float, default=20.0, help="at most this long per run")
    p.add_argument("--json-requests", type=int, default=500, help="at most, per run")
    p.add_argument("--parquet-requests", type=int, default=20, help="at most, per run")
    p.add_argument("--parquet-rows", type=int, default=100_000, help="rows per Parquet body")
    p.add_argument("--metrics-calls", type=int, default=50)
    p.add_argument(
        "--metrics-only", action="store_true", help="time the metrics endpoint alone (no load)"
    )
    p.add_argument(
        "--generator", type=Path, default=REPO.parent / "shared" / "bench" / "w1_data.py"
    )
    args = p.parse_args(argv)
    if args.quick:
        args.runs, args.seconds = 1, 5.0
        args.json_requests, args.parquet_requests = 50, 4
    if (
        min(args.runs, args.threads, args.json_requests, args.parquet_requests, args.metrics_calls)
        < 1
    ):
        p.error("--runs, --threads and the request counts must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    exe = driftscope_exe()
    if exe is None:
        sys.exit("w6: driftscope console script not found (pip install -e '.[service]')")
    if not args.generator.exists():
        sys.exit(f"w6: generator {args.generator} not found; pass --generator PATH")
    w1 = load_generator(args.generator)
    print("making the bodies", file=sys.stderr, flush=True)
    bodies = make_bodies(w1, 1_000, 1_000 if args.metrics_only else args.parquet_rows)
    head = header(args, bodies)
    print(head + "\n", flush=True)
    results: list[Backend] = []
    with tempfile.TemporaryDirectory(prefix="w6-") as tmp:
        for kind in ("SQLite", "PostgreSQL"):
            if kind == "PostgreSQL" and args.skip_postgres:
                continue
            for files in {"no": (False,), "also": (False, True), "only": (True,)}[args.files]:
                name = f"{kind}, bodies in files" if files else kind
                folder = Path(tmp) / name.lower().replace(", ", "-").replace(" ", "-")
                folder.mkdir()
                write_reference(w1, folder / "reference.parquet")
                if kind == "SQLite":
                    url = f"sqlite:///{folder / 'store.db'}"
                    results.append(measure(name, url, folder, exe, bodies, args, files))
                else:
                    results.append(
                        with_pg_schema(
                            args.pg_url,
                            lambda url, f=folder, n=name, b=files: measure(
                                n, url, f, exe, bodies, args, b
                            ),
                            lambda why, n=name: Backend(n, error=why),
                        )
                    )
    body = render_metrics(results) if args.metrics_only else render(args, bodies, results)
    end = f"Load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}."
    print(body + "\n\n" + end, flush=True)
    if args.markdown is not None:
        args.markdown.write_text(head + "\n\n" + body + "\n\n" + end + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
