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
        "  driftscope demo --serve              # then the dashboard on http://127.0.0.1:8000/\n"
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
    parser.add_argument(
        "--serve",
        action="store_true",
        help="then serve the monitored days' dashboard on 127.0.0.1 (needs driftscope[service])"
        " and print a login for it",
    )
    parser.add_argument(
        "--port", type=int, default=8000, help="the dashboard's port with --serve (default 8000)"
    )


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Build the scenario, compare its periods, write the files and say what changed."""
    from driftscope.demo import MIN_ROWS, run_demo
    from driftscope.errors import ConfigError

    if args.rows < MIN_ROWS:
        raise ConfigError(f"--rows: expected an integer >= {MIN_ROWS}; got {args.rows}")
    if args.seed < 0:
        raise ConfigError(f"--seed: expected an integer >= 0; got {args.seed}")
    if args.serve and args.no_monitoring:
        raise ConfigError("--serve: the dashboard shows the monitored days; drop --no-monitoring")
    if args.serve:
        from driftscope.cli.serve import check_options, check_port, require_service

        check_options(args.port, 60.0, 64)
        require_service("driftscope demo --serve")
        check_port("127.0.0.1", args.port)
    run_demo(
        Path(args.output_dir),
        rows=args.rows,
        seed=args.seed,
        out=out,
        monitoring=not args.no_monitoring,
    )
    if args.serve:
        _serve(Path(args.output_dir) / "monitoring" / "driftscope.yaml", args.port, out, err)
    return EXIT_OK


DEMO_USER = "demo"


def _serve(config_path: Path, port: int, out: TextIO, err: TextIO) -> None:
    """Serve the demo's monitored project with an account made for the occasion (a new
    password each time, printed once)."""
    import secrets

    from driftscope.cli.serve import serve
    from driftscope.monitor.config import load_config

    config = load_config(config_path)
    password = secrets.token_urlsafe(12)
    _demo_account(config.store, password)
    url = f"http://127.0.0.1:{port}/"
    out.write(f"\nDashboard: {url}\n  username: {DEMO_USER}\n  password: {password}\n")
    out.write("  (Ctrl-C stops it)\n")
    out.flush()
    serve(config, "127.0.0.1", port, 60.0, 64, err, "text")


def _demo_account(store_url: str, password: str) -> None:
    from driftscope.auth import change_password, create_user  # argon2 missing: a ConfigError
    from driftscope.monitor.store import open_store

    store = open_store(store_url)
    try:
        if store.user(DEMO_USER) is None:
            create_user(store, DEMO_USER, password)
        else:
            change_password(store, DEMO_USER, password)
    finally:
        store.close()
