"""W4 benchmark: profiling at scale, driftscope against whylogs, and merging 1,000 profiles.

The W1 schema (20 numeric + 5 string categorical columns, reference distributions) at 1M, 10M
and 100M rows, one Parquet file per size with row groups of 1,000,000 rows, written chunk by
chunk so that generating 100M rows stays within a few hundred MB. Every contender runs as a
whole process (interpreter start, imports, Parquet read, profile written), round-robin within a
size; the table gives the median wall time, rows per second, peak memory (the kernel's peak of
the largest process, and the sampled sum over all the processes of a run, workers included) and
the throughput ratio to whylogs. A memory cap (prlimit --as) and projections from the smaller sizes
keep a run that reads everything into memory from taking the machine down. Then, in this
process: building, encoding, decoding and merging 1,000 partial driftscope profiles, and what
each column type costs. See benchmarks/README.md and /work/shared/BENCHMARKS.md (W4).

Usage: python benchmarks/w4.py [--sizes 1000000 10000000 100000000] [--repeat 3]
                               [--data-dir /work/bench-data/w4] [--peers-dir /work/peers]
                               [--skip-peers] [--markdown FILE]
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import hashlib
import io
import multiprocessing
import operator
import os
import platform
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from _proc import Run, Series, driftscope_exe, machine, rev_code, run_process, src_changes

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PEERS = HERE / "peers"
MiB = 1024 * 1024
GB = 1_000_000_000
ROW_GROUP = 1_000_000
NOT_INSTALLED = "not installed (see benchmarks/README.md, W4)"
# whylogs' rate on this schema as /work/shared/BENCHMARKS.md (W4) reports it; only a reference:
# the ratios that count are against whylogs measured in the same run.
WHYLOGS_REFERENCE_RATE = 65_000

# --- the W1 schema, reference side (no drift) -----------------------------------------------

CAT_CARDINALITIES = (5, 20, 50, 200, 1000)
NUM_COLS = tuple(f"num_{i:02d}" for i in range(20))
CAT_COLS = tuple(f"cat_{c}" for c in CAT_CARDINALITIES)
# Types given explicitly, as driftscope's docs ask for profiles that are to be merged.
SCHEMA = {**dict.fromkeys(NUM_COLS, "numeric"), **dict.fromkeys(CAT_COLS, "categorical")}
KIND = {
    **dict.fromkeys(NUM_COLS[0:8], "float64 normal"),
    **dict.fromkeys(NUM_COLS[8:12], "float64 lognormal"),
    **dict.fromkeys(NUM_COLS[12:16], "float64 uniform"),
    **dict.fromkeys(NUM_COLS[16:20:2], "int64 poisson"),
    **dict.fromkeys(NUM_COLS[17:20:2], "int64 uniform integers"),
    **{c: f"string, {c.removeprefix('cat_')} categories" for c in CAT_COLS},
}


def zipf_shares(k: int, exponent: float = 1.1) -> np.ndarray:
    """Category shares proportional to 1 / rank**exponent (the W1 categorical law)."""
    weights = np.arange(1, k + 1, dtype=np.float64) ** -exponent
    return weights / weights.sum()


def w1_reference_chunk(rng: np.random.Generator, n: int) -> pa.Table:
    """n rows drawn from the distributions of W1's reference table, in W1's column order.

    num_00..07 normal(i, 1 + i/4); num_08..11 lognormal(k/2, 0.5 + k/10); num_12..15
    uniform(-k, 10 + 5k); num_16, num_18 poisson(3 + 5k); num_17, num_19 integers in
    [0, 10(k+1)); cat_C: labels v0000.. with Zipf(1.1) shares, as plain Arrow strings.
    """
    columns: dict[str, pa.Array | np.ndarray] = {}
    for i in range(8):
        columns[NUM_COLS[i]] = rng.normal(float(i), 1.0 + i / 4, n)
    for k in range(4):
        columns[NUM_COLS[8 + k]] = rng.lognormal(k / 2, 0.5 + k / 10, n)
    for k in range(4):
        columns[NUM_COLS[12 + k]] = rng.uniform(-float(k), 10.0 + 5.0 * k, n)
    for k in range(4):
        # Even k: poisson(3 + 5k); odd k: integers in [0, 10(k + 1)).
        values = rng.poisson(3.0 + 5.0 * k, n) if k % 2 == 0 else rng.integers(0, 10 * k + 10, n)
        columns[NUM_COLS[16 + k]] = values.astype(np.int64, copy=False)
    for card, name in zip(CAT_CARDINALITIES, CAT_COLS, strict=True):
        # Inverse-CDF sampling of the category codes, then the labels gathered by code.
        cdf = np.cumsum(zipf_shares(card))
        codes = np.minimum(np.searchsorted(cdf, rng.random(n), side="right"), card - 1)
        labels = pa.array([f"v{j:04d}" for j in range(card)], type=pa.string())
        columns[name] = labels.take(pa.array(codes.astype(np.int32)))
    return pa.table(columns)


def chunk_rng(seed: int, index: int) -> np.random.Generator:
    """The generator of chunk ``index``: files of every size share their first chunks."""
    return np.random.default_rng(np.random.SeedSequence([seed, index]))


def data_path(data_dir: Path, n: int) -> Path:
    return data_dir / f"w4_{n}.parquet"


def write_w4_file(path: Path, n: int, seed: int) -> None:
    """Write n rows, one row group per million, through a ParquetWriter (bounded memory)."""
    tmp = path.with_name(path.name + ".partial")
    start = time.perf_counter()
    writer: pq.ParquetWriter | None = None
    try:
        for index, first in enumerate(range(0, n, ROW_GROUP)):
            chunk = w1_reference_chunk(chunk_rng(seed, index), min(ROW_GROUP, n - first))
            if writer is None:
                # pyarrow defaults otherwise (snappy, dictionary encoding), as W1's files.
                writer = pq.ParquetWriter(tmp, chunk.schema)
            writer.write_table(chunk, row_group_size=ROW_GROUP)
            if index % 10 == 9:
                print(f"  {first + len(chunk):,} / {n:,} rows", file=sys.stderr, flush=True)
    finally:
        if writer is not None:
            writer.close()
    tmp.replace(path)
    size = path.stat().st_size
    print(
        f"wrote {path} ({n:,} rows, {size / 1e9:.2f} GB) in {time.perf_counter() - start:.0f} s",
        file=sys.stderr,
    )


def ensure_data(args: argparse.Namespace) -> dict[int, str]:
    """Generate the missing files; returns size -> reason for sizes that cannot be had."""
    skipped: dict[int, str] = {}
    args.data_dir.mkdir(parents=True, exist_ok=True)
    for n in args.sizes:
        path = data_path(args.data_dir, n)
        if path.exists() and pq.ParquetFile(path).metadata.num_rows == n:
            continue
        # Roughly 150 bytes per row on disk; from 100M rows, at least --min-free-gb free.
        free = shutil.disk_usage(args.data_dir).free
        need = max(n * 200, args.min_free_gb * GB if n >= 100_000_000 else 0)
        if free < need:
            skipped[n] = f"not generated: {free / GB:.0f} GB free, {need / GB:.0f} GB wanted"
            print(f"w4: N={n:,} skipped ({skipped[n]})", file=sys.stderr)
            continue
        print(f"generating W4 data, N={n:,}, seed {args.seed}", file=sys.stderr, flush=True)
        # In a child process: on Linux a forked child's ru_maxrss starts at its parent's RSS,
        # so a parent grown by writing the data would inflate every later measurement.
        writer = multiprocessing.get_context("spawn").Process(
            target=write_w4_file, args=(path, n, args.seed)
        )
        writer.start()
        writer.join()
        if writer.exitcode != 0:
            raise SystemExit(f"w4: generating {path} failed (exit code {writer.exitcode})")
    return skipped


# --- contenders ------------------------------------------------------------------------------

FLOOR = """\
import sys
import pyarrow as pa
import pyarrow.parquet as pq
path = sys.argv[1]
schema = pq.read_schema(path)
cats = [f.name for f in schema if pa.types.is_string(f.type)]
rows = 0
with pq.ParquetFile(path, read_dictionary=cats) as parquet:
    if sys.argv[2] == "row-groups":
        for i in range(parquet.num_row_groups):
            rows += parquet.read_row_group(i).num_rows
    else:  # batches of 500,000 rows, pyarrow's defaults otherwise (pre_buffer=True)
        for batch in parquet.iter_batches(batch_size=500_000):
            rows += batch.num_rows
print(f"rows: {rows}")
"""


@dataclass(frozen=True, slots=True)
class Contender:
    """One program in the comparison."""

    key: str
    label: str
    # (data file, output folder) -> argv
    argv: Callable[[Path, Path], list[str]]
    env: dict[str, str] = field(default_factory=dict)
    # Slow: runs --heavy-repeat times from N >= 10M, and only while projected under budget.
    peer: bool = False
    unavailable: str | None = None


def make_contenders(args: argparse.Namespace, work: Path) -> list[Contender]:
    """All contenders in table order; missing ones carry the reason."""
    exe = driftscope_exe()
    changed = src_changes("HEAD")
    contenders = [
        Contender(
            "driftscope",
            "driftscope profile (working tree)" if changed else "driftscope profile",
            lambda d, o: [str(exe), "profile", str(d), "-o", str(o / "out.dsprof")],
            unavailable=None if exe else "driftscope console script not found (pip install -e .)",
        ),
        # One process whatever the size: memory as rows grow, without the step that the
        # worker processes add from PARALLEL_MIN_ROWS.
        Contender(
            "driftscope_jobs1",
            "driftscope profile --jobs 1",
            lambda d, o: [str(exe), "profile", str(d), "-o", str(o / "one.dsprof"), "--jobs", "1"],
            unavailable=None if exe else "driftscope console script not found (pip install -e .)",
        ),
    ]
    # The same command from a committed revision, while src/ differs from it: a fixed point to
    # compare the work in progress with.
    if (
        args.driftscope_rev
        and (code := rev_code(args.driftscope_rev, work / "driftscope-rev")).changed
    ):
        contenders.append(
            Contender(
                "driftscope_rev",
                f"driftscope profile (commit {code.name})",
                lambda d, o: code.argv("profile", str(d), "-o", str(o / "out-rev.dsprof")),
                env=code.env,
                unavailable=code.unavailable,
            )
        )
    contenders += [
        Contender(
            "floor",
            "floor: read every row group",
            lambda d, o: [sys.executable, "-c", FLOOR, str(d), "row-groups"],
        ),
        Contender(
            "floor_batches",
            "floor: iter_batches(500,000)",
            lambda d, o: [sys.executable, "-c", FLOOR, str(d), "batches"],
        ),
    ]
    wl_python = args.peers_dir / "whylogs-venv" / "bin" / "python"
    unavailable = None if wl_python.exists() else NOT_INSTALLED
    if args.skip_peers:
        unavailable = "not run (--skip-peers)"
    contenders.append(
        Contender(
            "whylogs",
            f"whylogs {(peer_version(wl_python) or '').split(' ')[0]} why.log per row group",
            lambda d, o: [str(wl_python), str(PEERS / "whylogs_profile.py"), str(d), str(o)],
            env={"WHYLOGS_NO_ANALYTICS": "True"},
            peer=True,
            unavailable=unavailable,
        )
    )
    return contenders


def peer_version(python: Path) -> str | None:
    """whylogs' version in its venv (and pandas / numpy beside it), or None."""
    if not python.exists():
        return None
    code = (
        "from importlib.metadata import version as v\n"
        "print(v('whylogs'), 'pandas', v('pandas'), 'numpy', v('numpy'), 'pyarrow', v('pyarrow'))"
    )
    out = subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=False)
    return out.stdout.strip() or None


def rows_from_stdout(run: Run) -> int | None:
    """Rows the child says it profiled: 'rows: N' (peers) or 'profiled N rows' (driftscope)."""
    for line in reversed(run.stdout.splitlines()):
        if line.startswith("rows:"):
            return int(line.removeprefix("rows:").strip())
        if line.startswith("profiled "):
            return int(line.split()[1].replace(",", ""))
    return None


# --- measuring -------------------------------------------------------------------------------


@dataclass(slots=True)
class Cell:
    """One contender at one size."""

    series: Series = field(default_factory=Series)
    note: str = ""
    rows_seen: int | None = None
    # src/ fingerprints seen at the start of this cell's runs (working-tree contender only)
    code: list[str] = field(default_factory=list)
    # sampled peak PSS of the whole process tree, per run; most processes seen at once
    tree_peaks: list[int] = field(default_factory=list)
    procs: int = 0

    def peak(self) -> int | None:
        """The memory the job took: the larger of the kernel's single-process peak and the
        sampled whole-tree PSS, over the successful runs."""
        ok = [
            max(run.peak_bytes, tree)
            for run, tree in zip(self.series.runs, self.tree_peaks, strict=True)
            if run.ok
        ]
        return max(ok) if ok else None


def project(points: list[tuple[int, float]], n: int) -> float | None:
    """Extrapolate a measured quantity to n rows: a line through the last two sizes (floored at
    the last value), or proportional to rows when only one size was measured."""
    if not points:
        return None
    if len(points) == 1:
        n1, y1 = points[0]
        return y1 * n / n1
    (n1, y1), (n2, y2) = points[-2], points[-1]
    return max(y2, y2 + (y2 - y1) / (n2 - n1) * (n - n2))


def guard(
    c: Contender, n: int, done: dict[int, dict[str, Cell]], args: argparse.Namespace
) -> str | None:
    """Why contender c must not run at n (projected memory or, for peers, time), or None."""
    measured = [(m, cells[c.key]) for m, cells in sorted(done.items()) if m < n]
    if c.peer:
        times = [(m, t) for m, cell in measured if (t := cell.series.median_seconds())]
        seconds = project(times, n)
        if seconds is not None and seconds > args.peer_budget:
            return f"skipped: projected {seconds:.0f} s > --peer-budget {args.peer_budget:g} s"
    peaks = [(m, float(p)) for m, cell in measured if (p := cell.peak())]
    peak = project(peaks, n)
    if peak is not None and peak > args.max_rss_gb * GB:
        return f"skipped: projected peak {peak / GB:.1f} GB > cap {args.max_rss_gb:g} GB"
    return None


class TreeMemory:
    """Samples the memory of this process's descendants while a child runs.

    ru_maxrss is the peak of the largest single process; a contender that starts worker
    processes uses the sum. This sums the proportional set size (PSS: shared pages split
    between the processes that map them, so shared libraries count once) of every
    descendant, every ``interval`` seconds, and keeps the peak and the most processes seen.
    Sampling can miss a spike shorter than the interval.
    """

    def __init__(self, interval: float = 0.25) -> None:
        self.interval = interval
        self.peak_bytes = 0
        self.max_procs = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            pids = descendants(os.getpid())
            if pids:
                self.peak_bytes = max(self.peak_bytes, sum(map(pss_bytes, pids)))
                self.max_procs = max(self.max_procs, len(pids))


def descendants(root: int) -> list[int]:
    """Pids of every process below ``root`` (from /proc/*/stat), excluding root."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text(encoding="ascii", errors="replace")
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses.
        ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], list(children.get(root, []))
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += children.get(pid, [])
    return out


def pss_bytes(pid: int) -> int:
    """Proportional set size of a process (0 once it is gone)."""
    try:
        with Path(f"/proc/{pid}/smaps_rollup").open(encoding="ascii") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def capped(argv: list[str], cap_bytes: int) -> list[str]:
    """argv under an address-space limit (prlimit execs the command: same pid, same rusage)."""
    prlimit = shutil.which("prlimit")
    return [prlimit, f"--as={cap_bytes}", "--", *argv] if prlimit else argv


def warm_page_cache(path: Path) -> None:
    """Read the file once, so that the first contender does not pay the disk alone.

    At 100M rows (14 GB) the file outlives the page cache between sizes; unwarmed, whoever
    runs first reads it from disk and the others from memory (seen here: 20-30% of the first
    run's wall time).
    """
    start = time.perf_counter()
    with path.open("rb") as f:
        while f.read(16 * 1024 * 1024):
            pass
    print(f"read {path.name} once in {time.perf_counter() - start:.0f} s", file=sys.stderr)


def measure_size(
    n: int,
    contenders: list[Contender],
    done: dict[int, dict[str, Cell]],
    args: argparse.Namespace,
    work: Path,
) -> dict[str, Cell]:
    """Run every available contender at n, round-robin."""
    path = data_path(args.data_dir, n)
    cells = {c.key: Cell() for c in contenders}
    active: list[Contender] = []
    for c in contenders:
        reason = c.unavailable or guard(c, n, done, args)
        if reason:
            cells[c.key].note = reason
            print(f"[N={n:,}] {c.key}: {reason}", file=sys.stderr)
        else:
            active.append(c)
    # The address-space cap is a safety net above the RSS cap: allocators reserve more
    # address space than they touch.
    cap = int(args.max_rss_gb * GB * 1.5)
    if active:
        warm_page_cache(path)
    for i in range(max(args.repeat, args.heavy_repeat)):
        for c in active:
            wanted = args.heavy_repeat if heavy(c, n) else args.repeat
            cell = cells[c.key]
            if i >= wanted or cell.series.failed is not None:
                continue
            out = work / f"{c.key}_{n}"
            out.mkdir(parents=True, exist_ok=True)
            if c.key == "driftscope":
                # Someone may be editing src/ meanwhile: the table says when runs differ.
                cell.code.append(src_fingerprint())
            with TreeMemory() as tree:
                run = run_process(
                    capped(c.argv(path, out), cap), env=c.env, cwd=str(work), timeout=args.timeout
                )
            cell.series.runs.append(run)
            cell.tree_peaks.append(tree.peak_bytes)
            cell.procs = max(cell.procs, tree.max_procs)
            if run.ok:
                cell.rows_seen = rows_from_stdout(run)
                status = (
                    f"{run.seconds:.2f} s ({run.cpu_seconds:.2f} s CPU), "
                    f"{run.peak_bytes / MiB:.0f} MiB largest process, "
                    f"{tree.peak_bytes / MiB:.0f} MiB PSS over {tree.max_procs} process(es)"
                )
            else:
                status = run.error_line()
                cell.note = status.replace("|", "/")
            print(f"[N={n:,}] {c.key} run {i + 1}/{wanted}: {status}", file=sys.stderr, flush=True)
    return cells


def heavy(c: Contender, n: int) -> bool:
    """Runs that take minutes: peers from 10M rows, everybody from 100M."""
    return (c.peer and n >= 10_000_000) or n >= 100_000_000


# --- merging 1,000 profiles and the cost per column type (in this process) --------------------


@dataclass(slots=True)
class MergeResult:
    parts: int
    rows_each: int
    build_s: float
    encode_s: float
    bytes_each: float
    decode_s: list[float]
    decode_merge_s: list[float]
    merge_s: list[float]
    rows_merged: int
    # Profile.merge_all (one pass over all profiles), where the installed driftscope has it
    merge_all_s: list[float] = field(default_factory=list)
    decode_merge_all_s: list[float] = field(default_factory=list)
    # serialize.merge_payloads (the bytes merged without building each profile), where it exists
    merge_payloads_s: list[float] = field(default_factory=list)
    hot_spots: str | None = None


def bench_merge(args: argparse.Namespace) -> MergeResult:
    """Profile args.parts chunks of args.part_rows rows, then decode and merge the bytes.

    The parts are counted on the bins of a reference profile (the first 100,000 rows), as the
    parts of a current dataset are, so that their histograms add up in the merge.
    """
    from driftscope.profiling import Profile, profile

    reference = profile(w1_reference_chunk(chunk_rng(args.seed + 1, 0), 100_000), schema=SCHEMA)
    build = encode = 0.0
    blobs = []
    for i in range(args.parts):  # each part's rows made on their own: bounded memory
        chunk = w1_reference_chunk(chunk_rng(args.seed + 2, i), args.part_rows)
        t0 = time.perf_counter()
        part = profile(chunk, schema=SCHEMA, bins=reference)
        t1 = time.perf_counter()
        blobs.append(part.to_bytes())
        build, encode = build + t1 - t0, encode + time.perf_counter() - t1
    decode_s, decode_merge_s, merge_s = [], [], []
    merged = None
    for _ in range(max(args.repeat, 1)):
        s0 = time.perf_counter()
        merged = functools.reduce(operator.add, [Profile.from_bytes(b) for b in blobs])
        decode_merge_s.append(time.perf_counter() - s0)
        s1 = time.perf_counter()
        decoded = [Profile.from_bytes(b) for b in blobs]
        s2 = time.perf_counter()
        merged = functools.reduce(operator.add, decoded)
        s3 = time.perf_counter()
        decode_s.append(s2 - s1)
        merge_s.append(s3 - s2)
    merge_all_s: list[float] = []
    decode_merge_all_s: list[float] = []
    if hasattr(Profile, "merge_all"):
        for _ in range(max(args.repeat, 1)):
            s0 = time.perf_counter()
            Profile.merge_all([Profile.from_bytes(b) for b in blobs])
            decode_merge_all_s.append(time.perf_counter() - s0)
            s1 = time.perf_counter()
            Profile.merge_all(decoded)
            merge_all_s.append(time.perf_counter() - s1)
    del decoded
    merge_payloads_s: list[float] = []
    payloads = _merge_payloads()
    if payloads is not None:
        for _ in range(max(args.repeat, 1) * 2):
            s0 = time.perf_counter()
            payloads(blobs)
            merge_payloads_s.append(time.perf_counter() - s0)
    assert merged is not None
    result = MergeResult(
        parts=args.parts,
        rows_each=args.part_rows,
        build_s=build,
        encode_s=encode,
        bytes_each=statistics.mean(len(b) for b in blobs),
        decode_s=decode_s,
        decode_merge_s=decode_merge_s,
        merge_s=merge_s,
        rows_merged=merged.n_rows,
        merge_all_s=merge_all_s,
        decode_merge_all_s=decode_merge_all_s,
        merge_payloads_s=merge_payloads_s,
    )
    fastest = statistics.median(merge_payloads_s or decode_merge_s)
    if args.profile_merge or fastest >= args.merge_target:
        result.hot_spots = hot_spots(blobs)
    return result


def _merge_payloads() -> Callable[[list[bytes]], object] | None:
    """driftscope's merge of serialized profiles, where the installed version has one."""
    from driftscope.profiling import serialize

    found: Callable[[list[bytes]], object] | None = getattr(serialize, "merge_payloads", None)
    return found


def hot_spots(blobs: list[bytes]) -> str:
    """cProfile of one merge of the bytes (merge_payloads, else decode + reduce)."""
    from driftscope.profiling import Profile

    payloads = _merge_payloads()
    prof = cProfile.Profile()
    prof.enable()
    if payloads is not None:
        payloads(blobs)
    else:
        functools.reduce(operator.add, [Profile.from_bytes(b) for b in blobs])
    prof.disable()
    text = io.StringIO()
    stats = pstats.Stats(prof, stream=text)
    stats.sort_stats("tottime").print_stats(14)
    lines = text.getvalue().splitlines()
    # Keep the totals line and the table; drop pstats' preamble about ordering.
    keep = [ln for ln in lines if ln.strip() and not ln.strip().startswith("Ordered by")]
    return "\n".join(ln.replace(str(REPO / "src") + "/", "") for ln in keep)


@dataclass(slots=True)
class ColumnCost:
    name: str
    kind: str
    seconds: float
    # numeric columns: QuantileSketch.of(values) alone, at driftscope's default k and at 200
    kll_s: float | None = None
    kll200_s: float | None = None


def bench_columns(args: argparse.Namespace) -> tuple[float, list[ColumnCost]] | None:
    """Seconds to read the 1M file as driftscope does, and to profile each column of it."""
    from driftscope.profiling import DEFAULT_K, QuantileSketch, profile

    path = data_path(args.data_dir, 1_000_000)
    if not path.exists():
        return None
    read: list[float] = []
    for _ in range(3):
        t0 = time.perf_counter()
        with pq.ParquetFile(path, read_dictionary=list(CAT_COLS)) as parquet:
            table = parquet.read()
        read.append(time.perf_counter() - t0)
    costs = []
    for name in table.column_names:
        one = table.select([name])
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            profile(one, schema={name: SCHEMA[name]})
            times.append(time.perf_counter() - t0)
        cost = ColumnCost(name, KIND[name], min(times))
        if SCHEMA[name] == "numeric":
            values = np.asarray(one.column(0).to_numpy(), dtype=np.float64)
            cost.kll_s = best_of(3, lambda v=values: QuantileSketch.of(v, k=DEFAULT_K))
            cost.kll200_s = best_of(3, lambda v=values: QuantileSketch.of(v, k=200))
        costs.append(cost)
    return min(read), costs


def best_of(times: int, fn: Callable[[], object]) -> float:
    """Shortest of ``times`` timings of fn()."""
    best = float("inf")
    for _ in range(times):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


# --- rendering -------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "pass" if ok else "FAIL"


def fmt(value: float | None, spec: str, missing: str = "—") -> str:
    return missing if value is None else format(value, spec)


def throughput(cell: Cell | None, n: int) -> float | None:
    m = cell.series.median_seconds() if cell else None
    return n / m if m else None


def whylogs_rate(results: dict[int, dict[str, Cell]], n: int) -> tuple[float | None, int]:
    """whylogs' rows/s at n or, when it did not run there, at the largest smaller size it ran
    at (it streams row groups, so its rate does not depend on N); with the size it is from."""
    for m in sorted((m for m in results if m <= n), reverse=True):
        rate = throughput(results[m].get("whylogs"), m)
        if rate:
            return rate, m
    return None, n


def render_table(
    sizes: list[int],
    contenders: list[Contender],
    results: dict[int, dict[str, Cell]],
    skipped: dict[int, str],
    args: argparse.Namespace,
) -> str:
    lines = [
        "| contender | N rows | wall s (median) | CPU s | rows/s | peak RSS MiB, largest "
        "process | peak MiB, all processes | procs | throughput / whylogs | runs | note |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    footnote = False
    codes = [code for n in sizes for code in results.get(n, {}).get("driftscope", Cell()).code]
    first_code = codes[0] if codes else ""
    for n in sizes:
        cells = results.get(n, {})
        wl, wl_n = whylogs_rate(results, n)
        wl_note = "*" if wl is not None and wl_n != n else ""
        for c in contenders:
            cell = cells.get(c.key)
            if n in skipped:
                lines.append(
                    f"| {c.label} | {n:,} | — | — | — | — | — | — | — | 0 | {skipped[n]} |"
                )
                continue
            assert cell is not None
            s = cell.series
            m, cpu, peak = s.median_seconds(), s.median_cpu_seconds(), s.max_peak_bytes()
            rate = n / m if m else None
            ratio = (
                f"{rate / wl:.1f}x{wl_note}"
                if rate is not None and wl and c.key != "whylogs"
                else ("1.0x" if c.key == "whylogs" and rate else "n/a")
            )
            footnote |= bool(wl_note) and rate is not None and c.key != "whylogs"
            note = cell.note
            if cell.rows_seen is not None and cell.rows_seen != n:
                note = f"counted {cell.rows_seen:,} rows! {note}".strip()
            if heavy(c, n) and s.runs:
                note = f"{note} (runs: --heavy-repeat)".strip()
            if len(set(cell.code)) > 1:
                note = f"{note} src/ changed between runs: {' / '.join(cell.code)}".strip()
            elif cell.code and cell.code[0] != first_code:
                note = f"{note} src/ at {cell.code[0]}".strip()
            lines.append(
                f"| {c.label} | {n:,} | {fmt(m, '.2f', 'failed' if s.runs else '—')} | "
                f"{fmt(cpu, '.2f')} | {fmt(rate, ',.0f')} | "
                f"{fmt(peak / MiB if peak else None, '.0f')} | "
                f"{fmt(total / MiB if (total := cell.peak()) else None, '.0f')} | "
                f"{cell.procs or '—'} | {ratio} | {len(s.runs)} | {note} |"
            )
    if footnote:
        lines += [
            "",
            "\\* whylogs did not run at this size: ratio against its rows/s at the largest "
            "size it ran at (its rate is flat in N: it streams row groups).",
        ]
    return "\n".join(lines)


def flatness(peaks: list[tuple[int, int]], procs: dict[int, int], unrun: list[str]) -> list[str]:
    """The 'flat as rows grow' verdict: memory at the largest size against the smallest,
    among the sizes run with as many processes as the largest (a change in the number of
    worker processes is a fixed step, not growth with rows; it is shown apart)."""
    if len(peaks) < 2:
        return []
    (n_top, p_top), top_procs = peaks[-1], procs.get(peaks[-1][0], 0)
    same = [(n, p) for n, p in peaks if procs.get(n, 0) == top_procs]
    lines = []
    if len(same) > 1:
        n_low, p_low = same[0]
        growth = p_top / p_low
        lines.append(
            f"- peak memory flat as rows grow (largest/smallest size < 1.25x, {top_procs} "
            f"process(es) at each): {growth:.2f}x from {n_low:,} to {n_top:,} rows — "
            f"{verdict(growth < 1.25 and not unrun)}"
        )
    else:
        lines.append(
            f"- peak memory flat as rows grow: n/a (only one size ran with {top_procs} process(es))"
        )
    (n_first, p_first) = peaks[0]
    if procs.get(n_first, 0) != top_procs:
        lines.append(
            f"- (for information) {n_first:,} rows ran in {procs.get(n_first, 0)} "
            f"process(es): {p_first / MiB:.0f} MiB, against {p_top / MiB:.0f} MiB for "
            f"{n_top:,} rows in {top_procs}"
        )
    return lines


def render_targets(
    sizes: list[int],
    contenders: list[Contender],
    results: dict[int, dict[str, Cell]],
    merge: MergeResult | None,
) -> str:
    out = ["Targets (BENCHMARKS.md W4 and the issue):", ""]
    for c in contenders:
        if not c.key.startswith("driftscope") or c.unavailable or not results:
            continue
        out += [f"{c.label}:", ""]
        cells = {n: results[n][c.key] for n in sizes if n in results}
        peaks = [(n, p) for n, cell in cells.items() if (p := cell.peak())]
        unrun = [
            f"{n:,} ({cell.note or 'no run'})"
            for n, cell in cells.items()
            if not cell.series.ok_runs
        ]
        if peaks:
            worst = max(p for _, p in peaks)
            shown = ", ".join(f"{p / GB:.2f} GB at {n:,}" for n, p in peaks)
            missing = f"; not measured at {', '.join(unrun)}" if unrun else ""
            out.append(
                f"- peak memory (all processes) < 1 GB: {shown}{missing} — "
                f"{verdict(worst < GB and not unrun)}"
            )
            out += flatness(peaks, {n: cell.procs for n, cell in cells.items()}, unrun)
        else:
            out.append("- peak memory (all processes) < 1 GB: n/a (no successful run)")
        for n, cell in cells.items():
            ds, (wl, wl_n) = throughput(cell, n), whylogs_rate(results, n)
            if ds and wl:
                where = "" if wl_n == n else f" (whylogs' rate at {wl_n:,})"
                out.append(
                    f"- throughput >= 20x whylogs at {n:,}: {ds / wl:.1f}x{where} — "
                    f"{verdict(ds / wl >= 20)}"
                )
            else:
                out.append(f"- throughput >= 20x whylogs at {n:,}: n/a (not both measured)")
        rates = [(n, r) for n, cell in cells.items() if (r := throughput(cell, n))]
        if rates:
            shown = ", ".join(f"{r / WHYLOGS_REFERENCE_RATE:.1f}x at {n:,}" for n, r in rates)
            out.append(
                f"- (for information) against the whylogs rate BENCHMARKS.md gives, "
                f"{WHYLOGS_REFERENCE_RATE:,} rows/s: {shown}"
            )
        out.append("")
    if merge is not None:
        out += ["In process (working tree):", ""]
        # The target is judged on the ways the docs give to merge many profiles: serialized
        # ones with merge_payloads, profiles in memory with merge_all. Decoding them all
        # before merging, and adding them up two at a time, are shown for information.
        if merge.merge_payloads_s:
            mp = statistics.median(merge.merge_payloads_s)
            out.append(
                f"- merge {merge.parts:,} serialized profiles < 1 s with `merge_payloads(blobs)` "
                f"(what profile_parts, the Dask and Spark integrations and the Parquet path "
                f"use): {mp:.2f} s median, {min(merge.merge_payloads_s):.2f} s fastest of "
                f"{len(merge.merge_payloads_s)} — {verdict(mp < 1)}"
            )
        if merge.merge_all_s:
            ma = statistics.median(merge.merge_all_s)
            dma = statistics.median(merge.decode_merge_all_s)
            out.append(
                f"- merge {merge.parts:,} profiles in memory < 1 s with `Profile.merge_all`: "
                f"{ma:.2f} s — {verdict(ma < 1)} (for information: decoding them all first, "
                f"then merging, {dma:.2f} s)"
            )
        dm, m = statistics.median(merge.decode_merge_s), statistics.median(merge.merge_s)
        out.append(
            f"- (for information) added up two at a time, `functools.reduce(operator.add, "
            f"...)`: decode + merge {dm:.2f} s, merge of decoded profiles alone {m:.2f} s"
        )
    return "\n".join(out)


def render_merge(merge: MergeResult) -> str:
    dm = statistics.median(merge.decode_merge_s)
    lines = [
        f"### Merging {merge.parts:,} partial profiles ({merge.rows_each:,} rows each, in process)",
        "",
        "| step | seconds (median) | per profile |",
        "|---|---:|---:|",
        f"| build: `profile(part, bins=reference)` x {merge.parts:,} (once) | "
        f"{merge.build_s:.2f} | {merge.build_s / merge.parts * 1e3:.2f} ms |",
        f"| encode: `Profile.to_bytes()` x {merge.parts:,} (once) | {merge.encode_s:.2f} | "
        f"{merge.encode_s / merge.parts * 1e3:.2f} ms |",
        f"| decode alone: `[Profile.from_bytes(b) for b in blobs]` | "
        f"{statistics.median(merge.decode_s):.2f} | "
        f"{statistics.median(merge.decode_s) / merge.parts * 1e3:.2f} ms |",
        f"| merge alone: `functools.reduce(operator.add, profiles)` | "
        f"{statistics.median(merge.merge_s):.2f} | "
        f"{statistics.median(merge.merge_s) / merge.parts * 1e3:.2f} ms |",
        f"| **decode + merge** | **{dm:.2f}** | {dm / merge.parts * 1e3:.2f} ms |",
    ]
    if merge.merge_all_s:
        ma, dma = statistics.median(merge.merge_all_s), statistics.median(merge.decode_merge_all_s)
        lines += [
            f"| merge alone, one pass: `Profile.merge_all(profiles)` | {ma:.2f} | "
            f"{ma / merge.parts * 1e3:.2f} ms |",
            f"| **decode + `Profile.merge_all`** | **{dma:.2f}** | "
            f"{dma / merge.parts * 1e3:.2f} ms |",
        ]
    if merge.merge_payloads_s:
        mp = statistics.median(merge.merge_payloads_s)
        lines.append(
            f"| **decode and merge in one pass: `merge_payloads(blobs)`** | **{mp:.2f}** | "
            f"{mp / merge.parts * 1e3:.2f} ms |"
        )
    lines += [
        "",
        f"Profile bytes: {merge.bytes_each / 1024:.1f} KiB each on average; merged profile "
        f"counts {merge.rows_merged:,} rows. Timings: {len(merge.merge_s)} repetitions "
        f"(decode + merge: {', '.join(f'{s:.2f}' for s in merge.decode_merge_s)} s"
        + (
            f"; merge_payloads: {', '.join(f'{s:.2f}' for s in merge.merge_payloads_s)} s"
            if merge.merge_payloads_s
            else ""
        )
        + ").",
    ]
    if merge.hot_spots:
        lines += [
            "",
            "Where the time of one decode + merge goes (cProfile, top functions by own time; "
            "cProfile's overhead inflates the total):",
            "",
            "```",
            merge.hot_spots,
            "```",
        ]
    return "\n".join(lines)


def render_columns(read_s: float, costs: list[ColumnCost]) -> str:
    from driftscope.profiling import DEFAULT_K

    lines = [
        "### Cost per column type (1,000,000 rows, in process, best of 3, working tree)",
        "",
        f"Reading the 1M file as driftscope does (`ParquetFile(read_dictionary=cats).read()`): "
        f"{read_s:.3f} s. `profile()` of one column at a time, read excluded; for numeric "
        f"columns also `QuantileSketch.of(values)` alone (the KLL update) at the default "
        f"k = {DEFAULT_K} and at k = 200:",
        "",
        "| column type | columns | ms per column (mean) | rows/s per column | share of all "
        f"| of which KLL k={DEFAULT_K}, ms | KLL k=200, ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    total = sum(c.seconds for c in costs)
    kinds: dict[str, list[ColumnCost]] = {}
    for c in costs:
        kinds.setdefault(c.kind, []).append(c)
    for kind, group in kinds.items():
        mean = statistics.mean(c.seconds for c in group)
        kll = [c.kll_s for c in group if c.kll_s is not None]
        kll200 = [c.kll200_s for c in group if c.kll200_s is not None]
        lines.append(
            f"| {kind} | {len(group)} | {mean * 1e3:.1f} | {1_000_000 / mean:,.0f} | "
            f"{sum(c.seconds for c in group) / total:.0%} | "
            f"{fmt(statistics.mean(kll) * 1e3 if kll else None, '.1f')} | "
            f"{fmt(statistics.mean(kll200) * 1e3 if kll200 else None, '.1f')} |"
        )
    lines += [
        "",
        f"Sum over the 25 columns: {total:.2f} s, i.e. {1_000_000 / total:,.0f} rows/s for the "
        f"profile alone ({1_000_000 / (total + read_s):,.0f} rows/s with the read).",
    ]
    return "\n".join(lines)


def versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    parts = [f"Python {platform.python_version()}"]
    for pkg in ("driftscope", "numpy", "pyarrow", "datasketches"):
        try:
            parts.append(f"{pkg} {version(pkg)}")
        except PackageNotFoundError:
            parts.append(f"{pkg} (not installed)")
    head, changed, digest = src_state()
    if head:
        state = (
            f"working tree: {len(changed)} files of src/ changed or new since then, "
            f"content sha1 {digest}: {', '.join(changed)}"
            if changed
            else "src/ as committed"
        )
        parts.append(f"repository at {head} ({state})")
    return ", ".join(parts)


def src_state() -> tuple[str, list[str], str]:
    """HEAD (short), the files of src/ that differ from it, and a digest of their content."""
    head = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    changed = src_changes("HEAD") if head else []
    digest = hashlib.sha1(usedforsecurity=False)
    for name in changed:
        path = REPO / name
        digest.update(name.encode() + (path.read_bytes() if path.is_file() else b""))
    return head, changed, digest.hexdigest()[:10]


def src_fingerprint() -> str:
    """Identifies the code the working-tree contender runs: HEAD plus uncommitted src/."""
    head, changed, digest = src_state()
    return f"{head}+{digest}" if changed else head


def header(args: argparse.Namespace, contenders: list[Contender]) -> str:
    peer = next(c for c in contenders if c.key == "whylogs")
    files = []
    for n in args.sizes:
        path = data_path(args.data_dir, n)
        if path.exists():
            meta = pq.ParquetFile(path).metadata
            files.append(
                f"{n:,} rows: {path.stat().st_size / 1e6:,.0f} MB, {meta.num_row_groups} row groups"
            )
    return "\n".join(
        [
            f"## W4 benchmark — {time.strftime('%Y-%m-%d %H:%M:%S %Z')}",
            "",
            f"Machine: {machine()}.",
            f"Software: {versions()}; whylogs venv: {peer_version(args.peers_dir / 'whylogs-venv' / 'bin' / 'python') or peer.unavailable}.",  # noqa: E501
            f"Data: W1 schema, reference distributions, seed {args.seed}, in {args.data_dir} "
            f"({'; '.join(files) or 'none'}).",
            f"Whole processes, median of {args.repeat} (whylogs from 10M rows and everybody at "
            f"100M: {args.heavy_repeat}), round-robin within a size. Memory: 'largest "
            "process' is the kernel's ru_maxrss of the child and its reaped descendants (the "
            "peak of the biggest single process); 'all processes' is the larger of that and "
            "the sum of the PSS of every process of the run, sampled every 0.25 s (worker "
            "processes count); both are the largest over the runs, and the targets use 'all "
            f"processes'. Memory cap {args.max_rss_gb:g} GB (projected "
            f"from the smaller sizes; prlimit --as at 1.5x as a safety net); whylogs runs while "
            f"projected under {args.peer_budget:g} s.",
        ]
    )


# --- main ------------------------------------------------------------------------------------


def default_rss_cap() -> float:
    """Half the memory available now, at most 12 GB: others use this machine too."""
    try:
        with Path("/proc/meminfo").open(encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return round(min(12.0, int(line.split()[1]) * 1024 / GB / 2), 1)
    except (OSError, ValueError):
        pass
    return 8.0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter
    )
    p.add_argument(
        "--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000, 100_000_000],
        help="rows per file; a size is skipped when its file is missing and the disk is short",
    )  # fmt: skip
    p.add_argument("--repeat", type=int, default=3, help="runs per contender and size (median)")
    p.add_argument(
        "--heavy-repeat", type=int, default=1, help="runs of whylogs from 10M, everyone at 100M"
    )
    p.add_argument("--data-dir", type=Path, default=Path("/work/bench-data/w4"))
    p.add_argument("--peers-dir", type=Path, default=Path("/work/peers"))
    p.add_argument("--skip-peers", action="store_true", help="leave whylogs out")
    p.add_argument(
        "--driftscope-rev", default="HEAD",
        help="also run `driftscope profile` from this commit while src/ differs from it "
        "(git archive into a temp folder); '' to leave it out",
    )  # fmt: skip
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--min-free-gb", type=float, default=50.0, help="disk to keep free to generate 100M+ rows"
    )
    p.add_argument(
        "--max-rss-gb", type=float, default=default_rss_cap(), help="memory cap per process"
    )
    p.add_argument(
        "--peer-budget", type=float, default=240.0, help="seconds a whylogs run may take"
    )
    p.add_argument("--timeout", type=float, default=3600.0, help="seconds per run")
    p.add_argument("--parts", type=int, default=1000, help="profiles to merge")
    p.add_argument("--part-rows", type=int, default=1000, help="rows per merged profile")
    p.add_argument("--merge-target", type=float, default=1.0, help="seconds; cProfile if over")
    p.add_argument("--profile-merge", action="store_true", help="always cProfile the merge")
    p.add_argument("--skip-merge", action="store_true", help="no merge benchmark")
    p.add_argument(
        "--skip-files", action="store_true", help="no whole-process runs (merge and columns only)"
    )
    p.add_argument("--skip-columns", action="store_true", help="no per-column-type costs")
    p.add_argument("--markdown", type=Path, default=None, help="also write the output here")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.sizes = sorted(set(args.sizes))
    skipped = ensure_data(args)
    results: dict[int, dict[str, Cell]] = {}
    with tempfile.TemporaryDirectory(prefix="w4-") as tmp:
        contenders = make_contenders(args, Path(tmp))
        blocks = [header(args, contenders)]
        print(blocks[0] + "\n", flush=True)
        for n in [] if args.skip_files else args.sizes:
            if n not in skipped:
                results[n] = measure_size(n, contenders, results, args, Path(tmp))
    if not args.skip_files:
        table = render_table(args.sizes, contenders, results, skipped, args)
        blocks.append("### Profiling a Parquet file, whole process\n\n" + table)
        print(blocks[-1] + "\n", flush=True)
    merge = None
    if not args.skip_merge:
        merge = bench_merge(args)
        blocks.append(render_merge(merge))
        print(blocks[-1] + "\n", flush=True)
    if not args.skip_columns and (cols := bench_columns(args)) is not None:
        blocks.append(render_columns(*cols))
        print(blocks[-1] + "\n", flush=True)
    blocks.append(render_targets(args.sizes, contenders, results, merge))
    blocks.append(f"Load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}.")
    print("\n\n".join(blocks[-2:]), flush=True)
    if args.markdown is not None:
        args.markdown.write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
