"""``driftscope monitor run|status``: compute a monitoring project's windows, evaluate its alert
rules and send notifications; show its windows and open alerts (SPEC section 7)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TextIO

from driftscope.cli._common import EXIT_CONDITION, EXIT_ERROR, EXIT_OK
from driftscope.errors import ConfigError

if TYPE_CHECKING:
    from driftscope.monitor._config_models import MonitorConfig
    from driftscope.monitor.run import ComputedWindow, RunResult
    from driftscope.monitor.store.base import Alert, Store, WindowRecord
    from driftscope.monitor.streams import Summary

NAME = "monitor"
HELP = "run a monitoring project (driftscope.yaml): compute new windows, alert; show status"
DEFAULT_CONFIG = "driftscope.yaml"
STATUS_WINDOWS = 30
"""How many of the latest windows `monitor status` lists in the terminal (--json: all)."""

EXAMPLES = f"""\
examples:
  driftscope monitor run                       # every complete window not computed yet
  driftscope monitor run --until 2026-03-01    # only windows ending by then
  driftscope monitor status
  driftscope monitor status --json

exit codes: {EXIT_OK} ran; {EXIT_CONDITION} a window computed by this run met the config's
checks.fail_on, judged as `report --fail-on` judges a report (run), or an alert is open
(status); {EXIT_ERROR} bad usage or input, or another
run holds the project's lock.
"""


def configure(parser: argparse.ArgumentParser) -> None:
    """The options of ``driftscope monitor``."""
    parser.description = (
        "Monitor a project: `run` computes every complete window of the logs not stored yet, "
        "evaluates the alert rules and sends notifications; `status` lists the windows, their "
        "severity and the open alerts."
    )
    parser.epilog = EXAMPLES
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    run_parser = sub.add_parser("run", help="compute new windows, evaluate rules, notify")
    status_parser = sub.add_parser("status", help="list windows and open alerts")
    for each in (run_parser, status_parser):
        each.add_argument(
            "--config", default=DEFAULT_CONFIG, metavar="FILE", help="default: driftscope.yaml"
        )
        each.add_argument("--debug", action="store_true", help="show tracebacks")
    run_parser.add_argument(
        "--until",
        metavar="TIMESTAMP",
        help="compute only windows ending by then (RFC 3339 or a date; UTC when no zone)",
    )
    run_parser.add_argument("--quiet", action="store_true", help="print nothing but errors")
    status_parser.add_argument("--json", action="store_true", help="print JSON")


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run the action."""
    from driftscope.monitor.config import load_config

    config = load_config(args.config)
    if args.action == "run":
        return _run(config, args, out)
    return _status(config, args, out)


def _run(config: MonitorConfig, args: argparse.Namespace, out: TextIO) -> int:
    from driftscope.monitor.run import run_monitor

    until = None if args.until is None else parse_until(args.until)

    def shown(window: ComputedWindow) -> None:
        if not args.quiet:
            out.write(window_line(window) + "\n")
            out.flush()

    result = run_monitor(config, until=until, on_window=shown)
    if not args.quiet:
        out.write(summary(result) + "\n")
    failed = _fails(result)
    return EXIT_CONDITION if failed else EXIT_OK


def _fails(result: RunResult) -> bool:
    """Whether a window this run computed meets ``checks.fail_on`` (as ``report --fail-on``
    would judge its report)."""
    return any(window.failed for window in result.windows)


def parse_until(text: str) -> datetime:
    """``--until``: RFC 3339, or a date (midnight), UTC when it has no zone.

    >>> parse_until("2026-03-01")
    datetime.datetime(2026, 3, 1, 0, 0, tzinfo=datetime.timezone.utc)
    >>> parse_until("2026-03-01T06:00:00Z").hour
    6
    """
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ConfigError(
            f"--until: {text!r} is not a timestamp; give e.g. 2026-03-01 or 2026-03-01T06:00:00Z"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def window_line(window: ComputedWindow) -> str:
    """One computed window as a line of the run's output."""
    return _line(window.start, window.rows, window.severity, window.status, window.drifted)


def _line(start: datetime, rows: int, severity: str, status: str, drifted: Sequence[str]) -> str:
    """A window in a terminal: start, rows, severity (``empty`` for a gap), and up to six
    drifted columns."""
    from driftscope.alerts.events import rfc3339

    state = status if status == "empty" else severity  # a labelled window has one too
    text = f"{rfc3339(start)}  {rows:>9,} rows  {state:<8}"
    if drifted:
        text += "  drifted: " + ", ".join(drifted[:6]) + (", ..." if len(drifted) > 6 else "")
    return text


def summary(result: RunResult) -> str:
    """The run's closing line."""
    parts = [f"{result.project}: {len(result.windows)} new window(s)"]
    if result.opened:
        parts.append(f"{len(result.opened)} alert(s) opened")
    if result.resolved:
        parts.append(f"{len(result.resolved)} resolved")
    if result.delivery is not None and (result.delivery.delivered or result.delivery.failed):
        parts.append(f"{result.delivery.delivered} notification(s) sent")
        if result.delivery.failed:
            parts.append(f"{result.delivery.failed} failed")
    if result.delivery is not None and result.delivery.retrying:
        parts.append(f"{result.delivery.retrying} waiting to be retried")
    return ", ".join(parts) + f" ({result.seconds:.1f} s)"


def _status(config: MonitorConfig, args: argparse.Namespace, out: TextIO) -> int:
    from driftscope.monitor.kpis import kpi_associations
    from driftscope.monitor.store import open_store

    store = open_store(config.store)
    try:
        windows = store.windows(config.project)
        drifted = store.drifted_columns(config.project)
        alerts = store.open_alerts(config.project)
        kpis = config.columns.kpis
        detectors = _detectors(config, store)
        found = []
        if kpis:  # only the two metrics the association reads, not every point
            points = store.points(config.project, metric="drift")
            points += store.points(config.project, metric="kpi_mean")
            found = kpi_associations(points, kpis)
    finally:
        store.close()
    if args.json:
        data = status_dict(config.project, windows, drifted, alerts)
        data["kpi_associations"] = [item.to_dict() for item in found]
        data["detectors"] = [item.to_dict() for item in detectors]
        out.write(json.dumps(data, indent=2) + "\n")
    else:
        out.write(status_text(config.project, windows, drifted, alerts))
        if detectors:
            out.write("detectors:\n")
            out.writelines(f"  {item.message}\n" for item in detectors)
        if kpis:
            out.write(f"KPIs and drift ({', '.join(kpis)}):\n")
            for item in found:
                out.write(f"  {item.message}\n")
            if not found:
                out.write("  no feature's drift came with a clear change in a KPI\n")
    return EXIT_CONDITION if alerts else EXIT_OK


def _detectors(config: MonitorConfig, store: Store) -> list[Summary]:
    """The configured stream detectors' totals, from their stored metrics only."""
    from driftscope.monitor.streams import METRICS, summaries

    if not config.detectors:
        return []
    points = [p for metric in METRICS for p in store.points(config.project, metric=metric)]
    return summaries(config, points)


Drifted = Mapping[tuple[datetime, datetime], list[str]]
"""Each window's drifted columns by its (start, end), as the store's ``drifted_columns``."""


def status_dict(
    project: str, windows: list[WindowRecord], drifted: Drifted, alerts: list[Alert]
) -> dict[str, Any]:
    """``monitor status --json``: the windows as the HTTP API lists them (SPEC section 8)
    and the open alerts."""
    return {
        "project": project,
        "windows": [window_dict(w, drifted) for w in windows],
        "alerts": [alert_dict(a) for a in alerts],
    }


def window_dict(window: WindowRecord, drifted: Drifted) -> dict[str, Any]:
    """A window as the HTTP API lists it (SPEC section 8)."""
    from driftscope.alerts.events import rfc3339

    return {
        "start": rfc3339(window.start),
        "end": rfc3339(window.end),
        "rows": window.rows,
        "severity": window.severity,
        "status": window.status,
        "drifted_columns": drifted.get((window.start, window.end), []),
    }


def alert_dict(alert: Alert) -> dict[str, Any]:
    """An alert as the HTTP API gives it (SPEC section 8), with its grouped columns."""
    from driftscope.alerts.events import rfc3339

    return {
        "id": alert.id,
        "rule": alert.rule,
        "column": alert.columns[0] if alert.columns else "*",
        "columns": list(alert.columns),
        "dedup_key": alert.dedup_key,
        "severity": alert.severity,
        "state": alert.state,
        "opened_at": rfc3339(alert.opened_at),
        "resolved_at": None if alert.resolved_at is None else rfc3339(alert.resolved_at),
        "value": alert.value,
    }


def drifted_columns(report: str) -> list[str]:
    """The drifted columns named in a window's JSON report (what the store's
    ``drifted_columns`` gives without reading reports; the tests compare the two)."""
    try:
        data = json.loads(report)
    except ValueError:
        return []
    return [c["name"] for c in data.get("columns", []) if c.get("drifted")]


def status_text(
    project: str, windows: list[WindowRecord], drifted: Drifted, alerts: list[Alert]
) -> str:
    """``monitor status`` for a terminal: the latest windows and the open alerts."""
    from driftscope.alerts.events import rfc3339

    lines = [f"{project}: {len(windows)} window(s)"]
    if not windows:
        lines.append("  none computed yet: run `driftscope monitor run`")
    shown = windows[-STATUS_WINDOWS:]
    if len(windows) > len(shown):
        lines.append(f"  ... {len(windows) - len(shown)} earlier window(s) (--json lists all)")
    lines.extend(
        "  " + _line(w.start, w.rows, w.severity, w.status, drifted.get((w.start, w.end), []))
        for w in shown
    )
    lines.append(f"open alerts: {len(alerts)}")
    for a in alerts:
        more = f" (+{len(a.columns) - 1} more)" if len(a.columns) > 1 else ""
        value = "" if a.value is None else f" value {a.value:.4g}"
        lines.append(
            f"  [{a.severity}] {a.rule} on {a.columns[0] if a.columns else '*'}{more}"
            f"{value} since {rfc3339(a.opened_at)}"
        )
    return "\n".join(lines) + "\n"
