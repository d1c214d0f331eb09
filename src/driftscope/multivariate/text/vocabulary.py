"""Vocabulary drift: did the words change?

The statistic is the Jensen-Shannon divergence (base 2, in [0, 1]) between the reference's and
the current's word frequencies (single words). Finite samples put it above 0 even when nothing
changed, so its p-value comes from permutations of whole texts between the sides (P of them,
``np.random.default_rng(seed)``, all at once: one sparse product of the count matrix with the
sides' indicators). The terms (words and word pairs) that moved most are listed by the z-score
of their log-odds ratio between the sides (Monroe, Colaresi and Quinn, 2008; a flat prior of
0.5 counts a term): ``grown`` in the current texts (``new`` when no reference text has them)
and ``shrunk`` (``vanished`` when no current text has them).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from driftscope.multivariate.text._tokens import Counts
from driftscope.stats.mmd import group_indicators

FloatArray = NDArray[np.float64]

N_PERMUTATIONS = 100
PRIOR = 0.5
"""Counts added to each term on each side before taking log-odds."""
MIN_COUNT = 5
"""Fewest uses of a term on the side it grew on before it is listed."""
MIN_Z = 3.0
"""Smallest |z| of a listed term."""
LISTED = 20
"""Most terms listed each way."""


@dataclass(frozen=True, slots=True)
class TermShift:
    """One term's use on each side (counts, and per 10,000 terms) and its log-odds z-score
    (positive: more used now)."""

    term: str
    reference_count: int
    current_count: int
    reference_per_10k: float
    current_per_10k: float
    z: float

    @property
    def note(self) -> str:
        """``new``, ``vanished``, ``grown`` or ``shrunk``."""
        if self.z > 0:
            return "new" if self.reference_count == 0 else "grown"
        return "vanished" if self.current_count == 0 else "shrunk"


@dataclass(frozen=True, slots=True)
class VocabularyDrift:
    """The words' divergence, its permutation p-value and the terms that moved most."""

    statistic: float
    p_value: float
    grown: tuple[TermShift, ...]
    shrunk: tuple[TermShift, ...]
    n_terms: int


def vocabulary_drift(
    counts: Counts, *, n_permutations: int = N_PERMUTATIONS, seed: int | None = 0
) -> VocabularyDrift:
    """Vocabulary drift of the texts counted in ``counts``."""
    single = counts.matrix[:, np.flatnonzero(counts.words)]
    m = counts.n_reference
    n = single.shape[0] - m
    indicators = group_indicators(m, n, n_permutations, seed)
    reference = np.asarray(single.T @ indicators)  # terms x splits
    total = np.asarray(single.sum(axis=0)).ravel().astype(np.float64)
    values = _js(reference, total[:, None] - reference)
    observed = float(values[0])
    p_value = (1 + int(np.count_nonzero(values[1:] >= observed - 1e-12))) / (1 + n_permutations)
    grown, shrunk = _moved(counts)
    return VocabularyDrift(observed, p_value, grown, shrunk, int(counts.terms.size))


def _js(p_counts: FloatArray, q_counts: FloatArray) -> FloatArray:
    """Jensen-Shannon divergence (base 2) of each column pair of count matrices."""
    p = p_counts / np.maximum(p_counts.sum(axis=0), 1.0)
    q = q_counts / np.maximum(q_counts.sum(axis=0), 1.0)
    mid = (p + q) / 2.0
    with np.errstate(divide="ignore", invalid="ignore"):
        left = np.where(p > 0, p * np.log2(p / mid), 0.0)
        right = np.where(q > 0, q * np.log2(q / mid), 0.0)
    js: FloatArray = 0.5 * (left.sum(axis=0) + right.sum(axis=0))
    return js


def _moved(counts: Counts) -> tuple[tuple[TermShift, ...], tuple[TermShift, ...]]:
    ref, cur = counts.side_totals()
    if ref.size == 0:
        return (), ()
    ref_total, cur_total = max(float(ref.sum()), 1.0), max(float(cur.sum()), 1.0)
    size = ref.size * PRIOR
    log_cur = np.log((cur + PRIOR) / (cur_total + size - cur - PRIOR))
    log_ref = np.log((ref + PRIOR) / (ref_total + size - ref - PRIOR))
    z = (log_cur - log_ref) / np.sqrt(1.0 / (cur + PRIOR) + 1.0 / (ref + PRIOR))

    def listed(order: NDArray[np.int64], side: FloatArray, sign: float) -> tuple[TermShift, ...]:
        out: list[TermShift] = []
        for j in order:
            if len(out) == LISTED or sign * z[j] < MIN_Z:
                break
            if side[j] < MIN_COUNT:
                continue
            out.append(
                TermShift(
                    str(counts.terms[j]),
                    int(ref[j]),
                    int(cur[j]),
                    1e4 * float(ref[j]) / ref_total,
                    1e4 * float(cur[j]) / cur_total,
                    float(z[j]) if math.isfinite(z[j]) else 0.0,
                )
            )
        return tuple(out)

    order = np.argsort(-z, kind="stable")
    return listed(order, cur, 1.0), listed(order[::-1], ref, -1.0)
