"""Effect sizes: how much a column changed, on a scale that does not grow with the rows.

A p-value answers "is there any difference?"; with a million rows a 0.02-sigma shift is
certain to be one. An effect size answers "how big is it?", so a column counts as drifted only
when its test is significant *and* its effect reaches a minimum:

* numeric tests (ks, mann_whitney, t_test, cramer_von_mises, anderson_darling,
  epps_singleton): the **KS distance** D = max |F_r - F_c|, the largest share of rows on
  one side of some value that moved across it, in [0, 1]. For a normal mean shift of
  delta standard deviations D is about 0.4 delta.
* categorical and binary tests (chi2, g_test, z_proportion, fisher_exact): **Cramér's V** of
  the 2 x k table of counts, bias-corrected (Bergsma 2013): ``sqrt(chi2 / N)`` alone grows
  with the categories under no change (its square is about ``(k - 1) / N`` by chance: 0.2 to
  0.45 for thousands of values at 10,000 rows, past every tier), so the chance part
  ``(k - 1) / (N - 1)`` is taken off its square (floored at 0) and the result divided by the
  corrected ``min(k, 2) - 1``. In [0, 1]; near 0 under no change at any k; for two categories
  and large N it is the absolute phi coefficient.
* text columns (method text): the **text separation**, how well the two sides' texts can be
  told apart, in [0, 1]: the word classifier's held-out Gini coefficient ``2 AUC - 1``
  (Somers' D; floored at 0: the classifier's test is one-sided, and a held-out AUC below 0.5
  is a model that learnt noise) or the KS distance of a descriptor that moved (its own
  p-value below alpha), whichever is largest. A classifier on words is blind to a change of
  form (texts twice as long, or in capitals, keep their words), which the descriptors see.
  When a share s of the texts becomes recognisable (a new phrase in them), the Gini is about
  s, as the KS distance is s when s of a column's values move: both read as "the share of
  items that changed".
* embedding columns (method embedding): the **MMD distance**, ``sqrt(max(MMD^2, 0))``, the
  distance between the two sides' kernel mean embeddings, MMD^2 being the test's unbiased
  statistic (so about 0 under no change at any size). The Gaussian kernel's sigma is the
  median distance between vectors, which makes it scale-free (multiplying every vector by 10
  changes nothing), and the kernel is at most 1, so it lies in [0, sqrt(2)]. For a shift of
  the mean by delta standard deviations in every component it is about 0.53 delta, whatever
  the dimension, up to delta = 0.5 (0.49 at delta = 1: the kernel is bounded); a shift in k
  of d components weighs about sqrt(k / d) of that, as it moves the vectors that much less
  relative to their spread.
* distances (psi, wasserstein, jensen_shannon, ...) are effect sizes already: their own
  threshold decides, with no second rule.

The default minimum of 0.03 flags a normal mean shift of about 0.075 standard deviations, or
three in a hundred rows changing category (or texts becoming recognisable), and ignores what
is smaller however many rows there are. The MMD distance's minimum, 0.05, is a mean shift of
about 0.1 standard deviations in every component. Users change them per column.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from driftscope.stats.ks import ks_statistic

FloatArray = NDArray[np.float64]
Counts = NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class EffectMeasure:
    """A named effect size and the default minimum for a column to count as drifted."""

    name: str
    default_minimum: float


KS_DISTANCE = EffectMeasure("ks_distance", 0.03)
CRAMERS_V = EffectMeasure("cramers_v", 0.03)
TEXT_SEPARATION = EffectMeasure("text_separation", 0.03)
MMD_DISTANCE = EffectMeasure("mmd_distance", 0.05)


def ks_distance(reference: FloatArray, current: FloatArray) -> float:
    """The KS distance of two sorted samples (the ``ks`` statistic).

    >>> ks_distance(np.array([1.0, 2.0, 3.0, 4.0]), np.array([3.0, 4.0, 5.0, 6.0]))
    0.5
    """
    return ks_statistic(reference, current)


def cramers_v(reference: Counts, current: Counts, *, bias_corrected: bool = True) -> float:
    """Cramér's V of the 2 x k table of category counts (categories absent from both dropped),
    bias-corrected as Bergsma (2013) unless ``bias_corrected=False``.

    0 when fewer than two categories occur.

    >>> round(cramers_v(np.array([50, 50]), np.array([50, 50])), 12)
    0.0
    >>> round(cramers_v(np.array([100, 0]), np.array([0, 100])), 12)
    1.0
    >>> ref, cur = np.ones(1000, dtype=np.int64), np.ones(1000, dtype=np.int64)
    >>> cur[::2] = 0; cur[1::2] = 2  # pure chance at 1,000 categories of one row each
    >>> round(cramers_v(ref, cur, bias_corrected=False), 2), cramers_v(ref, cur)
    (0.58, 0.0)
    """
    table = np.vstack((reference, current)).astype(np.float64)
    table = table[:, table.sum(axis=0) > 0]
    total = table.sum()
    if table.shape[1] < 2 or total == 0:
        return 0.0
    rows = table.sum(axis=1, keepdims=True)
    if np.any(rows == 0):
        return 0.0
    expected = rows * table.sum(axis=0, keepdims=True) / total
    phi2 = float(np.sum((table - expected) ** 2 / expected)) / total
    if not bias_corrected:
        return min(math.sqrt(phi2), 1.0)
    if total <= 1:
        return 0.0
    k, r = table.shape[1], 2
    shrink = 1.0 / (total - 1.0)
    phi2 = max(0.0, phi2 - (k - 1) * (r - 1) * shrink)
    k_tilde, r_tilde = k - (k - 1) ** 2 * shrink, r - (r - 1) ** 2 * shrink
    denominator = min(k_tilde - 1.0, r_tilde - 1.0)
    if denominator <= 0.0:
        return 0.0
    return min(math.sqrt(phi2 / denominator), 1.0)


def text_separation(
    auc: float, descriptor_distances: Iterable[float] = (), meaning: float | None = None
) -> float:
    """The text separation: the word classifier's held-out Gini ``max(0, 2 auc - 1)``, the
    largest of ``descriptor_distances`` (the KS distances of the descriptors that moved) or,
    when the texts' meaning was tested, ``meaning / sqrt 2`` (``meaning``: the MMD distance
    of their sentence embeddings), whichever is largest. A NaN AUC (no classifier) counts
    as 0.

    Each part reads as the share of texts that became recognisable: a Gini of s, a KS
    distance of s; and when a share s of the texts moves to a meaning far from all the
    others, the mixture's MMD distance is s times the two meanings' own, which is at most
    sqrt 2 (so ``meaning / sqrt 2`` never overstates s).

    >>> text_separation(0.5), text_separation(0.75), text_separation(0.4)
    (0.0, 0.5, 0.0)
    >>> text_separation(0.52, [0.58, 0.1])  # texts twice as long: the same words
    0.58
    >>> round(text_separation(0.55, [0.02], meaning=0.5), 4)  # new topics in the same words
    0.3536
    """
    gini = 2.0 * auc - 1.0 if math.isfinite(auc) else 0.0
    finite = [d for d in descriptor_distances if math.isfinite(d)]
    if meaning is not None and math.isfinite(meaning):
        finite.append(meaning / math.sqrt(2.0))
    return min(1.0, max([max(gini, 0.0), *finite]))


def mmd_distance(mmd2: float) -> float:
    """The MMD distance from the unbiased MMD^2: its square root, 0 when chance made the
    estimate negative (NaN stays NaN: no test, no effect).

    >>> mmd_distance(0.0729), mmd_distance(-1e-5)
    (0.27, 0.0)
    """
    if math.isnan(mmd2):
        return math.nan
    return math.sqrt(max(mmd2, 0.0))
