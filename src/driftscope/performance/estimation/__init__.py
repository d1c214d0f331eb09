"""Model performance without labels: estimated from what the model says about itself."""

from driftscope.performance.estimation.cbpe import estimate_binary, estimate_multiclass

__all__ = ["estimate_binary", "estimate_multiclass"]
