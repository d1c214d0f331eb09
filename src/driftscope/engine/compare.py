"""``driftscope.compare``: reference vs current, per column and for the dataset."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import fields, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from driftscope._types import ColumnType, Role
from driftscope._version import __version__
from driftscope.decision import DEFAULT_CORRECTION
from driftscope.decision.calibration import DEFAULT_FALSE_ALARM_RATE
from driftscope.decision.importance import normalize_importance
from driftscope.engine.calibration import CalibrationSettings, cache_for
from driftscope.engine.column import Settings, evaluate
from driftscope.engine.decide import apply_decisions
from driftscope.engine.dependence import autocorrelation_findings, time_column, time_order
from driftscope.engine.diagnosis import explain_performance, search_segments, segments_note
from driftscope.engine.importance import permutation_importance
from driftscope.engine.labels import join_labels
from driftscope.engine.multivariate import check_methods, multivariate_section
from driftscope.engine.options import (
    DEFAULT_MAX_JOBS,
    DEFAULT_SHARE_THRESHOLD,
    CompareOptions,
    Methods,
    check_columns,
    encodings_of,
)
from driftscope.engine.performance import measure_model
from driftscope.engine.plan import ColumnPlan, Side, TableSide, plan_columns
from driftscope.engine.profiled import is_profile_input, profile_sides
from driftscope.engine.quality import column_findings
from driftscope.engine.verdict import dataset_verdict
from driftscope.errors import ConfigError, InputError
from driftscope.io import Dataset, read_dataset
from driftscope.result import ColumnResult, DriftReport, QualityIssue, Source

Progress = Callable[[int, int, str], None]
"""Called as ``progress(done, total, column_name)`` after each column."""
MAX_BATCH = 64
"""The most columns one thread takes at a time."""
BATCHES_PER_WORKER = 8
"""Batches per thread at least (while there are enough columns), so that the threads
finish together even when some columns take far longer than others."""
SAME_FINDING = {"categories": "new_categories", "completeness": "missing_share_increase"}
"""Constraint violations that say what a report finding says (values outside the allowed
categories, missing values beyond the allowed share): the finding gives way to them."""


def _with_labels(
    current: Dataset, labels: str | Path, id_column: str, target: str, *, read: Any
) -> tuple[Dataset, tuple[str, ...]]:
    """The current data with its late labels joined on (see :mod:`driftscope.engine.labels`);
    ``read(path)`` reads the labels file as the inputs are read."""
    found = read(labels)
    joined = join_labels(
        current.table, found.table, id_column=id_column, target=target, source=found.source
    )
    return replace(current, table=joined.table), joined.notes


def _read_both(
    reference: Any, current: Any, encodings: tuple[str, str], delimiter: str | None
) -> tuple[Dataset, Dataset]:
    # Two files are read side by side: Parquet and CSV decoding release the GIL.
    with ThreadPoolExecutor(max_workers=2) as pool:
        ref_f = pool.submit(read_dataset, reference, encoding=encodings[0], delimiter=delimiter)
        cur_f = pool.submit(read_dataset, current, encoding=encodings[1], delimiter=delimiter)
        ref, cur = ref_f.result(), cur_f.result()
    for label, ds in (("reference", ref), ("current", cur)):
        if ds.n_rows == 0:
            raise InputError(f"{ds.source}: the {label} dataset has no rows")
    return ref, cur


def compare(
    reference: Any,
    current: Any,
    *,
    schema: Mapping[str, str | ColumnType] | None = None,
    methods: Methods | None = None,
    target: str | None = None,
    prediction: str | Sequence[str] | None = None,
    probability: str | Sequence[str] | Mapping[str, str] | None = None,
    labels: str | Path | None = None,
    id_column: str | None = None,
    thresholds: float | Mapping[str, float] | None = None,
    columns: Sequence[str] | None = None,
    method_params: Mapping[str, Mapping[str, Any]] | None = None,
    share_threshold: float = DEFAULT_SHARE_THRESHOLD,
    correction: str = DEFAULT_CORRECTION,
    min_effect: float | Mapping[str, float] | None = None,
    tiers: Mapping[str, tuple[float, float]] | None = None,
    importance: Mapping[str, float] | None = None,
    model: Any = None,
    calibrate: bool = True,
    false_alarm_rate: float = DEFAULT_FALSE_ALARM_RATE,
    calibration_cache: str | Path | None = None,
    inf_as_missing: bool = False,
    effective_sample_size: bool = False,
    encoding: str | Mapping[str, str] = "utf-8",
    delimiter: str | None = None,
    n_jobs: int | None = None,
    constraints: str | Path | None = None,
    segments: bool = False,
    explain: bool = True,
    multivariate: str | Sequence[str] | None = None,
    progress: Progress | None = None,
    options: CompareOptions | None = None,
) -> DriftReport:
    """Compare ``current`` data with ``reference`` data, column by column.

    Parameters
    ----------
    reference, current:
        pandas or polars DataFrames, pyarrow Tables, dicts of 1-D arrays, or paths to Parquet /
        CSV / JSON Lines files (or a folder / glob of Parquet files); or a
        :class:`~driftscope.profiling.Profile` or ``.dsprof`` path on either side. With a
        profile, the other side is profiled too (files streamed in chunks, current data on the
        reference's bins) and each column is compared from the profiles: see
        :mod:`driftscope.engine.profiled` for which methods are exact and which approximate.
    schema:
        Column type overrides (``{"zip": "categorical"}``) or roles (``"id"``, ``"ignored"``,
        ``"timestamp"``); other columns are inferred.
    methods:
        One method name, or a list of them, for every column they apply to (others keep their
        default), or a mapping column -> method or list. With several, the first that applies
        decides and the others are reported beside it (``ColumnResult.also``). Defaults:
        ``ks`` for numeric, ``chi2`` for categorical, ``z_proportion`` for two categories.
    target, prediction:
        Columns with those roles: the label, and the model's outputs. They are tested and
        count in the dataset's severity as label shift and model output drift, but not in
        the feature drift share.
    probability:
        The model's predicted-probability columns (tested like predictions): one column or a
        list (a binary classifier's positive class), or a mapping class -> column for
        several classes; the classes are kept in ``report.options``. With ``target`` and a
        prediction or probabilities, ``report.performance`` holds the model's performance on
        each side: measured where the side has labels, estimated (CBPE) for a classifier's
        current side without them, with concept drift when both have labels (see
        ``docs/performance.md``).
    labels, id_column:
        Labels that arrived after the predictions: a file (any dataset input) holding
        ``id_column`` and the ``target``, joined onto the current data by ``id_column``.
    thresholds:
        One threshold for every column, or per column (alpha for tests, the distance for
        distances). Default: each method's own.
    columns:
        Only these columns.
    method_params:
        Extra parameters per method, e.g. ``{"psi": {"n_bins": 20}}``.
    share_threshold:
        The dataset drifts when this share of tested features (or more) drifts.
    correction:
        Multiple-testing correction of the p-values over all tested columns: ``"bh"``
        (Benjamini-Hochberg, the default), ``"holm"``, ``"bonferroni"`` or ``"none"``. A test
        drifts when its adjusted p-value is below its alpha.
    min_effect:
        The minimum effect size for a test to count as drift, for every column or per column:
        the KS distance for numeric tests, Cramér's V for categorical ones (default 0.03 for
        both; 0 makes any significant change drift). Distance methods use their threshold.
    tiers:
        Per column ``(warning, major)`` limits on the effect size for the severity tiers,
        overriding the defaults of :mod:`driftscope.decision.severity`.
    importance:
        Feature importances (any non-negative scale; features left out weigh 0). The dataset
        verdict then weighs each drifted feature by its share of the importance, and features
        of importance 0 do not raise the dataset's severity.
    model:
        Instead of ``importance``: a fitted model with ``predict(X)``; importances are then its
        permutation importances on the labelled reference data (``target`` is required).
    calibrate:
        Raise each distance's threshold to the distance a current sample of the same size
        reaches by chance at ``false_alarm_rate`` (drawn from the reference; see
        :mod:`driftscope.decision.calibration`). False: the fixed thresholds alone.
    false_alarm_rate:
        The target false-alarm rate of calibrated thresholds.
    calibration_cache:
        A folder that keeps calibrations between runs against the same reference (they are
        always kept in memory for the process).
    inf_as_missing:
        Treat +/-inf as missing instead of reporting the column as an error.
    effective_sample_size:
        The tests assume independent rows. Time-ordered rows that repeat their neighbours
        (lag-1 autocorrelation in the order of the one timestamp column, else of the rows,
        reported in ``details["autocorrelation"]`` and
        as an ``autocorrelated`` quality note from 0.3) make p-values far too small; True
        computes the p-values of numeric columns' KS and chi-square tests at the effective
        sample size ``n (1 - rho) / (1 + rho)`` of each side (see
        :mod:`driftscope.decision.autocorrelation`).
    encoding:
        Text encoding of CSV / JSON Lines inputs: one for both sides, or per side
        ``{"reference": "utf-8", "current": "latin-1"}`` (a side left out reads UTF-8). A file
        read with a one-byte encoding that is valid UTF-8 with accents is reported as an
        ``encoding_mismatch`` quality warning: its categories would drift for nothing.
    delimiter:
        Field separator of CSV inputs (default: a tab for ``.tsv`` names, else detected among
        comma, semicolon, tab and pipe from the first lines; a comma when unsure).
    n_jobs:
        Columns evaluated in parallel (threads); default: the number of CPUs, at most 4.
    constraints:
        A constraints file (``driftscope baseline``; see :mod:`driftscope.quality`) the
        current data is checked against: each violation is a finding in ``report.quality``
        (with the constraint in ``expected``).
    segments:
        Search slices of the data (category values, binned numbers, pairs of them) for where
        the drift, or the model's errors where there are labels, concentrate:
        ``report.segments``, best first (see :mod:`driftscope.performance.segments`).
    explain:
        When the model's headline metric falls from reference to current, put the fall down
        to the drifted features (and the segments found) by re-weighting the reference's
        rows: ``report.performance.explanation`` (see :mod:`driftscope.performance.explain`).
    multivariate:
        ``"mmd"``, ``"classifier"`` or both: test the tested numeric, boolean and categorical
        features together as rows, which finds what no column shows alone (features that
        change how they move together): ``report.multivariate``, with the columns that
        separate the periods most (see :mod:`driftscope.engine.multivariate`).
    progress:
        Called after each column with ``(done, total, name)``.
    options:
        Instead of the keyword arguments above (besides ``model`` and ``progress``): all of
        them as one :class:`~driftscope.engine.options.CompareOptions`, e.g. the ``options``
        a report recorded (``CompareOptions.from_dict(report.options)``) or a monitoring
        project's ``checks``. Giving both is a ConfigError.

    Returns
    -------
    DriftReport
        Per-column results, data-quality findings and the dataset verdict.
    """
    keywords = {name: value for name, value in locals().items() if name in _OPTION_NAMES}
    if options is None:
        options = CompareOptions(**keywords)
    else:
        changed = [name for name, value in keywords.items() if value != _DEFAULTS[name]]
        if changed:
            raise ConfigError(
                f"compare: give the options either as options=CompareOptions(...) or as "
                f"keyword arguments, not both (got options and {changed[0]}=)"
            )
    return _compare(reference, current, options, model=model, progress=progress)


def _evaluated(
    run: Callable[[ColumnPlan], ColumnResult], plans: Sequence[ColumnPlan], workers: int
) -> Iterator[ColumnResult]:
    """``run(plan)`` for every plan, in order, over ``workers`` threads.

    The threads take the columns in batches: a column of a few hundred rows takes well
    under a millisecond, and a task per column spent about as long again on its future and
    its locks (20,000 columns made 20,000 tasks). One worker runs here, without a pool.
    """
    if workers <= 1 or len(plans) <= 1:
        yield from map(run, plans)
        return
    size = max(1, min(MAX_BATCH, len(plans) // (workers * BATCHES_PER_WORKER)))
    batches = [plans[i : i + size] for i in range(0, len(plans), size)]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for batch in pool.map(lambda batch: [run(plan) for plan in batch], batches):
            yield from batch


_OPTION_NAMES = frozenset(item.name for item in fields(CompareOptions))
_DEFAULTS = {item.name: item.default for item in fields(CompareOptions)}


def _compare(
    reference: Any,
    current: Any,
    o: CompareOptions,
    *,
    model: Any,
    progress: Progress | None,
) -> DriftReport:
    settings = (
        CalibrationSettings(
            false_alarm_rate=o.false_alarm_rate, cache=cache_for(o.calibration_cache)
        )
        if o.calibrate
        else None
    )
    importance = o.importance
    if importance is not None and model is not None:
        raise ConfigError("give either importance or model, not both")
    params = dict(o.method_params or {})
    if model is not None and o.target is None:
        raise ConfigError("model: permutation importance needs the target column (target=...)")
    encodings = encodings_of(o.encoding)
    warnings: tuple[str, ...] = ()
    ref_side: Side
    cur_side: Side
    ref_table = cur_table = None
    label_notes: tuple[str, ...] = ()
    if (o.labels is None) != (o.id_column is None):
        raise ConfigError("labels and id_column go together: the labels file and its id column")
    if o.labels is not None and o.target is None:
        raise ConfigError("labels: a labels file needs the target column (target=...)")
    if is_profile_input(reference) or is_profile_input(current):
        if o.labels is not None:
            raise ConfigError("labels: late labels are joined onto raw current data, not a profile")
        if model is not None:
            raise ConfigError(
                "model: permutation importance needs the raw reference data, not a profile; "
                "pass importance=... instead"
            )
        ref_side, cur_side = profile_sides(
            reference, current, schema=o.schema, encodings=encodings, delimiter=o.delimiter
        )
        ref_source = Source(ref_side.profile.n_rows, ref_side.source)
        cur_source = Source(cur_side.profile.n_rows, cur_side.source)
    else:
        ref, cur = _read_both(reference, current, encodings, o.delimiter)
        warnings = ref.warnings + cur.warnings
        if o.labels is not None and o.id_column is not None and o.target is not None:
            cur, label_notes = _with_labels(
                cur,
                o.labels,
                o.id_column,
                o.target,
                read=partial(read_dataset, encoding=encodings[1], delimiter=o.delimiter),
            )
        ref_side, cur_side = TableSide(ref), TableSide(cur)
        ref_source, cur_source = Source(ref.n_rows, ref.source), Source(cur.n_rows, cur.source)
        ref_table, cur_table = ref.table, cur.table
    plans, issues = plan_columns(ref_side, cur_side, o)
    clock = time_column(plans)
    evaluation = Settings(
        inf_as_missing=o.inf_as_missing,
        params=params,
        calibration=settings,
        effective_sample_size=o.effective_sample_size,
        row_order=(time_order(ref_side, clock), time_order(cur_side, clock)),
    )

    def run(plan: ColumnPlan) -> ColumnResult:
        return evaluate(plan, ref_side.column(plan.name), cur_side.column(plan.name), evaluation)

    if not plans:
        raise ConfigError("no columns to compare")
    compared = {plan.name for plan in plans}
    check_columns("min_effect", o.min_effect, compared)
    check_columns("tiers", o.tiers, compared)

    workers = o.n_jobs or min(DEFAULT_MAX_JOBS, os.cpu_count() or 1)
    results: list[ColumnResult] = []
    for res in _evaluated(run, plans, workers):
        results.append(res)
        if progress is not None:
            progress(len(results), len(plans), res.name)

    policy = o.policy
    results = apply_decisions(results, o)
    features = [c.name for c in results if c.role == Role.FEATURE and c.tested]
    if model is not None and o.target is not None and ref_table is not None:
        importance = permutation_importance(
            model, ref_table, features, o.target, source=ref_source.source
        )
        if not any(importance.values()):
            raise ConfigError(
                "model: shuffling any feature leaves the model's loss unchanged, so every "
                "permutation importance is 0"
            )
    if importance is not None:
        weights = normalize_importance(importance, features)
        results = [
            replace(c, importance=weights[c.name]) if c.name in weights else c for c in results
        ]
    recorded = o.to_dict()
    if model is not None:
        recorded["importance"] = "model"
    measured = measure_model(ref_table, cur_table, o, features, late_labels=o.labels is not None)
    found = None
    segments_notes: tuple[str, ...] = ()
    if o.segments:
        if ref_table is None or cur_table is None:
            raise ConfigError("segments: the segment search reads raw rows, not profiles")
        found = search_segments(ref_table, cur_table, results, measured)
        note = segments_note(results)
        segments_notes = () if note is None else (note,)
    together = None
    if o.multivariate is not None:
        if ref_table is None or cur_table is None:
            raise ConfigError("multivariate: the multivariate tests read raw rows, not profiles")
        together = multivariate_section(
            ref_table, cur_table, results, check_methods(o.multivariate)
        )
    performance = None if measured is None else measured.performance
    if performance is not None and o.explain and measured is not None and cur_table is not None:
        explanation = explain_performance(cur_table, results, measured, found)
        performance = replace(performance, explanation=explanation)
    if performance is not None and label_notes:
        performance = replace(performance, notes=label_notes + performance.notes)
    violations = _violations(o, cur_table, cur_source.source)
    return DriftReport(
        multivariate=together,
        segments=found,
        segments_notes=segments_notes,
        performance=performance,
        options=recorded,
        reference=ref_source,
        current=cur_source,
        dataset=dataset_verdict(
            results, policy.share_threshold, policy.correction, multivariate=together or ()
        ),
        columns=tuple(results),
        created_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        driftscope_version=__version__,
        quality=_merged(
            [QualityIssue(None, "encoding_mismatch", "warning", text) for text in warnings]
            + issues
            + column_findings(results, late_labels=o.target if o.labels else None)
            + autocorrelation_findings(results, corrected=o.effective_sample_size, clock=clock),
            violations,
        ),
    )


def _violations(o: CompareOptions, current: Any, source: str) -> list[QualityIssue]:
    """The current data's violations of the constraints file, if one is given. A target the
    current data does not hold yet (labels come later, or the performance is estimated) is
    not a missing column."""
    if o.constraints is None:
        return []
    if current is None:
        raise ConfigError("constraints: constraints are checked on raw current data, not a profile")
    from driftscope.quality import check_table, load_constraints

    found = check_table(current, load_constraints(o.constraints), source=source)
    return [v for v in found if not (v.check == "missing_column" and v.column == o.target)]


def _merged(
    findings: list[QualityIssue], violations: list[QualityIssue]
) -> tuple[QualityIssue, ...]:
    """The report's findings and the constraint violations, a finding the constraints also
    make (a missing or new column, new categories, missing values) kept once, as the
    violation (it names the constraint)."""
    claimed = {(SAME_FINDING.get(v.check, v.check), v.column) for v in violations}
    return tuple([f for f in findings if (f.check, f.column) not in claimed] + violations)
