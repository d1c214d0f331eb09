"""W2 benchmark: the multivariate MMD permutation test against Alibi Detect's MMDDrift.

Data (BENCHMARKS.md, W2): the 20 numeric columns of W1 (the shared generator's ``make_table``;
reference without drift, current with W1's drift), standardised with the reference's mean and
std, 2,000 vs 2,000 rows and 10,000 vs 10,000 rows; Gaussian kernel, 100 permutations. Each
tool runs in its own process on the same .npy files: driftscope's ``mmd_test`` (exact up to
8,192 pooled rows, random Fourier features above, so exact at 2,000 and approximate at 10,000)
in this environment, Alibi Detect 0.13 ``MMDDrift`` (PyTorch backend, CPU) in
``--alibi-python``'s. Reported: the test's own time (timed inside each process), the whole
process's wall time and peak RSS (``os.wait4``), the statistic and the p-value. Medians of
``--runs`` runs; Alibi's 10,000-row case runs once (minutes) unless ``--skip-alibi-10k``.

Targets: at least 10x faster than Alibi Detect at 2,000; 10,000 vs 10,000 under 5 s and
1 GB, exact or with the approximation's error reported.

Usage: python benchmarks/w2.py [--runs 3] [--skip-alibi-10k] [--markdown FILE]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from _proc import Run, load_generator, machine, run_process

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
ALIBI_PYTHON = "/work/peers/alibi-venv/bin/python"
PERMUTATIONS = 100
TARGET_SPEEDUP = 10.0
TARGET_SECONDS = 5.0
TARGET_BYTES = 2**30

DRIFTSCOPE_CHILD = """
import json, sys, time
import numpy as np
from driftscope.multivariate import mmd_test
ref, cur = np.load(sys.argv[1]), np.load(sys.argv[2])
start = time.perf_counter()
res = mmd_test(ref, cur, n_permutations=int(sys.argv[3]))
seconds = time.perf_counter() - start
with open(sys.argv[4], "w") as out:
    json.dump({"test_seconds": seconds, "statistic": res.statistic, "p_value": res.p_value,
               "drifted": res.drifted, "approximate": res.approximate,
               "standard_error": res.details.get("standard_error")}, out)
"""


@dataclass(slots=True)
class Measured:
    tool: str
    rows: int
    runs: list[tuple[Run, dict[str, object]]]

    def median(self, key: str) -> float:
        return statistics.median(float(answer[key]) for _, answer in self.runs)  # type: ignore[arg-type]

    def process(self) -> tuple[float, float]:
        return (
            statistics.median(run.seconds for run, _ in self.runs),
            max(run.peak_bytes for run, _ in self.runs),
        )


def make_data(generator: Path, rows: int, folder: Path) -> tuple[Path, Path]:
    w1 = load_generator(generator)
    rng = np.random.default_rng(20)
    ref_table = w1.make_table(rows, rng, drift=False)
    cur_table = w1.make_table(rows, rng, drift=True)
    ref = np.column_stack([ref_table[c].to_numpy().astype(float) for c in w1.NUM_COLS])
    cur = np.column_stack([cur_table[c].to_numpy().astype(float) for c in w1.NUM_COLS])
    mean, std = ref.mean(axis=0), ref.std(axis=0)
    paths = folder / f"ref-{rows}.npy", folder / f"cur-{rows}.npy"
    np.save(paths[0], (ref - mean) / std)
    np.save(paths[1], (cur - mean) / std)
    return paths


def run_tool(
    tool: str, argv: list[str], out: Path, timeout: float
) -> tuple[Run, dict[str, object]]:
    run = run_process(argv, timeout=timeout)
    if run.returncode != 0 or run.timed_out:
        raise SystemExit(f"w2: {tool} failed ({run.returncode}): {run.stderr[-2000:]}")
    return run, json.loads(out.read_text(encoding="utf-8"))


def measure(args: argparse.Namespace, folder: Path) -> list[Measured]:
    results = []
    for rows in (2_000, 10_000):
        ref, cur = make_data(args.generator, rows, folder)
        out = folder / "out.json"
        ours = Measured("driftscope mmd_test", rows, [])
        for _ in range(args.runs):
            argv = [
                sys.executable,
                "-c",
                DRIFTSCOPE_CHILD,
                str(ref),
                str(cur),
                str(PERMUTATIONS),
                str(out),
            ]
            ours.runs.append(run_tool("driftscope", argv, out, 600))
        results.append(ours)
        if rows == 10_000 and args.skip_alibi_10k:
            continue
        alibi = Measured("Alibi Detect MMDDrift", rows, [])
        for _ in range(args.runs if rows == 2_000 else 1):
            argv = [args.alibi_python, str(HERE / "peers" / "alibi_w2.py"), str(ref), str(cur),
                    str(PERMUTATIONS), str(out)]  # fmt: skip
            alibi.runs.append(run_tool("alibi", argv, out, 1800))
        results.append(alibi)
        print(f"[w2] {rows:,} rows done", file=sys.stderr, flush=True)
    return results


def render(results: list[Measured]) -> str:
    lines = [
        "| rows a side | tool | test s (median) | whole process s | peak RSS MiB | statistic "
        "| p-value | notes |",
        "|---:|---|---:|---:|---:|---:|---:|---|",
    ]
    verdicts = []
    by = {(r.rows, r.tool.split()[0]): r for r in results}
    for r in results:
        seconds, peak = r.process()
        answer = r.runs[0][1]
        note = ""
        if answer.get("approximate"):
            note = f"random Fourier features, standard error {float(answer['standard_error']):.2g}"  # type: ignore[arg-type]
        elif r.tool.startswith("driftscope"):
            note = "exact"
        lines.append(
            f"| {r.rows:,} | {r.tool} | {r.median('test_seconds'):.3f} | {seconds:.2f} | "
            f"{peak / 2**20:,.0f} | {float(answer['statistic']):.5f} | "  # type: ignore[arg-type]
            f"{float(answer['p_value']):.4f} | {note} |"  # type: ignore[arg-type]
        )
    for rows in (2_000, 10_000):
        ours, peer = by.get((rows, "driftscope")), by.get((rows, "Alibi"))
        if ours is None:
            continue
        if peer is not None:
            ratio = peer.median("test_seconds") / ours.median("test_seconds")
            whole = peer.process()[0] / ours.process()[0]
            line = (
                f"- {rows:,} a side: driftscope {ratio:.1f}x faster than Alibi Detect (the "
                f"test), {whole:.1f}x (whole process)"
            )
            if rows == 2_000:
                line += f": {'**pass**' if ratio >= TARGET_SPEEDUP else '**FAIL**'} (target 10x)"
            verdicts.append(line)
        if rows == 10_000:
            seconds, peak = ours.median("test_seconds"), ours.process()[1]
            ok = seconds < TARGET_SECONDS and peak < TARGET_BYTES
            verdicts.append(
                f"- 10,000 a side under 5 s and 1 GB: {'**pass**' if ok else '**FAIL**'} "
                f"({seconds:.2f} s test, {ours.process()[0]:.2f} s whole process, "
                f"{peak / 2**20:,.0f} MiB peak)"
            )
    return "\n".join(lines) + "\n\nTargets (BENCHMARKS.md, W2):\n\n" + "\n".join(verdicts)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--skip-alibi-10k", action="store_true")
    p.add_argument("--alibi-python", default=ALIBI_PYTHON)
    p.add_argument("--markdown", type=Path)
    p.add_argument(
        "--generator", type=Path, default=REPO.parent / "shared" / "bench" / "w1_data.py"
    )
    args = p.parse_args(argv)
    if not Path(args.alibi_python).exists():
        sys.exit(f"w2: {args.alibi_python} not found; see benchmarks/README.md (--alibi-python)")
    head = (
        f"## W2 benchmark — {time.strftime('%Y-%m-%d %H:%M:%S %Z')}\n\nMachine: {machine()}.\n"
        f"Data: W1's 20 numeric columns standardised by the reference, current with W1's drift; "
        f"{PERMUTATIONS} permutations; median of {args.runs} runs (Alibi's 10,000 rows: one)."
    )
    with tempfile.TemporaryDirectory(prefix="w2-") as tmp:
        body = render(measure(args, Path(tmp)))
    text = head + "\n\n" + body + "\n"
    print(text)
    if args.markdown:
        args.markdown.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
