"""``driftscope report``: compare current data with a reference; print, save or gate on it."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TextIO

from driftscope.cli._common import (
    EXIT_CONDITION,
    EXIT_ERROR,
    EXIT_OK,
    ProgressBar,
    add_progress_options,
    check_not_an_input,
    check_output,
)
from driftscope.cli._compare_options import add_compare_options, compare_keywords, input_files
from driftscope.errors import ConfigError

NAME = "report"
HELP = "compare CURRENT with REFERENCE and print, save or gate on the result"
PROGRESS_CELLS = 2_000_000
"""Show progress by default when rows x columns of the larger input reach this."""

EXAMPLES = f"""\
examples:
  driftscope report ref.parquet cur.parquet
  driftscope report ref.csv cur.csv -o report.html --json report.json --fail-on drift
  driftscope report ref.parquet 'logs/2026-11-*.parquet' --method psi --threshold income=0.25
  driftscope report ref.parquet cur.parquet --method age=wasserstein --type zip=categorical
  driftscope report ref.parquet cur.parquet --method ks --method psi     # KS and PSI side by side

exit codes: {EXIT_OK} no --fail-on condition met, {EXIT_CONDITION} a condition met, \
{EXIT_ERROR} bad usage or input.
"""


def configure(parser: argparse.ArgumentParser) -> None:
    """The options of ``driftscope report``, with the library's choices and defaults."""
    from driftscope.result import FAIL_ON

    parser.description = "Compare CURRENT with REFERENCE column by column."
    parser.epilog = EXAMPLES
    parser.add_argument("reference", help="reference data: Parquet/CSV/JSONL file, folder or glob")
    parser.add_argument("current", help="current data, same kinds as the reference")
    parser.add_argument("-o", "--output", metavar="HTML", help="write the HTML report here")
    parser.add_argument("--json", metavar="JSON", help="write the JSON report here ('-': stdout)")
    add_compare_options(parser)
    parser.add_argument(
        "--fail-on",
        choices=FAIL_ON,
        help="exit 1 when the dataset drifted (drift), a data-quality issue was found "
        "(quality), either (any), or the dataset's severity reached warning or major",
    )
    add_progress_options(parser)
    parser.add_argument("-q", "--quiet", action="store_true", help="print no table")


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Compare, write what was asked for, and return 1 when the ``--fail-on`` condition holds."""
    from driftscope.engine.compare import compare
    from driftscope.report.terminal import format_table

    if args.output == "-":
        raise ConfigError("-o/--output: the HTML report needs a file name ('-' is for --json)")
    inputs = [args.reference, args.current, *input_files(args)]
    if args.output is not None:
        check_output(args.output, "-o/--output")
        check_not_an_input(args.output, inputs, "-o/--output")
    if args.json is not None and args.json != "-":
        check_output(args.json, "--json")
        check_not_an_input(args.json, inputs, "--json")
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
        **compare_keywords(args),
        progress=ProgressBar(err) if show_progress else None,
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
