"""``driftscope demo``: build a credit-scoring scenario with drift and report on it."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from driftscope.cli._common import EXIT_OK

NAME = "demo"
HELP = "build a credit-scoring scenario with drift and report on it"


def configure(parser: argparse.ArgumentParser) -> None:
    """The options of ``driftscope demo``, with the scenario's defaults."""
    from driftscope.demo import DEFAULT_OUTPUT_DIR, DEFAULT_ROWS, DEFAULT_SEED

    parser.description = (
        "Generate a realistic credit-scoring reference and production period (no network "
        "needed), compare them, and write report.html and report.json; then monitor 60 days "
        "of its traffic day by day (driftscope monitor run) and print what was found when."
    )
    parser.epilog = (
        "example:\n"
        f"  driftscope demo                     # writes ./{DEFAULT_OUTPUT_DIR}/report.html "
        "and report.json\n"
        "  driftscope demo --output-dir /tmp/demo --rows 50000\n"
    )
    parser.add_argument("--output-dir", default=DEFAULT_OUTPUT_DIR, help="where to write the files")
    parser.add_argument(
        "--rows", type=int, default=DEFAULT_ROWS, help=f"rows per period (default {DEFAULT_ROWS})"
    )
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})"
    )
    parser.add_argument(
        "--no-monitoring",
        action="store_true",
        help="skip the 60 days of monitored traffic (the batch report only)",
    )


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Build the scenario, compare its periods, write the files and say what changed."""
    from driftscope.demo import MIN_ROWS, run_demo
    from driftscope.errors import ConfigError

    if args.rows < MIN_ROWS:
        raise ConfigError(f"--rows: expected an integer >= {MIN_ROWS}; got {args.rows}")
    if args.seed < 0:
        raise ConfigError(f"--seed: expected an integer >= 0; got {args.seed}")
    run_demo(
        Path(args.output_dir),
        rows=args.rows,
        seed=args.seed,
        out=out,
        monitoring=not args.no_monitoring,
    )
    return EXIT_OK
