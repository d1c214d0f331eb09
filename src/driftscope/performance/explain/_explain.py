"""The entry point: how much of a performance drop the inputs' shift accounts for, jointly,
per feature and per segment (the method: :mod:`driftscope.performance.explain`)."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from driftscope._types import ColumnType
from driftscope.errors import ConfigError, InputError, param_error
from driftscope.performance.classification import FloatArray
from driftscope.performance.explain import _method
from driftscope.performance.explain._codes import (
    category_codes,
    clipped,
    numeric_codes,
    ratio_weights,
    segment_masks,
)
from driftscope.performance.explain._domain import DOMAIN_MODELS, DomainModel, joint_weights
from driftscope.result import Attribution, DropExplanation, SegmentValue

MIN_SHARE = 0.05
"""Smallest share of the observed drop a feature or segment must account for to be listed."""
NOISE_REPLICATES = 20
"""Bootstrap replicates of the reference's metric, to tell a drop from noise when the
caller gives no interval (each costs one call of the scorer)."""
Z95 = 1.959963984540054
_NUMERIC = frozenset({ColumnType.NUMERIC, ColumnType.DATETIME})
_CATEGORIES = frozenset({ColumnType.CATEGORICAL, ColumnType.BOOLEAN})

Score = Callable[[NDArray[np.float64] | None], float]
"""``score(weights)``: the metric on the reference rows at these row weights (None: each
row once)."""


@dataclass(frozen=True, slots=True)
class _Scorer:
    """The caller's score, checked: a finite number at the reference's own weights."""

    score: Score
    metric: str
    sign: float  # +1 when higher is better: drops are positive in the "worse" direction

    def __call__(self, weights: FloatArray | None) -> float:
        value = self.score(weights)
        if isinstance(value, bool) or not isinstance(value, int | float | np.floating):
            raise InputError(
                f"explain: the score of metric {self.metric!r} returned "
                f"{type(value).__name__}; it must return a number"
            )
        return float(value)

    def drop(self, reference: float, weights: FloatArray) -> tuple[float, float]:
        """(expected value, drop from the reference) at these weights; NaN when undefined."""
        expected = self(weights)
        return expected, self.sign * (reference - expected)


def explain_drop(
    reference: pa.Table,
    current: pa.Table,
    features: Mapping[str, ColumnType],
    score: Score,
    *,
    metric: str,
    higher_is_better: bool,
    current_value: float,
    estimated: bool,
    segments: Sequence[Mapping[str, SegmentValue]] = (),
    seed: int = 0,
    reference_ci: tuple[float, float] | None = None,
    current_ci: tuple[float, float] | None = None,
    domain_model: DomainModel = "auto",
) -> DropExplanation | None:
    """What accounts for the fall of ``metric`` from the reference to ``current_value``:
    the reference rows re-weighted to the current inputs, jointly, per feature and per
    segment (filters as in :class:`~driftscope.result.Segment`, intervals read as the
    segment search cuts them: :func:`~._codes.segment_masks`).

    ``score`` computes the metric on the reference rows at given row weights. Returns None
    when there is no drop beyond noise: the drop must exceed the 95% interval of a difference,
    ``1.96 * sqrt(s_ref^2 + s_cur^2)``, with each side's spread read from its interval
    (``reference_ci``, ``current_ci``: 95% intervals); without them, from a bootstrap of
    ``score`` (:data:`NOISE_REPLICATES`), the current side's scaled by the row counts.
    ``domain_model`` picks the joint weights' classifier (``"auto"``: gradient boosting with
    scikit-learn, else a logistic regression on the bins).

    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=20_000)
    >>> error = np.abs(rng.normal(size=x.size)) * (1 + np.abs(x))  # larger far from 0
    >>> shifted = rng.normal(1.5, 1.0, size=5_000)  # the inputs move; P(error | x) does not
    >>> current_mae = float(np.mean(np.abs(rng.normal(size=5_000)) * (1 + np.abs(shifted))))
    >>> mae = lambda w: float(np.average(error, weights=w))
    >>> out = explain_drop(
    ...     pa.table({"x": x}), pa.table({"x": shifted}), {"x": ColumnType.NUMERIC}, mae,
    ...     metric="mae", higher_is_better=False, current_value=current_mae, estimated=False,
    ...     domain_model="logistic")
    >>> round(out.drop, 2), round(out.explained, 2), out.attributions[0].name
    (0.6, 0.56, 'x')
    """
    _check_tables(reference, current)
    _check_arguments(features, score, segments)
    weighted, skipped = _feature_types(features, reference, current)
    number = isinstance(current_value, int | float | np.floating)
    if isinstance(current_value, bool) or not (number and math.isfinite(current_value)):
        raise param_error("explain", "current_value", "a finite number", current_value)
    if domain_model not in DOMAIN_MODELS:
        raise param_error("explain", "domain_model", f"one of {DOMAIN_MODELS}", domain_model)
    scorer = _Scorer(score, metric, 1.0 if higher_is_better else -1.0)
    ref_value = scorer(None)
    if not math.isfinite(ref_value):
        raise InputError(
            f"explain: metric {metric!r} is undefined ({ref_value}) on the reference rows; "
            "it cannot be re-weighted"
        )
    drop = scorer.sign * (ref_value - float(current_value))
    if drop <= 0.0:
        return None
    noise = _noise(scorer, reference.num_rows, current.num_rows, reference_ci, current_ci, seed)
    if drop <= noise:
        return None

    codes = [
        numeric_codes(name, reference.column(name), current.column(name))
        if kind in _NUMERIC
        else category_codes(name, reference.column(name), current.column(name))
        for name, kind in weighted
    ]
    found: list[Attribution] = []
    undefined: list[str] = []  # the metric is NaN at their weights
    empty: list[str] = []  # segments without reference rows: nothing to weight
    for c in codes:
        expected, change = scorer.drop(ref_value, ratio_weights(c))
        if math.isnan(expected):
            undefined.append(c.name)
            continue
        found.append(Attribution(c.name, "feature", expected, change, change / drop))
    for filters in segments:
        weights = _segment_weights(reference, current, filters)
        name = _segment_name(filters)
        if weights is None:
            empty.append(name)
            continue
        expected, change = scorer.drop(ref_value, weights)
        if math.isnan(expected):
            undefined.append(name)
            continue
        found.append(Attribution(name, "segment", expected, change, change / drop, filters))

    explained, how = 0.0, "no features to weight"
    if codes:
        rows, joint, how = joint_weights(codes, domain_model, seed)
        if rows is None:
            _, explained = scorer.drop(ref_value, joint)
        else:  # a sample of the rows, re-weighted, against the same sample as it is
            inside, weights = np.zeros(reference.num_rows), np.zeros(reference.num_rows)
            inside[rows], weights[rows] = 1.0, joint
            _, explained = scorer.drop(scorer(inside), weights)
        if math.isnan(explained):
            raise InputError(
                f"explain: metric {metric!r} is undefined on the reference rows re-weighted "
                "to the current inputs jointly"
            )
    kept = sorted(
        (a for a in found if a.drop >= MIN_SHARE * drop), key=lambda a: a.drop, reverse=True
    )
    left_out = len(found) - len(kept)
    notes = _method.notes(codes, left_out, MIN_SHARE, skipped, undefined, empty, current.num_rows)
    return DropExplanation(
        metric=metric,
        reference=ref_value,
        current=float(current_value),
        estimated=estimated,
        drop=drop,
        explained=explained,
        attributions=tuple(kept),
        method=_method.method(how, bool(segments), notes),
    )


def _check_tables(reference: object, current: object) -> None:
    for side, table in (("reference", reference), ("current", current)):
        if not isinstance(table, pa.Table):
            raise InputError(
                f"explain: the {side} data must be a pyarrow Table; got {type(table).__name__}"
            )
        if table.num_rows == 0:
            raise InputError(f"explain: the {side} data has no rows")


def _check_arguments(features: object, score: object, segments: object) -> None:
    if not isinstance(features, Mapping):
        raise param_error("explain", "features", "a mapping of column to type", features)
    if not callable(score):
        raise param_error("explain", "score", "a function of row weights", score)
    if isinstance(segments, str | bytes | Mapping) or not isinstance(segments, Sequence):
        raise param_error("explain", "segments", "a sequence of filter mappings", segments)
    for i, filters in enumerate(segments):
        if not isinstance(filters, Mapping) or not filters:
            raise ConfigError(
                f"explain: segment {i} must map at least one column to a value or a "
                f"(low, high) interval; got {filters!r}"
            )


def _feature_types(
    features: Mapping[str, ColumnType], reference: pa.Table, current: pa.Table
) -> tuple[list[tuple[str, ColumnType]], list[str]]:
    """The features to weight with their types, and those whose type has no bins (text,
    embeddings)."""
    weighted, skipped = [], []
    for name, given in features.items():
        try:
            kind = ColumnType(given)
        except ValueError:
            choices = ", ".join(t.value for t in ColumnType)
            raise ConfigError(
                f"explain: feature {name!r} has type {given!r}; expected one of {choices}"
            ) from None
        for side, table in (("reference", reference), ("current", current)):
            if name not in table.column_names:
                raise InputError(f"explain: feature {name!r} is not in the {side} data")
        if kind in _NUMERIC or kind in _CATEGORIES:
            weighted.append((name, kind))
        else:
            skipped.append(name)
    return weighted, skipped


def _noise(
    scorer: _Scorer,
    n_ref: int,
    n_cur: int,
    reference_ci: tuple[float, float] | None,
    current_ci: tuple[float, float] | None,
    seed: int,
) -> float:
    """Half the width of the 95% interval of the difference between the two sides' values."""
    if reference_ci is not None:
        ref_half = _half_width(reference_ci, "reference_ci")
    else:
        rng = np.random.default_rng(seed)
        draws = np.array(
            [
                scorer(np.bincount(rng.integers(0, n_ref, n_ref), minlength=n_ref).astype(float))
                for _ in range(NOISE_REPLICATES)
            ]
        )
        draws = draws[np.isfinite(draws)]
        ref_half = Z95 * float(np.std(draws, ddof=1)) if draws.size > 1 else 0.0
    if current_ci is not None:
        cur_half = _half_width(current_ci, "current_ci")
    else:  # a metric's spread shrinks like 1 / sqrt(rows)
        cur_half = ref_half * math.sqrt(n_ref / n_cur)
    return math.hypot(ref_half, cur_half)


def _half_width(interval: tuple[float, float], name: str) -> float:
    try:
        low, high = (float(v) for v in interval)
    except (TypeError, ValueError):
        raise param_error("explain", name, "a (low, high) pair of numbers", interval) from None
    if not (math.isfinite(low) and math.isfinite(high) and low <= high):
        raise param_error("explain", name, "a finite (low, high) with low <= high", interval)
    return (high - low) / 2.0


def _segment_weights(
    reference: pa.Table, current: pa.Table, filters: Mapping[str, SegmentValue]
) -> FloatArray | None:
    """Weights that give the segment its current share of the reference rows (None when the
    reference has no rows in it, or only rows in it and the current does not)."""
    inside, current_inside = segment_masks(reference, current, filters)
    ref_share, cur_share = float(inside.mean()), float(current_inside.mean())
    if ref_share == 0.0 or (ref_share == 1.0 and cur_share < 1.0):
        return None
    if ref_share == 1.0:
        return np.ones(inside.size)
    outside = (1.0 - cur_share) / (1.0 - ref_share)
    return clipped(np.where(inside, cur_share / ref_share, outside))


def _segment_name(filters: Mapping[str, SegmentValue]) -> str:
    parts = []
    for column, value in filters.items():
        if value is None:
            parts.append(f"{column} missing")
        elif isinstance(value, tuple):
            parts.append(f"{column} in [{value[0]:g}, {value[1]:g})")
        else:
            parts.append(f"{column} = {value}")
    return " & ".join(parts)
