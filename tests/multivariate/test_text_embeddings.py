"""Sentence embeddings computed here from WordLlama's bundled model (the ``[text]`` extra) and
the semantic part of the text test, on real English text (Debian's fortunes): the vectors are
WordLlama's own, deterministic and aligned with their texts; no network is touched; one
category against another moves in meaning, random halves of one do not (and keep the level);
without the extra, a one-line error says what to install."""

from __future__ import annotations

import random
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from driftscope.decision.multiple_testing import adjust_p_values
from driftscope.errors import ConfigError, InputError
from driftscope.multivariate.embeddings import embedding_drift
from driftscope.multivariate.text import drift as text_drift_module
from driftscope.multivariate.text import embed_texts, text_drift
from driftscope.multivariate.text.embed import DIMENSIONS, model_files
from tests._fortunes import fortunes, needs_fortunes

pytest.importorskip("wordllama", reason="the [text] extra (wordllama) is not installed")


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@needs_fortunes
def test_each_text_becomes_one_unit_vector() -> None:
    texts = fortunes("computers")[:300]
    rows = embed_texts(texts)
    assert rows.shape == (300, DIMENSIONS)
    assert rows.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(rows, axis=1), 1.0, atol=1e-5)


@needs_fortunes
def test_the_vectors_are_wordllamas_own_mean_token_vectors() -> None:
    # The oracle: WordLlama's inference class on the same bundled files (its loader is not
    # used because it would download the tokenizer).
    from safetensors.numpy import load_file
    from tokenizers import Tokenizer
    from wordllama import WordLlamaInference

    weights, tokenizer = model_files()
    theirs = WordLlamaInference(
        load_file(str(weights))["embedding.weight"], Tokenizer.from_file(str(tokenizer))
    )
    texts = [*fortunes("love")[:200], "", "naïve café 日本語 🎉", "a" * 3000]
    expected = theirs.embed(texts, norm=False)
    norms = np.linalg.norm(expected, axis=1, keepdims=True)
    expected = np.divide(expected, norms, out=np.zeros_like(expected), where=norms > 0)
    np.testing.assert_allclose(embed_texts(texts), expected, atol=2e-6)


@needs_fortunes
def test_a_text_gets_the_same_vector_whatever_is_embedded_with_it() -> None:
    texts = fortunes("science")[:120]
    together = embed_texts(texts)
    alone = np.vstack([embed_texts([text]) for text in texts[:20]])
    np.testing.assert_array_equal(together[:20], alone)
    np.testing.assert_array_equal(embed_texts(texts), together)
    repeated = embed_texts([texts[5]] * 3 + texts[:2])
    np.testing.assert_array_equal(repeated[:3], np.repeat(together[5:6], 3, axis=0))


def test_missing_texts_are_rows_of_nan_and_the_others_stay_aligned() -> None:
    texts = ["the cat sat on the mat", None, "stock prices fell", None, ""]
    rows = embed_texts(texts)
    assert rows.shape == (5, DIMENSIONS)
    assert np.isnan(rows[[1, 3]]).all()
    assert not np.isnan(rows[[0, 2, 4]]).any()
    np.testing.assert_array_equal(
        rows[[0, 2]], embed_texts(["the cat sat on the mat", "stock prices fell"])
    )
    assert not rows[4].any()  # no tokens: the zero vector
    assert embed_texts([]).shape == (0, DIMENSIONS)


def test_a_value_that_is_not_a_string_is_an_input_error_naming_its_row() -> None:
    with pytest.raises(InputError, match=r"text column 'note': row 2 holds int"):
        embed_texts(["a", "b", 3], column="note")  # type: ignore[list-item]
    with pytest.raises(InputError, match="row 0 holds bytes"):
        embed_texts([b"raw"])  # type: ignore[list-item]


def test_embedding_needs_no_network() -> None:
    # Every socket connection fails, and HOME is empty, so no cached file can help either.
    done = _run(
        """
        import os, socket, tempfile
        os.environ["HOME"] = tempfile.mkdtemp()
        def refuse(*args, **kwargs):
            raise OSError("network used")
        socket.socket.connect = refuse
        socket.socket.connect_ex = refuse
        socket.create_connection = refuse
        from driftscope.multivariate.text import embed_texts
        print(embed_texts(["no network needed"]).shape)
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"(1, {DIMENSIONS})"


def test_without_the_text_extra_a_config_error_says_what_to_install() -> None:
    done = _run(
        """
        import sys
        sys.modules["wordllama"] = None  # as if the [text] extra were not installed
        from driftscope.errors import ConfigError
        from driftscope.engine.text import text_params
        from driftscope.multivariate.text import embed_texts, text_drift
        texts = [f"text number {i} about cats" for i in range(30)]
        print(text_drift(texts, texts).semantic)  # the rest needs no extra
        for call in (
            lambda: embed_texts(["a"]),
            lambda: text_drift(texts, texts, embeddings=True),
            lambda: text_params({"embeddings": True}),
        ):
            try:
                call()
            except ConfigError as exc:
                print(exc)
        """
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[0] == "None"
    assert len(lines) == 4
    for line in lines[1:]:
        assert "pip install 'driftscope[text]'" in line


@needs_fortunes
def test_texts_whose_meaning_moved_drift_in_meaning() -> None:
    result = text_drift(fortunes("computers"), fortunes("love"), embeddings=True, column="quote")
    semantic = result.semantic
    assert semantic is not None
    assert semantic.drifted
    assert semantic.p_value < 0.002  # below alpha / 10: meaning alone could decide
    assert semantic.mmd.details["n_permutations"] == text_drift_module.SEMANTIC_PERMUTATIONS
    assert semantic.cosine_distance > 0.05
    assert semantic.drifted_components > 50
    assert (semantic.n_reference, semantic.n_current) == (result.n_reference, result.n_current)
    # Its p-value joins the family: the text test's p-value is Holm's over all ten.
    raw = [d.p_value for d in result.descriptors]
    raw += [result.vocabulary.p_value, float(result.classifier.p_value or 1), semantic.p_value]
    assert len(raw) == 10
    assert result.p_value == pytest.approx(float(np.min(adjust_p_values(raw, "holm"))))


@needs_fortunes
def test_without_embeddings_there_is_no_semantic_part() -> None:
    texts = fortunes("computers")[:100]
    assert text_drift(texts, texts).semantic is None


@needs_fortunes
def test_random_halves_of_one_category_keep_the_semantic_level() -> None:
    # The semantic part is embedding_drift on the texts' vectors: embed once, split at random.
    texts = fortunes("computers")
    rows = embed_texts(texts)
    rng = np.random.default_rng(11)
    p_values = []
    for seed in range(20):
        order = rng.permutation(len(texts))
        half = len(texts) // 2
        found = embedding_drift(
            rows[order[:half]],
            rows[order[half:]],
            seed=seed,
            n_permutations=text_drift_module.SEMANTIC_PERMUTATIONS,
        )
        p_values.append(found.p_value)
    # 20 draws at alpha 0.05: one false alarm expected; 4 or more has probability 1.6%.
    assert sum(p < 0.05 for p in p_values) <= 3, p_values
    assert np.median(p_values) > 0.2, p_values


@needs_fortunes
def test_random_halves_of_one_category_do_not_drift_with_embeddings() -> None:
    texts = fortunes("people")
    random.Random(5).shuffle(texts)
    half = len(texts) // 2
    result = text_drift(texts[:half], texts[half:], embeddings=True)
    assert result.semantic is not None
    assert not result.drifted, (result.p_value, result.semantic.p_value)


@needs_fortunes
def test_past_the_cap_a_seeded_sample_of_texts_is_embedded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(text_drift_module, "MAX_EMBEDDED", 60)
    reference, current = fortunes("computers")[:200], fortunes("love")[:40]
    first = text_drift(reference, current, embeddings=True, seed=3)
    again = text_drift(reference, current, embeddings=True, seed=3)
    assert first.semantic is not None
    assert again.semantic is not None
    assert (first.semantic.n_reference, first.semantic.n_current) == (60, 40)
    assert first.semantic.p_value == again.semantic.p_value
    assert first.n_reference == 200  # the other parts see every text


def test_the_embedding_tests_permutations_are_checked() -> None:
    with pytest.raises(ConfigError, match="embedding: parameter 'n_permutations'"):
        embedding_drift(np.eye(4), np.eye(4), n_permutations=0)
