"""Numbers that describe each text, tested for drift like numeric columns.

Language-agnostic, counted with Arrow's compute kernels (RE2 character classes):

- ``length``: characters;
- ``words``: tokens (runs of letters, apostrophes inside);
- ``word_length``: letters per word;
- ``non_letter_share``: share of the characters, spaces aside, that are not letters
  (punctuation, digits, symbols, emoji);
- ``uppercase_share``: share of the letters in upper case;
- ``digit_share``: share of the characters that are digits;
- ``oov_share``: share of the words no other reference text holds (out of the reference's
  vocabulary; a reference text is measured against the other reference texts, and words that
  only one text of either side holds count as out of it, on both sides).

A text without letters has 0 for the shares of letters. Missing texts are left out.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from driftscope.multivariate.text._tokens import Counts

FloatArray = NDArray[np.float64]

DESCRIPTORS = (
    "length",
    "words",
    "word_length",
    "non_letter_share",
    "uppercase_share",
    "digit_share",
    "oov_share",
)
_WORD = r"\pL+(?:'\pL+)*"


def describe(texts: Sequence[str], counts: Counts, side: slice) -> dict[str, FloatArray]:
    """Every descriptor of ``texts`` (the rows ``side`` of ``counts``), by name."""
    array = pa.array(texts, pa.large_string())

    def count(pattern: str) -> FloatArray:
        found = pc.count_substring_regex(array, pattern)
        return np.asarray(found.to_numpy(zero_copy_only=False), dtype=np.float64)

    length = np.asarray(pc.utf8_length(array).to_numpy(zero_copy_only=False), dtype=np.float64)
    words, letters = count(_WORD), count(r"\pL")
    spaces, digits, upper = count(r"\s"), count(r"\pN"), count(r"\p{Lu}")
    visible = length - spaces
    known = _known_words(counts, side)
    return {
        "length": length,
        "words": words,
        "word_length": _share(letters, words),
        "non_letter_share": _share(visible - letters, visible),
        "uppercase_share": _share(upper, letters),
        "digit_share": _share(digits, length),
        "oov_share": np.clip(1.0 - _share(known, words), 0.0, 1.0),
    }


def _share(part: FloatArray, whole: FloatArray) -> FloatArray:
    out = np.zeros_like(part)
    np.divide(part, whole, out=out, where=whole > 0)
    return out


def _known_words(counts: Counts, side: slice) -> FloatArray:
    """Per text of ``side``, its words that another reference text holds (single words only):
    a reference text's own words do not make themselves known, or the reference's share would
    be lower than any other sample's by construction."""
    if counts.terms.size == 0:
        return np.zeros(len(range(*side.indices(counts.matrix.shape[0]))))
    holders = np.asarray(counts.matrix[: counts.n_reference].getnnz(axis=0)).ravel()
    own = 1 if side.start == 0 and counts.n_reference > 0 else 0  # a reference text is one
    columns = np.flatnonzero(counts.words & (holders > own))
    rows = counts.matrix[side][:, columns]
    return np.asarray(rows.sum(axis=1)).ravel().astype(np.float64)
