"""Data-quality constraints at 1,000,000 rows x 30 columns: the time to infer them and to check
current data against them, and how often fresh data from the reference's own population fails.

Speed: ``infer_table`` and ``check_table`` in this process (the table already read, median of
``--repeat`` runs), then ``driftscope baseline`` as a whole process on the same data as Parquet
(interpreter start, imports, reading and writing included; peak memory from the kernel).
False failures: ``--draws`` pairs of reference and current samples (``--reference-rows`` and
``--current-rows``) of the nine-column population of ``tests/quality/_data.py``; every
warning or error found is a false failure. SageMaker Model Monitor, Deequ and Great
Expectations are not installed here, so there is no peer column.

    python benchmarks/constraints.py
    python benchmarks/constraints.py --rows 100000 --draws 50
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from _proc import REPO, driftscope_exe, run_process, short_rev

from driftscope.quality import check_table
from driftscope.quality.infer import infer_table

sys.path.insert(0, str(REPO))
from tests.quality._data import draw

COLUMNS = 30


def wide_table(rows: int, seed: int) -> pa.Table:
    """``COLUMNS`` columns: the nine of the test population, repeated with other draws."""
    rng = np.random.default_rng(seed)
    parts: dict[str, pa.ChunkedArray] = {}
    while len(parts) < COLUMNS:
        block = draw(rng, rows, start=len(parts) * rows)
        for name in block.column_names:
            if len(parts) < COLUMNS:
                parts[f"{name}_{len(parts)}"] = block.column(name)
    return pa.table(parts)


def timed(repeat: int, work: object) -> tuple[float, float]:
    """Median wall and CPU seconds of ``work()`` (CPU time is less sensitive to other load
    on a shared machine; Arrow's threads add to it)."""
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        work()  # type: ignore[operator]
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)


def false_failures(draws: int, reference_rows: int, current_rows: int) -> Counter[str]:
    rng = np.random.default_rng(2026)
    found: Counter[str] = Counter()
    for i in range(draws):
        rules = infer_table(draw(rng, reference_rows), source="reference")
        current = draw(rng, current_rows, start=(i + 1) * 10 * reference_rows)
        for issue in check_table(current, rules, source="current"):
            if issue.severity != "info":
                found[f"{issue.column}/{issue.check}"] += 1
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--draws", type=int, default=200)
    args = parser.parse_args()

    reference, current = wide_table(args.rows, 0), wide_table(args.rows, 1)
    rules = infer_table(reference, source="reference")
    infer_s = timed(args.repeat, lambda: infer_table(reference, source="reference"))
    check_s = timed(args.repeat, lambda: check_table(current, rules, source="current"))
    issues = check_table(current, rules, source="current")
    print(f"# Constraints at {args.rows:,} rows x {COLUMNS} columns (at {short_rev('HEAD')})\n")
    print("| step | median wall seconds | CPU seconds |")
    print("|---|---:|---:|")
    print(f"| infer_table (table in memory) | {infer_s[0]:.2f} | {infer_s[1]:.2f} |")
    print(f"| check_table (table in memory) | {check_s[0]:.2f} | {check_s[1]:.2f} |")
    exe = driftscope_exe()
    if exe is not None:
        with tempfile.TemporaryDirectory() as folder:
            data = Path(folder) / "reference.parquet"
            pq.write_table(reference, data)
            run = run_process([exe, "baseline", str(data), "-o", str(Path(folder) / "c.yaml")])
            note = "" if run.ok else f" (failed: {run.stderr.strip()[:80]})"
            print(
                f"| driftscope baseline, whole process (Parquet read, imports; peak "
                f"{run.peak_bytes / 2**20:,.0f} MiB) | {run.seconds:.2f}{note} | "
                f"{run.cpu_seconds:.2f} |"
            )
    print(f"\nFindings on the fresh current table: {len(issues)}.")
    if args.draws == 0:
        return 0
    print(
        f"\n# Fresh data: findings over {args.draws} draws (nine columns each)\n\n"
        "| reference rows | current rows | findings | findings by column/check |\n"
        "|---:|---:|---:|---|"
    )
    for ref_rows, cur_rows in ((1_000, 1_000), (5_000, 500), (200, 200), (1_000, 10_000)):
        found = false_failures(args.draws, ref_rows, cur_rows)
        detail = ", ".join(f"{k} {v}" for k, v in sorted(found.items())) or "none"
        print(f"| {ref_rows:,} | {cur_rows:,} | {sum(found.values())} | {detail} |")
    print(
        "\nSageMaker Model Monitor, Deequ and Great Expectations are not installed here: no "
        "peer column."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
