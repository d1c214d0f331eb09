"""Drift of several columns at once: tests on whole rows that per-column tests miss (features
that change how they move together), each returning a :class:`MultivariateResult`.

- :func:`mmd_test`: maximum mean discrepancy, an exact permutation test up to
  :data:`~driftscope.multivariate.mmd.EXACT_LIMIT` pooled rows, random Fourier features above.
- :func:`classifier_test`: a domain classifier (gradient boosting, the ``[ml]`` extra) whose
  held-out ROC AUC is tested against chance, with the columns that separate the samples.
- :func:`reconstruction_test`: PCA reconstruction error against bounds calibrated on held-out
  reference chunks, with the columns whose residuals grew.

Columns of their own kind: :mod:`.text` (free text) and :mod:`.embeddings` (vectors).
"""

from driftscope.multivariate._result import Contribution, MultivariateResult
from driftscope.multivariate.classifier import classifier_test
from driftscope.multivariate.mmd import mmd_test
from driftscope.multivariate.reconstruction import reconstruction_test

__all__ = [
    "Contribution",
    "MultivariateResult",
    "classifier_test",
    "mmd_test",
    "reconstruction_test",
]
