"""Late labels: outcomes that arrive after their predictions were logged, joined on the id
column, so that an old window's performance is measured once they are known.

Labels reach the store from the config's ``labels:`` files (each file read once: a changed
file is read again, and a label given again for an id replaces the old one only when it
differs) or from the HTTP API. A window computed for the first time takes the labels the
store holds for its rows (:func:`with_labels`, from :mod:`driftscope.monitor.run`). Then
every stored window holding a row whose label arrived since the last run (since its lookup,
for a window this run computed) is computed again from its logs with every label known for
its rows, and replaced whole (report and points, one transaction; status ``labelled``): its
performance is measured on the labelled rows where it was estimated before.

Alert rules are evaluated once per window, when it is first computed; a window's figures
filled in later by labels do not open alerts retroactively. (What the error stream's
detectors find in late labels goes to the newest window, which is evaluated again:
:mod:`driftscope.monitor.streams`.)
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from driftscope.errors import InputError
from driftscope.monitor.streams import METRICS as STREAM_METRICS

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa
    from numpy.typing import NDArray

    from driftscope.engine.options import CompareOptions
    from driftscope.monitor._config_models import MonitorConfig
    from driftscope.monitor.compute import Reference
    from driftscope.monitor.sources.base import LogSource, Part
    from driftscope.monitor.store.base import Store, WindowRecord
    from driftscope.monitor.streams import Fed, Streams
    from driftscope.result import QualityIssue

LABEL_FILES_KEY = "label_files"
"""The store state holding the label files read, with their size and modification time."""
APPLIED_KEY = "labels_applied_at"
"""The store state holding when labels were last applied to windows."""
NS = 1_000_000_000


def read_label_files(config: MonitorConfig, store: Store, now: datetime) -> int:
    """Put the labels of new or changed label files into the store; returns how many labels
    were new or changed."""
    if config.labels is None:
        return 0
    from driftscope.io import read_dataset

    id_column, target = config.columns.id, config.columns.target
    if id_column is None or target is None:  # the config refuses labels without them
        return 0
    text = store.get_state(config.project, LABEL_FILES_KEY)
    seen: dict[str, list[int]] = {} if text is None else json.loads(text)
    changed = 0
    for path in _label_files(config.labels.path, id_column):
        stat = Path(path).stat()
        mark = [stat.st_size, stat.st_mtime_ns]
        if seen.get(path) == mark:
            continue
        table = read_dataset(path).table
        for name in (id_column, target):
            if name not in table.column_names:
                raise InputError(f"{path}: label file has no column {name!r} (labels: path)")
        changed += store.put_labels(
            config.project, label_pairs(table, id_column, target, path), now
        )
        seen[path] = mark
    store.put_state(config.project, LABEL_FILES_KEY, json.dumps(seen))
    return changed


def _label_files(where: str, id_column: str) -> list[str]:
    """The label files at ``where``: none yet is fine for a folder or a glob (labels come
    later), not for a file that does not exist (a typo)."""
    import glob

    from driftscope.monitor.sources.files import FileSource

    try:
        return FileSource(where, id_column).files()
    except InputError:
        if glob.has_magic(where) or Path(where).is_dir():
            return []
        raise


def label_pairs(table: pa.Table, id_column: str, target: str, where: str) -> list[tuple[str, str]]:
    """``(row id as text, label as JSON)`` for each row with both (a later row of an id wins).

    >>> import pyarrow as pa
    >>> label_pairs(pa.table({"id": [1, 2, 3], "y": [True, None, False]}), "id", "y", "f")
    [('1', 'true'), ('3', 'false')]
    """
    ids = row_ids(table.column(id_column))
    values = table.column(target).to_pylist()
    out: dict[str, str] = {}
    for row_id, value in zip(ids, values, strict=True):
        if row_id is None or value is None:
            continue
        if isinstance(value, float) and not math.isfinite(value):
            continue
        try:
            out[row_id] = json.dumps(value)
        except TypeError:
            raise InputError(
                f"{where}: label {value!r} of id {row_id!r} is not a number, text or flag"
            ) from None
    return list(out.items())


def row_ids(column: pa.ChunkedArray | pa.Array) -> list[str | None]:
    """The id column's values as texts (numbers as they print), None where missing."""
    import pyarrow as pa

    if pa.types.is_dictionary(column.type):
        column = column.cast(column.type.value_type)
    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        column = column.cast(pa.string())
    values: list[str | None] = column.to_pylist()
    return values


def apply_labels(
    config: MonitorConfig,
    store: Store,
    source: LogSource,
    parts: Sequence[Part],
    reference: Reference | None,
    options: CompareOptions | None,
    now: datetime,
    streams: Streams | None = None,
    looked_up: Mapping[datetime, datetime] | None = None,
) -> list[WindowRecord]:
    """Compute again every stored window holding a row whose label arrived since the last
    call, with all labels known for its rows; returns the replaced windows. The error
    streams of ``streams`` read the rows whose labels arrived
    (:mod:`driftscope.monitor.streams`). ``looked_up`` gives, for windows computed in this
    run, when they looked their rows' labels up: only labels that arrived later count for
    them."""
    project = config.project
    id_column, target = config.columns.id, config.columns.target
    if id_column is None or target is None:
        return []
    text = store.get_state(project, APPLIED_KEY)
    since = None if text is None else datetime.fromisoformat(text)
    fresh = store.labels_since(project, since)
    if not fresh:
        return []
    from driftscope.monitor.run import overlaps
    from driftscope.monitor.windowing import to_nanos

    stored = [w for w in store.windows(project) if w.rows > 0 and w.status != "empty"]
    spans = [(to_nanos(w.start), to_nanos(w.end)) for w in stored]
    wanted = [p for p in parts if overlaps(p, spans)]
    newer = {
        w.start: store.labels_since(project, (looked_up or {})[w.start])
        for w in stored
        if w.start in (looked_up or {})
    }
    hits = []
    for rows in source.read_windows(wanted, spans, columns=[id_column]):
        counted = newer.get(stored[rows.index].start, fresh)
        if id_column in rows.table.column_names and not counted.isdisjoint(
            row_ids(rows.table.column(id_column))
        ):
            hits.append(rows.index)
    replaced: list[WindowRecord] = []
    late: list[dict[str, Fed]] = []
    if hits:
        if reference is None or options is None:
            from driftscope.monitor.compute import (
                fit_to_reference,
                load_reference,
                monitor_options,
            )

            options = monitor_options(config)
            reference = load_reference(config, options)
            options = fit_to_reference(options, config, reference)
        chosen = [spans[i] for i in hits]
        read = source.read_windows([p for p in parts if overlaps(p, chosen)], chosen)
        for rows in read:
            window = stored[hits[rows.index]]
            table = with_labels(store, project, rows.table, id_column, target)
            replaced.append(
                _recompute(config, store, reference, options, window, table, rows.notes)
            )
            if streams and id_column in rows.table.column_names:
                ids = newer.get(window.start, fresh)
                arrived = _arrived(rows.table, ids, id_column, target)
                late.append(
                    streams.values(table.filter(arrived), reference.table, errors_only=True)
                )
    if late and streams:
        _feed_late(config, store, streams, late, {APPLIED_KEY: now.isoformat()})
    else:
        store.put_state(project, APPLIED_KEY, now.isoformat())
    return replaced


def _arrived(table: pa.Table, fresh: set[str], id_column: str, target: str) -> NDArray[np.bool_]:
    """The rows whose label arrived (their id is in ``fresh``) and that did not carry one in
    the logs: those the error stream has not read yet."""
    import numpy as np

    ids = row_ids(table.column(id_column))
    unlabelled = (
        table.column(target).is_null().to_numpy(zero_copy_only=False)
        if target in table.column_names
        else np.ones(table.num_rows, dtype=bool)
    )
    return np.array([i is not None and i in fresh for i in ids], dtype=bool) & unlabelled


def _feed_late(
    config: MonitorConfig,
    store: Store,
    streams: Streams,
    late: Sequence[Mapping[str, Fed]],
    states: dict[str, str],
) -> None:
    """Feed the error streams the rows whose labels arrived, and store what they found in the
    newest window (where it became known) with the detectors' states and ``states``, in one
    transaction; when a detector fired in a window the alert rules have evaluated already,
    they evaluate it again."""
    from driftscope.monitor.run import EVALUATED_KEY
    from driftscope.monitor.streams import concatenated, merged

    project = config.project
    start, end = max(store.computed_windows(project))  # the spans only, not the reports
    feeding = streams.feed(concatenated(late))
    old: dict[str, dict[str, float]] = {}
    for point in store.points(project, since=start, until=end):
        old.setdefault(point.column, {})[point.metric] = point.value
    feeding.figures = {
        name: merged(figures, old.get(name, {})) for name, figures in feeding.figures.items()
    }
    through = store.get_state(project, EVALUATED_KEY)
    fired = any(
        f["detections"] > old.get(n, {}).get("detections", 0.0) for n, f in feeding.figures.items()
    )
    if fired and through is not None and datetime.fromisoformat(through) >= end:
        states[EVALUATED_KEY] = start.isoformat()
    store.put_points(project, feeding.points(project, start, end), {**feeding.states, **states})
    streams.commit(feeding)


def with_labels(
    store: Store, project: str, table: pa.Table, id_column: str, target: str
) -> pa.Table:
    """``table`` with its target column filled from the labels known for its ids (a label
    in the logs themselves is kept where the store has none)."""
    import pyarrow as pa

    ids = row_ids(table.column(id_column))
    known = store.labels(project, [i for i in ids if i is not None])
    logged = table.column(target).to_pylist() if target in table.column_names else [None] * len(ids)
    values: list[Any] = [
        json.loads(known[i]) if i is not None and i in known else old
        for i, old in zip(ids, logged, strict=True)
    ]
    try:
        column = pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        column = pa.array([None if v is None else str(v) for v in values], pa.string())
    if target in table.column_names:
        return table.set_column(table.schema.get_field_index(target), target, column)
    return table.append_column(target, column)


def _recompute(
    config: MonitorConfig,
    store: Store,
    reference: Reference,
    options: CompareOptions,
    window: WindowRecord,
    table: pa.Table,
    notes: Sequence[str],
) -> WindowRecord:
    from dataclasses import replace

    from driftscope.monitor.compute import (
        monitor_rows,
        window_page,
        window_points,
        window_report,
        with_findings,
    )
    from driftscope.monitor.run import kpis_of, schema_findings, window_label

    rows = monitor_rows(table, config, reference)
    label = window_label(config, window.start, window.end)
    kept = _timestamp_findings(window.report)  # they came from the scan: carried over
    report = with_findings(
        window_report(reference, rows, options, label), [*schema_findings(notes), *kept]
    )
    bad_times = sum(f.current or 0.0 for f in kept)
    points = window_points(
        report,
        config.project,
        window.start,
        window.end,
        kpis_of(table, config.columns.kpis),
        {"timestamp_errors": bad_times} if bad_times else None,
    )
    # what stream detectors found in the window is not the report's: it stays
    points += [
        p
        for p in store.points(config.project, since=window.start, until=window.end)
        if p.metric in STREAM_METRICS
    ]
    record = replace(
        window,
        rows=table.num_rows,
        severity=report.dataset.severity,
        status="labelled",
        report=report.to_json(indent=None),
    )
    store.replace_window(record, points, window_page(report))
    return record


def _timestamp_findings(report: str) -> list[QualityIssue]:
    from driftscope.result import QualityIssue

    try:
        quality = json.loads(report).get("quality", [])
    except (ValueError, AttributeError):
        return []
    return [
        QualityIssue(None, "timestamps", "warning", str(q.get("message")), current=q.get("current"))
        for q in quality
        if isinstance(q, dict) and q.get("check") == "timestamps"
    ]
