"""Model performance without labels: estimated from what the model says about itself."""

from driftscope.performance.estimation.cbpe import estimate_binary

__all__ = ["estimate_binary"]
