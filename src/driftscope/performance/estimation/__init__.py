"""Model performance without labels: estimated from what the model says about itself (CBPE)
or from a model of its loss (DLE)."""

from driftscope.performance.estimation.cbpe import estimate_binary, estimate_multiclass
from driftscope.performance.estimation.dle import LossModels, estimate_regression, fit_loss_models

__all__ = [
    "LossModels",
    "estimate_binary",
    "estimate_multiclass",
    "estimate_regression",
    "fit_loss_models",
]
