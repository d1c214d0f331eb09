"""Drift of one text column: its descriptors, its vocabulary and a classifier on its words,
decided together.

Each descriptor (:mod:`.descriptors`) is tested with Kolmogorov-Smirnov; the vocabulary
(:mod:`.vocabulary`) and the classifier (:mod:`.classifier`) bring their own p-values. The
column drifts when the smallest of all these p-values, adjusted with Holm's method for their
number, is below ``alpha``: ``p_value`` is that adjusted value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from driftscope.decision.multiple_testing import adjust_p_values
from driftscope.errors import InputError
from driftscope.multivariate._result import MultivariateResult
from driftscope.multivariate.text._tokens import count_terms
from driftscope.multivariate.text.classifier import text_classifier
from driftscope.multivariate.text.descriptors import DESCRIPTORS, describe
from driftscope.multivariate.text.vocabulary import VocabularyDrift, vocabulary_drift

MIN_TEXTS = 10
"""Fewest texts a side."""


@dataclass(frozen=True, slots=True)
class DescriptorDrift:
    """One descriptor's Kolmogorov-Smirnov test and its means on each side."""

    name: str
    statistic: float
    p_value: float
    reference_mean: float
    current_mean: float


@dataclass(frozen=True, slots=True)
class TextDrift:
    """Drift of a text column: the decision (``drifted``, on the Holm-adjusted smallest
    ``p_value``) and its three parts."""

    drifted: bool
    p_value: float
    alpha: float
    descriptors: tuple[DescriptorDrift, ...]
    vocabulary: VocabularyDrift
    classifier: MultivariateResult
    n_reference: int
    n_current: int

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
) -> TextDrift:
    """Drift between the ``reference`` and ``current`` texts (strings; None for missing,
    left out) of the column named ``column`` (for messages)."""
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
            DescriptorDrift(name, float(tested.statistic), p, float(a.mean()), float(b.mean()))
        )
    vocabulary = vocabulary_drift(counts, seed=seed)
    classifier = text_classifier(counts, [*ref, *cur], alpha=alpha, seed=seed)
    raw = [d.p_value for d in descriptors] + [vocabulary.p_value, float(classifier.p_value or 1)]
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
