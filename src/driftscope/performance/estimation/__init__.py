"""Model performance without labels: estimated from what the model says about itself (CBPE)
or from a model of its loss (DLE)."""

from driftscope.performance.estimation.cbpe import estimate_binary, estimate_multiclass
from driftscope.performance.estimation.dle import estimate_regression

__all__ = ["estimate_binary", "estimate_multiclass", "estimate_regression"]
