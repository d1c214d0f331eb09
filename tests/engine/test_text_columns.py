"""Text columns in ``compare``: inferred as ``text`` (or typed so), tested by the text test,
decided with the report's other tests, and shown in the JSON and HTML reports with the words
and descriptors that moved; values that are no text are the column's error."""

from __future__ import annotations

import json

import numpy as np
import pytest

import driftscope
from driftscope.report.html import render_html
from tests._fortunes import fortunes, needs_fortunes


@needs_fortunes
def test_a_text_column_that_changed_topic_drifts_with_its_words() -> None:
    rng = np.random.default_rng(0)
    quotes = fortunes("computers")[:600], fortunes("politics")[:600]
    quotes[1][0] = "<script>alert(1)</script> war and government"
    report = driftscope.compare(
        {"quote": quotes[0], "stars": rng.normal(size=600)},
        {"quote": quotes[1], "stars": rng.normal(size=600)},
    )
    quote = report.column("quote")
    assert (quote.type, quote.method) == ("text", "text")
    assert quote.drifted
    assert quote.p_value_adjusted is not None
    assert quote.p_value_adjusted < 1e-10
    assert report.drifted_columns == ["quote"]
    entry = json.loads(report.to_json())["columns"][0]
    assert entry["method"] == "text"
    text = entry["text"]
    assert {"government", "war"} <= {t["term"] for t in text["vocabulary"]["grown"]}
    assert "computer" in {t["term"] for t in text["vocabulary"]["shrunk"]}
    assert text["classifier"]["method"] == "text_classifier"
    assert text["descriptors"][0]["name"] == "length"
    page = render_html(report)
    assert "Words grown or new:" in page
    assert "<script>alert(1)</script>" not in page  # an example text, escaped


@needs_fortunes
def test_random_halves_of_a_text_column_do_not_drift() -> None:
    quotes = fortunes("people")
    rng = np.random.default_rng(1)
    rng.shuffle(quotes)
    half = len(quotes) // 2
    report = driftscope.compare({"quote": quotes[:half]}, {"quote": quotes[half:]})
    assert not report.column("quote").drifted


def test_a_text_type_on_numbers_is_the_columns_error() -> None:
    rng = np.random.default_rng(2)
    data = {"x": rng.normal(size=50), "code": rng.integers(0, 9, 50)}
    report = driftscope.compare(data, data, schema={"code": "text"})
    code = report.column("code")
    assert code.error is not None
    assert "text column 'code'" in code.error
    assert "holds int" in code.error
    assert report.column("x").tested  # the rest of the report still runs


def test_without_scikit_learn_a_text_column_is_a_note_and_the_report_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from driftscope.engine import text as engine_text

    monkeypatch.setattr(engine_text, "sklearn_installed", lambda: False)
    rng = np.random.default_rng(3)
    words = ["drift", "model", "data", "shift", "label", "feature"]
    notes = [" ".join(rng.choice(words, 6)) + f" #{i}" for i in range(100)]
    report = driftscope.compare(
        {"x": rng.normal(size=100), "notes": notes}, {"x": rng.normal(size=100), "notes": notes}
    )
    column = report.column("notes")
    assert column.status == "untested"
    assert column.note is not None
    assert "pip install 'driftscope[ml]'" in column.note
    assert report.column("x").tested


def test_an_embedding_column_that_moved_drifts_and_says_which_components() -> None:
    import pyarrow as pa

    rng = np.random.default_rng(4)
    before = rng.normal(size=(600, 8))
    after = rng.normal(size=(600, 8))
    after[:, 5] += 0.6
    report = driftscope.compare(
        pa.table({"emb": before.tolist(), "x": rng.normal(size=600)}),
        pa.table({"emb": after.tolist(), "x": rng.normal(size=600)}),
    )
    emb = report.column("emb")
    assert (emb.type, emb.method) == ("embedding", "embedding")
    assert emb.drifted
    entry = json.loads(report.to_json())["columns"][0]["embedding"]
    assert entry["moved_components"][0]["component"] == 5
    assert entry["mmd"]["method"] == "mmd"
    assert "Components that drift on their own:" in render_html(report)


def test_ragged_vectors_are_the_columns_error() -> None:
    import pyarrow as pa

    rows = [[1.0, 2.0], [3.0]] * 20
    report = driftscope.compare(
        pa.table({"emb": rows, "x": np.arange(40.0)}), pa.table({"emb": rows, "x": np.arange(40.0)})
    )
    emb = report.column("emb")
    assert emb.error is not None
    assert "vectors differ in length" in emb.error
    assert report.column("x").tested
