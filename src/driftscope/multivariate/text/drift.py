"""Drift of one text column: its descriptors, its vocabulary and a classifier on its words,
decided together; optionally its meaning too.

Each descriptor (:mod:`.descriptors`) is tested with Kolmogorov-Smirnov; the vocabulary
(:mod:`.vocabulary`) and the classifier (:mod:`.classifier`) bring their own p-values. With
``embeddings=True`` (the ``[text]`` extra), the texts' sentence embeddings (:mod:`.embed`) are
compared by the embedding test (:func:`~driftscope.multivariate.embeddings.embedding_drift`,
MMD), whose p-value joins the others. The column drifts when the smallest of all these
p-values, adjusted with Holm's method for their number, is below ``alpha``: ``p_value`` is
that adjusted value.

Each descriptor also keeps its distribution on each side (:data:`BINS` shares over shared
edges), for the report to draw: the values are at hand only here, and binning them costs
milliseconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from driftscope.decision.multiple_testing import adjust_p_values
from driftscope.errors import InputError
from driftscope.multivariate._result import MultivariateResult
from driftscope.multivariate.embeddings.drift import MAX_ROWS, EmbeddingDrift, embedding_drift
from driftscope.multivariate.text._tokens import count_terms
from driftscope.multivariate.text.classifier import text_classifier
from driftscope.multivariate.text.descriptors import DESCRIPTORS, describe
from driftscope.multivariate.text.vocabulary import VocabularyDrift, vocabulary_drift

MIN_TEXTS = 10
"""Fewest texts a side."""
MAX_EMBEDDED = MAX_ROWS
"""Most texts a side embedded for the semantic part (a seeded sample beyond): as many as its
MMD test takes (tokenizing costs about 50 microseconds a distinct text)."""
SEMANTIC_PERMUTATIONS = 1_000
"""The semantic MMD test's permutations. Its p-value joins a Holm family of 10 (7
descriptors, the vocabulary, the classifier, itself): with 100 permutations its smallest
p-value, 1/101, would be 0.099 once adjusted, and meaning alone could never decide at alpha
0.05; with 1,000 it is 0.01. On 5,000 texts a side they cost about twice what 100 do."""
BINS = 20
"""Bins of each descriptor's distribution."""
SPAN = (1.0, 99.0)
"""The pooled percentiles between which a descriptor's bins lie, equal-width: a few very long
texts would otherwise squeeze every other text into the first bin. The end bins hold the
tails (the values beyond)."""


@dataclass(frozen=True, slots=True)
class DescriptorDrift:
    """One descriptor's Kolmogorov-Smirnov test, its means and its distribution on each side.

    ``edges``: :data:`BINS` + 1 increasing, equal-width edges from the pooled 1st to the 99th
    percentile (:data:`SPAN`; the pooled minimum to maximum where those are equal; ``()``
    where the descriptor is constant). ``reference_shares`` and ``current_shares``: each
    side's share of texts per bin, summing to 1; the end bins also hold the values beyond
    the edges. ``value_range``: the smallest and largest value of both sides (None if not
    finite), which tells whether the end bins hold tails.
    """

    name: str
    statistic: float
    p_value: float
    reference_mean: float
    current_mean: float
    edges: tuple[float, ...] = ()
    reference_shares: tuple[float, ...] = ()
    current_shares: tuple[float, ...] = ()
    value_range: tuple[float, float] | None = None


@dataclass(frozen=True, slots=True)
class TextDrift:
    """Drift of a text column: the decision (``drifted``, on the Holm-adjusted smallest
    ``p_value``) and its parts: three always, and ``semantic``, the embedding test on the
    texts' sentence embeddings, when asked for (else None)."""

    drifted: bool
    p_value: float
    alpha: float
    descriptors: tuple[DescriptorDrift, ...]
    vocabulary: VocabularyDrift
    classifier: MultivariateResult
    n_reference: int
    n_current: int
    semantic: EmbeddingDrift | None = None

    @property
    def moved_descriptors(self) -> tuple[DescriptorDrift, ...]:
        """The descriptors whose own p-value is below ``alpha``, most moved first."""
        moved = [d for d in self.descriptors if d.p_value < self.alpha]
        return tuple(sorted(moved, key=lambda d: -d.statistic))


def text_drift(
    reference: Sequence[Any],
    current: Sequence[Any],
    *,
    alpha: float = 0.05,
    seed: int = 0,
    column: str = "text",
    embeddings: bool = False,
) -> TextDrift:
    """Drift between the ``reference`` and ``current`` texts (strings; None for missing,
    left out) of the column named ``column`` (for messages).

    ``embeddings=True`` adds the semantic part: both sides' sentence embeddings (at most
    :data:`MAX_EMBEDDED` texts a side) tested with MMD; its p-value joins the Holm family.
    It needs the ``[text]`` extra (a ConfigError saying so without it).
    """
    from driftscope.stats import ks

    ref = _texts(reference, "reference", column)
    cur = _texts(current, "current", column)
    counts = count_terms(ref, cur)
    ref_side, cur_side = slice(0, len(ref)), slice(len(ref), len(ref) + len(cur))
    ref_described = describe(ref, counts, ref_side)
    cur_described = describe(cur, counts, cur_side)
    descriptors = []
    for name in DESCRIPTORS:
        a, b = ref_described[name], cur_described[name]
        tested = ks(a, b)
        p = 1.0 if tested.p_value is None else float(tested.p_value)
        descriptors.append(
            DescriptorDrift(
                name, float(tested.statistic), p, float(a.mean()), float(b.mean()), *_binned(a, b)
            )
        )
    vocabulary = vocabulary_drift(counts, seed=seed)
    classifier = text_classifier(counts, [*ref, *cur], alpha=alpha, seed=seed)
    raw = [d.p_value for d in descriptors] + [vocabulary.p_value, float(classifier.p_value or 1)]
    semantic = None
    if embeddings:
        semantic = _semantic(ref, cur, alpha=alpha, seed=seed, column=column)
        raw.append(semantic.p_value)
    adjusted = float(np.min(adjust_p_values(raw, "holm")))
    return TextDrift(
        drifted=adjusted < alpha,
        p_value=adjusted,
        alpha=alpha,
        descriptors=tuple(descriptors),
        vocabulary=vocabulary,
        classifier=classifier,
        n_reference=len(ref),
        n_current=len(cur),
        semantic=semantic,
    )


def _binned(
    a: NDArray[np.float64], b: NDArray[np.float64]
) -> tuple[tuple[float, ...], tuple[float, ...], tuple[float, ...], tuple[float, float] | None]:
    """A descriptor's edges, each side's shares and the range of both (see DescriptorDrift)."""
    pooled = np.concatenate((a, b))
    lowest, highest = float(pooled.min()), float(pooled.max())
    value_range = (lowest, highest) if np.isfinite([lowest, highest]).all() else None
    lo, hi = (float(v) for v in np.percentile(pooled, SPAN))
    if not hi > lo:  # most texts alike (no digits, say): the whole range instead
        lo, hi = lowest, highest
    edges = np.linspace(lo, hi, BINS + 1)
    if value_range is None or not np.all(np.diff(edges) > 0):  # constant (or no float room)
        return (), (), (), value_range

    def shares(x: NDArray[np.float64]) -> tuple[float, ...]:
        # Clipped, so the end bins hold the tails. With bins and a range, numpy bins in one
        # pass over these very edges (np.linspace as here) where given edges it would sort.
        counts, _ = np.histogram(np.clip(x, lo, hi), bins=BINS, range=(lo, hi))
        return tuple((counts / x.size).tolist())

    return tuple(edges.tolist()), shares(a), shares(b), value_range


def _semantic(
    ref: list[str], cur: list[str], *, alpha: float, seed: int, column: str
) -> EmbeddingDrift:
    """The embedding test on both sides' sentence embeddings."""
    from driftscope.multivariate.text.embed import embed_texts

    rng = np.random.default_rng(seed)

    def sample(texts: list[str]) -> list[str]:
        if len(texts) <= MAX_EMBEDDED:
            return texts
        return [texts[i] for i in np.sort(rng.choice(len(texts), MAX_EMBEDDED, replace=False))]

    return embedding_drift(
        embed_texts(sample(ref), column=column),
        embed_texts(sample(cur), column=column),
        alpha=alpha,
        seed=seed,
        column=column,
        n_permutations=SEMANTIC_PERMUTATIONS,
    )


def _texts(values: Sequence[Any], side: str, column: str) -> list[str]:
    texts = []
    for row, value in enumerate(values):
        if value is None:
            continue
        if not isinstance(value, str):
            kind = "bytes (not decoded text)" if isinstance(value, bytes) else type(value).__name__
            raise InputError(
                f"text column {column!r}: the {side} holds {kind} at row {row}; a text column "
                "holds strings (give it another type if it holds numbers)"
            )
        texts.append(value)
    if len(texts) < MIN_TEXTS:
        raise InputError(
            f"text column {column!r}: the {side} has {len(texts)} text(s); text drift needs at "
            f"least {MIN_TEXTS} a side"
        )
    return texts
