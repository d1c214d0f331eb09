"""Concept drift: did the relation between the model's inputs and its labels change, not only
the inputs? Read when both sides have labels.

* a classifier (:mod:`.calibration`): the current labels against the reference's calibration
  of the model's probabilities (Hosmer-Lemeshow over score deciles; one-vs-rest per class for
  several classes), and the realised performance against its covariate-shift estimate (CBPE);
* a regression (:mod:`.regression`): the model's error against what the reference says of it at
  the same inputs (a model of its mean error learnt on the reference), by prediction bins;
* per feature, for both (:mod:`.features`): the residuals' mean within the feature's bins
  (quantile bins of a number, the values of a category), reference against current.

Covariate shift alone keeps ``P(y | x)``: the residuals at the same inputs stay where they
were. Where the labels follow the inputs differently, they move.
"""

from driftscope.performance.concept.calibration import (
    MIN_CALIBRATION_SHIFT,
    WORSE_THAN_ESTIMATED,
    calibration_test,
    gap_beyond,
    multiclass_calibration_test,
    relation_changed,
    worse_than_estimated,
)
from driftscope.performance.concept.features import (
    category_bins,
    feature_relations,
    numeric_bins,
    residuals,
)
from driftscope.performance.concept.regression import MIN_BIAS_SHIFT, Surprises, bias_test

__all__ = [
    "MIN_BIAS_SHIFT",
    "MIN_CALIBRATION_SHIFT",
    "WORSE_THAN_ESTIMATED",
    "Surprises",
    "bias_test",
    "calibration_test",
    "category_bins",
    "feature_relations",
    "gap_beyond",
    "multiclass_calibration_test",
    "numeric_bins",
    "relation_changed",
    "residuals",
    "worse_than_estimated",
]
