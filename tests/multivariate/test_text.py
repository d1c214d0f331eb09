"""Text drift on real English text that a Debian package ships (the ``fortunes`` databases:
.ci/run installs it): one category against another drifts and says which words and
descriptors moved; random halves of one category do not; the permutation test of the
vocabulary keeps its level; the descriptors are what they say; bad texts are one-line errors."""

from __future__ import annotations

import random

import numpy as np
import pytest

from driftscope.errors import InputError
from driftscope.multivariate.text import text_drift
from driftscope.multivariate.text._tokens import count_terms
from driftscope.multivariate.text.descriptors import describe
from tests._fortunes import fortunes, needs_fortunes


@needs_fortunes
def test_one_category_against_another_drifts_and_says_which_words() -> None:
    result = text_drift(fortunes("computers"), fortunes("politics"), column="quote")
    assert result.drifted
    assert result.p_value < 1e-10
    grown = [t.term for t in result.vocabulary.grown[:10]]
    shrunk = [t.term for t in result.vocabulary.shrunk[:10]]
    assert {"government", "war", "politics"} <= set(grown)
    assert {"computer", "system"} <= set(shrunk)
    assert result.vocabulary.p_value < 0.05
    words = [c.name for c in result.classifier.explanation]
    assert {"government", "war"} <= set(words)
    assert "computer" in result.classifier.details["reference_terms"]
    assert result.classifier.statistic > 0.85
    examples = result.classifier.details["examples"]
    assert len(examples["current"]) == len(examples["reference"]) == 3
    assert all(isinstance(text, str) and text for text in examples["current"])
    moved = {d.name for d in result.moved_descriptors}
    assert {"length", "oov_share"} <= moved  # political quotes are shorter, other words


@needs_fortunes
def test_random_halves_of_one_category_do_not_drift() -> None:
    texts = fortunes("computers")
    rng = random.Random(7)
    for seed in range(4):
        rng.shuffle(texts)
        half = len(texts) // 2
        result = text_drift(texts[:half], texts[half:], seed=seed)
        assert not result.drifted, (seed, result.p_value, result.descriptors)


@needs_fortunes
def test_the_vocabulary_test_keeps_its_level() -> None:
    texts = fortunes("people")
    rng = random.Random(3)
    p_values = []
    for seed in range(20):
        rng.shuffle(texts)
        result = text_drift(texts[:300], texts[300:600], seed=seed)
        p_values.append(result.vocabulary.p_value)
    assert sum(p < 0.05 for p in p_values) <= 3  # 1 expected
    assert 0.3 < float(np.mean(p_values)) < 0.7


def test_descriptors_are_what_they_say() -> None:
    reference = ["Hello world", "Good day to you", "It's 3 o'clock"] * 4
    current = ["HELLO, WORLD!!", "zebra quagga", "Äpfel und Birnen 42"]
    counts = count_terms(reference, current)
    got = describe(current, counts, slice(len(reference), len(reference) + len(current)))
    assert got["length"].tolist() == [14, 12, 19]
    assert got["words"].tolist() == [2, 2, 3]
    assert got["uppercase_share"][0] == 1.0
    assert got["non_letter_share"][0] == pytest.approx(3 / 13)  # ",!!" of 13 shown characters
    assert got["digit_share"][2] == pytest.approx(2 / 19)
    assert got["word_length"][1] == pytest.approx(11 / 2)  # 11 letters, 2 words
    assert got["oov_share"][0] == 0.0  # hello and world are the reference's
    assert got["oov_share"][1] == 1.0  # zebra and quagga are not
    ref_own = describe(reference, counts, slice(0, len(reference)))
    assert ref_own["oov_share"].max() == 0.0  # each reference word is in three other texts


@pytest.mark.parametrize(
    ("reference", "current", "says"),
    [
        (["a text"] * 20, [1.5] * 20, "the current holds float at row 0"),
        (["a text"] * 20, [b"bytes"] * 20, "holds bytes (not decoded text) at row 0"),
        ([None] * 20, ["a text"] * 20, "the reference has 0 text(s)"),
        (["a text"] * 20, ["a"] * 5 + [None] * 30, "the current has 5 text(s)"),
    ],
)
def test_bad_texts_are_one_line_errors(
    reference: list[object], current: list[object], says: str
) -> None:
    with pytest.raises(InputError) as caught:
        text_drift(reference, current, column="review")
    assert "text column 'review'" in str(caught.value)
    assert says in str(caught.value)
    assert "\n" not in str(caught.value)
