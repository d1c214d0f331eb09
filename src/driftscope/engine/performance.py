"""A report's model performance: its target and output columns mapped onto the metrics of
:mod:`driftscope.performance`, for each side that has labels.

The task follows from the columns: probability columns make a classifier (one column: a
binary model's positive-class probability; ``{CLASS: COLUMN}``: one column per class); a
prediction alone makes a regression when the target holds numbers with more than
``MAX_CLASSES`` (:mod:`driftscope.engine._model_columns`) distinct values, and a classifier
otherwise. A binary model's positive class is the larger of the two labels in sort order (1,
True, "yes" over "no") unless the probability column is given for a class. Rows missing the
target or an output are left out and counted in the notes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, partial
from typing import Any

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from driftscope.engine._model_columns import (
    Classes,
    Labelled,
    complete,
    encode,
    find_classes,
    find_task,
    floats,
    model_inputs,
    number_matrix,
    numbers,
)
from driftscope.engine.concept import classifier_concept, regression_concept
from driftscope.engine.options import CompareOptions
from driftscope.errors import ConfigError, InputError
from driftscope.io._numpy import from_numpy
from driftscope.performance import classification_performance, regression_performance
from driftscope.performance.classification import Scorer, binary_scorer, multiclass_scorer
from driftscope.performance.estimation import estimate_binary, estimate_multiclass
from driftscope.performance.estimation.dle import estimate_regression
from driftscope.performance.regression import regression_scorer
from driftscope.result import MetricValue, Performance

ROW = "__driftscope_row__"
"""A column the performance pass adds to each labelled side: the rows' positions, which stay
with them through the rows left out."""
MAX_MEASURED_CLASSES = 100
"""Most classes a classifier's performance is measured over (each metric keeps a row per
class and row)."""


@dataclass(frozen=True, slots=True)
class ModelRows:
    """One labelled side as the performance pass kept it, for the segment search and the
    drop explanation: its ``table`` (the rows kept, every column), each row's position in the
    side's data (``positions``), each row's ``errors`` (1.0 for a misclassified row, else 0.0;
    a regression's absolute error) and how to make the ``scorer`` of every metric at row
    weights (``prepare``: it sorts the scores, so only a drop's explanation pays for it)."""

    table: pa.Table
    positions: NDArray[np.int64]
    errors: NDArray[np.float64]
    prepare: Callable[[], Scorer]

    def scorer(self) -> Scorer:
        """The scorer, made on first use."""
        return self.prepare()

    def errors_of(self, rows: int) -> NDArray[np.float64]:
        """The errors over all ``rows`` of the side's data, NaN where a row was left out."""
        out = np.full(rows, np.nan)
        out[self.positions] = self.errors
        return out


@dataclass(frozen=True, slots=True)
class ModelMeasurement:
    """The ``performance`` section and the labelled sides it was measured on."""

    performance: Performance
    sides: Mapping[str, ModelRows]


def measure_performance(
    reference: pa.Table | None,
    current: pa.Table | None,
    options: CompareOptions,
    features: Sequence[str] | None = None,
) -> Performance | None:
    """The report's ``performance`` section, or None when no target and model output are
    given (or the sides are profiles, which keep no rows). A current side without labels is
    estimated (CBPE) when the model gives probabilities and the reference has labels.
    ``features``: the model's input columns (the report's features; None: every column but
    the target and the outputs), which DLE and the concept-drift test read."""
    measured = measure_model(reference, current, options, features)
    return None if measured is None else measured.performance


def measure_model(
    reference: pa.Table | None,
    current: pa.Table | None,
    options: CompareOptions,
    features: Sequence[str] | None = None,
    *,
    late_labels: bool = False,
    reference_cache: dict[str, Any] | None = None,
) -> ModelMeasurement | None:
    """:func:`measure_performance`, with the labelled rows it measured. ``late_labels``: the
    current target was joined from a labels file, whose note counts the rows without one.
    ``reference_cache``: a dict kept by a caller that measures many current sides against
    one reference (a monitor's windows): the reference's side is measured into it once
    (its metrics with their bootstrap intervals) and read back from it afterwards."""
    target = options.target
    probabilities = options.probability_classes()
    prediction = _prediction(options)
    if target is None or (prediction is None and not probabilities):
        return None
    if reference is None or current is None:
        return None
    outputs = [*([prediction] if prediction else []), *probabilities]
    notes: list[str] = []
    sides: dict[str, pa.Table] = {}
    unlabelled: pa.Table | None = None
    for side, table in (("reference", reference), ("current", current)):
        missing = [name for name in (target, *outputs) if name not in table.column_names]
        if missing == [target] and side == "current":
            unlabelled = table
            continue
        if missing:
            what = "labels" if missing[0] == target else f"column {missing[0]!r}"
            notes.append(f"the {side} data has no {what}: its performance is not measured")
            continue
        sides[side] = table
    labelled = sides.get("reference", sides.get("current"))
    if labelled is None:
        task = find_task(None, probabilities, None)
        return ModelMeasurement(Performance(task=task, notes=tuple(notes)), {})
    task = find_task(labelled, probabilities, target)
    classes = (
        Classes(())
        if task == "regression"
        else find_classes(sides, target, prediction, probabilities)
    )
    if len(classes.names) > MAX_MEASURED_CLASSES:
        notes.append(
            f"the target {target!r} holds {len(classes.names):,} classes, more than the "
            f"{MAX_MEASURED_CLASSES} a classifier's performance is measured over"
        )
        return ModelMeasurement(Performance(task=task, classes=(), notes=tuple(notes)), {})
    measured: dict[str, dict[str, MetricValue]] = {"reference": {}, "current": {}}
    rows = {"reference": 0, "current": 0}
    encoded: dict[str, Labelled] = {}
    signed: dict[str, tuple[pa.Table, NDArray[np.float64], NDArray[np.float64]]] = {}
    kept_rows: dict[str, ModelRows] = {}
    for side, table in sides.items():
        cached = None if reference_cache is None or side != "reference" else reference_cache
        if cached and cached.get("key") == (task, target, tuple(outputs), classes.names):
            rows[side], measured[side] = cached["rows"], cached["measured"]
            notes.extend(cached["notes"])
            for store, name in ((encoded, "encoded"), (signed, "signed"), (kept_rows, "kept")):
                if name in cached:
                    store[side] = cached[name]
            continue
        before = len(notes)
        positions = from_numpy(np.arange(table.num_rows, dtype=np.int64))
        kept, dropped = complete(table.append_column(ROW, positions), [target, *outputs])
        rows[side] = kept.num_rows
        if dropped:
            notes.extend(_dropped_notes(table, side, outputs, dropped, late_labels))
        if kept.num_rows == 0:
            notes.append(f"{side}: no row has both the target and the outputs")
            continue
        if task == "regression" and prediction is not None:  # predicted values, no classes
            truth, guess = floats(kept, target, side), floats(kept, prediction, side)
            measured[side] = regression_performance(truth, guess)
            signed[side] = (kept, truth, guess)
            kept_rows[side] = _regression_rows(kept, truth, guess)
            continue
        encoded[side] = encode(kept, target, prediction, probabilities, classes, side, notes)
        measured[side] = _measure(encoded[side], classes, side)
        labels = encoded[side].labels
        if labels is not None and labels.size:
            kept_rows[side] = _classifier_rows(encoded[side], len(classes.names))
        if cached is not None:
            cached.clear()
            cached.update(
                key=(task, target, tuple(outputs), classes.names),
                rows=rows[side],
                measured=measured[side],
                notes=notes[before:],
                encoded=encoded[side],
            )
            if side in kept_rows:
                cached["kept"] = kept_rows[side]
    excluded = {target, ROW, *options.model_outputs()}
    if unlabelled is not None and task == "regression" and prediction is not None:
        measured["current"] = _estimate_regression(
            unlabelled,
            signed["reference"][0] if "reference" in signed else None,
            target,
            prediction,
            notes,
            features,
            excluded,
        )
        rows["current"] = 0
    elif unlabelled is not None:
        measured["current"] = _estimate(
            unlabelled.select(outputs),
            encoded.get("reference"),
            task,
            prediction,
            probabilities,
            classes,
            notes,
        )
        rows["current"] = 0
    concept = None
    if "reference" in encoded and "current" in encoded:
        ref_rows, cur_rows = encoded["reference"].table, encoded["current"].table
        concept = classifier_concept(
            encoded["reference"],
            encoded["current"],
            measured["current"],
            model_inputs(ref_rows, cur_rows, features, excluded),
            classes.names,
        )
    elif "reference" in signed and "current" in signed:
        ref_rows, cur_rows = signed["reference"][0], signed["current"][0]
        concept = regression_concept(
            signed["reference"],
            signed["current"],
            model_inputs(ref_rows, cur_rows, features, excluded),
            notes,
        )
    performance = Performance(
        task=task,
        reference=measured["reference"],
        current=measured["current"],
        rows=(rows["reference"], rows["current"]),
        classes=classes.names,
        notes=tuple(notes),
        concept=concept,
    )
    return ModelMeasurement(performance, kept_rows)


def _dropped_notes(
    table: pa.Table, side: str, outputs: list[str], dropped: int, late_labels: bool
) -> list[str]:
    """Why a side's rows were left out: without an output, without the target (unless
    the current side's target came from late labels, whose join counted those rows)."""
    no_output = complete(table, outputs)[1] if outputs else 0
    no_target = dropped - no_output
    notes = []
    if no_output:
        notes.append(f"{side}: {no_output:,} row(s) without an output left out")
    if no_target and not (late_labels and side == "current"):
        notes.append(f"{side}: {no_target:,} row(s) without the target left out")
    return notes


def _regression_rows(
    table: pa.Table, truth: NDArray[np.float64], guess: NDArray[np.float64]
) -> ModelRows:
    positions = numbers(table, ROW).astype(np.int64)
    return ModelRows(
        table.drop_columns([ROW]),
        positions,
        np.abs(truth - guess),
        cache(partial(regression_scorer, truth, guess)),
    )


def _classifier_rows(side: Labelled, classes: int) -> ModelRows:
    labels, probs, guess = side.labels, side.probabilities, side.predicted
    if labels is None:
        raise ValueError("a classifier's rows need labels")
    if classes <= 2:
        prepare = partial(binary_scorer, labels, probs, guess)
        if guess is None and probs is not None:
            guess = (probs >= 0.5).astype(np.int64)
    else:
        prepare = partial(multiclass_scorer, labels, probs, guess, classes)
        if guess is None and probs is not None:
            guess = np.argmax(probs, axis=1).astype(np.int64)
    errors = (np.zeros(labels.size) if guess is None else (guess != labels)).astype(np.float64)
    positions = numbers(side.table, ROW).astype(np.int64)
    return ModelRows(side.table.drop_columns([ROW]), positions, errors, cache(prepare))


def _measure(side: Labelled, classes: Classes, name: str) -> dict[str, MetricValue]:
    if side.labels is None or side.labels.size == 0:
        return {}
    try:
        return classification_performance(
            side.labels,
            probabilities=side.probabilities,
            predicted=side.predicted,
            classes=max(2, len(classes.names)),
        )
    except InputError as exc:
        raise InputError(f"{exc} (the {name} data)") from None


def _estimate_regression(
    table: pa.Table,
    reference: pa.Table | None,
    target: str,
    prediction: str,
    notes: list[str],
    features: Sequence[str] | None,
    excluded: set[str],
) -> dict[str, MetricValue]:
    """A regression's current performance estimated without labels (DLE) from the numeric
    inputs both sides hold, or nothing, with a note."""
    if reference is None:
        notes.append("the current data has no labels, and the reference none to estimate from")
        return {}
    kept, dropped = complete(table, [prediction])
    if dropped:
        notes.append(f"current: {dropped:,} row(s) without a prediction left out")
    if kept.num_rows == 0:
        return {}
    inputs = model_inputs(reference, kept, features, excluded, kinds=("number",))
    try:
        estimated = estimate_regression(
            number_matrix(reference, inputs),
            floats(reference, target, "reference"),
            floats(reference, prediction, "reference"),
            number_matrix(kept, inputs),
            floats(kept, prediction, "current"),
        )
    except ConfigError as exc:  # scikit-learn is not installed
        notes.append(f"the current data has no labels: {exc}")
        return {}
    notes.append(
        "the current data has no labels: its performance is estimated by a model of the "
        f"loss learnt on the reference (DLE) from {len(inputs)} numeric input(s) and the "
        "prediction"
    )
    return estimated


def _estimate(
    table: pa.Table,
    reference: Labelled | None,
    task: str,
    prediction: str | None,
    probabilities: dict[str, str | None],
    classes: Classes,
    notes: list[str],
) -> dict[str, MetricValue]:
    """A classifier's current performance estimated without labels (CBPE), or nothing, with
    a note."""
    if task == "regression" or not probabilities:
        notes.append(
            "the current data has no labels: a classifier's performance is estimated only "
            "from its probabilities (probability=...)"
        )
        return {}
    if reference is None or reference.labels is None or reference.probabilities is None:
        notes.append("the current data has no labels, and the reference none to estimate from")
        return {}
    kept, dropped = complete(table, table.column_names)
    if dropped:
        notes.append(f"current: {dropped:,} row(s) without an output left out")
    current = encode(kept, None, prediction, probabilities, classes, "current", notes)
    if current.probabilities is None or current.probabilities.shape[0] == 0:
        return {}
    notes.append(
        "the current data has no labels: its performance is estimated from the model's "
        "probabilities, calibrated on the reference (CBPE)"
    )
    if reference.probabilities.ndim == 1:
        return estimate_binary(
            reference.labels,
            reference.probabilities,
            current.probabilities,
            current_predicted=current.predicted,
        )
    return estimate_multiclass(
        reference.labels,
        reference.probabilities,
        current.probabilities,
        current_predicted=current.predicted,
    )


def _prediction(options: CompareOptions) -> str | None:
    prediction = options.prediction
    if isinstance(prediction, str):
        return prediction
    return prediction[0] if prediction else None
