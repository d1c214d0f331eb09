"""Drift of embedding columns (fixed-length vectors): one test decides, three more describe.

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> before = rng.normal(0, 1, (500, 32))
>>> after = rng.normal(0, 1, (500, 32))
>>> after[:, :4] += 0.5
>>> result = embedding_drift(before, after)
>>> result.drifted, result.decided_by
(True, 'mmd')
>>> sorted(j for j, _ in result.moved_components[:4])  # the components that moved most
[0, 1, 2, 3]
"""

from driftscope.multivariate.embeddings.drift import EmbeddingDrift, embedding_drift

__all__ = ["EmbeddingDrift", "embedding_drift"]
