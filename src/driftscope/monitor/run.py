"""``driftscope monitor run``: every complete window not yet computed, stored, then the alert
rules and the outbox (SPEC section 7).

A run holds the project's lock in the store (a second run at the same time exits with
StoreBusy), scans the logs (files seen before and unchanged are not reopened: their
timestamps' range is remembered in the store's state), and computes, in time order, each
window that is complete (a later row exists, or its end is past) and not stored yet. Each
window is written in one transaction, so a run killed half-way leaves whole windows only and
the next run computes the rest. Windows inside the logs' span with no rows are stored as
``empty`` (a gap in traffic is itself news). Late labels that arrived fill in old windows
(:mod:`driftscope.monitor.labels`); with an ``mlflow`` section each new window's points go
to MLflow (:mod:`driftscope.integrations.mlflow`). Then the rules are evaluated over every
window not evaluated yet (the store remembers how far it got), alerts opened and resolved,
their notifications put in the outbox under keys that make a repeat a no-op, and the outbox
sent.

Alert times are window times: an alert opened by a window opens at the window's end, and a
rule's cooldown counts in windows' time, so a backfill of 90 days notifies as a live
monitor would have.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from driftscope.monitor.store.base import DATASET_COLUMN, MetricPoint, WindowRecord
from driftscope.monitor.streams import METRICS as STREAM_METRICS
from driftscope.result import QualityIssue

if TYPE_CHECKING:
    import pyarrow as pa

    from driftscope.alerts.channels import Channel
    from driftscope.alerts.events import ColumnValue
    from driftscope.alerts.outbox import OutboxResult
    from driftscope.alerts.rules import Plan, WindowMetrics
    from driftscope.engine.options import CompareOptions
    from driftscope.monitor._config_alerts import Rule
    from driftscope.monitor._config_models import MonitorConfig
    from driftscope.monitor.compute import Reference
    from driftscope.monitor.sources.base import LogSource, Part
    from driftscope.monitor.store.base import Store
    from driftscope.monitor.streams import Fed, Streams

PARTS_KEY = "log_parts"
"""The store state under which a run remembers the log parts it scanned."""
EVALUATED_KEY = "rules_evaluated_through"
"""The store state holding the end of the last window the alert rules were evaluated on."""
NS = 1_000_000_000
MAX_WINDOW_WORKERS = 4
"""The most windows a run computes at once (each on a thread)."""
GENERIC_METRICS = frozenset({"missing_share", "p_value", "drift", "severity", *STREAM_METRICS})
"""Per-column metrics that are not a method's statistic (a stream detector's, named as the
column it reads, are not either)."""


@dataclass(frozen=True, slots=True)
class ComputedWindow:
    """A window this run stored."""

    start: datetime
    end: datetime
    rows: int
    severity: str
    status: str
    drifted: tuple[str, ...] = ()
    failed: bool = False
    """Whether the window meets the config's ``checks.fail_on``."""


@dataclass(frozen=True, slots=True)
class RunResult:
    """What a run did: the windows it stored, the alerts it opened and resolved, the
    notifications it queued and what the outbox delivered, and notes (one line each)."""

    project: str
    windows: tuple[ComputedWindow, ...] = ()
    opened: tuple[str, ...] = ()
    resolved: tuple[str, ...] = ()
    queued: int = 0
    delivery: OutboxResult | None = None
    notes: tuple[str, ...] = ()
    seconds: float = 0.0
    labelled: tuple[datetime, ...] = ()
    """Starts of earlier windows computed again because their labels arrived."""


Clock = Callable[[], datetime]


def _wall_clock() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True)
class _Progress:
    windows: list[ComputedWindow] = field(default_factory=list)
    opened: list[str] = field(default_factory=list)
    resolved: list[str] = field(default_factory=list)
    queued: int = 0
    notes: list[str] = field(default_factory=list)
    labelled: list[datetime] = field(default_factory=list)
    looked_up: dict[datetime, datetime] = field(default_factory=dict)
    """When each window this run computed looked its rows' labels up, by the window's start."""


def run_monitor(
    config: MonitorConfig,
    *,
    store: Store | None = None,
    until: datetime | None = None,
    clock: Clock = _wall_clock,
    channels: Mapping[str, Channel] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    on_window: Callable[[ComputedWindow], None] | None = None,
) -> RunResult:
    """Run the monitor once for ``config`` (see the module docstring).

    ``store`` defaults to the config's; ``until`` computes only windows ending by then (and
    treats it as now); ``channels`` replaces the configured channels by name (tests);
    ``on_window`` is called after each stored window.
    """
    from driftscope.monitor.store import open_store

    started = time.perf_counter()
    own = store is None
    used = open_store(config.store) if store is None else store
    try:
        with used.lock(config.project):
            progress = _Progress()
            _compute(config, used, until, clock, progress, on_window)
            if config.mlflow is not None:
                from driftscope.integrations.mlflow import log_windows

                log_windows(config.mlflow, config.project, used)
            _evaluate_rules(config, used, clock, progress)
            delivery = _deliver(config, used, clock, channels, sleep)
    finally:
        if own:
            used.close()
    return RunResult(
        project=config.project,
        windows=tuple(progress.windows),
        opened=tuple(progress.opened),
        resolved=tuple(progress.resolved),
        queued=progress.queued,
        delivery=delivery,
        notes=tuple(progress.notes),
        seconds=time.perf_counter() - started,
        labelled=tuple(progress.labelled),
    )


# --- windows -----------------------------------------------------------------------------


def _compute(
    config: MonitorConfig,
    store: Store,
    until: datetime | None,
    clock: Clock,
    progress: _Progress,
    on_window: Callable[[ComputedWindow], None] | None,
) -> None:
    from driftscope.monitor.compute import fit_to_reference, load_reference, monitor_options
    from driftscope.monitor.labels import read_label_files
    from driftscope.monitor.sources import project_source
    from driftscope.monitor.sources.ingest import KEY_PREFIX
    from driftscope.monitor.streams import Streams

    streams = Streams(config, store)
    progress.notes.extend(streams.notes)
    # label files first, so that a window computed now has the labels that arrived meanwhile
    read_label_files(config, store, clock())
    source = project_source(config.logs, config.columns.timestamp, store, config.project)
    known = _known_parts(store, config.project)
    parts = source.scan(known)
    # ingested batches are listed from the store each time (cheap), not remembered; the
    # files are remembered once their windows are stored, so that a killed run's successor
    # still reports their rows without timestamps
    remembered = [p.to_json() for p in parts if not p.key.startswith(KEY_PREFIX)]
    new_parts = [p for p in parts if known.get(p.key) != p]
    limit = _ns(until if until is not None else clock())
    computed = {(_ns(a), _ns(b)) for a, b in store.computed_windows(config.project)}
    seconds = config.window.seconds
    if seconds is None:
        count = config.window.rows or 1
        pending = row_windows(
            source, parts, count, computed, limit if until else None, config.columns.timestamp
        )
    else:
        pending = pending_windows(parts, seconds, computed, limit, until is not None)
    if not pending:
        store.put_state(config.project, PARTS_KEY, json.dumps(remembered))
        _late_labels(config, store, source, parts, None, None, clock, progress, streams)
        return
    options = monitor_options(config)
    reference = load_reference(config, options)
    options = fit_to_reference(options, config, reference)
    timestamp_findings = _timestamp_findings(new_parts, pending)
    wanted = [p for p in parts if overlaps(p, pending)]
    workers = window_workers()
    # what the worker threads import lazily, imported here first: two threads importing
    # modules that import each other can see each other's half-initialised module
    import driftscope.engine.compare
    import driftscope.engine.performance
    import driftscope.engine.profiled
    import driftscope.report.html
    import driftscope.report.json_format  # noqa: F401

    def compute(index: int, table: pa.Table, notes: Sequence[str]) -> _Computed:
        start_ns, end_ns = pending[index]
        findings = schema_findings(notes) + timestamp_findings.get(index, [])
        done = _compute_window(config, reference, options, table, start_ns, end_ns, findings)
        if streams and table.num_rows:
            return replace(done, streams=streams.values(table, reference.table))
        return done

    # Windows are computed a few at a time on threads (profiling and the tests spend their
    # time in numpy and Arrow, which release the GIL) and written in time order here, so
    # that a run killed half-way leaves the earliest windows stored.
    labelled = _labels_known(config, store)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        in_flight: deque[Future[_Computed]] = deque()
        for rows in source.read_windows(wanted, pending):
            progress.looked_up[_time(pending[rows.index][0])] = datetime.now(UTC)
            table = labelled(rows.table)
            in_flight.append(pool.submit(compute, rows.index, table, rows.notes))
            while len(in_flight) > workers:
                _write(store, in_flight.popleft().result(), progress, on_window, streams)
        while in_flight:
            _write(store, in_flight.popleft().result(), progress, on_window, streams)
    store.put_state(config.project, PARTS_KEY, json.dumps(remembered))
    _late_labels(config, store, source, parts, reference, options, clock, progress, streams)


def _labels_known(config: MonitorConfig, store: Store) -> Callable[[pa.Table], pa.Table]:
    """How a window's rows get the labels the store holds for them before the window is
    computed the first time (a label that arrived while its window was still open would
    otherwise never reach it: late labels recompute stored windows only); unchanged when the
    project has none."""
    from driftscope.monitor.labels import with_labels

    id_column, target = config.columns.id, config.columns.target
    if id_column is None or target is None or not store.has_labels(config.project):
        return lambda table: table

    def fill(table: pa.Table) -> pa.Table:
        if id_column not in table.column_names or table.num_rows == 0:
            return table
        return with_labels(store, config.project, table, id_column, target)

    return fill


def _late_labels(
    config: MonitorConfig,
    store: Store,
    source: LogSource,
    parts: Sequence[Part],
    reference: Reference | None,
    options: CompareOptions | None,
    clock: Clock,
    progress: _Progress,
    streams: Streams,
) -> None:
    """Compute again the windows whose labels arrived (the label files were read when the
    run began): a window this run computed, only for labels that arrived after it looked its
    rows' labels up."""
    from driftscope.monitor.labels import apply_labels

    now = clock()
    replaced = apply_labels(
        config, store, source, parts, reference, options, now, streams, progress.looked_up
    )
    progress.labelled.extend(w.start for w in replaced)


def pending_windows(
    parts: Sequence[Part],
    window_seconds: int,
    computed: set[tuple[int, int]],
    limit_ns: int,
    until_given: bool,
) -> list[tuple[int, int]]:
    """The windows (start, end in ns) to compute: every window from the one holding the
    earliest row to the one holding the latest, that is complete and not computed.

    Complete: its end is at or before ``limit_ns`` (``until``, else now), or, without
    ``until``, a later row exists.

    >>> from driftscope.monitor.sources.base import Part
    >>> day = 86_400 * NS
    >>> parts = [Part("a", 1, 1, 10, first=day // 2, last=2 * day + 5, missing=0, unparseable=0)]
    >>> pending_windows(parts, 86_400, set(), limit_ns=0, until_given=False) == [(0, day), (day, 2 * day)]
    True
    """  # noqa: E501
    valid = [p for p in parts if p.first is not None and p.last is not None]
    if not valid:
        return []
    width = window_seconds * NS
    first = min(p.first for p in valid if p.first is not None)
    last = max(p.last for p in valid if p.last is not None)
    out = []
    start = (first // width) * width
    while start <= last:
        end = start + width
        complete = end <= limit_ns or (not until_given and end <= last)
        if until_given and end > limit_ns:
            break
        if complete and (start, end) not in computed:
            out.append((start, end))
        start = end
    return out


def row_windows(
    source: LogSource,
    parts: Sequence[Part],
    count: int,
    computed: set[tuple[int, int]],
    until_ns: int | None,
    column: str,
) -> list[tuple[int, int]]:
    """Windows of ``count`` rows in timestamp order after the last stored one: each runs
    from its first row's timestamp to the next window's first (so rows sharing a timestamp
    at a cut all go to the later window, which then holds a few more). A window is complete
    once a row after it exists; ``until_ns`` also keeps windows ending after it out."""
    from driftscope.monitor.sources.base import read_timestamps

    after = max((end for _, end in computed), default=None)
    floor = (
        after
        if after is not None
        else min((p.first for p in parts if p.first is not None), default=None)
    )
    if floor is None:
        return []
    tail = [p for p in parts if p.last is not None and p.last >= floor]
    stamps: list[Any] = []
    for rows in source.read_windows(tail, [(floor, _MAX_NS)], columns=[column]):
        if rows.table.num_rows:
            found = read_timestamps(rows.table.column(column), column, "logs")
            stamps.append(found.nanos[found.valid])
    if not stamps:
        return []
    import numpy as np

    ordered = np.sort(np.concatenate(stamps))
    cuts = [int(ordered[i]) for i in range(0, ordered.size, count)]
    cuts = sorted(set(cuts))  # ties can make two cuts one
    out = []
    for start, end in itertools.pairwise(cuts):
        if until_ns is not None and end > until_ns:
            break
        if (start, end) not in computed:
            out.append((start, end))
    return out


_MAX_NS = 2**63 - 1


def overlaps(part: Part, pending: Sequence[tuple[int, int]]) -> bool:
    """Whether ``part``'s timestamp range meets any of the windows ``pending``."""
    if part.first is None or part.last is None:
        return False
    return any(part.first < end and start <= part.last for start, end in pending)


def _known_parts(store: Store, project: str) -> dict[str, Part]:
    from driftscope.monitor.sources.base import Part

    text = store.get_state(project, PARTS_KEY)
    if text is None:
        return {}
    try:
        parts = [Part.from_json(item) for item in json.loads(text)]
    except (ValueError, KeyError, TypeError):
        return {}  # an unreadable memory of the logs: scan them all again
    return {part.key: part for part in parts}


def _timestamp_findings(
    parts: Sequence[Part], pending: Sequence[tuple[int, int]]
) -> dict[int, list[QualityIssue]]:
    """Rows of new log files without a usable timestamp, as findings of the window that
    holds the file's latest row (they belong to no window, yet must not vanish)."""
    import bisect

    starts = [start for start, _ in pending]
    out: dict[int, list[QualityIssue]] = {}
    for part in parts:
        if not (part.missing or part.unparseable) or part.last is None:
            continue
        index = bisect.bisect_right(starts, part.last) - 1
        if index < 0 or part.last >= pending[index][1]:
            continue
        what = []
        if part.missing:
            what.append(f"{part.missing} without a timestamp")
        if part.unparseable:
            what.append(f"{part.unparseable} with a timestamp that cannot be read")
        out.setdefault(index, []).append(
            QualityIssue(
                None,
                "timestamps",
                "warning",
                f"{part.key}: {' and '.join(what)} of {part.rows} rows; they are in no window",
                current=float(part.missing + part.unparseable),
            )
        )
    return out


def window_workers() -> int:
    """Windows computed at once: the CPUs, at most :data:`MAX_WINDOW_WORKERS`."""
    return max(1, min(MAX_WINDOW_WORKERS, os.cpu_count() or 1))


@dataclass(frozen=True, slots=True)
class _Computed:
    """A window ready to be written."""

    record: WindowRecord
    points: list[MetricPoint]
    summary: ComputedWindow
    page: bytes | None = None
    """The window's HTML report, compressed (:func:`~driftscope.monitor.compute.window_page`)."""
    streams: Mapping[str, Fed] = field(default_factory=dict)
    """The window's values of each stream a detector reads (:mod:`driftscope.monitor.streams`)."""


def _write(
    store: Store,
    done: _Computed,
    progress: _Progress,
    on_window: Callable[[ComputedWindow], None] | None,
    streams: Streams,
) -> None:
    """Store a window, with what the stream detectors found in its rows and their states
    (fed here, in time order, as windows are computed on threads)."""
    record = done.record
    feeding = streams.feed(done.streams)
    points = [*done.points, *feeding.points(record.project, record.start, record.end)]
    if store.write_window(record, points, done.page, states=feeding.states):
        streams.commit(feeding)
    progress.windows.append(done.summary)
    if on_window is not None:
        on_window(done.summary)


def _compute_window(
    config: MonitorConfig,
    reference: Reference,
    options: CompareOptions,
    table: pa.Table,
    start_ns: int,
    end_ns: int,
    findings: list[QualityIssue],
) -> _Computed:
    from driftscope.monitor.compute import (
        monitor_rows,
        window_page,
        window_points,
        window_report,
        with_findings,
    )
    from driftscope.report.json_format import quality_to_dict

    start, end = _time(start_ns), _time(end_ns)
    project = config.project
    bad_times = sum(f.current or 0.0 for f in findings if f.check == "timestamps")
    extra = {"timestamp_errors": bad_times} if bad_times else {}
    if table.num_rows == 0:
        report_text = json.dumps(
            {"window": {"start": _rfc(start), "end": _rfc(end)}, "rows": 0,
             "quality": [quality_to_dict(f) for f in findings]}
        )  # fmt: skip
        figures = {"rows": 0.0, **extra}
        points = [
            MetricPoint(project, start, end, DATASET_COLUMN, k, v) for k, v in figures.items()
        ]
        record = WindowRecord(project, start, end, 0, "none", "empty", report_text)
        return _Computed(record, points, ComputedWindow(start, end, 0, "none", "empty"))
    label = window_label(config, start, end)
    kpis = kpis_of(table, config.columns.kpis)
    rows = monitor_rows(table, config, reference)
    report = with_findings(window_report(reference, rows, options, label), findings)
    points = window_points(report, project, start, end, kpis, extra)
    severity = report.dataset.severity
    record = WindowRecord(
        project, start, end, table.num_rows, severity, "computed", report.to_json(indent=None)
    )
    drifted = tuple(c.name for c in report.columns if c.decision and c.decision.drifted)
    failed = config.checks.fail_on is not None and report.fails(config.checks.fail_on)
    summary = ComputedWindow(start, end, table.num_rows, severity, "computed", drifted, failed)
    return _Computed(record, points, summary, window_page(report))


def window_label(config: MonitorConfig, start: datetime, end: datetime) -> str:
    """How a window's report names its current side: the logs and the span."""
    where = "ingested rows" if config.logs is None else config.logs.path or "sql"
    return f"{where} [{_rfc(start)}, {_rfc(end)})"


def schema_findings(notes: Sequence[str]) -> list[QualityIssue]:
    """The source's notes on log files that differ in their columns, as quality findings."""
    return [QualityIssue(None, "schema_change", "warning", note) for note in notes]


def kpis_of(table: pa.Table, kpis: Sequence[str]) -> dict[str, tuple[float, float]]:
    """Each KPI column's mean and sum over the window's rows that have it (a flag counts
    as 0 and 1); a KPI the window lacks is left out."""
    import pyarrow.compute as pc

    out: dict[str, tuple[float, float]] = {}
    for name in kpis:
        if name not in table.column_names:
            continue
        column = table.column(name)
        if column.type == "bool":
            column = column.cast("int64")
        try:
            mean, total = pc.mean(column).as_py(), pc.sum(column).as_py()
        except (TypeError, ValueError, NotImplementedError):
            continue
        if mean is not None:
            out[name] = (float(mean), float(total))
    return out


# --- alerts ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Span:
    """A stored window's start and end."""

    start: datetime
    end: datetime


def _evaluate_rules(config: MonitorConfig, store: Store, clock: Clock, progress: _Progress) -> None:
    from driftscope.alerts.rules import WindowMetrics, evaluate, max_for, project_rules

    project = config.project
    rules = project_rules(config)
    through_text = store.get_state(project, EVALUATED_KEY)
    through = None if through_text is None else datetime.fromisoformat(through_text)
    # the spans only: reading every window's report to evaluate rules would grow with history
    windows = [_Span(start, end) for start, end in sorted(store.computed_windows(project))]
    todo = [i for i, w in enumerate(windows) if through is None or w.end > through]
    if not todo:
        return
    depth = max(1, max_for(rules))
    since = windows[max(0, todo[0] - depth + 1)].start
    by_window: dict[datetime, dict[tuple[str, str], float]] = {}
    for point in store.points(project, since=since):
        by_window.setdefault(point.window_start, {})[point.column, point.metric] = point.value
    for index in todo:
        history = [
            WindowMetrics(w.start, w.end, by_window.get(w.start, {}))
            for w in windows[max(0, index - depth + 1) : index + 1]
        ]
        plan = evaluate(rules, project, history, store.open_alerts(project), history[-1].end)
        _apply(config, store, plan, history[-1], clock, progress)
        store.put_state(project, EVALUATED_KEY, history[-1].end.isoformat())


def _apply(
    config: MonitorConfig,
    store: Store,
    plan: Plan,
    current: WindowMetrics,
    clock: Clock,
    progress: _Progress,
) -> None:
    """Open, re-notify and resolve as ``plan`` says, at the end of the ``current`` window."""
    from driftscope.alerts.rules import column_values

    top = _top_drifted(current.values)
    at = current.end
    for opening in plan.opens:
        rule = opening.rule
        alert = store.open_alert(
            config.project, rule.name, opening.dedup_key, rule.severity,
            [c.column for c in opening.columns], opening.columns[0].value, at,
        )  # fmt: skip
        progress.opened.append(opening.dedup_key)
        progress.queued += _notify(
            store, config, rule, "triggered", opening.dedup_key, opening.columns, current, top,
            clock,
        )  # fmt: skip
        store.mark_notified(alert.id, at)
    for again in plan.renotify:
        progress.queued += _notify(
            store, config, again.rule, "triggered", again.alert.dedup_key, again.columns,
            current, top, clock,
        )  # fmt: skip
        store.mark_notified(again.alert.id, at)
    for resolution in plan.resolves:
        alert = resolution.alert
        store.resolve_alert(alert.dedup_key, at)
        progress.resolved.append(alert.dedup_key)
        if resolution.rule is not None:  # a removed rule has no channels to tell
            columns = column_values(resolution.rule, current, alert.columns)
            progress.queued += _notify(
                store, config, resolution.rule, "resolved", alert.dedup_key, columns,
                current, top, clock,
            )  # fmt: skip


def _notify(
    store: Store,
    config: MonitorConfig,
    rule: Rule,
    action: Literal["triggered", "resolved"],
    dedup_key: str,
    columns: Sequence[ColumnValue],
    window: WindowMetrics,
    top: tuple[ColumnValue, ...],
    clock: Clock,
) -> int:
    """Queue the event for each of the rule's channels; the key makes a repeat (a re-run
    of the same window) a no-op. Returns how many were newly queued."""
    from driftscope.alerts.events import AlertEvent
    from driftscope.alerts.rules import threshold_of
    from driftscope.monitor.store.base import Delivery

    metric, threshold, direction = threshold_of(rule)
    kind = "notify" if action == "triggered" else "resolve"
    queued = 0
    for channel in rule.channels:
        key = f"{dedup_key}/{kind}/{_rfc(window.start)}/{channel}"
        event = AlertEvent(
            action=action,
            event_id=hashlib.sha256(key.encode()).hexdigest()[:32],
            project=config.project,
            rule=rule.name,
            dedup_key=dedup_key,
            metric=metric,
            threshold=float(threshold),
            direction=direction,
            severity=rule.severity,
            window_start=window.start,
            window_end=window.end,
            columns=tuple(columns),
            top_drifted=top,
            base_url=config.alerts.base_url,
        )
        stored = store.enqueue(
            Delivery(key, config.project, channel, event.to_json(), next_attempt_at=clock())
        )
        queued += stored.attempts == 0 and stored.state == "pending"
    return queued


def _top_drifted(values: Mapping[tuple[str, str], float], most: int = 5) -> tuple[ColumnValue, ...]:
    """The window's drifted columns with their method's statistic, largest first."""
    from driftscope.alerts.events import ColumnValue

    drifted = {c for (c, m), v in values.items() if m == "drift" and v == 1.0}
    stats = {
        c: v
        for (c, m), v in values.items()
        if c in drifted and m not in GENERIC_METRICS and c != DATASET_COLUMN
    }
    ranked = sorted(stats.items(), key=lambda item: (-item[1], item[0]))[:most]
    return tuple(ColumnValue(c, v) for c, v in ranked)


def _deliver(
    config: MonitorConfig,
    store: Store,
    clock: Clock,
    channels: Mapping[str, Channel] | None,
    sleep: Callable[[float], None],
) -> OutboxResult:
    from driftscope.alerts.channels import build_channel
    from driftscope.alerts.outbox import deliver

    built = {name: build_channel(name, spec) for name, spec in config.alerts.channels.items()}
    built.update(channels or {})
    try:
        return deliver(store, config.project, built, now=clock, sleep=sleep)
    finally:
        for channel in built.values():
            close = getattr(channel, "close", None)
            if close is not None:
                close()


# --- small helpers -----------------------------------------------------------------------


def _ns(moment: datetime) -> int:
    from driftscope.monitor.windowing import to_nanos

    return to_nanos(moment)


def _time(nanos: int) -> datetime:
    from driftscope.monitor.windowing import from_nanos

    return from_nanos(nanos)


def _rfc(moment: datetime) -> str:
    from driftscope.alerts.events import rfc3339

    return rfc3339(moment)


__all__ = ["ComputedWindow", "RunResult", "pending_windows", "run_monitor"]
