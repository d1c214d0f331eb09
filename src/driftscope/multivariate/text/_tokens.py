"""Texts as tokens: one count matrix that every text method shares.

A token is a run of letters (any script) with inner apostrophes, lowercased: ``"Don't"`` is
``don't``, ``"3.14"`` is no token. Words and word pairs (bigrams) are counted once per text
side by side in one sparse matrix (scikit-learn's ``CountVectorizer``, the ``[ml]`` extra), so
the vocabulary, the TF-IDF classifier and the permutation test all read the same counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import NDArray

from driftscope.errors import ConfigError

TOKEN_PATTERN = r"(?u)[^\W\d_]+(?:'[^\W\d_]+)*"
"""A token: letters of any script, apostrophes inside."""
MIN_TEXTS = 2
"""Fewest texts a term must appear in (on both sides together) to be counted."""
MAX_TERMS = 50_000
"""Most terms kept (the most frequent)."""


@dataclass(frozen=True)
class Counts:
    """Term counts of every text (rows: reference texts first, then current ones) and the
    terms (columns)."""

    matrix: Any  # scipy.sparse.csr_matrix of int64
    terms: NDArray[np.str_]
    n_reference: int

    @cached_property
    def words(self) -> NDArray[np.bool_]:
        """Which terms are single words (not word pairs)."""
        return np.char.find(self.terms.astype(str), " ") < 0

    def side_totals(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Each term's count over the reference texts and over the current ones."""
        ref = np.asarray(self.matrix[: self.n_reference].sum(axis=0)).ravel().astype(np.float64)
        cur = np.asarray(self.matrix[self.n_reference :].sum(axis=0)).ravel().astype(np.float64)
        return ref, cur


def count_terms(reference: Sequence[str], current: Sequence[str]) -> Counts:
    """Words and bigrams of both sides' texts in one count matrix."""
    try:
        from sklearn.feature_extraction.text import CountVectorizer
    except ImportError:
        raise ConfigError("text drift needs scikit-learn: pip install 'driftscope[ml]'") from None
    vectorizer = CountVectorizer(
        token_pattern=TOKEN_PATTERN,
        lowercase=True,
        ngram_range=(1, 2),
        min_df=MIN_TEXTS,
        max_features=MAX_TERMS,
        dtype=np.int64,
    )
    texts = [*reference, *current]
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError:  # no term in two texts at all
        from scipy.sparse import csr_matrix

        return Counts(
            csr_matrix((len(texts), 0), dtype=np.int64), np.array([], str), len(reference)
        )
    return Counts(matrix.tocsr(), vectorizer.get_feature_names_out(), len(reference))
