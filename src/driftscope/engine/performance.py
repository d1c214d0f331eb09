"""A report's model performance: its target and output columns mapped onto the metrics of
:mod:`driftscope.performance`, for each side that has labels.

The task follows from the columns: probability columns make a classifier (one column: a
binary model's positive-class probability; ``{CLASS: COLUMN}``: one column per class); a
prediction alone makes a regression when the target holds numbers with more than
:data:`MAX_CLASSES` distinct values, and a classifier otherwise. A binary model's positive
class is the larger of the two labels in sort order (1, True, "yes" over "no") unless the
probability column is given for a class. Rows missing the target or an output are left out
and counted in the notes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from driftscope.engine.options import CompareOptions
from driftscope.errors import ConfigError, InputError
from driftscope.io import numeric_values
from driftscope.io._arrow import decoded
from driftscope.io._numpy import from_numpy, to_numpy, valid_mask
from driftscope.performance import classification_performance, regression_performance
from driftscope.performance.concept import (
    calibration_test,
    feature_relations,
    gap_beyond,
    residuals,
)
from driftscope.performance.estimation import estimate_binary, estimate_multiclass
from driftscope.performance.estimation.cbpe import fit_calibrator
from driftscope.performance.estimation.dle import estimate_regression
from driftscope.result import ConceptDrift, ConceptGap, MetricValue, Performance

CONCEPT_ALPHA = 0.05
"""The calibration test's level for ``concept.changed``."""
MAX_MEASURED_CLASSES = 100
"""Most classes a classifier's performance is measured over (each metric keeps a row per
class and row)."""
MAX_CLASSES = 20
"""A target with more distinct numbers than this, predicted without probabilities, is a
regression target."""


@dataclass(frozen=True, slots=True)
class _Labelled:
    """A classifier's side, encoded: label codes (None without labels), probabilities (one
    column per class) and predicted codes, over the rows kept."""

    labels: NDArray[np.int64] | None
    probabilities: NDArray[np.float64] | None
    predicted: NDArray[np.int64] | None
    table: pa.Table
    """The side's rows kept, every column (for the features)."""


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
        return Performance(task=_task(None, probabilities, None), notes=tuple(notes))
    task = _task(labelled, probabilities, target)
    classes = (
        _Classes(()) if task == "regression" else _classes(sides, target, prediction, probabilities)
    )
    if len(classes.names) > MAX_MEASURED_CLASSES:
        notes.append(
            f"the target {target!r} holds {len(classes.names):,} classes, more than the "
            f"{MAX_MEASURED_CLASSES} a classifier's performance is measured over"
        )
        return Performance(task=task, classes=(), notes=tuple(notes))
    measured: dict[str, dict[str, MetricValue]] = {"reference": {}, "current": {}}
    rows = {"reference": 0, "current": 0}
    encoded: dict[str, _Labelled] = {}
    regressed: dict[str, pa.Table] = {}
    for side, table in sides.items():
        kept, dropped = _complete(table, [target, *outputs])
        rows[side] = kept.num_rows
        if dropped:
            notes.append(f"{side}: {dropped:,} row(s) without the target or an output left out")
        if kept.num_rows == 0:
            notes.append(f"{side}: no row has both the target and the outputs")
            continue
        if task == "regression" and prediction is not None:  # predicted values, no classes
            measured[side] = regression_performance(
                _floats(kept, target, side), _floats(kept, prediction, side)
            )
            regressed[side] = kept
            continue
        encoded[side] = _encode(kept, target, prediction, probabilities, classes, side, notes)
        measured[side] = _measure(encoded[side], classes, side)
    excluded = {target, *options.model_outputs()}
    if unlabelled is not None and task == "regression" and prediction is not None:
        measured["current"] = _estimate_regression(
            unlabelled, regressed.get("reference"), target, prediction, notes, features, excluded
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
        concept = concept_drift(
            encoded["reference"],
            encoded["current"],
            measured["current"],
            _inputs(ref_rows, cur_rows, features, excluded),
        )
    return Performance(
        task=task,
        reference=measured["reference"],
        current=measured["current"],
        rows=(rows["reference"], rows["current"]),
        classes=classes.names,
        notes=tuple(notes),
        concept=concept,
    )


def _encode(
    table: pa.Table,
    target: str | None,
    prediction: str | None,
    probabilities: dict[str, str | None],
    classes: _Classes,
    side: str,
    notes: list[str],
) -> _Labelled:
    """A classifier's side as codes and probabilities, rows whose label or prediction is
    not a class left out (and counted in the notes)."""
    keep = np.ones(table.num_rows, dtype=bool)
    labels = None
    if target is not None:
        labels, unknown = classes.codes(table.column(target))
        if unknown:
            notes.append(
                f"{side}: {unknown} row(s) with a label the model has no class for left out"
            )
        keep &= labels >= 0
    probs = _probability_matrix(table, probabilities, classes, side)
    guess = None
    if prediction is not None:
        guess, strange = classes.codes(table.column(prediction))
        if strange:
            notes.append(
                f"{side}: {strange} prediction(s) in {prediction!r} are not one of the "
                "target's classes and were left out; a column of probabilities goes in "
                "probability=... (--probability)"
            )
        keep &= guess >= 0
    return _Labelled(
        None if labels is None else labels[keep],
        None if probs is None else probs[keep],
        None if guess is None else guess[keep],
        table.filter(from_numpy(keep)),
    )


def _measure(side: _Labelled, classes: _Classes, name: str) -> dict[str, MetricValue]:
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
    kept, dropped = _complete(table, [prediction])
    if dropped:
        notes.append(f"current: {dropped:,} row(s) without a prediction left out")
    if kept.num_rows == 0:
        return {}
    inputs = _inputs(reference, kept, features, excluded)
    try:
        estimated = estimate_regression(
            _matrix(reference, inputs),
            _floats(reference, target, "reference"),
            _floats(reference, prediction, "reference"),
            _matrix(kept, inputs),
            _floats(kept, prediction, "current"),
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


def _matrix(table: pa.Table, names: list[str]) -> NDArray[np.float64]:
    if not names:
        return np.zeros((table.num_rows, 0))
    return np.column_stack([_numbers(table, name) for name in names])


def _estimate(
    table: pa.Table,
    reference: _Labelled | None,
    task: str,
    prediction: str | None,
    probabilities: dict[str, str | None],
    classes: _Classes,
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
    kept, dropped = _complete(table, table.column_names)
    if dropped:
        notes.append(f"current: {dropped:,} row(s) without an output left out")
    current = _encode(kept, None, prediction, probabilities, classes, "current", notes)
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


def concept_drift(
    reference: _Labelled,
    current: _Labelled,
    realised: Mapping[str, MetricValue],
    inputs: list[str],
) -> ConceptDrift | None:
    """Concept drift of a binary classifier whose both sides have labels and probabilities
    (see :mod:`driftscope.performance.concept`); None for other models."""
    ref_p, cur_p = reference.probabilities, current.probabilities
    if reference.labels is None or current.labels is None or ref_p is None or cur_p is None:
        return None
    if ref_p.ndim != 1 or np.unique(reference.labels).size < 2 or cur_p.size == 0:
        return None
    estimate = estimate_binary(reference.labels, ref_p, cur_p, current_predicted=current.predicted)
    calibrate = fit_calibrator(ref_p, reference.labels)
    expected_ref, expected_cur = calibrate(ref_p), calibrate(cur_p)
    calibration = calibration_test(current.labels, expected_cur)
    gaps = {}
    for name, est in estimate.items():
        value = realised.get(name)
        real = None if value is None else value.value
        gaps[name] = ConceptGap(real, est, gap_beyond(real, est.ci_low, est.ci_high))
    features = {
        name: (_numbers(reference.table, name), _numbers(current.table, name)) for name in inputs
    }
    relations = feature_relations(
        features,
        residuals(reference.labels, expected_ref),
        residuals(current.labels, expected_cur),
    )
    return ConceptDrift(
        changed=calibration.p_value < CONCEPT_ALPHA,
        alpha=CONCEPT_ALPHA,
        calibration=calibration,
        gaps=gaps,
        features=tuple(relations),
    )


def _inputs(
    reference: pa.Table, current: pa.Table, features: Sequence[str] | None, excluded: set[str]
) -> list[str]:
    """The numeric model inputs both sides hold: the given features, else every column but
    the ``excluded`` target and outputs."""
    names = reference.column_names if features is None else features
    return [
        name
        for name in names
        if name not in excluded
        and name in reference.column_names
        and name in current.column_names
        and _is_number(reference, name)
        and _is_number(current, name)
    ]


def _is_number(table: pa.Table, name: str) -> bool:
    kind = table.schema.field(name).type
    return bool(pa.types.is_integer(kind) or pa.types.is_floating(kind))


def _numbers(table: pa.Table, name: str) -> NDArray[np.float64]:
    return np.asarray(numeric_values(table.column(name), name=name), dtype=np.float64)


def _prediction(options: CompareOptions) -> str | None:
    prediction = options.prediction
    if isinstance(prediction, str):
        return prediction
    return prediction[0] if prediction else None


def _task(table: pa.Table | None, probabilities: dict[str, str | None], target: str | None) -> str:
    if probabilities:
        return "binary_classification" if len(probabilities) <= 2 else "multiclass_classification"
    if table is None or target is None:
        return "regression"
    column = table.column(target)
    numeric = pa.types.is_integer(column.type) or pa.types.is_floating(column.type)
    if numeric and len(pc.unique(column.drop_null())) > MAX_CLASSES:
        return "regression"
    labels = len(pc.unique(column.drop_null()))
    return "binary_classification" if labels <= 2 else "multiclass_classification"


@dataclass(frozen=True, slots=True)
class _Classes:
    """A classifier's classes in code order. ``positive``: a binary model given by one
    probability column, whose every other label is the negative class (code 0)."""

    names: tuple[str, ...]
    positive: str | None = None

    def codes(self, column: pa.ChunkedArray) -> tuple[NDArray[np.int64], int]:
        """Class codes of a label column (-1 where the label is not a class, or missing),
        and how many present labels are not a class."""
        column = decoded(column.combine_chunks())
        uniques = pc.unique(column.drop_null())
        index = {name: i for i, name in enumerate(self.names)}
        if self.positive is not None:
            lookup = [int(_label(v) == self.positive) for v in uniques.to_pylist()]
        else:
            lookup = [index.get(_label(v), -1) for v in uniques.to_pylist()]
        mapping = np.array([*lookup, -1], dtype=np.int64)  # the last: a missing label
        where = pc.index_in(column, value_set=uniques)
        # through the buffers: pyarrow's own conversions import pandas to look for it
        found = to_numpy(where).astype(np.int64)
        valid = valid_mask(where)
        if valid is not None:
            found[~valid] = len(lookup)
        codes = mapping[found]
        unknown = int(np.count_nonzero(codes < 0)) - column.null_count
        return codes, unknown


def _label(value: Any) -> str:
    """A label as text, a whole float as its integer (1.0 predicts the label 1)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _classes(
    sides: dict[str, pa.Table],
    target: str,
    prediction: str | None,
    probabilities: dict[str, str | None],
) -> _Classes:
    """The classes: the probability columns' (one per class), else the labels the target
    holds on either side, sorted (a binary model's positive class last)."""
    del prediction  # a prediction that is not one of the target's labels is not a class
    if len(probabilities) > 1:
        return _Classes(tuple(str(c) for c in probabilities.values()))
    seen: set[Any] = set()
    for table in sides.values():
        seen.update(pc.unique(table.column(target).drop_null()).to_pylist())
    try:
        ordered = sorted(seen)
    except TypeError:  # mixed types: by their text
        ordered = sorted(seen, key=str)
    names = tuple(dict.fromkeys(_label(v) for v in ordered))
    if probabilities:
        (positive,) = probabilities.values()
        if positive is None and len(names) > 2:
            raise InputError(
                f"performance: the target {target!r} holds {len(names)} classes but one "
                "probability column was given; give --probability CLASS=COLUMN per class"
            )
        positive = positive if positive is not None else (names[-1] if names else "1")
        negative = next((n for n in names if n != positive), "(other)")
        return _Classes((negative, positive), positive)
    return _Classes(names)


def _complete(table: pa.Table, names: list[str]) -> tuple[pa.Table, int]:
    """The rows where every column of ``names`` is present (and a float is not NaN), and
    how many were dropped."""
    mask = None
    for column in (table.column(name) for name in names):
        present = pc.is_valid(column)
        if pa.types.is_floating(column.type):
            present = pc.and_(present, pc.invert(pc.is_nan(column)))
        mask = present if mask is None else pc.and_(mask, present)
    kept = table.filter(mask)
    return kept, table.num_rows - kept.num_rows


def _probability_matrix(
    table: pa.Table, probabilities: dict[str, str | None], classes: _Classes, side: str
) -> NDArray[np.float64] | None:
    """One column per class, or a binary model's positive-class column alone."""
    if not probabilities:
        return None
    columns = {name: _floats(table, name, side) for name in probabilities}
    for name, values in columns.items():
        bad = (values < 0.0) | (values > 1.0)
        if bad.any():
            row = int(np.argmax(bad))
            raise InputError(
                f"performance: column {name!r} ({side}) row {row} holds {float(values[row])!r}, "
                "which is not a probability in [0, 1]"
            )
    if len(probabilities) == 1:
        return next(iter(columns.values()))
    by_class = {str(c): name for name, c in probabilities.items()}
    if len(classes.names) == 2:  # a binary model given a column per class: the positive one
        return columns[by_class[classes.names[1]]]
    return np.column_stack([columns[by_class[c]] for c in classes.names])


def _floats(table: pa.Table, name: str, side: str) -> NDArray[np.float64]:
    column = table.column(name)
    if not _is_number(table, name):
        raise InputError(f"performance: column {name!r} ({side}) holds {column.type}, not numbers")
    values = np.array(numeric_values(column, name=name), dtype=np.float64)  # writable
    if not np.isfinite(values).all():
        row = int(np.argmax(~np.isfinite(values)))
        raise InputError(f"performance: column {name!r} ({side}) row {row} is not finite")
    return values
