"""W1 benchmark: per-column drift on 25 columns, driftscope against named peers.

Every contender runs as a whole process (interpreter start, imports, Parquet read, output
written), round-robin so that the machine's noise falls on all of them alike; the table gives
the median wall time, the peak RSS of the child and the ratio to driftscope's time. See
benchmarks/README.md for installing the peers and /work/shared/BENCHMARKS.md (or shared/ beside
the repository) for the workload and its targets.

Usage: python benchmarks/w1.py [--sizes 100000 1000000] [--repeat 3] [--data-dir DIR]
                               [--peers-dir /work/peers] [--generator PATH]
                               [--driftscope-rev HEAD]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq
from _proc import RevCode, Run, Series, driftscope_exe, rev_code, run_process

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PEERS = HERE / "peers"
# The shifts the W1 generator plants in `current`; every other column is drawn alike.
SHIFTED = frozenset({"num_00", "num_04", "num_09", "num_13", "num_17", "cat_5", "cat_200"})
MiB = 1024 * 1024
NOT_INSTALLED = "not installed (see benchmarks/README.md)"


@dataclass(frozen=True, slots=True)
class Contender:
    """One program in the comparison."""

    key: str
    label: str
    # (reference, current, output folder) -> argv
    argv: Callable[[Path, Path, Path], list[str]]
    env: dict[str, str] = field(default_factory=dict)
    # Too slow to repeat at N >= 1M (runs --heavy-repeat times there).
    heavy: bool = False
    unavailable: str | None = None
    # Reads the set of columns the contender called drifted; None when it decides nothing.
    drifted: Callable[[Run, Path], set[str] | None] | None = None


def drifted_from_stdout(run: Run, _out: Path) -> set[str] | None:
    """Peer scripts end with a line 'drifted: a,b,c'."""
    for line in reversed(run.stdout.splitlines()):
        if line.startswith("drifted:"):
            return {c for c in line.removeprefix("drifted:").strip().split(",") if c}
    return None


def drifted_from_report(run: Run, out: Path) -> set[str] | None:
    """Columns marked drifted in driftscope's JSON report (schema_version 1)."""
    try:
        report = json.loads((out / "report.json").read_text(encoding="utf-8"))
        return {c["name"] for c in report["columns"] if c.get("drifted")}
    except (OSError, ValueError, KeyError, TypeError):
        return None


def venv_python(peers_dir: Path, name: str) -> Path | None:
    """The interpreter of a peer's virtual environment, if it exists."""
    python = peers_dir / name / "bin" / "python"
    return python if python.exists() else None


def peer_argv(python: Path | None, script: str) -> Callable[[Path, Path, Path], list[str]]:
    """argv builder for a peer script run by its own venv's interpreter."""

    def argv(ref: Path, cur: Path, out: Path) -> list[str]:
        return [str(python), str(PEERS / script), str(ref), str(cur), str(out / "out.json")]

    return argv


def make_contenders(peers_dir: Path, code: RevCode | None) -> list[Contender]:
    """All contenders in table order; missing ones carry the reason. ``code``: the committed
    revision to run `driftscope report` from as well (None: no such row)."""
    exe = driftscope_exe()
    py = sys.executable
    contenders = [
        Contender(
            "driftscope",
            "driftscope report --json",
            lambda r, c, o: [str(exe), "report", str(r), str(c), "--json", str(o / "report.json")],
            unavailable=None if exe else "driftscope console script not found (pip install -e .)",
            drifted=drifted_from_report,
        ),
    ]
    if code is not None:
        # The same command from a committed revision, while src/ differs from it: "no slower
        # than before" as a ratio measured in the same run.
        contenders.append(
            Contender(
                "driftscope_rev",
                f"driftscope report --json (commit {code.name})",
                lambda r, c, o: code.argv(
                    "report", str(r), str(c), "--json", str(o / "report.json")
                ),
                env=code.env,
                unavailable=code.unavailable,
                drifted=drifted_from_report,
            )
        )
    contenders += [
        Contender(
            "driftscope_html",
            "driftscope report --json -o html",
            lambda r, c, o: [
                *[str(exe), "report", str(r), str(c)],
                *["--json", str(o / "report.json"), "-o", str(o / "report.html")],
            ],
            unavailable=None if exe else "driftscope console script not found (pip install -e .)",
            drifted=drifted_from_report,
        ),
        Contender(
            "floor",
            "floor (read + sort + bincount)",
            lambda r, c, o: [py, str(PEERS / "floor.py"), str(r), str(c)],
        ),
        Contender(
            "scipy_loop",
            "plain scipy loop",
            lambda r, c, o: [py, str(PEERS / "scipy_loop.py"), str(r), str(c), str(o / "out.json")],
            drifted=drifted_from_stdout,
        ),
    ]
    for key, label, venv, script, env, heavy in (
        ("nannyml", "NannyML 0.13 univariate", "nannyml-venv", "nannyml_w1.py",
         {"NML_DISABLE_USAGE_LOGGING": "1"}, False),
        ("evidently", "Evidently 0.7.23 DataDriftPreset", "evidently-venv", "evidently_w1.py",
         {}, True),
    ):  # fmt: skip
        vpy = venv_python(peers_dir, venv)
        contenders.append(
            Contender(
                key,
                label,
                peer_argv(vpy, script),
                env=env,
                heavy=heavy,
                unavailable=None if vpy else NOT_INSTALLED,
                drifted=drifted_from_stdout,
            )
        )
    return contenders


def ensure_data(sizes: list[int], data_dir: Path, generator: Path) -> None:
    """Generate the W1 files that are missing, with the shared generator."""
    missing = [
        n
        for n in sizes
        if not (data_dir / f"reference_{n}.parquet").exists()
        or not (data_dir / f"current_{n}.parquet").exists()
    ]
    if not missing:
        return
    if not generator.exists():
        sys.exit(f"w1: generator {generator} not found; pass --generator PATH")
    data_dir.mkdir(parents=True, exist_ok=True)
    print(f"generating W1 data for {missing} in {data_dir}", file=sys.stderr)
    subprocess.run(
        [sys.executable, str(generator), *map(str, missing)],
        check=True,
        env={**os.environ, "W1_DATA": str(data_dir)},
    )


def table_nbytes(path: Path) -> int:
    """In-memory size of a Parquet file read as a pyarrow Table."""
    return int(pq.ParquetFile(path).read().nbytes)


def rev_note(code: RevCode, med: dict[str, float | None]) -> str:
    """The line under the table that says which commit the driftscope_rev row runs."""
    subject = subprocess.run(
        ["git", "-C", str(REPO), "log", "-1", "--format=%s", code.rev],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    subject = subject if len(subject) <= 100 else subject[:99] + "…"
    commit = f"commit {code.name} (`{code.rev}`" + (f': "{subject}")' if subject else ")")
    if not code.changed:
        return f"driftscope_rev: not run, src/ of the working tree is the same as {commit}."
    shown = ", ".join(f.removeprefix("src/driftscope/") for f in code.changed[:12])
    more = f" and {len(code.changed) - 12} more" if len(code.changed) > 12 else ""
    line = (
        f"driftscope_rev: the same command from {commit}, its src/ exported with `git archive` "
        "and run on PYTHONPATH through the console script's entry point "
        f"(`driftscope.cli:main`); the working tree's src/ differs from it in "
        f"{len(code.changed)} files ({shown}{more})."
    )
    base, rev = med.get("driftscope"), med.get("driftscope_rev")
    if base is not None and rev:
        line += f" Working tree / commit: {base / rev:.2f}x the time."
    return line


@dataclass(slots=True)
class SizeResult:
    """Everything measured at one N."""

    n: int
    series: dict[str, Series]
    out_dirs: dict[str, Path]
    drifted: dict[str, set[str] | None]
    data_bytes: tuple[int, int]


def measure_size(
    n: int, contenders: list[Contender], args: argparse.Namespace, work: Path
) -> SizeResult:
    """Run every available contender at size n, round-robin, and collect the runs."""
    ref = args.data_dir / f"reference_{n}.parquet"
    cur = args.data_dir / f"current_{n}.parquet"
    series = {c.key: Series() for c in contenders}
    out_dirs = {c.key: work / f"{c.key}_{n}" for c in contenders}
    drifted: dict[str, set[str] | None] = {}
    active = [c for c in contenders if c.unavailable is None]
    for c in active:
        out_dirs[c.key].mkdir(parents=True, exist_ok=True)
    rounds = max(args.repeat, 1)
    for i in range(rounds):
        for c in active:
            wanted = args.heavy_repeat if (c.heavy and n >= 1_000_000) else args.repeat
            if i >= wanted or series[c.key].failed is not None:
                continue
            run = run_process(
                c.argv(ref, cur, out_dirs[c.key]), env=c.env, cwd=str(work), timeout=args.timeout
            )
            series[c.key].runs.append(run)
            status = (
                f"{run.seconds:.2f} s ({run.cpu_seconds:.2f} s CPU), {run.peak_bytes / MiB:.0f} MiB"
            )
            if not run.ok:
                status = run.error_line()
            elif c.drifted is not None:
                drifted[c.key] = c.drifted(run, out_dirs[c.key])
            print(f"[N={n}] {c.key} run {i + 1}/{wanted}: {status}", file=sys.stderr)
    return SizeResult(n, series, out_dirs, drifted, (table_nbytes(ref), table_nbytes(cur)))


def fmt_drift(found: set[str] | None) -> str:
    """'7/7 shifted, 1 other' for a set of drifted columns."""
    if found is None:
        return ""
    return f"{len(found & SHIFTED)}/{len(SHIFTED)} shifted, {len(found - SHIFTED)} other"


def verdict(ok: bool) -> str:
    """pass / FAIL."""
    return "pass" if ok else "FAIL"


def render_size(res: SizeResult, contenders: list[Contender], code: RevCode | None) -> str:
    """The markdown block for one N: table, data size, the revision run, targets."""
    med = {k: s.median_seconds() for k, s in res.series.items()}
    base = med.get("driftscope")
    lines = [
        f"### W1, N = {res.n:,} rows per side",
        "",
        "| contender | median s | CPU s | peak MiB | time / driftscope | time / floor | runs "
        "| drift found | note |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for c in contenders:
        s = res.series[c.key]
        if c.unavailable is not None:
            lines.append(f"| {c.label} | — | — | — | — | — | 0 | | {c.unavailable} |")
            continue
        failed = s.failed
        m, cpu, peak = s.median_seconds(), s.median_cpu_seconds(), s.max_peak_bytes()
        ratio = f"{m / base:.2f}x" if (m is not None and base) else "n/a"
        floor = med.get("floor")
        vs_floor = f"{m / floor:.2f}x" if (m is not None and floor) else "n/a"
        note = failed.error_line().replace("|", "/") if failed else ""
        lines.append(
            f"| {c.label} | {f'{m:.2f}' if m is not None else 'failed'} | "
            f"{f'{cpu:.2f}' if cpu is not None else '—'} | "
            f"{f'{peak / MiB:.0f}' if peak is not None else '—'} | {ratio} | {vs_floor} | "
            f"{len(s.runs)} | "
            f"{fmt_drift(res.drifted.get(c.key))} | {note} |"
        )
    ref_b, cur_b = res.data_bytes
    lines.append("")
    data_line = (
        f"Data in memory (pyarrow Table.nbytes): reference {ref_b / MiB:.0f} MiB + current "
        f"{cur_b / MiB:.0f} MiB = {(ref_b + cur_b) / MiB:.0f} MiB"
    )
    ds_peak = res.series["driftscope"].max_peak_bytes()
    if ds_peak is not None:
        data_line += f"; driftscope peak = {ds_peak / (ref_b + cur_b):.2f}x that."
    lines.append(data_line)
    if code is not None and (res.series["driftscope_rev"].runs or not code.changed):
        lines.append(rev_note(code, med))
    html_s = med.get("driftscope_html")
    html_file = res.out_dirs["driftscope_html"] / "report.html"
    html_bytes = html_file.stat().st_size if (html_s is not None and html_file.exists()) else None
    if base is not None and html_s is not None:
        lines.append(
            f"HTML: +{html_s - base:.2f} s over JSON only; file {(html_bytes or 0) / 1e6:.2f} MB."
        )
    lines += ["", "Targets (BENCHMARKS.md):", ""]
    lines += [f"- {t}" for t in targets(res.n, med, base, html_s, html_bytes)]
    return "\n".join(lines)


def targets(
    n: int,
    med: dict[str, float | None],
    base: float | None,
    html_s: float | None,
    html_bytes: int | None,
) -> list[str]:
    """The W1 targets that apply at n, each with its measured value and pass/FAIL."""

    def ratio(key: str) -> float | None:
        m = med.get(key)
        return m / base if (m is not None and base) else None

    out: list[str] = []
    na = "n/a (driftscope or the peer has no time)"
    if n == 1_000_000:
        floor = ratio("floor")
        out.append(
            f"within 2x the floor: {1 / floor:.2f}x the floor — {verdict(1 / floor <= 2)}"
            if floor
            else f"within 2x the floor: {na}"
        )
        loop = ratio("scipy_loop")
        out.append(
            f"at least 3x faster than the plain scipy loop: {loop:.2f}x — {verdict(loop >= 3)}"
            if loop
            else f"at least 3x faster than the plain scipy loop: {na}"
        )
        ev = ratio("evidently")
        out.append(
            f"(about 50x faster than Evidently, for information): {ev:.1f}x"
            if ev
            else f"(about 50x faster than Evidently, for information): {na}"
        )
    if n == 100_000:
        ev = ratio("evidently")
        out.append(
            f"at least 20x faster than Evidently: {ev:.1f}x — {verdict(ev >= 20)}"
            if ev
            else f"at least 20x faster than Evidently: {na}"
        )
    if base is not None and html_s is not None:
        out.append(
            f"HTML adds under 0.5 s: +{html_s - base:.2f} s — {verdict(html_s - base < 0.5)}"
        )
    else:
        out.append(f"HTML adds under 0.5 s: {na}")
    if html_bytes is not None:
        out.append(f"HTML under 1.5 MB: {html_bytes / 1e6:.2f} MB — {verdict(html_bytes < 1.5e6)}")
    else:
        out.append("HTML under 1.5 MB: n/a (no HTML report written)")
    return out


def header(args: argparse.Namespace) -> str:
    """Where and how the numbers were taken."""
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"## W1 benchmark — {time.strftime('%Y-%m-%d %H:%M:%S %Z')}\n\n"
        f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs, "
        f"load average at start {load}. Whole processes, median of {args.repeat} "
        f"(Evidently at N >= 1M: {args.heavy_repeat}), round-robin. "
        "'time / driftscope' is the contender's median over driftscope's (JSON only); "
        f"'drift found' counts the {len(SHIFTED)} planted shifts found and other columns flagged."
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    p.add_argument("--repeat", type=int, default=3, help="runs per contender (median)")
    p.add_argument("--heavy-repeat", type=int, default=1, help="runs of Evidently at N >= 1M")
    p.add_argument("--peers-dir", type=Path, default=Path("/work/peers"))
    p.add_argument("--data-dir", type=Path, default=None, help="default: PEERS_DIR/data")
    p.add_argument(
        "--generator", type=Path, default=REPO.parent / "shared" / "bench" / "w1_data.py"
    )
    p.add_argument("--only", nargs="+", default=None, help="contender keys to run")
    p.add_argument("--skip", nargs="+", default=[], help="contender keys to leave out")
    p.add_argument("--timeout", type=float, default=1800.0, help="seconds per run")
    p.add_argument(
        "--driftscope-rev", default="HEAD",
        help="also run `driftscope report` from this commit while src/ differs from it "
        "(git archive into a temp folder); '' to leave it out",
    )  # fmt: skip
    p.add_argument("--markdown", type=Path, default=None, help="also write the tables here")
    args = p.parse_args(argv)
    if args.data_dir is None:
        args.data_dir = args.peers_dir / "data"
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="w1-") as tmp:
        code = (
            rev_code(args.driftscope_rev, Path(tmp) / "driftscope-rev")
            if args.driftscope_rev
            else None
        )
        contenders = make_contenders(args.peers_dir, code)
        keys = {c.key for c in contenders}
        unknown = set(args.only or []) | set(args.skip)
        if unknown - keys:
            sys.exit(f"w1: unknown contender(s) {sorted(unknown - keys)}; known: {sorted(keys)}")
        chosen = [
            c
            for c in contenders
            if (args.only is None or c.key in args.only) and c.key not in args.skip
        ]
        ensure_data(args.sizes, args.data_dir, args.generator)
        blocks = [header(args)]
        print(blocks[0] + "\n", flush=True)
        for n in args.sizes:
            res = measure_size(n, chosen, args, Path(tmp))
            # Contenders left out by --only/--skip still get a row, marked as such.
            for c in contenders:
                res.series.setdefault(c.key, Series())
                res.out_dirs.setdefault(c.key, Path(tmp) / f"{c.key}_{n}")
            shown = [
                c if c in chosen else Contender(c.key, c.label, c.argv, unavailable="not run")
                for c in contenders
            ]
            block = render_size(res, shown, code)
            blocks.append(block)
            print(block + "\n", flush=True)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    blocks.append(f"Load average at end: {load}.")
    print(blocks[-1], flush=True)
    if args.markdown is not None:
        args.markdown.write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
