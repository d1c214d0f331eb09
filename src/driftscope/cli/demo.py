"""``driftscope demo``: build a scenario with drift (credit scoring, or a sentiment model's
reviews) and report on it."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from driftscope.cli._common import EXIT_OK

NAME = "demo"
HELP = "build a scenario with drift (credit scoring or product reviews) and report on it"


def configure(parser: argparse.ArgumentParser) -> None:
    """The options of ``driftscope demo``, with the scenario's defaults."""
    from driftscope.demo import DEFAULT_OUTPUT_DIR, DEFAULT_ROWS, DEFAULT_SEED, SCENARIOS
    from driftscope.demo.sentiment import DEFAULT_OUTPUT_DIR as SENTIMENT_DIR
    from driftscope.demo.sentiment import DEFAULT_ROWS as SENTIMENT_ROWS

    parser.description = (
        "Generate a realistic reference and production period (no network needed), compare "
        "them, and write report.html and report.json. The credit scenario (the default) then "
        "monitors 60 days of its traffic day by day (driftscope monitor run) and prints what "
        "was found when; the sentiment scenario's reviews change vocabulary and style, and it "
        "prints which words and text descriptors moved."
    )
    parser.epilog = (
        "example:\n"
        f"  driftscope demo                     # writes ./{DEFAULT_OUTPUT_DIR}/report.html "
        "and report.json\n"
        "  driftscope demo --output-dir /tmp/demo --rows 50000\n"
        "  driftscope demo --serve              # then the dashboard on http://127.0.0.1:8000/\n"
        "  driftscope demo --scenario sentiment # product reviews: new words, emoji, Spanish\n"
    )
    parser.add_argument(
        "--scenario",
        choices=SCENARIOS,
        default=SCENARIOS[0],
        help=f"which scenario: {', '.join(SCENARIOS)} (default {SCENARIOS[0]})",
    )
    parser.add_argument(
        "--output-dir",
        default=None,
        help=f"where to write the files (default ./{DEFAULT_OUTPUT_DIR}; ./{SENTIMENT_DIR} "
        "with --scenario sentiment)",
    )
    parser.add_argument(
        "--rows",
        type=int,
        default=None,
        help=f"rows per period (default {DEFAULT_ROWS}); reviews per period with --scenario "
        f"sentiment (default {SENTIMENT_ROWS})",
    )
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})"
    )
    parser.add_argument(
        "--no-monitoring",
        action="store_true",
        help="skip the 60 days of monitored traffic (the batch report only; the sentiment "
        "scenario has none)",
    )
    parser.add_argument(
        "--serve",
        action="store_true",
        help="then serve the monitored days' dashboard on 127.0.0.1 (needs driftscope[service])"
        " and print a login for it (credit scenario only)",
    )
    parser.add_argument(
        "--port", type=int, default=8000, help="the dashboard's port with --serve (default 8000)"
    )


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Build the scenario, compare its periods, write the files and say what changed."""
    from driftscope.demo import DEFAULT_OUTPUT_DIR, DEFAULT_ROWS, MIN_ROWS, run_demo
    from driftscope.errors import ConfigError

    sentiment = args.scenario == "sentiment"
    if args.rows is not None and args.rows < MIN_ROWS:
        raise ConfigError(f"--rows: expected an integer >= {MIN_ROWS}; got {args.rows}")
    if args.seed < 0:
        raise ConfigError(f"--seed: expected an integer >= 0; got {args.seed}")
    if args.serve and sentiment:
        raise ConfigError(
            "--serve: the sentiment scenario has no monitored days to serve yet; drop --serve "
            "(or use --scenario credit)"
        )
    if args.serve and args.no_monitoring:
        raise ConfigError("--serve: the dashboard shows the monitored days; drop --no-monitoring")
    if sentiment:
        from driftscope.demo import sentiment

        folder = Path(args.output_dir or sentiment.DEFAULT_OUTPUT_DIR)  # "" is no folder
        rows = sentiment.DEFAULT_ROWS if args.rows is None else args.rows
        sentiment.run_sentiment_demo(folder, rows=rows, seed=args.seed, out=out)
        return EXIT_OK
    folder = Path(args.output_dir or DEFAULT_OUTPUT_DIR)
    if args.serve:
        from driftscope.cli.serve import check_options, check_port, require_service

        check_options(args.port, 60.0, 64)
        require_service("driftscope demo --serve")
        check_port("127.0.0.1", args.port)
    run_demo(
        folder,
        rows=DEFAULT_ROWS if args.rows is None else args.rows,
        seed=args.seed,
        out=out,
        monitoring=not args.no_monitoring,
    )
    if args.serve:
        _serve(folder / "monitoring" / "driftscope.yaml", args.port, out, err)
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
