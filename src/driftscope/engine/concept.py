"""The report's concept drift (``performance.concept``): the tests of
:mod:`driftscope.performance.concept` run on the labelled sides the performance pass encoded.

A classifier with probabilities (binary or several classes) is tested against the
reference's calibration of its probabilities, and its realised performance against the
covariate-shift estimate (CBPE); a regression, its errors against those a model learnt on the
reference expects at the same inputs. Every input both sides hold is searched for a moved
relation: numbers in their reference quantile bins, categories (strings, booleans) by value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from driftscope.engine._model_columns import Labelled, input_kind, number_matrix, numbers
from driftscope.errors import ConfigError
from driftscope.io._arrow import decoded
from driftscope.io._numpy import to_numpy, valid_mask
from driftscope.performance.classification import FloatArray
from driftscope.performance.concept import (
    MIN_BIAS_SHIFT,
    bias_test,
    calibration_test,
    category_bins,
    feature_relations,
    gap_beyond,
    multiclass_calibration_test,
    numeric_bins,
    relation_changed,
    residuals,
    worse_than_estimated,
)
from driftscope.performance.concept.features import Bins
from driftscope.performance.estimation import estimate_binary, estimate_multiclass
from driftscope.performance.estimation.cbpe import fit_calibrator, fit_multiclass_calibrator
from driftscope.result import CalibrationTest, ConceptDrift, ConceptGap, MetricValue

CONCEPT_ALPHA = 0.05
"""The level of the test behind ``concept.changed``."""


def classifier_concept(
    reference: Labelled,
    current: Labelled,
    realised: Mapping[str, MetricValue],
    inputs: Sequence[str],
    classes: Sequence[str],
) -> ConceptDrift | None:
    """Concept drift of a classifier whose both sides have labels and probabilities; None
    when a side lacks them or the reference labels hold one class."""
    ref_p, cur_p = reference.probabilities, current.probabilities
    if reference.labels is None or current.labels is None or ref_p is None or cur_p is None:
        return None
    if np.unique(reference.labels).size < 2 or cur_p.shape[0] == 0:
        return None
    calibration: CalibrationTest
    if ref_p.ndim == 1:
        estimate = estimate_binary(
            reference.labels, ref_p, cur_p, current_predicted=current.predicted
        )
        calibrate = fit_calibrator(ref_p, reference.labels)
        expected_ref, expected_cur = calibrate(ref_p), calibrate(cur_p)
        calibration = calibration_test(current.labels, expected_cur)
    else:
        estimate = estimate_multiclass(
            reference.labels, ref_p, cur_p, current_predicted=current.predicted
        )
        calibrate = fit_multiclass_calibrator(ref_p, reference.labels)
        expected_ref, expected_cur = calibrate(ref_p), calibrate(cur_p)
        calibration = multiclass_calibration_test(current.labels, expected_cur, classes)
    gaps = {}
    for name, est in estimate.items():
        value = realised.get(name)
        real = None if value is None else value.value
        gaps[name] = ConceptGap(real, est, gap_beyond(real, est.ci_low, est.ci_high))
    relations = feature_relations(
        feature_bins(reference.table, current.table, inputs),
        residuals(reference.labels, expected_ref),
        residuals(current.labels, expected_cur),
    )
    return ConceptDrift(
        changed=relation_changed(calibration, worse_than_estimated(gaps), CONCEPT_ALPHA),
        alpha=CONCEPT_ALPHA,
        calibration=calibration,
        gaps=gaps,
        features=tuple(relations),
    )


def regression_concept(
    reference: tuple[pa.Table, FloatArray, FloatArray],
    current: tuple[pa.Table, FloatArray, FloatArray],
    inputs: Sequence[str],
    notes: list[str],
) -> ConceptDrift | None:
    """Concept drift of a regression: each side's ``(rows, target, prediction)``; None when
    the reference's errors are all zero, or without scikit-learn (with a note)."""
    (ref_table, ref_y, ref_pred), (cur_table, cur_y, cur_pred) = reference, current
    numeric = [name for name in inputs if input_kind(ref_table, name) == "number"]
    try:
        found = bias_test(
            number_matrix(ref_table, numeric),
            ref_y,
            ref_pred,
            number_matrix(cur_table, numeric),
            cur_y,
            cur_pred,
        )
    except ConfigError as exc:  # scikit-learn is not installed
        notes.append(f"concept drift is not tested: {exc}")
        return None
    if found is None:
        return None
    relations = feature_relations(
        feature_bins(ref_table, cur_table, inputs), found.reference, found.current
    )
    return ConceptDrift(
        changed=found.test.p_value < CONCEPT_ALPHA and found.test.shift >= MIN_BIAS_SHIFT,
        alpha=CONCEPT_ALPHA,
        calibration=found.test,
        features=tuple(relations),
    )


def feature_bins(reference: pa.Table, current: pa.Table, inputs: Sequence[str]) -> dict[str, Bins]:
    """Each input's bins on the two sides (see :mod:`driftscope.performance.concept.features`)."""
    out: dict[str, Bins] = {}
    for name in inputs:
        if input_kind(reference, name) == "number":
            out[name] = numeric_bins(numbers(reference, name), numbers(current, name))
            continue
        codes = _category_codes(reference.column(name), current.column(name))
        if codes is not None:
            out[name] = category_bins(codes, reference.num_rows)
    return out


def _category_codes(
    reference: pa.ChunkedArray, current: pa.ChunkedArray
) -> NDArray[np.int64] | None:
    """A category's value codes over both sides (the reference's rows first; -1: missing),
    or None when the sides' types do not meet."""
    ref, cur = decoded(reference), decoded(current)
    if cur.type != ref.type:
        try:
            cur = cur.cast(ref.type)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return None
    both = pa.chunked_array([*ref.chunks, *cur.chunks], type=ref.type).combine_chunks()
    indices = pc.dictionary_encode(both).indices
    # through the buffers: pyarrow's own conversions import pandas to look for it
    codes = to_numpy(indices).astype(np.int64)
    valid = valid_mask(indices)
    if valid is not None:
        codes[~valid] = -1
    return codes
