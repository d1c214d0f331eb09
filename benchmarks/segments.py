"""The segment search at 1,000,000 rows x 30 columns per side: is an injected localized drift
the top segment, does clean data give none, is an error concentration in a pair slice found,
and how long does it take?

The data (seeded numpy, written to Parquet in a temporary folder and read back) hold 15
numeric and 15 string columns. `region` has a value `north` on 4% of the rows; in the
injected current side, `amount`, `age` and `score` shift by one standard deviation and
`channel` changes its mix inside `north` only. The clean current side is a fresh draw of the
reference's distribution. The error case gives both sides 0/1 errors at a 10% base rate, and
the current side 45% errors inside `device = 'android' and plan = 'basic'` (about 2% of rows).

`find_segments` is timed in-process on the tables read back; then, when `driftscope report`
has a `--segments` flag, the whole process `driftscope report REF CUR --segments --json OUT`
(its top segment in the JSON must be the injected one), the same without `--segments`, and
`driftscope report REF CLEAN --segments --json OUT` (no segment expected).
No peer library with a segment search is installed here (Evidently and NannyML have none), so
there is no peer column.

    python benchmarks/segments.py [--rows 1000000] [--markdown FILE]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _proc import driftscope_exe, run_process

from driftscope._types import ColumnType
from driftscope.io._numpy import from_numpy
from driftscope.performance.segments import find_segments

N_NUMERIC = 15
N_CATEGORICAL = 15
SLICE = {"region": "north"}
PAIR = {"device": "android", "plan": "basic"}


def _strings(codes: np.ndarray, names: list[str]) -> pa.Array:
    dictionary = pa.array(names)
    return pa.DictionaryArray.from_arrays(from_numpy(codes.astype(np.int32)), dictionary).cast(
        pa.string()
    )


def make_side(n: int, seed: int, *, inject: bool) -> tuple[pa.Table, np.ndarray, np.ndarray]:
    """One side: the table, whether each row is in the injected slice, in the error pair."""
    rng = np.random.default_rng(seed)
    columns: dict[str, pa.Array] = {}
    region = rng.choice(5, n, p=[0.04, 0.30, 0.26, 0.22, 0.18])
    columns["region"] = _strings(region, ["north", "south", "east", "west", "central"])
    device = rng.choice(3, n, p=[0.2, 0.5, 0.3])
    columns["device"] = _strings(device, ["android", "ios", "web"])
    plan = rng.choice(4, n, p=[0.1, 0.4, 0.3, 0.2])
    columns["plan"] = _strings(plan, ["basic", "plus", "pro", "team"])
    north = region == 0
    channel_p = np.array([0.4, 0.3, 0.2, 0.1])
    channel = rng.choice(4, n, p=channel_p)
    if inject:
        channel[north] = rng.choice(4, int(north.sum()), p=channel_p[::-1])
    columns["channel"] = _strings(channel, ["web", "store", "partner", "phone"])
    for j in range(N_CATEGORICAL - 4):
        k = 3 + j % 8
        p = rng.dirichlet(np.ones(k) * 3) if j else np.full(k, 1 / k)
        columns[f"cat_{j}"] = _strings(rng.choice(k, n, p=p), [f"c{i}" for i in range(k)])
    for j, name in enumerate(["amount", "age", "score"]):
        x = rng.normal(10 * j, 1 + j, n)
        if inject:
            x[north] += 1 + j
        columns[name] = from_numpy(x)
    for j in range(N_NUMERIC - 3):
        x = rng.gamma(2.0, 1.0, n) if j % 2 else rng.normal(0, 1, n)
        if j % 5 == 0:
            x[rng.random(n) < 0.02] = np.nan
        columns[f"num_{j}"] = from_numpy(x)
    table = pa.table(columns)
    pair = (device == 0) & (plan == 0)
    return table, north, pair


def _types(table: pa.Table) -> dict[str, ColumnType]:
    return {
        name: ColumnType.NUMERIC if pa.types.is_floating(t) else ColumnType.CATEGORICAL
        for name, t in zip(table.column_names, table.schema.types, strict=True)
    }


def _errors(pair: np.ndarray, seed: int, *, concentrated: bool) -> np.ndarray:
    rng = np.random.default_rng(seed)
    rate = np.where(pair, 0.45, 0.10) if concentrated else np.full(pair.size, 0.10)
    return (rng.random(pair.size) < rate).astype(np.float64)


def _timed(*args: object, **kwargs: object) -> tuple[tuple[float, float], tuple]:  # type: ignore[type-arg]
    """Best of three wall times (the machine is shared) and the CPU time of that run."""
    best = (float("inf"), 0.0)
    for _ in range(3):
        start, cpu = time.perf_counter(), time.process_time()
        found = find_segments(*args, **kwargs)  # type: ignore[arg-type]
        took = (time.perf_counter() - start, time.process_time() - cpu)
        best = min(best, took)
    return best, found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--markdown", type=Path, default=None)
    args = parser.parse_args()
    n = args.rows
    lines = [f"# Segment search, {n:,} rows x 30 columns per side\n"]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        made = {
            "reference": make_side(n, 1, inject=False),
            "current": make_side(n, 2, inject=True),
            "clean": make_side(n, 3, inject=False),
        }
        for name, (table, _, _) in made.items():
            pq.write_table(table, folder / f"{name}.parquet")
        read = {name: pq.read_table(folder / f"{name}.parquet") for name in made}
        types = _types(read["reference"])
        rows = [
            "| case | wall s (best of 3) | CPU s | segments | top segment | expected on top |",
            "|---|---:|---:|---:|---|---|",
        ]
        seconds, found = _timed(read["reference"], read["current"], types)
        top = found[0] if found else None
        ok = top is not None and dict(top.filters) == SLICE and top.kind == "drift"
        rows.append(_row("injected drift", seconds, found, ok))
        seconds, found = _timed(read["reference"], read["clean"], types)
        rows.append(_row("clean", seconds, found, not found))
        ref_errors = _errors(made["reference"][2], 4, concentrated=False)
        cur_errors = _errors(made["clean"][2], 5, concentrated=True)
        seconds, found = _timed(
            read["reference"], read["clean"], types, errors=(ref_errors, cur_errors)
        )
        top = found[0] if found else None
        ok = top is not None and dict(top.filters) == PAIR and top.kind == "error"
        rows.append(_row("errors in a pair", seconds, found, ok))
        lines += rows
        lines += ["", "Messages of the top segments:", ""]
        for case, (cur, errs) in {
            "injected drift": ("current", (None, None)),
            "errors in a pair": ("clean", (ref_errors, cur_errors)),
        }.items():
            found = find_segments(read["reference"], read[cur], types, errors=errs)
            lines += [
                f"- {case}: {s.message} (score {s.score:.4f}, p {s.p_value:.1e})" for s in found[:3]
            ]
        lines += ["", _whole_process(folder)]
    text = "\n".join(lines)
    print(text)
    if args.markdown:
        args.markdown.write_text(text + "\n")
    return 0


def _row(case: str, seconds: tuple[float, float], found: tuple, ok: bool) -> str:  # type: ignore[type-arg]
    top = found[0].message if found else "(none)"
    wall, cpu = seconds
    return f"| {case} | {wall:.2f} | {cpu:.2f} | {len(found)} | {top} | {'yes' if ok else 'NO'} |"


def _whole_process(folder: Path) -> str:
    """The whole `driftscope report` process with and without `--segments` (median of 3)."""
    exe = driftscope_exe()
    if exe is None:
        return "The `driftscope` console script is not installed: the whole process is not timed."
    helped = subprocess.run([exe, "report", "--help"], capture_output=True, text=True, check=False)
    if "--segments" not in helped.stdout:
        return (
            "`driftscope report` has no `--segments` flag yet: the whole process "
            "(`driftscope report REF CUR --segments --json out.json`) is not timed."
        )
    lines = [
        "| whole process | wall s (median of 3) | CPU s | peak MiB | segments in the JSON | "
        "top segment | as expected |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    for current, flags in (("current", ["--segments"]), ("current", []), ("clean", ["--segments"])):
        ref, cur = folder / "reference.parquet", folder / f"{current}.parquet"
        out = folder / "out.json"
        argv = [exe, "report", str(ref), str(cur), *flags, "--json", str(out)]
        runs = [run_process(argv) for _ in range(3)]
        failed = next((r for r in runs if not r.ok), None)
        side = "CUR" if current == "current" else "CLEAN"
        command = f"`driftscope report REF {side} {' '.join(flags)} --json out.json`".replace(
            "  ", " "
        )
        if failed is not None:
            lines.append(f"| {command} | failed: {failed.error_line()} | | | | | |")
            continue
        runs.sort(key=lambda r: r.seconds)
        mid = runs[1]
        segments = json.loads(out.read_text()).get("segments")
        top = segments[0] if segments else None
        if not flags:
            ok = segments is None
        elif current == "clean":
            ok = not segments
        else:
            ok = top is not None and top["filters"] == SLICE and top["kind"] == "drift"
        lines.append(
            f"| {command} | {mid.seconds:.1f} | {mid.cpu_seconds:.1f} | "
            f"{mid.peak_bytes / 2**20:,.0f} | {len(segments or [])} | "
            f"{top['message'] if top else '(none)'} | {'yes' if ok else 'NO'} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
