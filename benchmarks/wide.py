"""Wide benchmark: many columns, few rows, where the cost per column is what counts.

Writes a reference and a current CSV of ``--columns`` columns x ``--rows`` rows into a
temporary folder (normal floats, every ``--cat-every``-th column a string categorical of a few
labels, a few columns shifted in the current file), then times whole processes of the
installed console script: ``driftscope report REF CUR --json OUT`` and ``driftscope profile
REF -o OUT``, plus a floor that only reads both CSV files with pyarrow. With
``--driftscope-rev`` (default ``HEAD``), the same commands from that commit run beside the
working tree's while ``src/`` differs from it. The contenders take turns (round-robin); the
table gives the median wall time, CPU time and peak RSS of each, and the ratio to the
committed revision. ``--cprofile FILE`` also writes a cProfile of ``driftscope.compare`` on
the same files, run in this process.

Usage: python benchmarks/wide.py [--columns 20000] [--rows 500] [--repeat 3]
                                 [--driftscope-rev HEAD] [--cprofile FILE] [--markdown FILE]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv
from _proc import Series, driftscope_exe, rev_code, run_process, src_changes

# Blocks of 64 MiB on one thread, as driftscope reads a wide file: with Arrow's defaults
# (1 MiB blocks, threads) reading these two files takes about 60 s instead of 5.
FLOOR = """\
import sys
import pyarrow.csv as pcsv
options = pcsv.ReadOptions(block_size=64 << 20, use_threads=False)
rows = sum(pcsv.read_csv(path, options).num_rows for path in sys.argv[1:])
print(f"rows: {rows}")
"""
LABELS = ("alpha", "beta", "gamma", "delta")


def wide_table(
    rng: np.random.Generator, n_columns: int, n_rows: int, *, cat_every: int, shifted: int
) -> pa.Table:
    """``n_columns`` columns of ``n_rows`` rows: normal(0, 1) floats, every ``cat_every``-th a
    categorical of four labels; the first ``shifted`` numeric columns moved by half a
    standard deviation (0 for the reference)."""
    columns: dict[str, pa.Array | np.ndarray] = {}
    moved = 0
    labels = pa.array(LABELS)
    for i in range(n_columns):
        name = f"c{i:05d}"
        if cat_every and i % cat_every == cat_every - 1:
            columns[name] = labels.take(pa.array(rng.integers(0, len(LABELS), n_rows)))
            continue
        values = rng.normal(0.0, 1.0, n_rows)
        if moved < shifted:
            values += 0.5
            moved += 1
        columns[name] = values
    return pa.table(columns)


def write_data(folder: Path, args: argparse.Namespace) -> tuple[Path, Path]:
    """The reference and current CSV files of this run, written once into ``folder``."""
    ref, cur = folder / "ref.csv", folder / "cur.csv"
    start = time.perf_counter()
    for path, index, shifted in ((ref, 0, 0), (cur, 1, args.shifted)):
        rng = np.random.default_rng(np.random.SeedSequence([args.seed, index]))
        table = wide_table(rng, args.columns, args.rows, cat_every=args.cat_every, shifted=shifted)
        pcsv.write_csv(table, path)
    size = ref.stat().st_size + cur.stat().st_size
    print(
        f"wrote {ref} and {cur} ({size / 1e6:.0f} MB) in {time.perf_counter() - start:.1f} s",
        file=sys.stderr,
    )
    return ref, cur


@dataclass(frozen=True, slots=True)
class Contender:
    """One command in the comparison."""

    key: str
    label: str
    # (reference, current, output folder) -> argv
    argv: Callable[[Path, Path, Path], list[str]]
    env: dict[str, str] = field(default_factory=dict)
    unavailable: str | None = None


def make_contenders(args: argparse.Namespace, work: Path) -> list[Contender]:
    """The floor, then report and profile from the working tree (and from the revision)."""
    exe = driftscope_exe()
    missing = None if exe else "driftscope console script not found (pip install -e .)"
    tree = " (working tree)" if src_changes("HEAD") else ""
    contenders = [
        Contender(
            "floor",
            "floor: read both CSV files",
            lambda r, c, o: [sys.executable, "-c", FLOOR, str(r), str(c)],
        ),
        Contender(
            "report",
            f"driftscope report --json{tree}",
            lambda r, c, o: [
                str(exe),
                "report",
                str(r),
                str(c),
                "--json",
                str(o / "report.json"),
                "--no-progress",
            ],
            unavailable=missing,
        ),
        Contender(
            "profile",
            f"driftscope profile{tree}",
            lambda r, c, o: [
                str(exe),
                "profile",
                str(r),
                "-o",
                str(o / "ref.dsprof"),
                "--no-progress",
            ],
            unavailable=missing,
        ),
    ]
    if args.driftscope_rev:
        code = rev_code(args.driftscope_rev, work / "driftscope-rev")
        contenders += [
            Contender(
                "report_rev",
                f"driftscope report --json (commit {code.name})",
                lambda r, c, o: code.argv(
                    "report", str(r), str(c), "--json", str(o / "report-rev.json"), "--no-progress"
                ),
                env=code.env,
                unavailable=code.unavailable,
            ),
            Contender(
                "profile_rev",
                f"driftscope profile (commit {code.name})",
                lambda r, c, o: code.argv(
                    "profile", str(r), "-o", str(o / "ref-rev.dsprof"), "--no-progress"
                ),
                env=code.env,
                unavailable=code.unavailable,
            ),
        ]
    return contenders


def measure(
    contenders: list[Contender], ref: Path, cur: Path, work: Path, args: argparse.Namespace
) -> dict[str, Series]:
    """Every available contender ``--repeat`` times, in turns."""
    series = {c.key: Series() for c in contenders}
    for rep in range(args.repeat):
        for c in contenders:
            if c.unavailable:
                continue
            run = run_process(c.argv(ref, cur, work), env=c.env, timeout=args.timeout)
            series[c.key].runs.append(run)
            state = f"{run.seconds:.1f} s" if run.ok else run.error_line()
            print(f"  [{rep + 1}/{args.repeat}] {c.key}: {state}", file=sys.stderr, flush=True)
    return series


def fmt(value: float | None, unit: str = " s") -> str:
    return "-" if value is None else f"{value:.1f}{unit}"


def table(contenders: list[Contender], series: dict[str, Series]) -> str:
    """The markdown table: median wall and CPU time, peak RSS, ratio to the revision."""
    lines = [
        "| command | wall (median) | CPU (median) | peak RSS | speed-up over the commit | note |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for c in contenders:
        s = series[c.key]
        note = c.unavailable or (s.failed.error_line() if s.failed else "")
        wall = s.median_seconds()
        base = series.get(f"{c.key}_rev")
        base_wall = base.median_seconds() if base is not None else None
        ratio = f"{base_wall / wall:.2f}x" if wall and base_wall else ""
        peak = s.max_peak_bytes()
        lines.append(
            f"| {c.label} | {fmt(wall)} | {fmt(s.median_cpu_seconds())} | "
            f"{'-' if peak is None else f'{peak / 2**20:.0f} MiB'} | {ratio} | {note} |"
        )
    return "\n".join(lines)


def in_process_profile(ref: Path, cur: Path, out: str) -> None:
    """cProfile of ``driftscope.compare(ref, cur)`` in this process, written to ``out``."""
    import driftscope

    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.runcall(driftscope.compare, str(ref), str(cur))
    profiler.dump_stats(out)
    print(f"cProfile of compare ({time.perf_counter() - start:.1f} s) in {out}", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--columns", type=int, default=20_000)
    parser.add_argument("--rows", type=int, default=500)
    parser.add_argument(
        "--cat-every", type=int, default=100, help="every N-th column is categorical (0: none)"
    )
    parser.add_argument(
        "--shifted", type=int, default=20, help="numeric columns shifted in the current file"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=1800.0)
    parser.add_argument(
        "--driftscope-rev",
        default="HEAD",
        help="also run this commit's code while src/ differs ('' to skip)",
    )
    parser.add_argument("--only", nargs="+", help="contender keys to run")
    parser.add_argument("--cprofile", metavar="FILE", help="also profile compare in-process")
    parser.add_argument("--markdown", metavar="FILE", help="also write the table here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="driftscope-wide-") as tmp:
        work = Path(tmp)
        ref, cur = write_data(work, args)
        contenders = make_contenders(args, work)
        if args.only:
            contenders = [c for c in contenders if c.key in args.only]
        series = measure(contenders, ref, cur, work, args)
        if args.cprofile:
            in_process_profile(ref, cur, args.cprofile)
    title = (
        f"## Wide inputs: {args.columns:,} columns x {args.rows:,} rows (CSV, every "
        f"{args.cat_every}th column categorical), median of {args.repeat}\n\n"
        f"{platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}\n"
    )
    text = f"{title}\n{table(contenders, series)}\n"
    print(text)
    if args.markdown:
        Path(args.markdown).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
