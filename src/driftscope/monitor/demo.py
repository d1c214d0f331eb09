"""The monitoring half of ``driftscope demo``: 60 days of the credit model's traffic, monitored
day by day into SQLite, alerts to a ``log`` channel, and a timeline of what was found when.

The story the timeline should tell:
- days 1 to 30 look like the reference (no alert);
- on day :data:`BROKEN_DAY` an upstream job breaks: ``credit_score`` arrives as 0 for every
  application (the bureau's feed failed) and ``region`` empty; the next day it is fixed, and
  the alert resolves on its own;
- from day :data:`DRIFT_DAY` the production shifts of the batch demo set in (income,
  utilisation, the mobile channel, the new loan purpose, the optional employment field,
  loan amounts in cents from brokers): tier 1 opens, grouped into one message.

Outcomes are not in the logs (they come later), so each day's performance is estimated
(CBPE) from the model's scores.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    import pyarrow as pa

    from driftscope.monitor.run import ComputedWindow, RunResult

DAYS = 60
ROWS_PER_DAY = 800
DRIFT_DAY = 31
"""The first day (1-based) of drifted traffic."""
BROKEN_DAY = 12
"""The day (1-based) the upstream job broke."""
START = datetime(2026, 7, 1, tzinfo=UTC)
KEY_FEATURES = (
    "annual_income",
    "credit_score",
    "credit_utilization",
    "debt_to_income",
    "loan_amount",
    "application_channel",
)
CONFIG = """\
# The demo's monitoring project (see docs/monitoring.md).
project: credit-model
reference: ../reference.parquet
logs: {path: logs/}
columns:
  timestamp: application_date
  id: applicant_id
  target: defaulted
  probability: default_probability
window: 1d
store: sqlite:///monitor.db
checks: {fail_on: major}
# Online detectors read a key feature and the model's scores row by row, across days; the
# dashboard marks where each signalled drift (their state is kept in the store).
detectors:
  - {column: credit_score, method: adwin}
  - {column: default_probability, method: adwin}
alerts:
  key_features: [%(key)s]
  channels:
    alert-log: {type: log, path: alerts.jsonl}
  rules:
    # Tier 1: a key feature's drift reaches warning two days running -> investigate (chat)
    - {name: drift-warning, metric: severity, columns: [%(key)s], above: 0.5, for: 2,
       severity: warning, channels: [alert-log], cooldown: 7d}
    # A key feature drifts majorly: at once
    - {name: drift-major, metric: severity, columns: [%(key)s], above: 1.5,
       severity: error, channels: [alert-log], cooldown: 7d}
    # Tier 2: major drift and an estimated performance drop -> page
    - name: drift-major-performance
      all:
        - {metric: severity, columns: "*", above: 1.5}
        - {metric: performance_drop, columns: "*", above: 0.5}
      severity: critical
      channels: [alert-log]
      cooldown: 7d
    # A field that goes missing: a broken upstream job
    - {name: missing-values, metric: missing_share, columns: "*", above: 0.5,
       severity: error, channels: [alert-log], cooldown: 1d}
"""


def day_table(day: int, rows: int, rng_seed: int) -> pa.Table:
    """The logs of ``day`` (1-based): applications dated through the day (UTC), without
    the outcome; shifted from :data:`DRIFT_DAY`, broken on :data:`BROKEN_DAY`."""
    import numpy as np
    import pyarrow as pa

    from driftscope.demo.credit import _period

    rng = np.random.default_rng(rng_seed)
    table = _period(rows, rng, production=day >= DRIFT_DAY, start="2026-01-01")
    table = table.drop_columns(["defaulted"])
    if day == BROKEN_DAY:
        zeros = pa.array(np.zeros(rows, dtype=np.int64))
        table = table.set_column(
            table.schema.get_field_index("credit_score"), "credit_score", zeros
        )
        empty = pa.nulls(rows, pa.string())
        table = table.set_column(table.schema.get_field_index("region"), "region", empty)
    start = np.datetime64((START + timedelta(days=day - 1)).replace(tzinfo=None), "s")
    seconds = np.sort(rng.integers(0, 86_400, rows)).astype("timedelta64[s]")
    stamps = pa.array(start + seconds, pa.timestamp("s"))
    ids = pa.array([f"D{day:02d}-{i:05d}" for i in range(rows)])
    table = table.set_column(table.schema.get_field_index("applicant_id"), "applicant_id", ids)
    where = table.schema.get_field_index("application_date")
    return table.set_column(where, "application_date", stamps)


def write_project(folder: Path, seed: int, days: int = DAYS, rows: int = ROWS_PER_DAY) -> Path:
    """Write the logs and ``driftscope.yaml`` into ``folder``; the reference is the batch
    demo's, one folder up. Returns the config's path."""
    import numpy as np
    import pyarrow.parquet as pq

    from driftscope.io.atomic import write_text_atomic

    logs = folder / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    seeds = np.random.SeedSequence([seed, 60]).generate_state(days)
    for day in range(1, days + 1):
        pq.write_table(day_table(day, rows, int(seeds[day - 1])), logs / f"day-{day:02d}.parquet")
    key = ", ".join(KEY_FEATURES)
    return write_text_atomic(folder / "driftscope.yaml", CONFIG % {"key": key})


@dataclass(frozen=True, slots=True)
class Event:
    """One line of the timeline: a span of days in the same state, or an alert."""

    first: datetime
    last: datetime
    text: str


def timeline(result: RunResult, alerts: Sequence[dict[str, object]]) -> list[Event]:
    """The run's windows folded into spans of days of the same severity (naming the columns
    that drifted on at least half of them), with the alerts each window opened or resolved
    (reminders of open alerts after their cooldown are left to the log)."""
    from driftscope.alerts.events import rfc3339

    events: list[Event] = []
    told: dict[str, list[dict[str, object]]] = {}
    for line in alerts:
        told.setdefault(str(line["window_start"]), []).append(line)
    notified: set[str] = set()
    span: list[ComputedWindow] = []

    def flush() -> None:
        if span:
            events.append(Event(span[0].start, span[-1].start, _span_text(span)))
            span.clear()

    for window in result.windows:
        lines = []
        for line in told.get(rfc3339(window.start), []):
            key = str(line.get("dedup_key"))
            if line.get("action") == "triggered" and key in notified:
                continue  # a reminder of an open alert: in the log, not the timeline
            notified.add(key)
            lines.append(line)
        if span and (span[-1].severity != window.severity or lines):
            flush()
        span.append(window)
        if lines:
            flush()
            events.extend(
                Event(window.start, window.start, "  -> " + _alert_text(line)) for line in lines
            )
    flush()
    return events


def _span_text(span: Sequence[ComputedWindow]) -> str:
    severity = span[0].severity
    if severity == "none":
        return "no drift"
    counts: dict[str, int] = {}
    for window in span:
        for name in window.drifted:
            counts[name] = counts.get(name, 0) + 1
    common = [name for name, n in counts.items() if 2 * n >= len(span)]
    names = ", ".join(common[:4]) + (f" and {len(common) - 4} more" if len(common) > 4 else "")
    return f"{severity.upper()} drift: {names}"


def _alert_text(line: dict[str, object]) -> str:
    columns = line.get("columns")
    names = [str(c[0]) for c in columns] if isinstance(columns, list) else []
    shown = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
    action = "ALERT" if line.get("action") == "triggered" else "resolved"
    return f"{action} [{line.get('severity')}] {line.get('rule')}: {shown}"


def run_monitoring_demo(folder: Path, seed: int, out: TextIO) -> RunResult:
    """Write the project, run the monitor over its 60 days and print the timeline."""
    import json

    from driftscope.monitor.config import load_config
    from driftscope.monitor.run import run_monitor

    config_path = write_project(folder, seed)
    for stale in ("monitor.db", "monitor.db-wal", "monitor.db-shm", "alerts.jsonl"):
        (folder / stale).unlink(missing_ok=True)  # a demo run again starts afresh
    config = load_config(config_path)
    result = run_monitor(config, until=START + timedelta(days=DAYS))
    alerts_path = folder / "alerts.jsonl"
    lines = (
        [json.loads(text) for text in alerts_path.read_text().splitlines()]
        if alerts_path.exists()
        else []
    )
    out.write(
        f"\nMonitoring: {DAYS} days of production traffic ({ROWS_PER_DAY:,} applications a "
        f"day), one window a day against the reference ({result.seconds:.1f} s)\n"
    )
    for event in timeline(result, lines):
        day = f"{event.first:%b %d}"
        if event.last != event.first:
            day += f" - {event.last:%b %d}"
        out.write(f"  {day:<16}{event.text}\n")
    out.write(
        f"Alerts (log channel): {alerts_path.resolve()}\n"
        f"Again, or with new logs: driftscope monitor run --config {config_path}\n"
        f"History: driftscope monitor status --config {config_path}\n"
    )
    return result
