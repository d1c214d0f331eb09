"""Effect sizes and severity of text and embedding columns in ``compare``: the text
separation (the word classifier's Gini or a moved descriptor's KS distance) and the MMD
distance grade a significant change, so that a trivial one on many rows is ``small`` and a
large one ``major``; measured on Debian's fortunes and on seeded Gaussian vectors."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

import driftscope
from driftscope.decision import MMD_DISTANCE, TEXT_SEPARATION, mmd_distance, text_separation
from driftscope.result import ColumnResult
from tests._fortunes import FORTUNES, fortunes, needs_fortunes

PHRASE = " Visit our new website for more offers today."


def _texts(reference: list[str], current: list[str], **options: object) -> ColumnResult:
    return driftscope.compare({"quote": reference}, {"quote": current}, **options).column("quote")


def _halves(category: str, seed: int) -> tuple[list[str], list[str]]:
    quotes = fortunes(category)
    np.random.default_rng(seed).shuffle(quotes)
    half = len(quotes) // 2
    return quotes[:half], quotes[half:]


def _planted(texts: list[str], share: float, seed: int) -> list[str]:
    """``texts`` with ``PHRASE`` added to a random ``share`` of them."""
    out = list(texts)
    rng = np.random.default_rng(seed)
    for i in rng.choice(len(out), int(share * len(out)), replace=False):
        out[i] += PHRASE
    return out


# -- the measures ----------------------------------------------------------------------------


def test_text_separation_is_the_gini_floored_at_zero_or_a_moved_descriptor() -> None:
    assert text_separation(0.5) == 0.0
    assert text_separation(0.3) == 0.0  # a held-out AUC below 0.5: a model of noise
    assert text_separation(0.8) == pytest.approx(0.6)
    assert text_separation(0.6, [0.05, 0.45]) == 0.45
    assert text_separation(math.nan, [0.2]) == 0.2
    assert text_separation(1.0, [1.0]) == 1.0


def test_mmd_distance_is_the_root_of_the_unbiased_statistic() -> None:
    assert mmd_distance(0.04) == pytest.approx(0.2)
    assert mmd_distance(-0.001) == 0.0  # chance made the unbiased estimate negative
    assert math.isnan(mmd_distance(math.nan))


# -- text columns ----------------------------------------------------------------------------


@needs_fortunes
@pytest.mark.parametrize(
    ("reference", "current"),
    [("computers", "love"), ("computers", "politics"), ("people", "wisdom")],
    ids=["computers-love", "computers-politics", "people-wisdom"],
)
def test_quotes_of_another_category_are_a_major_change(reference: str, current: str) -> None:
    column = _texts(fortunes(reference), fortunes(current))
    assert column.effect_measure == TEXT_SEPARATION.name
    assert column.effect_threshold == TEXT_SEPARATION.default_minimum
    assert column.effect_size is not None
    assert column.effect_size >= 0.5
    assert (column.status, column.severity) == ("drift", "major")


@needs_fortunes
@pytest.mark.parametrize("category", ["people", "computers", "definitions", "cookie"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_halves_of_a_category_are_no_change(category: str, seed: int) -> None:
    column = _texts(*_halves(category, seed))
    assert column.effect_measure == TEXT_SEPARATION.name
    assert (column.status, column.severity) == ("ok", "none")


@needs_fortunes
@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_a_new_phrase_in_five_percent_of_the_texts_is_a_warning_at_most(seed: int) -> None:
    reference, current = _halves("people", 100 + seed)
    column = _texts(reference, _planted(current, 0.05, seed))
    assert column.severity in ("none", "warning")


@needs_fortunes
def test_a_new_phrase_in_half_the_texts_is_major() -> None:
    reference, current = _halves("people", 100)
    column = _texts(reference, _planted(current, 0.5, 0))
    assert column.effect_size is not None
    assert 0.35 < column.effect_size < 0.65  # about the share of texts that changed
    assert column.severity == "major"


@needs_fortunes
def test_texts_twice_as_long_with_the_same_words_are_major_by_their_descriptors() -> None:
    reference, current = _halves("people", 2)
    column = _texts(reference, [f"{text} {text}" for text in current])
    assert column.text is not None
    gini = 2 * column.text.classifier.statistic - 1
    assert gini < 0.15  # the word classifier barely sees it
    assert column.effect_size is not None
    assert column.effect_size > 0.4
    assert column.severity == "major"


@needs_fortunes
def test_a_users_minimum_effect_applies_to_a_text_column() -> None:
    column = _texts(fortunes("computers"), fortunes("politics"), min_effect={"quote": 0.95})
    assert column.effect_threshold == 0.95
    assert (column.status, column.severity) == ("small", "none")


@pytest.mark.slow
@needs_fortunes
def test_on_twenty_thousand_texts_a_side_a_trivial_change_is_significant_but_small() -> None:
    categories = sorted(p.name for p in FORTUNES.iterdir() if p.is_file() and not p.suffix)
    quotes = [q for c in categories for q in fortunes(c)]
    rng = np.random.default_rng(9)
    pairs = [f"{quotes[i]} {quotes[j]}" for i, j in rng.integers(0, len(quotes), (40_000, 2))]
    reference, current = pairs[:20_000], pairs[20_000:]
    # One text in 60 in capitals: the words do not change, the uppercase share does, a little.
    loud = [text.upper() if i % 60 == 0 else text for i, text in enumerate(current)]
    small = _texts(reference, loud)
    assert small.p_value_adjusted is not None
    assert small.p_value_adjusted < 1e-3
    assert small.effect_size is not None
    assert 0.015 < small.effect_size < TEXT_SEPARATION.default_minimum
    assert (small.status, small.severity) == ("small", "none")
    phrase = _texts(reference, _planted(current, 0.05, 3))
    assert (phrase.status, phrase.severity) == ("drift", "warning")


# -- embedding columns -----------------------------------------------------------------------


def _vectors(reference: np.ndarray, current: np.ndarray) -> ColumnResult:
    return driftscope.compare(
        pa.table({"emb": reference.tolist()}), pa.table({"emb": current.tolist()})
    ).column("emb")


@pytest.mark.parametrize("dimension", [16, 128])
@pytest.mark.parametrize(
    ("shift", "severity"),
    [(0.0, "none"), (0.1, "warning"), (0.5, "major"), (1.0, "major")],
    ids=["no-shift", "small-shift", "large-shift", "huge-shift"],
)
def test_gaussian_vectors_are_graded_by_their_mean_shift(
    dimension: int, shift: float, severity: str
) -> None:
    rng = np.random.default_rng(dimension)
    column = _vectors(
        rng.normal(size=(1000, dimension)), rng.normal(size=(1000, dimension)) + shift
    )
    assert column.effect_measure == MMD_DISTANCE.name
    assert column.effect_size is not None
    # About 0.53 times the shift in every component, whatever the dimension, up to half a
    # standard deviation (the kernel is bounded: larger shifts grow it less).
    expected = 0.53 * shift if shift <= 0.5 else 0.49
    assert column.effect_size == pytest.approx(expected, abs=0.03)
    assert column.severity == severity
    assert column.drifted == (shift > 0)


def test_the_mmd_distance_does_not_depend_on_the_vectors_scale() -> None:
    rng = np.random.default_rng(5)
    reference, current = rng.normal(size=(400, 8)), rng.normal(size=(400, 8)) + 0.3
    plain = _vectors(reference, current)
    scaled = _vectors(1000 * reference, 1000 * current)
    assert plain.effect_size is not None
    assert scaled.effect_size == pytest.approx(plain.effect_size, rel=1e-6)


@pytest.mark.slow
def test_a_tiny_shift_of_many_vectors_is_significant_but_small() -> None:
    rng = np.random.default_rng(16 * 5000)
    column = _vectors(rng.normal(size=(5000, 16)), rng.normal(size=(5000, 16)) + 0.03)
    assert column.p_value_adjusted is not None
    assert column.p_value_adjusted < 0.05
    assert column.effect_size is not None
    assert column.effect_size < MMD_DISTANCE.default_minimum
    assert (column.status, column.severity) == ("small", "none")


def test_the_json_report_carries_the_effect_of_text_and_embedding_columns(
    tmp_path: Path,
) -> None:
    import json

    rng = np.random.default_rng(6)
    words = ["model", "data", "drift", "shift", "label", "feature", "window", "alert"]
    notes = [" ".join(rng.choice(words, 8)) for _ in range(300)]
    loud = [text.upper() for text in notes]
    report = driftscope.compare(
        pa.table({"notes": notes, "emb": rng.normal(size=(300, 4)).tolist()}),
        pa.table({"notes": loud, "emb": (rng.normal(size=(300, 4)) + 1.0).tolist()}),
        schema={"notes": "text"},
    )
    columns = {c["name"]: c for c in json.loads(report.to_json())["columns"]}
    assert columns["notes"]["effect_measure"] == "text_separation"
    assert columns["notes"]["effect_size"] == pytest.approx(1.0)  # every text in capitals
    assert columns["notes"]["severity"] == "major"
    assert columns["emb"]["effect_measure"] == "mmd_distance"
    assert columns["emb"]["effect_threshold"] == MMD_DISTANCE.default_minimum
    assert columns["emb"]["severity"] == "major"
