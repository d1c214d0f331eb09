"""The ``driftscope`` command line: ``report`` (the CI/CD gate) and ``demo``.

Exit codes: 0 ran and no ``--fail-on`` condition met; 1 ran and a condition was met; 2 bad usage
or unusable input (one line on stderr, no traceback unless ``--debug``).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from driftscope._version import __version__
from driftscope.errors import ConfigError, DriftscopeError, InputError

EXIT_OK = 0
EXIT_CONDITION = 1
EXIT_ERROR = 2
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a writer killed by it
PROGRESS_CELLS = 2_000_000
"""Show progress by default when rows x columns of the larger input reach this."""

REPORT_EXAMPLE = """\
examples:
  driftscope report ref.parquet cur.parquet
  driftscope report ref.csv cur.csv -o report.html --json report.json --fail-on drift
  driftscope report ref.parquet 'logs/2026-11-*.parquet' --method psi --threshold income=0.25
  driftscope report ref.parquet cur.parquet --method age=wasserstein --type zip=categorical

exit codes: 0 no --fail-on condition met, 1 a condition met, 2 bad usage or input.
"""

PROFILE_EXAMPLE = """\
examples:
  driftscope profile reference.parquet -o reference.dsprof
  driftscope profile today.parquet --bins reference.dsprof -o today.dsprof
  driftscope profile 'logs/2026-11-*.parquet' -o month.dsprof
  driftscope report reference.dsprof current.parquet --json drift.json

Inputs are read in chunks (Parquet row groups, CSV blocks), so memory stays bounded.
"""

DEMO_EXAMPLE = """\
example:
  driftscope demo                     # writes ./driftscope-demo/report.html and report.json
  driftscope demo --output-dir /tmp/demo --rows 50000
"""


def _pairs(values: Sequence[str], option: str) -> tuple[str | None, dict[str, str]]:
    """Split ``[VALUE | COLUMN=VALUE ...]`` into a global value and per-column values."""
    glob: str | None = None
    per: dict[str, str] = {}
    for raw in values:
        if "=" in raw:
            col, _, val = raw.rpartition("=")
            if not col or not val:
                raise ConfigError(f"{option}: expected COLUMN=VALUE; got {raw!r}")
            per[col] = val
        elif glob is not None:
            raise ConfigError(f"{option}: give one global value at most; got {glob!r} and {raw!r}")
        else:
            glob = raw
    return glob, per


def _float(text: str, option: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ConfigError(f"{option}: expected a number; got {text!r}") from None


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="driftscope",
        description="Detect drift between a reference dataset and current (production) data.",
    )
    parser.add_argument("--version", action="version", version=f"driftscope {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    rep = sub.add_parser(
        "report",
        help="compare CURRENT with REFERENCE and print, save or gate on the result",
        description="Compare CURRENT with REFERENCE column by column.",
        epilog=REPORT_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    rep.add_argument("reference", help="reference data: Parquet/CSV/JSONL file, folder or glob")
    rep.add_argument("current", help="current data, same kinds as the reference")
    rep.add_argument("-o", "--output", metavar="HTML", help="write the HTML report here")
    rep.add_argument("--json", metavar="JSON", help="write the JSON report here ('-': stdout)")
    rep.add_argument(
        "--method",
        action="append",
        default=[],
        metavar="[COLUMN=]METHOD",
        help="method for every column it applies to, or for one column (repeatable)",
    )
    rep.add_argument(
        "--threshold",
        action="append",
        default=[],
        metavar="[COLUMN=]VALUE",
        help="threshold (alpha for tests) for every column, or for one column (repeatable)",
    )
    rep.add_argument(
        "--correction",
        choices=("bh", "holm", "bonferroni", "none"),
        default="bh",
        help="multiple-testing correction of the p-values over all tested columns "
        "(default bh: Benjamini-Hochberg)",
    )
    rep.add_argument(
        "--min-effect",
        action="append",
        default=[],
        metavar="[COLUMN=]VALUE",
        help="minimum effect size for a test to count as drift: KS distance (numeric), "
        "Cramér's V (categorical); default 0.03; for every column or one (repeatable)",
    )
    rep.add_argument(
        "--tiers",
        action="append",
        default=[],
        metavar="COLUMN=WARNING,MAJOR",
        help="effect sizes at which a column's severity becomes warning and major "
        "(repeatable; defaults: see the README)",
    )
    rep.add_argument(
        "--importance",
        action="append",
        default=[],
        metavar="COLUMN=VALUE|FILE.json",
        help="feature importances (repeatable), or a JSON file mapping column to importance; "
        "the dataset verdict then weighs drift by importance",
    )
    rep.add_argument(
        "--no-calibrate",
        dest="calibrate",
        action="store_false",
        help="use fixed distance thresholds instead of calibrating them on the reference",
    )
    rep.add_argument(
        "--false-alarm-rate",
        type=float,
        default=0.05,
        metavar="RATE",
        help="target false-alarm rate of calibrated distance thresholds (default 0.05)",
    )
    rep.add_argument(
        "--calibration-cache",
        metavar="DIR",
        help="folder that keeps calibrated thresholds between runs on the same reference",
    )
    rep.add_argument("--target", metavar="COL", help="the target (label) column")
    rep.add_argument(
        "--prediction",
        action="append",
        default=[],
        metavar="COL",
        help="a model output column (repeatable)",
    )
    rep.add_argument(
        "--probability",
        action="append",
        default=[],
        metavar="[CLASS=]COL",
        help="a predicted-probability column (repeatable); tested for drift like --prediction",
    )
    rep.add_argument("--columns", metavar="COL,COL", help="only these columns")
    rep.add_argument(
        "--type",
        action="append",
        default=[],
        metavar="COLUMN=TYPE",
        help="override a column's type (numeric, categorical, boolean, datetime, text) "
        "or role (id, ignored, timestamp)",
    )
    rep.add_argument(
        "--fail-on",
        choices=("drift", "quality", "any", "warning", "major"),
        help="exit 1 when the dataset drifted (drift), a data-quality issue was found "
        "(quality), either (any), or the dataset's severity reached warning or major",
    )
    rep.add_argument(
        "--share-threshold",
        type=float,
        default=None,
        metavar="SHARE",
        help="dataset drifts when this share of tested features drifts (default 0.5)",
    )
    rep.add_argument("--inf-as-missing", action="store_true", help="treat +/-inf as missing")
    rep.add_argument("--encoding", default="utf-8", help="text encoding of CSV/JSONL inputs")
    prog = rep.add_mutually_exclusive_group()
    prog.add_argument("--progress", dest="progress", action="store_true", default=None)
    prog.add_argument("--no-progress", dest="progress", action="store_false")
    rep.add_argument("-q", "--quiet", action="store_true", help="print no table")
    rep.add_argument("--debug", action="store_true", help="show tracebacks")

    prof = sub.add_parser(
        "profile",
        help="summarise datasets into one mergeable profile (.dsprof)",
        description="Profile the data inputs as one dataset (and merge in any .dsprof given) "
        "into one profile: per column counts, moments, min/max, a quantile sketch and a "
        "histogram on the reference's bins, or category counts.",
        epilog=PROFILE_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    prof.add_argument(
        "data", nargs="+", help="Parquet/CSV/JSONL files, folders or globs, or .dsprof profiles"
    )
    prof.add_argument("-o", "--output", required=True, help="the .dsprof file to write")
    prof.add_argument(
        "--type",
        action="append",
        default=[],
        metavar="COLUMN=TYPE",
        help="override a column's type, or leave it out with 'ignored'",
    )
    prof.add_argument(
        "--bins",
        metavar="REFERENCE.dsprof",
        help="count numeric columns on this reference profile's bins (for current data)",
    )
    prof.add_argument(
        "--n-bins", type=int, default=10, help="quantile bins of a reference (default 10)"
    )
    prof.add_argument(
        "--k", type=int, default=1000, help="quantile sketch accuracy, 8-65535 (default 1000)"
    )
    prof.add_argument("--encoding", default="utf-8", help="text encoding of CSV inputs")
    prof.add_argument(
        "--jobs",
        type=int,
        default=None,
        help="worker processes for Parquet row groups (default: CPUs, at most 4, from 2M rows)",
    )
    pprog = prof.add_mutually_exclusive_group()
    pprog.add_argument(
        "--progress",
        dest="progress",
        action="store_true",
        default=None,
        help="show a progress bar by rows (default: when stderr is a terminal)",
    )
    pprog.add_argument("--no-progress", dest="progress", action="store_false")
    prof.add_argument("--debug", action="store_true", help="show tracebacks")

    demo = sub.add_parser(
        "demo",
        help="build a credit-scoring scenario with drift and report on it",
        description="Generate a realistic credit-scoring reference and production period "
        "(no network needed), compare them, and write report.html and report.json.",
        epilog=DEMO_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    demo.add_argument("--output-dir", default="driftscope-demo", help="where to write the files")
    demo.add_argument("--rows", type=int, default=20_000, help="rows per period (default 20000)")
    demo.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    demo.add_argument("--debug", action="store_true", help="show tracebacks")
    return parser


class _ProgressPrinter:
    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def __call__(self, done: int, total: int, name: str) -> None:
        width = 24
        filled = width * done // total
        bar = "#" * filled + "-" * (width - filled)
        end = "\n" if done == total else ""
        self.stream.write(f"\r[{bar}] {done}/{total} {name[:40]:<40}{end}")
        self.stream.flush()


class _RowProgress:
    """A one-line progress bar by rows on a stream (rows only when the total is unknown)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def __call__(self, done: int, total: int | None, stage: str) -> None:
        if total:
            width = 24
            filled = width * min(done, total) // total
            bar = "#" * filled + "-" * (width - filled)
            line = f"[{bar}] {done:,}/{total:,} rows ({stage})"
        else:
            line = f"{done:,} rows ({stage})"
        end = "\n" if total and done >= total else ""
        self.stream.write(f"\r{line}{end}")
        self.stream.flush()


def _estimate_cells(path: str) -> int:
    """Rows x columns of a Parquet input from its footer; 0 when not cheaply known."""
    if not path.endswith((".parquet", ".pq")) or not Path(path).is_file():
        return 0
    try:
        import pyarrow.parquet as pq

        meta = pq.ParquetFile(path).metadata
        return int(meta.num_rows) * int(meta.num_columns)
    except Exception:  # the reader will report a broken file properly
        return 0


def _numbers(entries: list[str], flag: str) -> float | dict[str, float] | None:
    """One global VALUE, or COLUMN=VALUE entries, of a repeatable numeric option."""
    global_value, per_column = _pairs(entries, flag)
    if per_column:
        if global_value is not None:
            raise ConfigError(f"{flag}: use either one global VALUE or COLUMN=VALUE entries")
        return {column: _float(value, flag) for column, value in per_column.items()}
    return None if global_value is None else _float(global_value, flag)


def _tiers(entries: list[str]) -> dict[str, tuple[float, float]] | None:
    """``--tiers COLUMN=WARNING,MAJOR`` entries."""
    global_value, per_column = _pairs(entries, "--tiers")
    if global_value is not None:
        raise ConfigError(f"--tiers: expected COLUMN=WARNING,MAJOR; got {global_value!r}")
    tiers = {}
    for column, text in per_column.items():
        parts = text.split(",")
        if len(parts) != 2:
            raise ConfigError(f"--tiers: expected COLUMN=WARNING,MAJOR; got {column}={text}")
        tiers[column] = (_float(parts[0], "--tiers"), _float(parts[1], "--tiers"))
    return tiers or None


def _importance(entries: list[str]) -> dict[str, float] | None:
    """``--importance COLUMN=VALUE`` entries, or one JSON file of ``{column: importance}``."""
    path, per_column = _pairs(entries, "--importance")
    if path is None:
        return {c: _float(v, "--importance") for c, v in per_column.items()} or None
    if per_column:
        raise ConfigError("--importance: use either a JSON file or COLUMN=VALUE entries")
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{path}: cannot read importances ({exc.strerror or exc})") from None
    except ValueError as exc:
        raise InputError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(data, dict) or not all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in data.values()
    ):
        raise InputError(f"{path}: expected a JSON object mapping column names to numbers")
    return {str(k): float(v) for k, v in data.items()}


def _run_report(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from driftscope.engine.compare import compare
    from driftscope.report.terminal import format_table

    global_method, column_methods = _pairs(args.method, "--method")
    methods: str | dict[str, str] | None = column_methods or global_method
    if global_method and column_methods:
        raise ConfigError("--method: use either one global METHOD or COLUMN=METHOD entries")
    thresholds = _numbers(args.threshold, "--threshold")
    min_effect = _numbers(args.min_effect, "--min-effect")
    tiers = _tiers(args.tiers)
    importance = _importance(args.importance)
    _, types = _pairs(args.type, "--type")
    predictions = list(args.prediction) + [p.rpartition("=")[2] for p in args.probability]
    columns = [c.strip() for c in args.columns.split(",") if c.strip()] if args.columns else None

    show_progress = args.progress
    if show_progress is None:
        cells = max(_estimate_cells(args.reference), _estimate_cells(args.current))
        show_progress = err.isatty() and cells >= PROGRESS_CELLS
    if show_progress:
        err.write("driftscope: reading data...\n")
        err.flush()
    report = compare(
        args.reference,
        args.current,
        schema=types or None,
        methods=methods,
        thresholds=thresholds,
        target=args.target,
        prediction=predictions or None,
        columns=columns,
        share_threshold=0.5 if args.share_threshold is None else args.share_threshold,
        correction=args.correction,
        min_effect=min_effect,
        tiers=tiers,
        importance=importance,
        calibrate=args.calibrate,
        false_alarm_rate=args.false_alarm_rate,
        calibration_cache=args.calibration_cache,
        inf_as_missing=args.inf_as_missing,
        encoding=args.encoding,
        progress=_ProgressPrinter(err) if show_progress else None,
    )
    if args.json == "-":
        out.write(report.to_json() + "\n")
    elif args.json:
        report.save_json(args.json)
    if args.output:
        report.save_html(args.output)
    if not args.quiet and args.json != "-":
        color = out.isatty() and "NO_COLOR" not in os.environ
        out.write(format_table(report, color=color) + "\n")
        for label, path in (("HTML", args.output), ("JSON", args.json)):
            if path:
                out.write(f"{label} report: {path}\n")
    return EXIT_CONDITION if args.fail_on and report.fails(args.fail_on) else EXIT_OK


def _run_profile(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from driftscope.profiling import Profile
    from driftscope.profiling.files import is_profile_path, read_profile, write_profile
    from driftscope.profiling.stream import profile_files

    _, types = _pairs(args.type, "--type")
    bins = read_profile(args.bins) if args.bins else None
    merged = Profile.empty()
    raw = [source for source in args.data if not is_profile_path(source)]
    if raw:
        show = err.isatty() if args.progress is None else args.progress
        # Every raw input is one dataset, streamed in chunks: their histograms share edges.
        merged = profile_files(
            raw,
            schema=types or None,
            k=args.k,
            n_bins=args.n_bins,
            bins=bins,
            encoding=args.encoding,
            progress=_RowProgress(err) if show else None,
            n_jobs="auto" if args.jobs is None else args.jobs,
        )
    stored = (read_profile(source) for source in args.data if is_profile_path(source))
    merged = Profile.merge_all(itertools.chain([merged], stored))  # one file at a time
    path = write_profile(merged, args.output)
    out.write(
        f"profiled {merged.n_rows:,} rows, {len(merged)} columns from {len(args.data)} "
        f"input(s): {path} ({path.stat().st_size:,} bytes)\n"
    )
    return EXIT_OK


def _run_demo(args: argparse.Namespace, out: TextIO) -> int:
    from driftscope.demo import run_demo

    run_demo(Path(args.output_dir), rows=args.rows, seed=args.seed, out=out)
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``driftscope`` console script; returns the exit code."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    try:
        if args.command == "report":
            return _run_report(args, sys.stdout, sys.stderr)
        if args.command == "profile":
            return _run_profile(args, sys.stdout, sys.stderr)
        return _run_demo(args, sys.stdout)
    except DriftscopeError as exc:
        if args.debug:
            traceback.print_exc()
        sys.stderr.write(f"driftscope: error: {exc}\n")
        return EXIT_ERROR
    except KeyboardInterrupt:
        sys.stderr.write("driftscope: interrupted\n")
        return 130
    except BrokenPipeError:
        # The reader went away (`driftscope report ... | head`): stop quietly, as Unix tools do,
        # and keep the interpreter's final flush from failing on the closed pipe again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except Exception as exc:  # a bug of ours: say so in one line, details on request
        if args.debug:
            traceback.print_exc()
        sys.stderr.write(
            f"driftscope: internal error: {type(exc).__name__}: {exc} "
            "(please report it; --debug shows the traceback)\n"
        )
        return EXIT_ERROR


if __name__ == "__main__":
    raise SystemExit(main())
