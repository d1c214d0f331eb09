"""W5 benchmark: a monitoring backfill of 90 daily windows, against profiling the same rows.

90 daily Parquet files of 100,000 rows of the W1 schema (9M rows) with a UTC timestamp column
``ts`` (spread over each day, sorted), W1's shifts (``make_table(..., drift=True)`` of the shared
generator) in the last third of the days, and W1's reference at 1M rows, all in a data folder
outside the repository (files that exist are reused). A ``driftscope.yaml`` there (project
``w5``, window 1d, a fresh SQLite store, one ``log`` alert channel so that the built-in tier
rules run) drives the monitor. Every contender runs as a whole process (wall time, CPU time and
the kernel's peak RSS of the child):

1. ``driftscope profile LOGS -o out.dsprof``: profiling the same rows, the baseline;
2. ``driftscope monitor run --config CFG --quiet`` on an empty store: the backfill (then
   ``monitor status --json`` checks that every day is stored, and which drifted);
3. the same command again with nothing new: the re-run (median of --rerun-repeat);
4. Evidently's DataDriftPreset on three of the same windows against the same reference, each
   window timed on its own (``peers/evidently_w5.py``), as a ratio to driftscope's time per
   window (backfill / days).

Targets (/work/shared/BENCHMARKS.md, W5): backfill within 2x of ``driftscope profile``, its
peak RSS under 1 GB, the re-run under 2 s. A missed time target gets a cProfile of the command
(``--cprofile``). See benchmarks/README.md (W5).

Usage: python benchmarks/w5.py [--days 90] [--rows 100000] [--data-dir /work/bench-data/w5]
                               [--peers-dir /work/peers] [--skip-peers] [--markdown FILE]
"""

from __future__ import annotations

import argparse
import io
import json
import multiprocessing
import os
import platform
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from _proc import Run, driftscope_exe, load_generator, machine, run_process

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PEERS = HERE / "peers"
MiB = 1024 * 1024
GB = 1_000_000_000
DAY_US = 86_400 * 1_000_000
# Day 0 of the logs: every window is long past, so all of them are complete.
FIRST_DAY = datetime(2026, 1, 1, tzinfo=UTC)
# Entropy of the days' generators (day d: SeedSequence([DAYS_SEED, d])); the reference is W1's.
DAYS_SEED = 5
# The shifts the W1 generator plants with drift=True; every other column is drawn alike.
SHIFTED = frozenset({"num_00", "num_04", "num_09", "num_13", "num_17", "cat_5", "cat_200"})
NOT_INSTALLED = "not installed (see benchmarks/README.md)"
# The Parquet key-value metadata that says how a day file was made (reuse only a match).
META_KEY = b"w5"


# --- data ------------------------------------------------------------------------------------


def drifted_days(days: int) -> int:
    """How many of the last days carry W1's shifts: a third (30 of 90)."""
    return max(1, days // 3)


def day_meta(day: int, rows: int, drift: bool) -> bytes:
    return json.dumps({"day": day, "rows": rows, "drift": drift, "seed": DAYS_SEED}).encode()


def layout(args: argparse.Namespace) -> Path:
    """The folder of the logs and the config: the data folder itself for the standard run,
    a subfolder for any other number of days or rows."""
    if (args.days, args.rows) == (90, 100_000):
        return args.data_dir
    return args.data_dir / f"days{args.days}-rows{args.rows}"


def reference_path(args: argparse.Namespace) -> Path:
    return args.data_dir / f"reference_{args.ref_rows}.parquet"


def day_path(folder: Path, day: int) -> Path:
    return folder / "logs" / f"day_{day:03d}.parquet"


def write_reference(generator: Path, path: Path, rows: int) -> None:
    """W1's reference exactly as w1_data.py's main writes it (seed 0, first spawned child)."""
    import numpy as np

    w1 = load_generator(generator)
    rng = np.random.default_rng(np.random.SeedSequence(0).spawn(2)[0])
    tmp = path.with_name(path.name + ".partial")
    pq.write_table(w1.make_table(rows, rng, False), tmp)  # pyarrow defaults, as W1
    tmp.replace(path)


def write_days(generator: Path, folder: Path, days: int, rows: int) -> None:
    """The day files that are missing or were made otherwise: W1 rows (drift=True in the last
    third) with ``ts`` spread at random over the day, sorted, as timestamp[us, UTC]."""
    import numpy as np
    import pyarrow as pa

    w1 = load_generator(generator)
    first_drifted = days - drifted_days(days)
    (folder / "logs").mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    for day in range(days):
        path = day_path(folder, day)
        meta = day_meta(day, rows, day >= first_drifted)
        if path.exists() and (pq.read_schema(path).metadata or {}).get(META_KEY) == meta:
            continue
        rng = np.random.default_rng(np.random.SeedSequence([DAYS_SEED, day]))
        table = w1.make_table(rows, rng, day >= first_drifted)
        base = int((FIRST_DAY + timedelta(days=day)).timestamp()) * 1_000_000
        micros = base + np.sort(rng.integers(0, DAY_US, rows, dtype=np.int64))
        ts = pa.array(micros, type=pa.int64()).cast(pa.timestamp("us", tz="UTC"))
        table = table.add_column(0, "ts", ts)
        table = table.replace_schema_metadata({META_KEY: meta})
        tmp = path.with_name(path.name + ".partial")
        pq.write_table(table, tmp)
        tmp.replace(path)
        if day % 10 == 9:
            print(
                f"  day {day + 1} / {days} ({time.perf_counter() - start:.0f} s)",
                file=sys.stderr,
                flush=True,
            )


def in_child(target: Any, *args: Any) -> None:
    """Run ``target(*args)`` in a spawned process: on Linux a child started from this process
    inherits its peak RSS (``ru_maxrss``), so this process must stay small."""
    child = multiprocessing.get_context("spawn").Process(target=target, args=args)
    child.start()
    child.join()
    if child.exitcode != 0:
        raise SystemExit(f"w5: {target.__name__} failed (exit code {child.exitcode})")


def ensure_data(args: argparse.Namespace) -> Path:
    """Write what is missing (reference, day files); returns the run's folder."""
    folder = layout(args)
    if not args.generator.exists():
        raise SystemExit(f"w5: generator {args.generator} not found; pass --generator PATH")
    args.data_dir.mkdir(parents=True, exist_ok=True)
    ref = reference_path(args)
    if not (ref.exists() and pq.ParquetFile(ref).metadata.num_rows == args.ref_rows):
        print(f"generating the W1 reference ({args.ref_rows:,} rows) at {ref}", file=sys.stderr)
        in_child(write_reference, args.generator, ref, args.ref_rows)
    print(f"checking / generating {args.days} day files in {folder / 'logs'}", file=sys.stderr)
    in_child(write_days, args.generator, folder, args.days, args.rows)
    stray = sorted(
        p.name
        for p in (folder / "logs").iterdir()
        if p.name not in {day_path(folder, d).name for d in range(args.days)}
    )
    if stray:
        raise SystemExit(f"w5: {folder / 'logs'} holds other files too ({', '.join(stray[:5])})")
    return folder


def write_config(folder: Path, ref: Path, work: Path) -> Path:
    """driftscope.yaml in the data folder: the store and the alert log in ``work``."""
    config = folder / "driftscope.yaml"
    q = json.dumps  # a JSON string is a YAML string
    config.write_text(
        "\n".join(
            [
                "# Written by benchmarks/w5.py; rewritten at each run (fresh store).",
                "project: w5",
                f"reference: {q(str(ref))}",
                "logs:",
                "  path: logs/",
                "columns:",
                "  timestamp: ts",
                "window: 1d",
                f"store: {q('sqlite:///' + str(work / 'w5.db'))}",
                "alerts:",
                "  channels:",
                f"    log: {{type: log, path: {q(str(work / 'alerts.jsonl'))}}}",
                "",
            ]
        ),
        encoding="utf-8",
    )
    return config


# --- runs ------------------------------------------------------------------------------------


@dataclass(slots=True)
class Stored:
    """What ``monitor status --json`` says after the backfill."""

    windows: int = 0
    computed: int = 0
    # index of the window -> its drifted columns, and its severity
    drifted: list[list[str]] = field(default_factory=list)
    severity: list[str] = field(default_factory=list)
    open_alerts: int = 0
    error: str | None = None


def read_status(exe: str, config: Path) -> Stored:
    """``driftscope monitor status --config CFG --json`` (exit 1 means an alert is open)."""
    done = subprocess.run(
        [exe, "monitor", "status", "--config", str(config), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode not in (0, 1):
        return Stored(error=f"monitor status: exit {done.returncode}: {done.stderr.strip()[-160:]}")
    data = json.loads(done.stdout)
    wins = data["windows"]
    return Stored(
        windows=len(wins),
        computed=sum(w["status"] == "computed" for w in wins),
        drifted=[list(w["drifted_columns"]) for w in wins],
        severity=[w["severity"] for w in wins],
        open_alerts=len(data["alerts"]),
    )


@dataclass(slots=True)
class Results:
    profile: list[Run] = field(default_factory=list)
    backfill: list[Run] = field(default_factory=list)
    rerun: list[Run] = field(default_factory=list)
    stored: Stored | None = None
    alerts_logged: int = 0
    peer: Run | None = None
    peer_days: list[int] = field(default_factory=list)
    peer_data: dict[str, Any] | None = None
    peer_note: str | None = None
    cprofiles: dict[str, str] = field(default_factory=dict)


def log_run(what: str, run: Run) -> None:
    status = f"{run.seconds:.2f} s ({run.cpu_seconds:.2f} s CPU), {run.peak_bytes / MiB:.0f} MiB"
    print(f"[W5] {what}: {status if run.ok else run.error_line()}", file=sys.stderr, flush=True)


def measure(args: argparse.Namespace, folder: Path, work: Path, exe: str) -> Results:
    """Profile and backfill (round-robin, --repeat times, each backfill on a fresh store),
    then the re-runs on the last store, then the peer."""
    res = Results()
    logs = folder / "logs"
    config = folder / "driftscope.yaml"
    for i in range(args.repeat):
        run = run_process(
            [exe, "profile", str(logs), "-o", str(work / "logs.dsprof")], timeout=args.timeout
        )
        res.profile.append(run)
        log_run(f"profile run {i + 1}/{args.repeat}", run)
        store_dir = work / f"store-{i}"
        store_dir.mkdir()
        config = write_config(folder, reference_path(args), store_dir)
        run = run_process(
            [exe, "monitor", "run", "--config", str(config), "--quiet"], timeout=args.timeout
        )
        res.backfill.append(run)
        log_run(f"backfill run {i + 1}/{args.repeat}", run)
    if all(r.ok for r in res.backfill):
        res.stored = read_status(exe, config)
        alerts = work / f"store-{args.repeat - 1}" / "alerts.jsonl"
        res.alerts_logged = len(alerts.read_text().splitlines()) if alerts.exists() else 0
        for i in range(args.rerun_repeat):
            run = run_process(
                [exe, "monitor", "run", "--config", str(config), "--quiet"], timeout=args.timeout
            )
            res.rerun.append(run)
            log_run(f"re-run {i + 1}/{args.rerun_repeat}", run)
        after = read_status(exe, config)
        logged = len(alerts.read_text().splitlines()) if alerts.exists() else 0
        if (res.stored.windows, res.alerts_logged) != (after.windows, logged):
            res.stored.error = (
                f"the re-runs changed something: {res.stored.windows} -> {after.windows} "
                f"windows, {res.alerts_logged} -> {logged} notifications logged"
            )
    measure_peer(args, folder, work, res)
    profile_misses(args, res, exe, folder, work)
    return res


def peer_days(args: argparse.Namespace) -> list[int]:
    """The windows Evidently runs on: --peer-days, else one before the shifts (day 10 of 90),
    two after (day 70 and the last)."""
    if args.peer_days:
        return [d for d in args.peer_days if 0 <= d < args.days]
    late = args.days - 1 - (args.days * 19) // 90
    return sorted({args.days // 9, late, args.days - 1})


def measure_peer(args: argparse.Namespace, folder: Path, work: Path, res: Results) -> None:
    res.peer_days = peer_days(args)
    python = args.peers_dir / "evidently-venv" / "bin" / "python"
    if args.skip_peers:
        res.peer_note = "not run (--skip-peers)"
        return
    if not python.exists():
        res.peer_note = NOT_INSTALLED
        return
    files = [str(day_path(folder, d)) for d in res.peer_days]
    argv = [str(python), str(PEERS / "evidently_w5.py"), str(reference_path(args))]
    run = run_process([*argv, str(work / "evidently.json"), *files], timeout=args.timeout)
    res.peer = run
    log_run("Evidently", run)
    if not run.ok:
        res.peer_note = run.error_line()
        return
    try:
        res.peer_data = json.loads(run.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        res.peer_note = "no JSON line on stdout"


def cprofile_monitor(exe: str, config: Path, work: Path, name: str) -> str:
    """``monitor run`` under cProfile (a child process): the top functions by cumulative and
    by own time."""
    out = work / f"{name}.pstats"
    argv = [sys.executable, "-m", "cProfile", "-o", str(out), "-m", "driftscope"]
    done = subprocess.run(
        [*argv, "monitor", "run", "--config", str(config), "--quiet"],
        capture_output=True,
        text=True,
        check=False,
    )
    if not out.exists():
        return f"cProfile failed: exit {done.returncode}: {done.stderr.strip()[-200:]}"
    text = io.StringIO()
    stats = pstats.Stats(str(out), stream=text)
    text.write(phases(stats) + "\n")
    stats.sort_stats("cumulative").print_stats(25)
    stats.sort_stats("tottime").print_stats(20)
    keep = [
        ln
        for ln in text.getvalue().splitlines()
        if ln.strip()
        and not ln.strip().startswith(("Ordered by", "List reduced"))
        and not ln.rstrip().endswith(".pstats")
    ]
    site = str(Path(pq.__file__).parent.parent) + "/"
    return "\n".join(ln.replace(str(REPO / "src") + "/", "").replace(site, "") for ln in keep)


# Steps of `monitor run` named by (file suffix, function): their cumulative time in a cProfile.
PHASES = (
    ("imports", "<frozen importlib._bootstrap>", "_find_and_load"),
    ("scanning the logs (timestamps' range per file)", "monitor/sources/files.py", "scan"),
    ("reading and profiling the reference", "monitor/compute.py", "load_reference"),
    ("reading each window's rows", "monitor/sources/files.py", "read_windows"),
    ("profiling each window (on the reference's bins)", "engine/profiled.py", "profile_sides"),
    (
        "  numpy sort (all of it: the reference's profile and the windows')",
        "~",
        "<method 'sort' of 'numpy.ndarray' objects>",
    ),
    ("per-column tests and decisions (thread pool)", "engine/compare.py", "_evaluated"),
    ("reports to JSON", "driftscope/result.py", "to_json"),
    ("writing windows to the store", "monitor/store/sql.py", "write_window"),
    ("alert rules", "monitor/run.py", "_evaluate_rules"),
    ("outbox", "monitor/run.py", "_deliver"),
)


def phases(stats: pstats.Stats) -> str:
    """The cumulative time of each of PHASES (a step not found is left out)."""
    table: dict[tuple[str, int, str], tuple[Any, ...]] = stats.stats  # type: ignore[attr-defined]
    total = float(stats.total_tt)  # type: ignore[attr-defined]
    lines = [
        f"{'seconds':>8}  {'share':>5}  step (cProfile, cumulative, {total:.2f} s in all; an "
        "import made inside a step counts in both)"
    ]
    for label, suffix, name in PHASES:
        hits = [v for (f, _, n), v in table.items() if n == name and f.endswith(suffix)]
        if hits:
            seconds = max(v[3] for v in hits)
            lines.append(f"{seconds:8.2f}  {seconds / total:5.0%}  {label}")
    return "\n".join(lines)


def profile_misses(
    args: argparse.Namespace, res: Results, exe: str, folder: Path, work: Path
) -> None:
    """cProfile the backfill (fresh store) and the re-run when they miss their targets, or
    always with --cprofile always."""
    if args.cprofile == "never" or not res.backfill or not all(r.ok for r in res.backfill):
        return
    backfill = statistics.median(r.seconds for r in res.backfill)
    profile = statistics.median(r.seconds for r in res.profile) if res.profile else None
    rerun = statistics.median(r.seconds for r in res.rerun) if res.rerun else None
    if args.cprofile == "always" or (profile and backfill > 2 * profile):
        store_dir = work / "store-cprofile"
        store_dir.mkdir()
        config = write_config(folder, reference_path(args), store_dir)
        print("[W5] cProfile of the backfill", file=sys.stderr, flush=True)
        res.cprofiles["backfill"] = cprofile_monitor(exe, config, work, "backfill")
        if args.cprofile == "always" or (rerun is not None and rerun >= args.rerun_target):
            print("[W5] cProfile of the re-run", file=sys.stderr, flush=True)
            res.cprofiles["re-run"] = cprofile_monitor(exe, config, work, "rerun")
    elif rerun is not None and rerun >= args.rerun_target:
        config = folder / "driftscope.yaml"
        print("[W5] cProfile of the re-run", file=sys.stderr, flush=True)
        res.cprofiles["re-run"] = cprofile_monitor(exe, config, work, "rerun")


# --- report ----------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "pass" if ok else "FAIL"


def fmt(value: float | None, spec: str, missing: str = "—") -> str:
    return missing if value is None else format(value, spec)


def med(runs: list[Run]) -> float | None:
    ok = [r.seconds for r in runs if r.ok]
    return statistics.median(ok) if ok else None


def med_cpu(runs: list[Run]) -> float | None:
    ok = [r.cpu_seconds for r in runs if r.ok]
    return statistics.median(ok) if ok else None


def peak(runs: list[Run]) -> int | None:
    ok = [r.peak_bytes for r in runs if r.ok]
    return max(ok) if ok else None


def failure(runs: list[Run]) -> str:
    bad = next((r for r in runs if not r.ok), None)
    return bad.error_line().replace("|", "/") if bad else ""


def render_table(args: argparse.Namespace, res: Results) -> str:
    rows = args.days * args.rows
    profile_s, backfill_s = med(res.profile), med(res.backfill)
    per_window = backfill_s / args.days if backfill_s is not None else None
    lines = [
        f"### W5, {args.days} daily windows of {args.rows:,} rows ({rows:,} rows), "
        f"reference {args.ref_rows:,} rows",
        "",
        "| contender | median s | CPU s | peak MiB | s per window | / driftscope per window "
        "| / profile | runs | note |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]

    def row(label: str, runs: list[Run], note: str, windows: int | None) -> None:
        m, top = med(runs), peak(runs)
        pw = m / windows if (m is not None and windows) else None
        lines.append(
            f"| {label} | {fmt(m, '.2f', 'failed' if runs else '—')} | "
            f"{fmt(med_cpu(runs), '.2f')} | "
            f"{fmt(None if top is None else top / MiB, '.0f')} | "
            f"{fmt(pw, '.3f')} | "
            f"{fmt(pw / per_window if (pw is not None and per_window) else None, '.2f', '—')}x | "
            f"{fmt(m / profile_s if (m is not None and profile_s) else None, '.2f')}x | "
            f"{len(runs)} | {failure(runs) or note} |"
        )

    row("`driftscope profile LOGS` (baseline)", res.profile, "same rows, no windows", None)
    row(
        "`driftscope monitor run` (backfill, empty store)",
        res.backfill,
        "drift, decisions, quality per window; stored; rules; outbox",
        args.days,
    )
    row("`driftscope monitor run` again (re-run, nothing new)", res.rerun, "", None)
    lines.extend(peer_rows(res, per_window))
    return "\n".join(lines).replace("| —x |", "| — |")


def peer_rows(res: Results, per_window: float | None) -> list[str]:
    label = "Evidently 0.7.23 DataDriftPreset"
    if res.peer_data is None:
        return [f"| {label} | — | — | — | — | — | — | 0 | {res.peer_note or ''} |"]
    out = []
    for day, win in zip(res.peer_days, res.peer_data["windows"], strict=True):
        s = float(win["seconds"])
        ratio = f"{s / per_window:.1f}x" if per_window else "—"
        found = set(win["drifted"])
        note = (
            f"read {win['read_seconds']:.2f} s of it; drifted: "
            f"{len(found & SHIFTED)}/{len(SHIFTED)} planted, {len(found - SHIFTED)} other"
        )
        out.append(f"| {label}, day {day} | — | — | — | {s:.2f} | {ratio} | — | 1 | {note} |")
    assert res.peer is not None
    total = (
        f"| {label}, whole process ({len(res.peer_days)} windows) | {res.peer.seconds:.2f} | "
        f"{res.peer.cpu_seconds:.2f} | {res.peer.peak_bytes / MiB:.0f} | — | — | — | 1 | "
        f"reference read and wrapped once: {res.peer_data['reference_seconds']:.2f} s |"
    )
    return [*out, total]


def render_stored(args: argparse.Namespace, res: Results) -> list[str]:
    s = res.stored
    if s is None:
        return ["Stored windows: not checked (the backfill failed)."]
    if s.error and not s.windows:
        return [f"Stored windows: {s.error}."]
    late = drifted_days(args.days)
    early = args.days - late
    flagged = [bool(d) for d in s.drifted]
    early_flagged = sum(flagged[:early])
    late_flagged = sum(flagged[early:])
    planted = [len(set(d) & SHIFTED) for d in s.drifted[early:]]
    other = [len(set(d) - SHIFTED) for d in s.drifted]
    sev = {k: s.severity[early:].count(k) for k in ("none", "warning", "major")}
    sev_early = {k: s.severity[:early].count(k) for k in ("none", "warning", "major")}
    lines = [
        f"Stored windows (`monitor status --json`): {s.windows} "
        f"({s.computed} computed) of {args.days} — {verdict(s.windows == args.days)}.",
        f"Last {late} (shifted) days: {late_flagged}/{late} with a drifted column "
        f"(severity: {sev['major']} major, {sev['warning']} warning, {sev['none']} none); "
        f"planted shifts found per window: min {min(planted, default=0)}, "
        f"max {max(planted, default=0)} of {len(SHIFTED)}.",
        f"First {early} days (no shift): {early_flagged}/{early} with a drifted column "
        f"(severity: {sev_early['major']} major, {sev_early['warning']} warning, "
        f"{sev_early['none']} none); columns flagged outside the planted shifts over all "
        f"windows: {sum(other)}.",
        f"Alerts: {s.open_alerts} open after the backfill; {res.alerts_logged} line(s) in the "
        "log channel's file.",
    ]
    if s.error:
        lines.append(f"Store check: {s.error}.")
    return lines


def render_targets(args: argparse.Namespace, res: Results) -> list[str]:
    profile_s, backfill_s, rerun_s = med(res.profile), med(res.backfill), med(res.rerun)
    backfill_peak = peak(res.backfill)
    na = "n/a (a run failed)"
    out = []
    if profile_s and backfill_s is not None:
        r = backfill_s / profile_s
        out.append(
            f"backfill within 2x of `driftscope profile`: {backfill_s:.1f} s / {profile_s:.1f} s "
            f"= {r:.2f}x — {verdict(r <= 2)}"
        )
    else:
        out.append(f"backfill within 2x of `driftscope profile`: {na}")
    if backfill_peak is not None:
        out.append(
            f"backfill peak RSS under 1 GB: {backfill_peak / GB:.2f} GB "
            f"({backfill_peak / MiB:.0f} MiB) — {verdict(backfill_peak < GB)}"
        )
    else:
        out.append(f"backfill peak RSS under 1 GB: {na}")
    if rerun_s is not None:
        out.append(
            f"re-run with nothing new under {args.rerun_target:g} s: {rerun_s:.2f} s (median of "
            f"{len(res.rerun)}: {', '.join(f'{r.seconds:.2f}' for r in res.rerun)}) — "
            f"{verdict(rerun_s < args.rerun_target)}"
        )
    else:
        out.append(f"re-run under {args.rerun_target:g} s: {na}")
    if res.peer_data is not None and backfill_s:
        per = backfill_s / args.days
        ratios = [float(w["seconds"]) / per for w in res.peer_data["windows"]]
        out.append(
            f"(for information) Evidently per window / driftscope per window: "
            f"{', '.join(f'{x:.0f}x' for x in ratios)} (driftscope {per:.3f} s per window)"
        )
    return [f"- {t}" for t in out]


def render_cprofiles(res: Results) -> str:
    blocks = []
    for what, text in res.cprofiles.items():
        blocks.append(
            f"cProfile of the {what} (`python -m cProfile -m driftscope monitor run`), top "
            f"functions by cumulative time, then by own time:\n\n```\n{text}\n```"
        )
    return "\n\n".join(blocks)


def software() -> str:
    from importlib.metadata import PackageNotFoundError, version

    parts = [f"Python {platform.python_version()}"]
    for pkg in ("driftscope", "numpy", "pyarrow"):
        try:
            parts.append(f"{pkg} {version(pkg)}")
        except PackageNotFoundError:
            parts.append(f"{pkg} (not installed)")
    git = ["git", "-C", str(REPO)]
    head = subprocess.run(
        [*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    dirty = subprocess.run(
        [*git, "status", "--porcelain", "--", "src"], capture_output=True, text=True, check=False
    ).stdout.split("\n")
    changed = sum(1 for ln in dirty if ln.strip())
    if head:
        parts.append(
            f"repository at {head}"
            + (f" ({changed} files of src/ uncommitted)" if changed else " (src/ as committed)")
        )
    return ", ".join(parts)


def header(args: argparse.Namespace, folder: Path) -> str:
    logs = folder / "logs"
    size = sum(p.stat().st_size for p in logs.glob("*.parquet"))
    ref = reference_path(args)
    return "\n".join(
        [
            f"## W5 benchmark — {time.strftime('%Y-%m-%d %H:%M:%S %Z')}",
            "",
            f"Machine: {machine()}.",
            f"Software: {software()}.",
            f"Data: {args.days} daily Parquet files of {args.rows:,} rows, W1 schema plus `ts` "
            f"(from {FIRST_DAY:%Y-%m-%d}, UTC), W1's shifts in the last "
            f"{drifted_days(args.days)} days, {size / 1e6:,.0f} MB in {logs}; reference: W1's "
            f"at {args.ref_rows:,} rows ({ref.stat().st_size / 1e6:,.0f} MB, {ref}).",
            f"Whole processes: profile and backfill {args.repeat}x (each backfill on a fresh "
            f"SQLite store), re-run {args.rerun_repeat}x on the backfill's store; peak MiB is "
            "the kernel's ru_maxrss of the child (the largest single process: "
            "`driftscope profile` starts worker processes from 2M rows). 's per window' is "
            f"the time over {args.days} windows for the backfill and each report's own time "
            "for Evidently; '/ driftscope per window' divides it by the backfill's.",
        ]
    )


# --- main ------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter
    )
    p.add_argument("--days", type=int, default=90, help="daily log files")
    p.add_argument("--rows", type=int, default=100_000, help="rows per day")
    p.add_argument("--ref-rows", type=int, default=1_000_000, help="rows of W1's reference")
    p.add_argument("--data-dir", type=Path, default=Path("/work/bench-data/w5"))
    p.add_argument("--peers-dir", type=Path, default=Path("/work/peers"))
    p.add_argument(
        "--generator", type=Path, default=REPO.parent / "shared" / "bench" / "w1_data.py"
    )
    p.add_argument("--skip-peers", action="store_true", help="leave Evidently out")
    p.add_argument(
        "--peer-days", type=int, nargs="+", default=None,
        help="days Evidently runs on (default: day 10, 70 and 89 of 90, scaled)",
    )  # fmt: skip
    p.add_argument("--repeat", type=int, default=1, help="runs of profile and backfill")
    p.add_argument("--rerun-repeat", type=int, default=3, help="re-runs (median)")
    p.add_argument("--rerun-target", type=float, default=2.0, help="seconds")
    p.add_argument(
        "--cprofile", choices=("auto", "always", "never"), default="auto",
        help="cProfile the backfill / re-run: when it misses its target, always, or never",
    )  # fmt: skip
    p.add_argument("--timeout", type=float, default=3600.0, help="seconds per run")
    p.add_argument("--markdown", type=Path, default=None, help="also write the output here")
    p.add_argument("--generate-only", action="store_true", help="write the data files, no runs")
    args = p.parse_args(argv)
    if args.days < 1 or args.rows < 1 or args.repeat < 1:
        p.error("--days, --rows and --repeat must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    exe = driftscope_exe()
    if exe is None:
        sys.exit("w5: driftscope console script not found (pip install -e .)")
    folder = ensure_data(args)
    if args.generate_only:
        return 0
    blocks = [header(args, folder)]
    print(blocks[0] + "\n", flush=True)
    with tempfile.TemporaryDirectory(prefix="w5-") as tmp:
        res = measure(args, folder, Path(tmp), exe)
    blocks.append(render_table(args, res))
    blocks.append("\n".join(render_stored(args, res)))
    blocks.append("Targets (BENCHMARKS.md, W5):\n\n" + "\n".join(render_targets(args, res)))
    if res.cprofiles:
        blocks.append(render_cprofiles(res))
    blocks.append(f"Load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}.")
    print("\n\n".join(blocks[1:]), flush=True)
    if args.markdown is not None:
        args.markdown.write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
