"""Model performance: measured with labels (:mod:`~driftscope.performance.metrics`), each
metric with a bootstrap confidence interval."""

from driftscope.performance.metrics import classification_performance, regression_performance

__all__ = ["classification_performance", "regression_performance"]
