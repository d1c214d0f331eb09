"""Online detectors in the monitor: each ``detectors:`` entry of the config
(:mod:`driftscope.monitor._config_streams`) reads one stream of the logs row by row, in
timestamp order, and its state is kept in the store between runs and restarts, so that the
stream goes on where the last run stopped.

What a stream is:

- ``column: NAME``: the column's numbers (a flag counts as 0 and 1), every row of each
  window in timestamp order, as the window is computed; missing and non-finite values are
  left out (the window's ``missing_share`` counts them).
- ``stream: error``: the model's error, 1 where ``columns.prediction`` differs from
  ``columns.target`` and 0 where it equals it (compared as labels: ``1.0`` predicts ``1``),
  or the absolute error for a regression (a numeric target with many values, as
  :mod:`driftscope.engine.performance` decides). A row joins the stream when its label is
  known: rows whose label is known when their window is computed (logged with the row, or
  already in the store) join then; rows whose label arrives later (``labels:`` files or the
  HTTP API) join at the run that reads it, in timestamp order. A label corrected later does
  not join again.

What is stored, per window, under the detector's name as column (the column's own name by
default, ``error`` for the error stream): ``detections`` (how many times it signalled drift),
``detected_at`` (when it first did: the time of that row, in Unix seconds; only in a window
where it did), ``in_warning`` (1 when it is in its warning zone after the window's last
value, for the detectors that have one) and ``stream_values`` (how many values it read).
Alert rules use them as any metric (``metric: detections, columns: [error], above: 0``).
Detections found in rows whose labels arrived late are added to the newest stored window,
the one in which they became known, and that window's rules are evaluated again;
``detected_at`` still names the row's own time.

A detector's state is written in the same transaction as the window it read (or, for late
labels, as the figures they produced), so a run killed half-way feeds no value twice. A
state saved for another method, stream or parameters is not continued: the detector starts
afresh and the run says so.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from driftscope.errors import ConfigError, InputError
from driftscope.monitor._config_streams import ERROR_STREAM, StreamDetector
from driftscope.monitor.store.base import MetricPoint

if TYPE_CHECKING:
    import pyarrow as pa

    from driftscope.detectors.base import DriftDetector
    from driftscope.monitor._config_models import MonitorConfig
    from driftscope.monitor.store.base import Store

STATE_PREFIX = "detector:"
"""A detector's state is kept in the store under this prefix and its name."""
METRICS = ("detections", "detected_at", "in_warning", "stream_values")
"""The figures a detector stores per window."""
NS = 1_000_000_000


@dataclass(frozen=True, slots=True)
class Fed:
    """One stream's values in a window, in timestamp order, with each value's time (ns)."""

    values: NDArray[np.float64]
    nanos: NDArray[np.int64]


@dataclass(slots=True)
class Feeding:
    """What feeding a window's streams found: each detector's figures, the detectors as
    they are after it (kept by :meth:`Streams.commit` once the store has them) and their
    states to store."""

    figures: dict[str, dict[str, float]] = field(default_factory=dict)
    detectors: dict[str, DriftDetector] = field(default_factory=dict)
    states: dict[str, str] = field(default_factory=dict)

    def points(self, project: str, start: datetime, end: datetime) -> list[MetricPoint]:
        """The figures as points of the window ``start``-``end``."""
        return [
            MetricPoint(project, start, end, name, metric, value)
            for name, figures in self.figures.items()
            for metric, value in figures.items()
        ]


class Streams:
    """The project's stream detectors as the store last saved them."""

    def __init__(self, config: MonitorConfig, store: Store) -> None:
        self.config = config
        self.specs = {item.key: item for item in config.detectors}
        self.detectors: dict[str, DriftDetector] = {}
        self.notes: list[str] = []
        self._reference_regression: bool | None = None
        for key, spec in self.specs.items():
            self.detectors[key] = self._load(store, key, spec)

    def _load(self, store: Store, key: str, spec: StreamDetector) -> DriftDetector:
        fresh: DriftDetector = spec.build()
        text = store.get_state(self.config.project, STATE_PREFIX + key)
        if text is None:
            return fresh
        try:
            saved = json.loads(text)
            if saved.get("spec") != spec.spec:
                self.notes.append(
                    f"detector {key!r}: its method, stream or parameters changed since its "
                    "state was saved; it starts afresh"
                )
                return fresh
            return type(fresh).from_state(saved["detector"])
        except (ValueError, KeyError, TypeError, AttributeError, ConfigError) as exc:
            self.notes.append(
                f"detector {key!r}: its saved state cannot be read ({exc}); it starts afresh"
            )
            return fresh

    def __bool__(self) -> bool:
        return bool(self.specs)

    def values(
        self, table: pa.Table, reference: pa.Table | None, *, errors_only: bool = False
    ) -> dict[str, Fed]:
        """Every stream's values in ``table`` (a window's rows; ``errors_only``: the error
        streams') in timestamp order; the error stream from the rows that carry a label.
        ``reference`` (the reference's rows, when kept) decides whether the model is a
        regression, once."""
        specs = {
            key: spec
            for key, spec in self.specs.items()
            if not errors_only or spec.stream == ERROR_STREAM
        }
        return streams_of(table, self.config, specs, partial(self._regression, reference))

    def _regression(self, reference: pa.Table | None, table: pa.Table) -> bool:
        target = self.config.columns.target
        if reference is None:
            return is_regression(table, target)
        if self._reference_regression is None:
            self._reference_regression = is_regression(reference, target)
        return self._reference_regression

    def feed(self, fed: Mapping[str, Fed]) -> Feeding:
        """Copies of the detectors fed ``fed`` (the streams of one window, or of late labels),
        their figures and states; the detectors themselves are unchanged until
        :meth:`commit`."""
        out = Feeding()
        for key, stream in fed.items():
            if stream.values.size == 0:
                continue
            kept = self.detectors[key]
            detector = type(kept).from_state(kept.state())
            positions = detector.update_many(stream.values)
            figures = {
                "detections": float(len(positions)),
                "in_warning": float(detector.warning_detected),
                "stream_values": float(stream.values.size),
            }
            if positions:
                figures["detected_at"] = float(stream.nanos[positions[0]]) / NS
            out.figures[key] = figures
            out.detectors[key] = detector
            saved = {"spec": self.specs[key].spec, "detector": detector.state()}
            out.states[STATE_PREFIX + key] = json.dumps(saved, allow_nan=False)
        return out

    def commit(self, feeding: Feeding) -> None:
        """Keep the detectors of ``feeding``: the store holds their states now."""
        self.detectors.update(feeding.detectors)


@dataclass(frozen=True, slots=True)
class Summary:
    """What a detector has read and found over the stored windows (``monitor status``)."""

    name: str
    method: str
    stream: str
    values: int
    detections: int
    last_at: datetime | None

    def to_dict(self) -> dict[str, Any]:
        """The summary as ``monitor status --json`` gives it."""
        from driftscope.alerts.events import rfc3339

        return {
            "name": self.name,
            "method": self.method,
            "stream": self.stream,
            "values": self.values,
            "detections": self.detections,
            "last_detection_at": None if self.last_at is None else rfc3339(self.last_at),
        }

    @property
    def message(self) -> str:
        """One line for a terminal."""
        from driftscope.alerts.events import rfc3339

        last = "" if self.last_at is None else f", last at {rfc3339(self.last_at)}"
        return (
            f"{self.name} ({self.method} on {self.stream}): {self.values:,} values, "
            f"{self.detections} detection(s){last}"
        )


def summaries(config: MonitorConfig, points: Sequence[MetricPoint]) -> list[Summary]:
    """Each configured detector's totals over ``points`` (the project's stream metrics)."""
    from datetime import UTC

    out = []
    for spec in config.detectors:
        mine = [p for p in points if p.column == spec.key]
        found = [p.value for p in mine if p.metric == "detected_at" and math.isfinite(p.value)]
        out.append(
            Summary(
                name=spec.key,
                method=spec.method,
                stream="the model's error" if spec.stream == ERROR_STREAM else str(spec.column),
                values=int(sum(p.value for p in mine if p.metric == "stream_values")),
                detections=int(sum(p.value for p in mine if p.metric == "detections")),
                last_at=datetime.fromtimestamp(max(found), UTC) if found else None,
            )
        )
    return out


def streams_of(
    table: pa.Table,
    config: MonitorConfig,
    specs: Mapping[str, StreamDetector],
    regression: Callable[[pa.Table], bool],
) -> dict[str, Fed]:
    """The stream each of ``specs`` reads from ``table``, in timestamp order (ties in row
    order): the timestamps, the model's error and each column read once, however many
    detectors read them. ``regression`` says whether the model is one (from ``table`` when
    the reference's rows are not kept)."""
    from driftscope.monitor.sources.base import read_timestamps

    timestamp = config.columns.timestamp
    if table.num_rows == 0 or timestamp not in table.column_names:
        return {key: _empty() for key in specs}
    stamps = read_timestamps(table.column(timestamp), timestamp, "logs")
    read: dict[str | None, tuple[NDArray[np.float64], NDArray[np.bool_]]] = {}
    out = {}
    for key, spec in specs.items():
        is_error = spec.stream == ERROR_STREAM
        if spec.column not in read:
            read[spec.column] = (
                error_values(table, config, regression(table))
                if is_error
                else column_values(table, spec)
            )
        values, keep = read[spec.column]
        _check_binary(spec, values[keep], is_error and regression(table))
        keep = keep & stamps.valid
        nanos = stamps.nanos[keep]
        order = np.argsort(nanos, kind="stable")
        out[key] = Fed(values[keep][order], nanos[order].astype(np.int64))
    return out


def column_values(
    table: pa.Table, spec: StreamDetector
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """A column's numbers and which rows have one (present and finite)."""
    import pyarrow as pa

    name = spec.column
    assert name is not None
    if name not in table.column_names:
        return np.zeros(table.num_rows), np.zeros(table.num_rows, dtype=bool)
    column = table.column(name)
    if pa.types.is_dictionary(column.type):
        column = column.cast(column.type.value_type)
    kind = column.type
    if not (pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_boolean(kind)):
        raise InputError(
            f"detector {spec.key!r}: column {name!r} holds {kind}, not numbers; a detector "
            "reads a numeric column (a feature, the prediction or the probability)"
        )
    values = np.asarray(column.cast(pa.float64()).to_numpy(zero_copy_only=False), dtype=np.float64)
    keep = np.isfinite(values)
    return np.where(keep, values, 0.0), keep


def _check_binary(spec: StreamDetector, values: NDArray[np.float64], regression: bool) -> None:
    """An error unless ``spec``'s detector can read ``values``: a detector of error rates
    reads 0 and 1 only."""
    if not spec.binary:
        return
    if regression:
        raise ConfigError(
            f"detector {spec.key!r}: {spec.method} reads an error stream of 0 and 1, and "
            f"the model is a regression (its error stream is the absolute error); use "
            "adwin, page_hinkley, cusum or kswin"
        )
    if not np.isin(values, (0.0, 1.0)).all():
        raise InputError(
            f"detector {spec.key!r}: {spec.method} reads an error stream of 0 and 1, and column "
            f"{spec.column!r} holds other values"
        )


def error_values(
    table: pa.Table, config: MonitorConfig, regression: bool
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """The model's error per row (1 wrong, 0 right; the absolute error for a regression) and
    which rows have one (both the target and the prediction present)."""
    target, prediction = config.columns.target, config.columns.prediction
    if target is None or prediction is None:  # the config requires both
        raise ConfigError("the error stream needs columns.target and columns.prediction")
    rows = table.num_rows
    if target not in table.column_names or prediction not in table.column_names:
        return np.zeros(rows), np.zeros(rows, dtype=bool)
    if regression:
        truth = _floats(table.column(target))
        guess = _floats(table.column(prediction))
        error = np.abs(guess - truth)
        keep = np.isfinite(error)
        return np.where(keep, error, 0.0), keep
    from driftscope.engine._model_columns import label_text

    truths = table.column(target).to_pylist()
    guesses = table.column(prediction).to_pylist()
    values = np.zeros(rows)
    keep = np.zeros(rows, dtype=bool)
    for i, (truth, guess) in enumerate(zip(truths, guesses, strict=True)):
        if _missing(truth) or _missing(guess):
            continue
        keep[i] = True
        values[i] = float(label_text(truth) != label_text(guess))
    return values, keep


def is_regression(table: pa.Table, target: str | None) -> bool:
    """Whether the model whose target is ``table``'s column ``target`` is a regression."""
    from driftscope.engine._model_columns import find_task

    if target is None or target not in table.column_names:
        return False
    return find_task(table, {}, target) == "regression"


def merged(figures: Mapping[str, float], old: Mapping[str, float]) -> dict[str, float]:
    """A window's stored figures of a detector with more found later: counts add up, the
    first detection's time stays, the warning zone is the latest."""
    out = dict(figures)
    for metric in ("detections", "stream_values"):
        out[metric] = figures.get(metric, 0.0) + old.get(metric, 0.0)
    if "detected_at" in old:
        out["detected_at"] = old["detected_at"]
    return out


def concatenated(parts: Sequence[Mapping[str, Fed]]) -> dict[str, Fed]:
    """Several windows' streams, one after the other, per stream."""
    out: dict[str, Fed] = {}
    for key in {k for part in parts for k in part}:
        pieces = [part[key] for part in parts if key in part]
        out[key] = Fed(
            np.concatenate([p.values for p in pieces]), np.concatenate([p.nanos for p in pieces])
        )
    return out


def _floats(column: Any) -> NDArray[np.float64]:
    import pyarrow as pa

    try:
        cast = column.cast(pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return np.full(len(column), np.nan)
    return np.asarray(cast.to_numpy(zero_copy_only=False), dtype=np.float64)


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and not math.isfinite(value))


def _empty() -> Fed:
    return Fed(np.zeros(0), np.zeros(0, dtype=np.int64))
