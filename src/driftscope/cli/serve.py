"""``driftscope serve``: the HTTP API of SPEC section 8 for a monitoring project (the
``[service]`` extra: FastAPI and uvicorn)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from driftscope.cli._common import EXIT_OK
from driftscope.errors import ConfigError

if TYPE_CHECKING:
    from driftscope.monitor._config_models import MonitorConfig
    from driftscope.service.logs import LogFormat

NAME = "serve"
HELP = "serve a monitoring project's HTTP API (logs in, windows, metrics and alerts out)"
DEFAULT_CONFIG = "driftscope.yaml"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def configure(parser: argparse.ArgumentParser) -> None:
    """The options of ``driftscope serve``."""
    parser.description = (
        "Serve the project's HTTP API (POST inference logs and late labels as JSON rows, JSON "
        "Lines or Parquet; GET windows, metrics and alerts), its dashboard and the scheduler "
        "that computes windows as they complete. API calls need a token from `driftscope "
        "token create`; the dashboard an account from `driftscope user create`. API docs at "
        "/api/docs."
    )
    parser.epilog = (
        "example:\n"
        "  driftscope token create --name model-a --scope ingest\n"
        "  driftscope user create --name ada\n"
        "  driftscope serve --port 8000           # dashboard at http://127.0.0.1:8000/\n"
        "  driftscope serve --config fraud.yaml --config churn.yaml   # two projects, one store\n"
        "  driftscope serve --ingest-dir /var/lib/driftscope/bodies    # large bodies in files\n"
    )
    parser.add_argument(
        "--config",
        action="append",
        metavar="FILE",
        help=f"a project's config (default {DEFAULT_CONFIG}); repeat it to serve several "
        "projects that share one store",
    )
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"default: {DEFAULT_HOST}")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"default: {DEFAULT_PORT}")
    parser.add_argument(
        "--max-body-mb", type=int, default=64, help="the largest request body (MiB, default 64)"
    )
    parser.add_argument(
        "--ingest-dir",
        metavar="DIR",
        help="keep posted bodies of 1 MiB or more as synced, append-only files in DIR (the "
        "store keeps where they are) instead of in the store: the database writes them once "
        "less. Whoever reads the store must read DIR at the same path; back it up with it",
    )
    parser.add_argument(
        "--log-format",
        choices=("json", "text"),
        default="json",
        help="stderr logs: one JSON object per line (default) or plain text",
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
    from driftscope.monitor.config import load_config

    check_options(args.port, args.every, args.max_body_mb)
    require_service()
    check_port(args.host, args.port)
    configs = [load_config(path) for path in args.config or [DEFAULT_CONFIG]]
    check_together(configs, args.config or [DEFAULT_CONFIG])
    serve(
        configs,
        args.host,
        args.port,
        args.every,
        args.max_body_mb,
        err,
        args.log_format,
        ingest_dir=args.ingest_dir,
    )
    return EXIT_OK


def check_together(configs: Sequence[MonitorConfig], paths: Sequence[str]) -> None:
    """A ConfigError naming the file when projects served together do not share one store or
    two share a name."""
    first = configs[0]
    names: dict[str, str] = {}
    for config, path in zip(configs, paths, strict=True):
        if config.store != first.store:
            raise ConfigError(
                f"{path}: store: projects served together must share one store; "
                f"{paths[0]} names another"
            )
        if config.project in names:
            other = names[config.project]
            raise ConfigError(f"{path}: project: {config.project!r} is also the project of {other}")
        names[config.project] = path


def check_options(port: int, every: float, max_body_mb: int) -> None:
    """A ConfigError naming the option for a port, period or body limit out of range."""
    if not 0 < port < 65536:
        raise ConfigError(f"--port: expected 1 to 65535; got {port}")
    if every <= 0:
        raise ConfigError(f"--every: expected a positive number of seconds; got {every}")
    if max_body_mb <= 0:
        raise ConfigError(f"--max-body-mb: expected a positive number; got {max_body_mb}")


def require_service(command: str = "driftscope serve") -> None:
    """A ConfigError naming the missing package when the ``[service]`` extra is not
    installed, found before anything slow starts."""
    import importlib.util

    for module, package in (
        ("fastapi", "fastapi"),
        ("uvicorn", "uvicorn"),
        ("argon2", "argon2-cffi"),
        ("jinja2", "jinja2"),
        ("fastapi_offline", "fastapi-offline"),
        ("orjson", "orjson"),
    ):
        if importlib.util.find_spec(module) is None:
            raise ConfigError(
                f"{command} needs the service extra ({package} is missing): "
                "pip install 'driftscope[service]'"
            )


def check_port(host: str, port: int) -> None:
    """A ConfigError when ``host:port`` cannot be listened on (taken, or not this machine's),
    found before anything slow starts."""
    import os
    import socket

    try:
        with socket.create_server((host, port)):
            pass
    except OSError as exc:
        reason = os.strerror(exc.errno) if exc.errno else str(exc)
        raise ConfigError(f"--port: cannot listen on {host}:{port} ({reason})") from None


def serve(
    configs: MonitorConfig | Sequence[MonitorConfig],
    host: str,
    port: int,
    every: float,
    max_body_mb: int,
    err: TextIO,
    log_format: LogFormat = "json",
    *,
    ingest_dir: str | None = None,
) -> None:
    """Serve the projects of ``configs`` (which share one store) on ``host:port`` until
    interrupted, logging to stderr in ``log_format``; with ``ingest_dir``, large posted
    bodies are kept in files there."""
    try:
        import uvicorn

        from driftscope.service.app import create_app
        from driftscope.service.logs import configure
    except ImportError as exc:
        raise ConfigError(
            f"driftscope serve needs the service extra ({exc.name} is missing): "
            "pip install 'driftscope[service]'"
        ) from None
    from driftscope.monitor._config_models import MonitorConfig
    from driftscope.monitor.store import open_store
    from driftscope.monitor.store.ingest_files import IngestFiles

    projects = [configs] if isinstance(configs, MonitorConfig) else list(configs)
    files = None if ingest_dir is None else IngestFiles(ingest_dir)
    store = open_store(projects[0].store)
    try:
        app = create_app(projects, store, max_body=max_body_mb * 2**20, every=every, files=files)
        names = ", ".join(config.project for config in projects)
        err.write(f"driftscope: serving {names} on http://{host}:{port}\n")
        err.flush()
        configure(log_format)
        # log_config=None: uvicorn keeps the logging set up above (its access log is off:
        # the service's own request lines carry no query string)
        uvicorn.run(app, host=host, port=port, log_config=None, access_log=False)
    finally:
        store.close()
        if files is not None:
            files.close()
