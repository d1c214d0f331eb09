"""A model's output and target columns as arrays: classes, label codes, probabilities.

The engine's performance pass (:mod:`driftscope.engine.performance`), segment search and
drop explanation all read a side's model columns through here: which rows are complete, the
classifier's classes in code order, each side encoded once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from driftscope.errors import InputError
from driftscope.io import numeric_values
from driftscope.io._arrow import decoded
from driftscope.io._numpy import from_numpy, to_numpy, valid_mask

MAX_CLASSES = 20
"""A target with more distinct numbers than this, predicted without probabilities, is a
regression target."""


@dataclass(frozen=True, slots=True)
class Labelled:
    """A classifier's side, encoded: label codes (None without labels), probabilities (one
    column per class) and predicted codes, over the rows kept."""

    labels: NDArray[np.int64] | None
    probabilities: NDArray[np.float64] | None
    predicted: NDArray[np.int64] | None
    table: pa.Table
    """The side's rows kept, every column (for the features)."""


def encode(
    table: pa.Table,
    target: str | None,
    prediction: str | None,
    probabilities: dict[str, str | None],
    classes: Classes,
    side: str,
    notes: list[str],
) -> Labelled:
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
    probs = probability_matrix(table, probabilities, classes, side)
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
    return Labelled(
        None if labels is None else labels[keep],
        None if probs is None else probs[keep],
        None if guess is None else guess[keep],
        table.filter(from_numpy(keep)),
    )


def is_number(table: pa.Table, name: str) -> bool:
    kind = table.schema.field(name).type
    return bool(pa.types.is_integer(kind) or pa.types.is_floating(kind))


def numbers(table: pa.Table, name: str) -> NDArray[np.float64]:
    return np.asarray(numeric_values(table.column(name), name=name), dtype=np.float64)


def input_kind(table: pa.Table, name: str) -> str | None:
    """How a model input is read: ``"number"`` (integers, floats), ``"category"`` (strings
    and booleans, dictionary-encoded or not), or None (dates, lists, ...)."""
    if is_number(table, name):
        return "number"
    kind = table.schema.field(name).type
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_boolean(kind):
        return "category"
    return None


def model_inputs(
    reference: pa.Table,
    current: pa.Table,
    features: Sequence[str] | None,
    excluded: set[str],
    *,
    kinds: tuple[str, ...] = ("number", "category"),
) -> list[str]:
    """The model inputs both sides hold as one of ``kinds`` (:func:`input_kind`): the given
    features, else every column but the ``excluded`` target and outputs."""
    names = reference.column_names if features is None else features
    return [
        name
        for name in names
        if name not in excluded
        and name in reference.column_names
        and name in current.column_names
        and input_kind(reference, name) in kinds
        and input_kind(current, name) == input_kind(reference, name)
    ]


def number_matrix(table: pa.Table, names: list[str]) -> NDArray[np.float64]:
    """The numeric columns ``names`` side by side (NaN where missing)."""
    if not names:
        return np.zeros((table.num_rows, 0))
    return np.column_stack([numbers(table, name) for name in names])


def find_task(
    table: pa.Table | None, probabilities: dict[str, str | None], target: str | None
) -> str:
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
class Classes:
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
            lookup = [int(label_text(v) == self.positive) for v in uniques.to_pylist()]
        else:
            lookup = [index.get(label_text(v), -1) for v in uniques.to_pylist()]
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


def label_text(value: Any) -> str:
    """A label as text, a whole float as its integer (1.0 predicts the label 1)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def find_classes(
    sides: dict[str, pa.Table],
    target: str,
    prediction: str | None,
    probabilities: dict[str, str | None],
) -> Classes:
    """The classes: the probability columns' (one per class), else the labels the target
    holds on either side, sorted (a binary model's positive class last)."""
    del prediction  # a prediction that is not one of the target's labels is not a class
    if len(probabilities) > 1:
        return Classes(tuple(str(c) for c in probabilities.values()))
    seen: set[Any] = set()
    for table in sides.values():
        seen.update(pc.unique(table.column(target).drop_null()).to_pylist())
    try:
        ordered = sorted(seen)
    except TypeError:  # mixed types: by their text
        ordered = sorted(seen, key=str)
    names = tuple(dict.fromkeys(label_text(v) for v in ordered))
    if probabilities:
        (positive,) = probabilities.values()
        if positive is None and len(names) > 2:
            raise InputError(
                f"performance: the target {target!r} holds {len(names)} classes but one "
                "probability column was given; give --probability CLASS=COLUMN per class"
            )
        positive = positive if positive is not None else (names[-1] if names else "1")
        negative = next((n for n in names if n != positive), "(other)")
        return Classes((negative, positive), positive)
    return Classes(names)


def complete(table: pa.Table, names: list[str]) -> tuple[pa.Table, int]:
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


def probability_matrix(
    table: pa.Table, probabilities: dict[str, str | None], classes: Classes, side: str
) -> NDArray[np.float64] | None:
    """One column per class, or a binary model's positive-class column alone."""
    if not probabilities:
        return None
    columns = {name: floats(table, name, side) for name in probabilities}
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


def floats(table: pa.Table, name: str, side: str) -> NDArray[np.float64]:
    column = table.column(name)
    if not is_number(table, name):
        raise InputError(f"performance: column {name!r} ({side}) holds {column.type}, not numbers")
    values = np.array(numeric_values(column, name=name), dtype=np.float64)  # writable
    if not np.isfinite(values).all():
        row = int(np.argmax(~np.isfinite(values)))
        raise InputError(f"performance: column {name!r} ({side}) row {row} is not finite")
    return values
