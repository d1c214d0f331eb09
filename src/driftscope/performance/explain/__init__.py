"""Explaining a performance drop: how much of it the shift of the inputs accounts for, jointly,
per feature and per segment.

The method is importance weighting. If only the inputs' distribution moved (``P(x)``
changed, ``P(y | x)`` did not), the current performance is the reference's performance on
rows re-weighted by ``w(x) = p_cur(x) / p_ref(x)``; the reference's labels and model outputs
are all that is needed. Each weighting answers a question:

* **jointly** (``explained``): all features together, the density ratio from a classifier of
  current against reference rows (:mod:`._domain`). ``drop - explained`` is what the inputs'
  shift does not account for: a changed relation between inputs and target (concept drift),
  noise, or a shift the classifier missed.
* **per feature**: that feature's own shift alone, from its bin shares (:mod:`._codes`).
  Per-feature drops do not add up to the joint one: correlated features each carry a shared
  shift, and the metric need not be additive.
* **per segment**: the segment's share of rows moved to its current share, the rows within
  and without keeping their reference mix.

Weights are capped (:data:`~._codes.MAX_WEIGHT` times the average row's) so that a region
the reference barely covers cannot let a few rows decide. Current rows unlike any reference
row (a new category; values in a gap of the reference) cannot be represented at all; the
explanation's ``method`` says how many there were. The full account, with its limits, is in
``docs/explain.md``.
"""

from driftscope.performance.explain._codes import FEATURE_BINS, MAX_WEIGHT
from driftscope.performance.explain._domain import DOMAIN_ROWS
from driftscope.performance.explain._explain import MIN_SHARE, NOISE_REPLICATES, explain_drop

__all__ = [
    "DOMAIN_ROWS",
    "FEATURE_BINS",
    "MAX_WEIGHT",
    "MIN_SHARE",
    "NOISE_REPLICATES",
    "explain_drop",
]
