"""W2 benchmark, domain classifier: driftscope's ``compare(..., multivariate="classifier")``
against NannyML's DomainClassifierCalculator on W1's 25 columns.

Data: the shared generator's W1 tables (reference without drift, current with W1's drift:
five numeric and two categorical columns moved) of ``--rows`` rows a side, written to Parquet.
Each tool runs in its own process: driftscope in this environment (the whole comparison: every
column's own test and the classifier; the classifier's share is timed inside the process),
NannyML 0.13.1 in ``--nannyml-python``'s (``fit`` and ``calculate`` of one chunk). Reported:
the test's time (timed inside each process), the whole process's wall time and peak RSS
(``os.wait4``), the AUC. Medians of ``--runs`` runs.

Targets (BENCHMARKS.md, W2): 1,000,000 rows in under 10 s, at least 5x faster than NannyML.

Usage: python benchmarks/w2_classifier.py [--rows 1000000 100000] [--runs 3] [--markdown FILE]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq
from _proc import Run, load_generator, machine, run_process

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
NANNYML_PYTHON = "/work/peers/nannyml-venv/bin/python"

DRIFTSCOPE_CHILD = """
import json, sys, time
import driftscope
from driftscope.engine import multivariate as mv
spent = []
real = mv.classifier_test
def timed(*args, **kwargs):
    start = time.perf_counter()
    try:
        return real(*args, **kwargs)
    finally:
        spent.append(time.perf_counter() - start)
mv.classifier_test = timed
start = time.perf_counter()
report = driftscope.compare(sys.argv[1], sys.argv[2], multivariate="classifier")
seconds = time.perf_counter() - start
(result,) = report.multivariate
with open(sys.argv[3], "w") as out:
    json.dump({"test_seconds": seconds, "classifier_seconds": spent[0],
               "statistic": result.statistic, "drifted": result.drifted,
               "top": [c.name for c in result.explanation[:7]],
               "rows_used": result.details["rows_used"]}, out)
"""


def make_data(generator: Path, rows: int, folder: Path) -> tuple[Path, Path]:
    w1 = load_generator(generator)
    import numpy as np

    rng = np.random.default_rng(21)
    paths = folder / f"ref-{rows}.parquet", folder / f"cur-{rows}.parquet"
    pq.write_table(w1.make_table(rows, rng, drift=False), paths[0])
    pq.write_table(w1.make_table(rows, rng, drift=True), paths[1])
    return paths


def run_tool(tool: str, argv: list[str], out: Path) -> tuple[Run, dict[str, object]]:
    run = run_process(argv, timeout=1800)
    if run.returncode != 0 or run.timed_out:
        raise SystemExit(f"w2: {tool} failed ({run.returncode}): {run.stderr[-2000:]}")
    return run, json.loads(out.read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 100_000])
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--nannyml-python", default=NANNYML_PYTHON)
    p.add_argument("--markdown", type=Path)
    p.add_argument(
        "--generator", type=Path, default=REPO.parent / "shared" / "bench" / "w1_data.py"
    )
    args = p.parse_args(argv)
    lines = [
        "| rows a side | tool | test s (median) | classifier s | whole process s | peak RSS "
        "MiB | AUC | drift | columns ranked first |",
        "|---:|---|---:|---:|---:|---:|---:|---|---|",
    ]
    verdicts = []
    with tempfile.TemporaryDirectory(prefix="w2c-") as tmp:
        for rows in args.rows:
            ref, cur = make_data(args.generator, rows, Path(tmp))
            out = Path(tmp) / "out.json"
            measured = {}
            files = [str(ref), str(cur), str(out)]
            for tool, command in (
                ("driftscope", [sys.executable, "-c", DRIFTSCOPE_CHILD, *files]),
                ("NannyML", [args.nannyml_python, str(HERE / "peers" / "nannyml_w2.py"), *files]),
            ):
                runs = [run_tool(tool, command, out) for _ in range(args.runs)]
                test = statistics.median(float(a["test_seconds"]) for _, a in runs)  # type: ignore[arg-type]
                whole = statistics.median(r.seconds for r, _ in runs)
                peak = max(r.peak_bytes for r, _ in runs)
                answer = runs[0][1]
                classifier = answer.get("classifier_seconds")
                lines.append(
                    f"| {rows:,} | {tool} | {test:.2f} | "
                    f"{'' if classifier is None else f'{float(classifier):.2f}'} | "  # type: ignore[arg-type]
                    f"{whole:.2f} | {peak / 2**20:,.0f} | {float(answer['statistic']):.3f} | "  # type: ignore[arg-type]
                    f"{answer['drifted']} | {', '.join(answer.get('top', []))} |"  # type: ignore[arg-type]
                )
                measured[tool] = (test, whole)
                print(f"[w2c] {rows:,} {tool} done", file=sys.stderr, flush=True)
            ratio = measured["NannyML"][0] / measured["driftscope"][0]
            whole_ratio = measured["NannyML"][1] / measured["driftscope"][1]
            line = (
                f"- {rows:,} a side: driftscope {ratio:.1f}x faster than NannyML (the test, "
                f"with every column's own test besides), {whole_ratio:.1f}x (whole process)"
            )
            if rows == 1_000_000:
                ok = ratio >= 5 and measured["driftscope"][0] < 10
                line += f": {'**pass**' if ok else '**FAIL**'} (targets: under 10 s, 5x)"
            verdicts.append(line)
    text = (
        f"## W2 benchmark, domain classifier — {time.strftime('%Y-%m-%d %H:%M:%S %Z')}\n\n"
        f"Machine: {machine()}.\n\n"
        + "\n".join(lines)
        + "\n\nTargets:\n\n"
        + "\n".join(verdicts)
        + "\n"
    )
    print(text)
    if args.markdown:
        args.markdown.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
