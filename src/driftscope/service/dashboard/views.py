"""What each dashboard page shows, read from the store and shaped for its template: a
project's health at a glance, its windows, heat map and charts, its alerts.

Everything here reads the stored metric points (small, indexed) rather than the windows'
reports, so that a page over 90 windows x 25 features stays fast.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import quote

from driftscope.alerts.events import rfc3339
from driftscope.engine.multivariate import MULTIVARIATE_METHODS
from driftscope.engine.verdict import STATISTIC_NAMES
from driftscope.monitor.store.base import DATASET_COLUMN
from driftscope.monitor.streams import METRICS as STREAM_METRICS
from driftscope.service.dashboard import charts
from driftscope.service.dashboard.charts import day_text

if TYPE_CHECKING:
    from driftscope.monitor._config_alerts import Rule
    from driftscope.monitor._config_models import MonitorConfig
    from driftscope.monitor.store.base import Alert, Store

SEVERITIES = ("none", "warning", "major")
HEADLINE_METRICS = ("roc_auc", "accuracy", "f1", "r2", "mae", "rmse", "mape", "log_loss")
"""The performance metric the overview shows: the first one a project's windows have."""
STRIP_WINDOWS = 30
NAN = math.nan
FEATURE_METRICS = ("severity", "drift", "missing_share", "p_value", *STREAM_METRICS)
"""Per-column metrics that are not a method's statistic (a stream detector named as the
column it reads stores its figures beside the column's)."""
MULTIVARIATE = "multivariate_"
"""The dataset's points of a multivariate test: ``multivariate_<method>`` (its statistic),
``multivariate_<method>_drift`` (1 or 0) and ``multivariate_<method>_p_value``."""


def window_url(project: str, start: datetime) -> str:
    """The dashboard address of a window's report."""
    return f"/projects/{quote(project)}/windows/{quote(rfc3339(start))}"


def project_url(project: str) -> str:
    """The dashboard address of a project."""
    return f"/projects/{quote(project)}"


@dataclass(frozen=True, slots=True)
class Windows:
    """The windows of a selection, in time order, each with its dataset figures."""

    starts: list[datetime]
    ends: list[datetime]
    figures: list[dict[str, float]]

    def series(self, metric: str) -> list[float]:
        """``metric``'s value in each window (NaN where it has none)."""
        return [f.get(metric, NAN) for f in self.figures]

    def __len__(self) -> int:
        return len(self.starts)


def dataset_windows(
    store: Store, project: str, since: datetime | None = None, until: datetime | None = None
) -> Windows:
    """Every stored window of the project (within ``since``/``until``) by its dataset points:
    each window stores ``rows`` under column ``*``, an empty one too."""
    grouped: dict[tuple[datetime, datetime], dict[str, float]] = {}
    for point in store.points(project, None, DATASET_COLUMN, since, until):
        grouped.setdefault((point.window_start, point.window_end), {})[point.metric] = point.value
    keys = sorted(grouped)
    return Windows([k[0] for k in keys], [k[1] for k in keys], [grouped[k] for k in keys])


def severity_name(level: float) -> str:
    """``none``, ``warning`` or ``major`` for a stored level (0, 1, 2); ``unknown`` for NaN."""
    return SEVERITIES[int(level)] if math.isfinite(level) and 0 <= level <= 2 else "unknown"


@dataclass(frozen=True, slots=True)
class Health:
    """One project on the overview."""

    name: str
    url: str
    windows: int
    last_end: datetime | None
    severity: str
    drifted: list[str]
    open_alerts: int
    worst_alert: str | None
    rows_last: float
    rows_median: float
    performance: str | None
    performance_value: float
    performance_reference: float
    estimated: bool
    strip: str
    rank: tuple[int, int, str] = field(default=(0, 0, ""))


ALERT_RANK = {"critical": 4, "error": 3, "warning": 2, "info": 1}


def health(config: MonitorConfig, store: Store) -> Health:
    """The project's health: its last window's severity and drifted features, its open
    alerts, rows in its last window and the median over the recent ones, its performance and
    a strip of its last windows' severities."""
    project = config.project
    spans = sorted(store.computed_windows(project))
    # the figures of the recent windows only: a year of hourly windows stays one small read
    recent_start = spans[-STRIP_WINDOWS][0] if len(spans) >= STRIP_WINDOWS else None
    windows = dataset_windows(store, project, recent_start)
    alerts = store.open_alerts(project)
    worst = max((a.severity for a in alerts), key=lambda s: ALERT_RANK.get(s, 0), default=None)
    if not len(windows):
        return Health(project, project_url(project), len(spans), None, "unknown", [], len(alerts),
                      worst, NAN, NAN, None, NAN, NAN, False, "",
                      (ALERT_RANK.get(worst or "", 0), -1, project))  # fmt: skip
    last = windows.figures[-1]
    severity = severity_name(last.get("dataset_severity", NAN))
    drifted = drifted_in(store, project, windows.starts[-1], windows.ends[-1])
    rows = [v for v in windows.series("rows") if math.isfinite(v)]
    name, value, reference, estimated = _performance(windows)
    recent = slice(-STRIP_WINDOWS, None)
    levels = windows.series("dataset_severity")[recent]
    titles = [
        f"{charts.day_text(s)} · {severity_name(v)}"
        for s, v in zip(windows.starts[recent], levels, strict=True)
    ]
    rank = (ALERT_RANK.get(worst or "", 0), SEVERITIES.index(severity) if severity in
            SEVERITIES else -1, project)  # fmt: skip
    return Health(
        name=project,
        url=project_url(project),
        windows=len(spans),
        last_end=windows.ends[-1],
        severity=severity,
        drifted=drifted,
        open_alerts=len(alerts),
        worst_alert=worst,
        rows_last=last.get("rows", NAN),
        rows_median=statistics.median(rows) if rows else NAN,
        performance=name,
        performance_value=value,
        performance_reference=reference,
        estimated=estimated,
        strip=charts.strip(levels, titles),
        rank=rank,
    )


def _performance(windows: Windows) -> tuple[str | None, float, float, bool]:
    """The headline metric of the latest window that has one: (name, value, reference's
    value, estimated?)."""
    for figures in reversed(windows.figures):
        for metric in HEADLINE_METRICS:
            for estimated in (False, True):
                name = ("estimated_" if estimated else "") + metric
                if name in figures and math.isfinite(figures[name]):
                    reference = figures.get("reference_" + metric, NAN)
                    return metric, figures[name], reference, estimated
    return None, NAN, NAN, False


def drifted_in(store: Store, project: str, start: datetime, end: datetime) -> list[str]:
    """The columns that drifted in the window (the store's :meth:`drifted_columns`), most
    severe first."""
    drifted = store.drifted_columns(project, start, end).get((start, end), [])
    severity = {p.column: p.value for p in store.points(project, "severity", None, start, end)}
    return sorted(drifted, key=lambda c: (-severity.get(c, 0.0), c))


@dataclass(frozen=True, slots=True)
class Matrix:
    """Per-column values of one metric in every window of a selection."""

    columns: list[str]
    values: dict[str, list[float]]


def column_matrix(
    store: Store,
    project: str,
    metric: str,
    windows: Windows,
    since: datetime | None,
    until: datetime | None,
) -> Matrix:
    """``metric`` for every column (not ``*``) in every window of ``windows``."""
    index = {start: i for i, start in enumerate(windows.starts)}
    values: dict[str, list[float]] = defaultdict(lambda: [NAN] * len(windows))
    for point in store.points(project, metric, None, since, until):
        i = index.get(point.window_start)
        if point.column != DATASET_COLUMN and i is not None:
            values[point.column][i] = point.value
    return Matrix(sorted(values), dict(values))


def model_columns(config: MonitorConfig) -> set[str]:
    """The model's columns of the project: its prediction, probabilities and target."""
    columns = config.columns
    probability = columns.probability
    named = [columns.target, columns.prediction]
    named += list(probability.values()) if isinstance(probability, dict) else [probability]
    return {name for name in named if name is not None}


def heat_rows(matrix: Matrix, model: set[str], only: str | None = None) -> list[charts.HeatRow]:
    """The heat map's rows: the model's columns (labelled so) first, then the most drifted
    features (most windows at major, then at warning), then by name; ``only`` keeps one."""

    def weight(column: str) -> tuple[bool, float, float, str]:
        levels = matrix.values[column]
        drifts = (-sum(v == 2 for v in levels), -sum(v == 1 for v in levels))
        return (column not in model, *drifts, column)

    names = [c for c in matrix.columns if only is None or c == only]
    return [
        charts.HeatRow(f"{c} (model)" if c in model else c, matrix.values[c])
        for c in sorted(names, key=weight)
    ]


def column_series(
    store: Store,
    project: str,
    column: str,
    windows: Windows,
    since: datetime | None,
    until: datetime | None,
) -> dict[str, list[float]]:
    """Every metric stored for ``column`` (``*``: the dataset's) over the windows."""
    if column == DATASET_COLUMN:
        return {m: windows.series(m) for m in sorted({k for f in windows.figures for k in f})}
    index = {start: i for i, start in enumerate(windows.starts)}
    out: dict[str, list[float]] = defaultdict(lambda: [NAN] * len(windows))
    for point in store.points(project, None, column, since, until):
        i = index.get(point.window_start)
        if i is not None:
            out[point.metric][i] = point.value
    return dict(sorted(out.items()))


def default_metric(column: str, metrics: Iterable[str]) -> str | None:
    """What the metric chart shows first for ``column``: the dataset's drift share, or the
    column's method statistic (psi, ks, ...), else its severity."""
    names = list(metrics)
    if column == DATASET_COLUMN:
        return "drift_share" if "drift_share" in names else (names[0] if names else None)
    statistic = [m for m in names if m not in FEATURE_METRICS]
    return statistic[0] if statistic else ("severity" if "severity" in names else None)


def rule_thresholds(rules: Sequence[Rule], metric: str, column: str) -> list[charts.Threshold]:
    """The thresholds of the rules (and composite rules' conditions) that watch ``metric`` on
    ``column``, labelled with the rule."""
    out: list[charts.Threshold] = []
    for rule in rules:
        conditions = rule.all_ if rule.all_ else (rule,)
        for condition in conditions:
            if condition.metric != metric:
                continue
            if condition.columns != "*" and column not in condition.columns:
                continue
            if condition.columns == "*" and column == DATASET_COLUMN and metric == "severity":
                continue
            for word, value in (("above", condition.above), ("below", condition.below)):
                if value is not None:
                    out.append(charts.Threshold(f"{rule.name}: {word} {value:g}", float(value)))
    return out


def detection_events(
    config: MonitorConfig,
    store: Store,
    windows: Windows,
    since: datetime | None,
    until: datetime | None,
) -> dict[str, list[charts.Event]]:
    """What the project's stream detectors found in the windows, as chart events keyed by the
    chart they mark: the column a detector reads, or :data:`PERFORMANCE` for the model's
    error stream. A detector no longer in the config marks the column of its name."""
    from driftscope.monitor._config_streams import ERROR_STREAM

    specs = {item.key: item for item in config.detectors}
    shown = set(windows.starts)
    counts = {
        (p.window_start, p.column): p.value
        for p in store.points(config.project, "detections", None, since, until)
    }
    out: dict[str, list[charts.Event]] = defaultdict(list)
    for point in store.points(config.project, "detected_at", None, since, until):
        if point.window_start not in shown or not math.isfinite(point.value):
            continue
        spec = specs.get(point.column)
        if spec is None:
            chart, what = point.column, "a detector no longer in the config"
        elif spec.stream == ERROR_STREAM:
            chart, what = PERFORMANCE, f"{spec.method} on the model's error"
        else:
            chart, what = spec.column or point.column, f"{spec.method} on {spec.column}"
        at = datetime.fromtimestamp(point.value, UTC)
        count = int(counts.get((point.window_start, point.column), 1))
        more = f" ({count} in the window of {day_text(point.window_start)})" if count > 1 else ""
        label = f"{point.column}: {what} signalled drift at {rfc3339(at)}{more}"
        out[chart].append(charts.Event(label, at))
    return dict(out)


PERFORMANCE = "\x00performance"
"""The key of :func:`detection_events` for the performance chart (no column's name)."""


@dataclass(frozen=True, slots=True)
class PerformanceChart:
    """Performance over time: measured and estimated lines, the estimate's band and the
    reference's level."""

    metric: str
    series: list[charts.Series]
    band: charts.Band | None


def performance_chart(windows: Windows) -> PerformanceChart | None:
    """The chart of the first headline metric the windows have, measured or estimated."""
    names = {k for f in windows.figures for k in f}
    for metric in HEADLINE_METRICS:
        measured, estimated = metric in names, f"estimated_{metric}" in names
        if not (measured or estimated):
            continue
        series = []
        band = None
        if measured:
            series.append(charts.Series(f"{metric} (measured)", windows.series(metric), "s0"))
        if estimated:
            name = f"estimated_{metric}"
            series.append(charts.Series(f"{metric} (estimated)", windows.series(name), "s1"))
            band = charts.Band(
                "estimate's 95% band",
                windows.series(name + "_ci_low"),
                windows.series(name + "_ci_high"),
            )
        elif measured:
            band = charts.Band(
                "95% interval",
                windows.series(metric + "_ci_low"),
                windows.series(metric + "_ci_high"),
            )
        reference = windows.series("reference_" + metric)
        if any(math.isfinite(v) for v in reference):
            series.append(charts.Series("reference", reference, "s2 dashed"))
        return PerformanceChart(metric, series, band)
    return None


def open_windows(alert: Alert, windows: Windows) -> list[int]:
    """The indexes of the windows during which the alert was open: from the window whose
    end opened it up to, not including, the one whose end resolved it."""
    resolved = alert.resolved_at
    return [
        i
        for i, end in enumerate(windows.ends)
        if alert.opened_at <= end and (resolved is None or end < resolved)
    ]


def alert_spans(
    alerts: Sequence[Alert], column: str, metric_rules: set[str], windows: Windows
) -> list[charts.Span]:
    """The spans (first to last window start) during which alerts of rules watching the
    chart's metric were open on ``column``."""
    spans = []
    for alert in alerts:
        if alert.rule not in metric_rules:
            continue
        if column not in alert.columns and not (column == DATASET_COLUMN and not alert.columns):
            continue
        during = open_windows(alert, windows)
        if during:
            label = f"alert {alert.rule} ({alert.severity})"
            spans.append(charts.Span(label, windows.starts[during[0]], windows.starts[during[-1]]))
    return spans


@dataclass(frozen=True, slots=True)
class Together:
    """One multivariate test over the windows: its statistic, whether it found drift and its
    p-value in each window (NaN, False and NaN where it did not run)."""

    method: str
    statistic: str
    values: list[float]
    drifted: list[bool]
    p_values: list[float]

    @property
    def metric(self) -> str:
        """The stored metric of its statistic."""
        return MULTIVARIATE + self.method

    @property
    def tested(self) -> int:
        """Windows it ran in."""
        return sum(math.isfinite(v) for v in self.values)

    @property
    def drifted_windows(self) -> int:
        """Windows in which it found drift."""
        return sum(self.drifted)

    def notes(self) -> list[str]:
        """Each window's p-value and verdict, as its point's title ends."""
        out = []
        for p, drift in zip(self.p_values, self.drifted, strict=True):
            verdict = "drift" if drift else "no drift"
            out.append(f"p = {p:.2g} · {verdict}" if math.isfinite(p) else verdict)
        return out


def together_series(windows: Windows) -> list[Together]:
    """Every multivariate test the windows hold points of (the dataset's figures, already
    read), in the reports' order; empty when the project runs none."""
    found = {
        name[len(MULTIVARIATE) :]
        for figures in windows.figures
        for name in figures
        if name.startswith(MULTIVARIATE) and not name.endswith(("_drift", "_p_value"))
    }
    found.discard("")
    # the reports' order; a method this version does not know after them, by name
    order = sorted(found, key=lambda m: (m not in MULTIVARIATE_METHODS, _rank(m), m))
    out = []
    for method in order:
        metric = MULTIVARIATE + method
        drift = windows.series(metric + "_drift")
        out.append(
            Together(
                method=method,
                statistic=STATISTIC_NAMES.get(method, "statistic").replace("^2", "\u00b2"),
                values=windows.series(metric),
                drifted=[v == 1.0 for v in drift],
                p_values=windows.series(metric + "_p_value"),
            )
        )
    return out


def _rank(method: str) -> int:
    return MULTIVARIATE_METHODS.index(method) if method in MULTIVARIATE_METHODS else 0
