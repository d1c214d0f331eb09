"""``driftscope serve``: the HTTP API of SPEC section 8 for a monitoring project (the
``[service]`` extra: FastAPI and uvicorn)."""

from __future__ import annotations

import argparse
from typing import TextIO

from driftscope.cli._common import EXIT_OK
from driftscope.errors import ConfigError

NAME = "serve"
HELP = "serve a monitoring project's HTTP API (logs in, windows, metrics and alerts out)"
DEFAULT_CONFIG = "driftscope.yaml"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def configure(parser: argparse.ArgumentParser) -> None:
    """The options of ``driftscope serve``."""
    parser.description = (
        "Serve the project's HTTP API: POST inference logs (JSON rows, JSON Lines or Parquet), "
        "GET windows, metrics and alerts. Every endpoint but /healthz needs a token from "
        "`driftscope token create`. API docs at /api/docs."
    )
    parser.epilog = (
        "example:\n"
        "  driftscope token create --name model-a --scope ingest\n"
        "  driftscope serve --port 8000\n"
    )
    parser.add_argument("--config", default=DEFAULT_CONFIG, metavar="FILE")
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"default: {DEFAULT_HOST}")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"default: {DEFAULT_PORT}")
    parser.add_argument(
        "--max-body-mb", type=int, default=64, help="the largest request body (MiB, default 64)"
    )
    parser.add_argument(
        "--every",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="run the monitor this often: windows are computed as they complete (default 60)",
    )


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Load the project, open its store and serve until interrupted."""
    del out
    try:
        import uvicorn

        from driftscope.service.app import create_app
    except ImportError as exc:
        raise ConfigError(
            f"driftscope serve needs the service extra ({exc.name} is missing): "
            "pip install 'driftscope[service]'"
        ) from None
    from driftscope.monitor.config import load_config
    from driftscope.monitor.store import open_store

    if not 0 < args.port < 65536:
        raise ConfigError(f"--port: expected 1 to 65535; got {args.port}")
    if args.every <= 0:
        raise ConfigError(f"--every: expected a positive number of seconds; got {args.every}")
    if args.max_body_mb <= 0:
        raise ConfigError(f"--max-body-mb: expected a positive number; got {args.max_body_mb}")
    config = load_config(args.config)
    store = open_store(config.store)
    try:
        app = create_app([config], store, max_body=args.max_body_mb * 2**20, every=args.every)
        err.write(f"driftscope: serving {config.project} on http://{args.host}:{args.port}\n")
        err.flush()
        uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)
    finally:
        store.close()
    return EXIT_OK
