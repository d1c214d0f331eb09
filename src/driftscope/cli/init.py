"""``driftscope init``: write a commented ``driftscope.yaml`` that starts a monitoring project."""

from __future__ import annotations

import argparse
import json
import os
import re
from pathlib import Path
from typing import TextIO

from driftscope.cli._common import EXIT_ERROR, EXIT_OK
from driftscope.errors import ConfigError

NAME = "init"
HELP = "write a commented driftscope.yaml that starts a monitoring project in DIR"
CONFIG_NAME = "driftscope.yaml"
DEFAULT_REFERENCE = "data/reference.parquet"
DEFAULT_LOGS = "logs/"

EXAMPLES = f"""\
examples:
  driftscope init
  driftscope init monitoring --reference data/train.parquet --logs "logs/*.parquet"

--reference and --logs are paths as you type them here (relative to the current folder); the
file records them relative to DIR, as every path in it is read. Edit the columns, the window
and the alert rules, then run `driftscope monitor run` in DIR.

exit codes: {EXIT_OK} written, {EXIT_ERROR} bad usage, or the file exists (use --force).
"""

TEMPLATE = """\
# driftscope monitoring project (see docs/monitoring.md). Relative paths are relative to this
# file's folder. ${NAME} anywhere in a value is read from the environment variable NAME (an
# unset one is an error naming it); give secrets (webhook URLs, keys, passwords) only that way.

# The project's name: lower-case letters, digits, - and _; unique in its store.
project: @PROJECT@

# What "normal" looks like: a Parquet/CSV/JSON Lines file, folder or glob, or a .dsprof
# profile (`driftscope profile`). It must exist when this file is loaded.
reference: @REFERENCE@

# Where inference logs come from: exactly one of `path` (a file, folder or glob of Parquet,
# CSV or JSON Lines; new files are picked up on the next run) or `sql`. Rows posted to the
# HTTP API (driftscope serve) count as logs too.
logs:
  path: @LOGS@
  # sql: {url: "${LOGS_DATABASE_URL}", table: inference_log}   # or query: "SELECT ..."

# The roles of the log's columns. Only `timestamp` is required: it puts each row in a window.
columns:
  timestamp: timestamp
  # id: request_id                  # joins late labels to their predictions
  # target: label                   # the true outcome, when it is known
  # prediction: prediction          # the model's output
  # probability: score              # a binary model's score; {CLASS: COLUMN, ...} for multiclass
  # features: [amount, country]     # default: every other column
  # kpis: [converted]               # business metrics aggregated per window

# How logs are cut: a UTC-aligned duration (30m, 1h, 6h, 1d, 7d, 2w ...) or "50000 rows".
window: 1d

# Where windows, metrics and alerts are kept: one SQLite file beside this one by default, or
# a PostgreSQL URL such as "postgresql+psycopg://monitor:${PGPASSWORD}@db-host/monitoring".
store: sqlite:///driftscope.db

# Any option `driftscope compare` / `report` accepts, and fail_on (drift, quality, any,
# warning, major): the condition that makes a window fail.
checks:
  fail_on: major
  # method: {amount: psi}
  # correction: holm

alerts:
  # Named destinations. type is one of: slack {url}, pagerduty {routing_key, url},
  # webhook {url, secret}, email {host, port, from, to, username, password, starttls},
  # log {path}: JSON lines appended to a file.
  channels:
    alert-log: {type: log, path: alerts.jsonl}
    # team-slack: {type: slack, url: "${SLACK_WEBHOOK_URL}"}
    # oncall: {type: pagerduty, routing_key: "${PD_ROUTING_KEY}"}
    # hook: {type: webhook, url: "${HOOK_URL}", secret: "${HOOK_SECRET}"}
    # mail: {type: email, host: localhost, port: 25, from: me@example.com, to: [us@example.com]}
  # Threshold rules on any metric the store holds.
  rules:
    - name: feature-drift
      metric: severity              # the metric to watch: 0 none, 1 warning, 2 major drift
      columns: "*"                  # every column, or a list of names
      above: 0.5                    # fires above this value (or below: for a floor)
      for: 1                        # consecutive windows before it fires
      severity: warning             # info | warning | error | critical
      channels: [alert-log]         # where it is sent (names of alerts.channels)
      cooldown: 6h                  # no repeat notification for an open alert before this
    # - {name: feature-psi, metric: psi, above: 0.25, channels: [alert-log]}  # with method: psi
      # dedup: "{project}/{rule}/{column}"   # the alert's dedup key (PagerDuty's too)
  # Without `rules`, built-in tiers run: a key feature's drift reaching warning goes to chat
  # channels; major drift with a measured or estimated performance drop pages PagerDuty.
  # key_features: [amount, country]   # what the built-in tiers watch (default: every feature)
  # base_url: "https://drift.example.com"   # the dashboard, linked from notifications

# Late labels: files (file, folder or glob) holding columns.id and columns.target; windows
# whose labels arrive are computed again, their performance measured instead of estimated.
# labels: {path: labels/}

# Online detectors read streams row by row in time order, their state kept between runs:
# the model's error as labels arrive (stream: error) or a numeric column; each window stores
# `detections` under the detector's name, for rules such as
# {name: concept-drift, metric: detections, columns: [error], above: 0, severity: error}.
# detectors:
#   - {stream: error, method: ddm}
#   - {column: amount, method: adwin, params: {delta: 0.002}}

# Log each window's metrics to MLflow (pip install "driftscope[mlflow]").
# mlflow: {tracking_uri: "sqlite:///mlflow.db", experiment: my-model-monitoring}
"""


def configure(parser: argparse.ArgumentParser) -> None:
    """The options of ``driftscope init``."""
    parser.description = (
        f"Write DIR/{CONFIG_NAME}, a commented monitoring project: the reference, where logs "
        "come from, the columns' roles, the window, the store, the checks and alert rules."
    )
    parser.epilog = EXAMPLES
    parser.add_argument("dir", nargs="?", default=".", metavar="DIR", help="default: .")
    parser.add_argument(
        "--reference", metavar="PATH", help=f"the reference data (default: DIR/{DEFAULT_REFERENCE})"
    )
    parser.add_argument(
        "--logs",
        metavar="PATH",
        help=f"the inference logs: file, folder or glob (default: DIR/{DEFAULT_LOGS})",
    )
    parser.add_argument("--force", action="store_true", help=f"replace an existing {CONFIG_NAME}")


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Write the file and print its path."""
    from driftscope.io.atomic import write_text_atomic

    folder = Path(args.dir)
    path = folder / CONFIG_NAME
    if path.exists() and not args.force:
        raise ConfigError(f"{path} exists; use --force to replace it")
    text = render(
        project=project_name(folder),
        reference=_relative(args.reference, folder) or DEFAULT_REFERENCE,
        logs=_relative(args.logs, folder) or DEFAULT_LOGS,
    )
    write_text_atomic(path, text, make_folders=True)
    out.write(f"{path}\n")
    return EXIT_OK


def render(project: str, reference: str, logs: str) -> str:
    """The commented config file, with the given project name and paths."""
    return (
        TEMPLATE.replace("@PROJECT@", project)
        .replace("@REFERENCE@", json.dumps(reference))
        .replace("@LOGS@", json.dumps(logs))
    )


def project_name(folder: Path) -> str:
    """A valid project name from the folder's name (``my-model`` when nothing is left)."""
    name = re.sub(r"[^a-z0-9_-]+", "-", folder.resolve().name.lower()).strip("-")
    return name or "my-model"


def _relative(path: str | None, folder: Path) -> str | None:
    """``path`` as typed here, made relative to the config's folder (as the file reads it)."""
    if path is None:
        return None
    if Path(path).is_absolute():
        return path
    return Path(os.path.relpath(Path(path).resolve(), folder.resolve())).as_posix()
