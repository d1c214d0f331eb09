"""One window of a monitoring project: its report against the reference, and the report's
figures as the store's time-series points (SPEC section 8).

The reference is read and profiled once per process (:class:`Reference`), never per window:
each window's rows are profiled on the reference's bins and compared from the two profiles
(exact for every binned statistic; see :mod:`driftscope.engine.profiled`), which is what lets a
backfill of 90 windows cost little more than profiling its rows. When the project names a
target and the model's outputs, the reference's raw rows are kept too, and each window's
performance is measured on its labelled rows or estimated without labels (CBPE, DLE), with
concept drift when both sides have labels. Text and embedding columns, which profiles do not
summarise, are kept as values beside the profiles (:class:`~driftscope.engine.profiled.
ProfileSide`'s ``raw``) and tested from them.

Points per column: the method's statistic under the method's name (``ks``, ``psi``, ...),
``p_value`` when the method has one, ``drift`` (1 or 0), ``severity`` (0 none, 1 warning,
2 major), ``missing_share``. Under the dataset column ``*``: ``rows``, ``drift_share``,
``drifted_columns``, ``dataset_severity`` (0, 1, 2: not ``severity``, so that a rule on
``severity`` over ``columns: "*"`` means the features), ``quality_findings``, each
performance metric (measured as ``roc_auc``, estimated as ``estimated_roc_auc``) with its
confidence band (``roc_auc_ci_low``, ``roc_auc_ci_high``) and its value on the reference
(``reference_roc_auc``), the headline
metric's ``performance_change`` (current minus reference in the direction of better: negative
is worse) and ``performance_drop`` (see :func:`performance_drop`), and, per KPI column,
``kpi_mean`` and ``kpi_sum`` under the KPI's own column name. With ``checks: {multivariate:
[...]}``, per multivariate test (``mmd``, ``classifier``, ``reconstruction``) under ``*``:
``multivariate_<method>`` (its statistic), ``multivariate_<method>_drift`` (1 or 0) and, for a
test with one, ``multivariate_<method>_p_value``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from driftscope.engine.options import CompareOptions
from driftscope.errors import ConfigError
from driftscope.monitor.store.base import DATASET_COLUMN, MetricPoint
from driftscope.result import QualityIssue, Source

if TYPE_CHECKING:
    import pyarrow as pa

    from driftscope.engine.profiled import ProfileSide
    from driftscope.monitor._config_models import MonitorConfig
    from driftscope.profiling import Profile
    from driftscope.result import DriftReport, MetricValue, Performance

SEVERITY_LEVEL = {"none": 0, "warning": 1, "major": 2}
"""The ``severity`` point of a column or the dataset."""
DROP_TOLERANCE = {"roc_auc": 0.02, "accuracy": 0.02, "mae": 0.10}
"""How far the headline metric must fall before ``performance_drop`` is 1: an absolute 0.02
for AUC and accuracy, 10% of the reference's value for MAE (a relative change, as errors
have no fixed scale). The fall must also clear the estimate's or measurement's own
uncertainty (its confidence interval excludes the reference's value)."""


@dataclass(frozen=True, slots=True)
class Reference:
    """A project's reference, read once: its profile (drift), with its text and embedding
    columns' values beside it (see :mod:`driftscope.engine.profiled`; none for a ``.dsprof``
    reference), and, when the model is monitored or rows are tested together, its raw rows."""

    side: ProfileSide
    table: pa.Table | None
    performance: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    """The reference's measured performance, kept by the first window for the others."""

    @property
    def profile(self) -> Profile:
        """The reference's profile."""
        return self.side.profile

    @property
    def source(self) -> str:
        """Where the reference was read from."""
        return self.side.source

    @property
    def columns(self) -> frozenset[str]:
        """The reference's column names."""
        return frozenset(self.side.column_names)

    @property
    def rows(self) -> int:
        """The reference's row count."""
        return int(self.profile.n_rows)


def monitor_options(config: MonitorConfig) -> CompareOptions:
    """The project's ``checks`` with the roles of its ``columns``: the timestamp and id are
    not compared, KPIs are aggregated rather than tested, the target and model outputs are
    the model's, and ``features`` (when given) are the only features."""
    cols = config.columns
    options = config.checks.options
    schema: dict[str, Any] = dict(options.schema or {})
    schema.setdefault(cols.timestamp, "timestamp")
    if cols.id is not None:
        schema.setdefault(cols.id, "id")
    for kpi in cols.kpis:
        schema.setdefault(kpi, "ignored")
    model = [name for name in (cols.target, cols.prediction) if name is not None]
    if isinstance(cols.probability, str):
        model.append(cols.probability)
    elif cols.probability is not None:
        model.extend(cols.probability.values())
    columns = options.columns
    if cols.features is not None:
        columns = [*cols.features, *model]
    return replace(
        options,
        schema=schema or None,
        target=options.target or cols.target,
        prediction=options.prediction or cols.prediction,
        probability=options.probability or cols.probability,
        columns=columns,
        explain=False,
        segments=False,
    )


def model_monitored(options: CompareOptions) -> bool:
    """Whether windows measure or estimate the model's performance."""
    return options.target is not None and (
        options.prediction is not None or options.probability is not None
    )


def load_reference(config: MonitorConfig, options: CompareOptions) -> Reference:
    """Read and profile the project's reference (a ``.dsprof`` profile is used as it is)."""
    from driftscope.engine.profiled import ProfileSide, is_profile_input, side_of_table
    from driftscope.io import read_dataset
    from driftscope.profiling.build import overrides
    from driftscope.profiling.files import read_profile

    source = str(config.reference)
    if is_profile_input(source):
        if options.multivariate is not None:
            raise ConfigError(
                f"{source}: checks.multivariate tests the reference's rows together; give the "
                "reference as data, not a profile"
            )
        return Reference(ProfileSide(read_profile(source), source), None)
    dataset = read_dataset(source, delimiter=options.delimiter)
    types = {
        name: value
        for name, value in (options.schema or {}).items()
        if str(value) not in ("id", "ignored", "timestamp")
    }
    table = dataset.table
    side = side_of_table(table, overrides(types, table.column_names), source)
    keep = model_monitored(options) or options.multivariate is not None
    return Reference(side, table if keep else None)


def fit_to_reference(
    options: CompareOptions, config: MonitorConfig, reference: Reference
) -> CompareOptions:
    """``options`` without roles for columns the reference lacks: a training set rarely has
    the logs' timestamp, request id or KPIs (:func:`monitor_rows` drops them from windows)."""
    kept = {k: v for k, v in (options.schema or {}).items() if k in reference.columns}
    return replace(options, schema=kept or None)


def monitor_rows(table: pa.Table, config: MonitorConfig, reference: Reference) -> pa.Table:
    """A window's rows without the log-only columns (timestamp, id, KPIs) the reference
    lacks: they are the monitor's, not features that appeared."""
    cols = config.columns
    own = {cols.timestamp, *([cols.id] if cols.id else []), *cols.kpis}
    drop = [name for name in table.column_names if name in own and name not in reference.columns]
    return table.drop_columns(drop) if drop else table


def window_report(
    reference: Reference, rows: pa.Table, options: CompareOptions, label: str
) -> DriftReport:
    """The window's report: drift and quality from the profiles, the model's performance
    from the raw rows (when monitored). ``label`` names the window in the report."""
    from driftscope._types import Role
    from driftscope.engine.compare import compare
    from driftscope.engine.performance import measure_model
    from driftscope.io import read_dataset

    rows = _without_empty_target(rows, options.target)
    profiled = replace(options, multivariate=None)  # profiles hold no rows to test together
    report = compare(reference.side, read_dataset(rows, name=label), options=profiled)
    report = replace(
        report,
        reference=Source(reference.rows, reference.source),
        current=Source(rows.num_rows, label),
    )
    if reference.table is not None and model_monitored(options):
        features = [c.name for c in report.columns if c.role == Role.FEATURE and c.tested]
        measured = measure_model(
            reference.table, rows, options, features, reference_cache=reference.performance
        )
        if measured is not None:
            report = replace(report, performance=measured.performance)
    if options.multivariate is not None and reference.table is not None:
        from driftscope.engine.multivariate import check_methods, multivariate_section

        methods = check_methods(options.multivariate)
        from driftscope.engine.verdict import with_multivariate

        together = multivariate_section(reference.table, rows, report.columns, methods)
        dataset = with_multivariate(report.dataset, together)
        report = replace(report, multivariate=together, dataset=dataset)
    return report


def _without_empty_target(rows: pa.Table, target: str | None) -> pa.Table:
    """Logs carry the target column empty until labels arrive: such a window is unlabelled
    (its performance estimated), not labelled with nothing."""
    if target is None or target not in rows.column_names:
        return rows
    if rows.column(target).null_count == rows.num_rows:
        return rows.drop_columns([target])
    return rows


def with_findings(report: DriftReport, findings: Sequence[QualityIssue]) -> DriftReport:
    """The report with the monitor's own quality findings (timestamps, schema) first."""
    if not findings:
        return report
    return replace(report, quality=(*findings, *report.quality))


def window_points(
    report: DriftReport,
    project: str,
    start: datetime,
    end: datetime,
    kpis: Mapping[str, tuple[float, float]] | None = None,
    extra: Mapping[str, float] | None = None,
) -> list[MetricPoint]:
    """The report's figures as points of the window (see the module docstring); ``kpis``
    maps a KPI column to its (mean, sum) in the window, ``extra`` adds dataset figures."""
    figures = dict(_column_figures(report))
    dataset: dict[str, float] = {
        "rows": float(report.current.rows),
        "drift_share": report.dataset.drift_share,
        "drifted_columns": float(report.dataset.drifted_columns),
        "dataset_severity": float(SEVERITY_LEVEL[report.dataset.severity]),
        "quality_findings": float(len(report.quality)),
    }
    if report.performance is not None:
        dataset.update(performance_figures(report.performance))
    for result in report.multivariate or ():
        if result.error is not None:
            continue  # not tested in this window: no point rather than a made-up one
        name = f"multivariate_{result.method}"
        dataset[name] = result.statistic
        dataset[f"{name}_drift"] = float(result.drifted)
        if result.p_value is not None:
            dataset[f"{name}_p_value"] = result.p_value
    dataset.update(extra or {})
    for metric, value in dataset.items():
        figures[DATASET_COLUMN, metric] = value
    for name, (mean, total) in (kpis or {}).items():
        figures[name, "kpi_mean"] = mean
        figures[name, "kpi_sum"] = total
    return [
        MetricPoint(project, start, end, column, metric, value)
        for (column, metric), value in figures.items()
    ]


def window_page(report: DriftReport) -> bytes:
    """The window's HTML report (the page ``driftscope report --html`` writes), compressed
    with zlib as the store keeps it for the dashboard; :func:`read_page` gives it back."""
    import zlib

    from driftscope.report.html import render_html

    return zlib.compress(render_html(report).encode("utf-8"), 6)


def read_page(page: bytes) -> str:
    """The HTML text of a page made by :func:`window_page`."""
    import zlib

    return zlib.decompress(page).decode("utf-8")


def _column_figures(report: DriftReport) -> Iterator[tuple[tuple[str, str], float]]:
    for column in report.columns:
        name = column.name
        if name == DATASET_COLUMN:
            continue  # a column named "*" would collide with the dataset's figures
        yield (name, "missing_share"), float(column.summary.current_missing_share)
        if column.test is None or column.method is None:
            continue
        yield (name, column.method), float(column.test.statistic)
        if column.test.p_value is not None:
            yield (name, "p_value"), float(column.test.p_value)
        decision = column.decision
        yield (name, "drift"), float(bool(decision is not None and decision.drifted))
        severity = "none" if decision is None else decision.severity
        yield (name, "severity"), float(SEVERITY_LEVEL[severity])


def performance_figures(performance: Performance) -> dict[str, float]:
    """The window's performance metrics (``estimated_`` in front of estimated ones), the
    headline's change from the reference and whether it dropped."""
    out: dict[str, float] = {}
    for metric, value in performance.current.items():
        if value.value is None:
            continue
        name = ("estimated_" if value.estimated else "") + metric
        out[name] = float(value.value)
        if value.ci_low is not None and value.ci_high is not None:
            out[name + "_ci_low"], out[name + "_ci_high"] = value.ci_low, value.ci_high
        known = performance.reference.get(metric)
        if known is not None and known.value is not None:
            out["reference_" + metric] = float(known.value)
    from driftscope.engine.diagnosis import headline as headline_of

    headline = headline_of(performance.task, performance.reference, performance.current)
    if headline is not None:
        metric, reference, current = headline
        change, dropped = performance_drop(metric, reference, current)
        out["performance_change"] = change
        out["performance_drop"] = float(dropped)
    return out


def performance_drop(
    metric: str, reference: MetricValue, current: MetricValue
) -> tuple[float, bool]:
    """The headline metric's change (current minus reference, sign turned so that negative
    is worse) and whether it is a drop: beyond :data:`DROP_TOLERANCE` and beyond the
    current value's confidence interval.

    >>> from driftscope.result import MetricValue
    >>> performance_drop("roc_auc", MetricValue(0.90), MetricValue(0.84, 0.82, 0.86))
    (-0.06, True)
    >>> performance_drop("roc_auc", MetricValue(0.90), MetricValue(0.89, 0.85, 0.93))
    (-0.01, False)
    """
    from driftscope.performance.metrics import HIGHER_IS_BETTER

    ref, cur = float(reference.value or 0.0), float(current.value or 0.0)
    better = 1.0 if HIGHER_IS_BETTER[metric] else -1.0
    change = round(better * (cur - ref), 12)
    tolerance = DROP_TOLERANCE.get(metric, 0.02)
    if not HIGHER_IS_BETTER[metric]:
        tolerance *= abs(ref)
    # the interval's bound on the better side must still be worse than the reference
    bound = current.ci_high if HIGHER_IS_BETTER[metric] else current.ci_low
    clear = bound is None or better * (bound - ref) < 0
    return change, bool(math.isfinite(change) and -change > tolerance and clear)
