"""`driftscope demo --scenario sentiment`: the reviews change as the module says, the report
finds the planted words and descriptors, halves of the reference do not drift, and the command
writes its files (texts typed as HTML escaped in the HTML report)."""

from __future__ import annotations

import html
import io
import json
import re

import numpy as np
import pyarrow as pa
import pytest
from scipy import stats as sps

from driftscope._types import ColumnType
from driftscope.demo._reviews import HOSTILE
from driftscope.demo.sentiment import (
    DEFAULT_ROWS,
    run_sentiment_demo,
    sentiment_scenario,
)
from driftscope.engine.compare import compare
from driftscope.io._infer import infer_type
from tests.cli._helpers import run

SEED = 7  # the demo's own seed (driftscope.demo.DEFAULT_SEED)
NEW_WORDS = {"wifi", "firmware", "hub", "pairing", "thermostat", "doorbell", "router"}
"""Words of the new smart-home line, which no reference review holds."""
PLANTED_DESCRIPTORS = {"oov_share", "uppercase_share", "non_letter_share", "length"}
EMOJI = re.compile("[\U0001f300-\U0001faff\u2728\u2764]")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo run once on its own data: its folder, what it printed, its JSON report."""
    folder = tmp_path_factory.mktemp("sentiment")
    printed = io.StringIO()
    run_sentiment_demo(folder, rows=DEFAULT_ROWS, seed=SEED, out=printed)
    return folder, printed.getvalue(), json.loads((folder / "report.json").read_text())


def test_the_scenario_is_the_same_for_a_seed_and_differs_between_seeds():
    ref, cur = sentiment_scenario(rows=300, seed=3)
    again_ref, again_cur = sentiment_scenario(rows=300, seed=3)
    other_ref, _ = sentiment_scenario(rows=300, seed=4)
    assert ref.equals(again_ref)
    assert cur.equals(again_cur)
    assert not ref.equals(other_ref)
    assert (ref.num_rows, cur.num_rows) == (300, 300)
    assert ref.column_names == cur.column_names == [
        "review_id", "review", "channel", "market", "product_category", "stars",
        "positive_probability", "positive",
    ]  # fmt: skip
    assert ref.schema.field("stars").type == pa.int64()


def test_the_reviews_are_mostly_distinct_free_text():
    ref, cur = sentiment_scenario(rows=DEFAULT_ROWS, seed=SEED)
    for table in (ref, cur):
        texts = table["review"].to_pylist()
        assert len(set(texts)) / len(texts) > 0.7
        assert infer_type("review", table["review"]) == ColumnType.TEXT
        lengths = [text.count(".") + text.count("!") for text in texts]
        assert max(lengths) >= 4  # up to four sentences, not one template


def test_the_scenario_plants_the_documented_changes():
    ref, cur = sentiment_scenario(rows=DEFAULT_ROWS, seed=SEED)
    ref_texts, cur_texts = ref["review"].to_pylist(), cur["review"].to_pylist()
    ref_words = {w for t in ref_texts for w in re.findall(r"[^\W\d_]+", t.lower())}
    assert not NEW_WORDS & ref_words
    assert {w for t in cur_texts for w in re.findall(r"[^\W\d_]+", t.lower())} >= NEW_WORDS
    for column, value in [("product_category", "smart_home"), ("channel", "app"), ("market", "mx")]:
        assert value not in set(ref[column].to_pylist())
        assert value in set(cur[column].to_pylist())

    def share(texts, found):
        return np.mean([bool(found(t)) for t in texts])

    def shouted(text):
        return text.isupper() and len(text) > 20

    def spanish(text):
        return re.search(r"\b(muy|lo|llegó|calidad|días)\b", text)

    for found, least in [(EMOJI.search, 0.15), (shouted, 0.03), (spanish, 0.04)]:
        assert share(ref_texts, found) == 0
        assert share(cur_texts, found) > least
    assert sum("oh great" in t.lower() for t in cur_texts) > 10  # sarcasm
    assert all(sum(t == hostile for t in cur_texts) == 1 for hostile in HOSTILE)
    # untouched: how many reviews are happy, and their stars
    assert abs(np.mean(ref["positive"]) - np.mean(cur["positive"])) < 0.03
    assert sps.ks_2samp(ref["stars"].to_numpy(), cur["stars"].to_numpy()).pvalue > 1e-4


def test_the_model_follows_the_texts_and_sarcasm_fools_it():
    from sklearn.metrics import roc_auc_score

    ref, cur = sentiment_scenario(rows=DEFAULT_ROWS, seed=SEED)
    probability = cur["positive_probability"].to_numpy()
    sarcastic = np.array(["oh great" in t.lower() for t in cur["review"].to_pylist()])
    assert roc_auc_score(ref["positive"].to_numpy(), ref["positive_probability"].to_numpy()) > 0.9
    assert np.mean(probability[sarcastic]) > 0.6  # unhappy reviews the model calls happy


def test_the_report_finds_the_planted_words_and_descriptors(demo):
    _, _, data = demo
    columns = {c["name"]: c for c in data["columns"]}
    review = columns["review"]
    assert (review["type"], review["method"], review["drifted"]) == ("text", "text", True)
    text = review["text"]
    new = {t["term"] for t in text["vocabulary"]["grown"] if t["note"] == "new"}
    assert len(NEW_WORDS & new) >= 3, new
    moved = {d["name"] for d in text["descriptors"] if d["p_value"] < 0.05}
    assert moved >= {"oov_share", "uppercase_share", "non_letter_share"}, moved
    assert moved & PLANTED_DESCRIPTORS
    marks = {c["name"] for c in text["classifier"]["explanation"]}
    assert marks & (NEW_WORDS | {"ever", "would buy", "meh", "lo", "works great"})
    for name in ("channel", "product_category", "market", "positive_probability"):
        assert columns[name]["drifted"], name
    assert not columns["stars"]["drifted"]


@pytest.mark.parametrize("split", [0, 1, 2], ids=["split-0", "split-1", "split-2"])
def test_random_halves_of_the_reference_do_not_drift(split):
    ref, _ = sentiment_scenario(rows=DEFAULT_ROWS, seed=SEED)
    order = np.random.default_rng(split).permutation(ref.num_rows)
    half = ref.num_rows // 2
    report = compare(
        ref.take(order[:half]),
        ref.take(order[half:]),
        target="positive",
        probability="positive_probability",
    )
    review = report.column("review")
    assert review.text is not None
    assert not review.text.drifted
    assert not review.drifted
    assert report.drifted_columns == []


def test_the_demo_prints_what_moved_and_where_the_reports_are(demo):
    folder, printed, _ = demo
    for name in ("report.html", "report.json", "reference.parquet", "current.parquet"):
        assert (folder / name).is_file()
    assert str((folder / "report.html").resolve()) in printed
    assert "What changed: review" in printed
    new_line = next(line for line in printed.splitlines() if "new words:" in line)
    assert NEW_WORDS & set(re.findall(r"\w+", new_line))
    moved_line = next(line for line in printed.splitlines() if "descriptors that moved:" in line)
    assert "oov_share" in moved_line
    assert "uppercase_share" in moved_line
    assert f"driftscope report {folder / 'reference.parquet'} " in printed
    # the labels kept back show what the estimate without them could not: sarcasm fools it
    found = re.search(r"ROC AUC is ([\d.]+); estimated without them: ([\d.]+) \(sarcastic", printed)
    assert found, printed
    assert float(found[1]) < float(found[2]) - 0.05
    import pyarrow.parquet as pq

    assert "positive" not in pq.read_schema(folder / "current.parquet").names  # labels later
    assert "positive" in pq.read_schema(folder / "reference.parquet").names


def test_the_html_report_escapes_reviews_typed_as_html(demo):
    folder, _, data = demo
    review = next(c for c in data["columns"] if c["name"] == "review")
    shown = set(review["text"]["classifier"]["details"]["examples"]["current"]) & set(HOSTILE)
    assert shown, "no review typed as HTML is among the typical texts: nothing tests escaping"
    page = (folder / "report.html").read_text()
    for text in shown:
        assert html.escape(text, quote=True) in page
    for text in HOSTILE:
        assert text not in page
    for tag in ("<script>alert(", "</li><b>", "<img src=x"):
        assert tag not in page


def test_the_command_writes_the_reports_and_ignores_no_monitoring(capsys, tmp_path):
    folder = tmp_path / "out"
    code, out, err = run(
        capsys, "demo", "--scenario", "sentiment", "--output-dir", str(folder),
        "--rows", "1000", "--seed", "3", "--no-monitoring",
    )  # fmt: skip
    assert code == 0, err
    assert (folder / "report.html").is_file()
    assert (folder / "report.json").is_file()
    assert "a sentiment model's product reviews, 1,000 in the reference period" in out
    assert "Monitoring" not in out
    assert not (folder / "monitoring").exists()


def test_sentiment_with_serve_is_refused_in_one_line(capsys, tmp_path):
    code, _, err = run(
        capsys, "demo", "--scenario", "sentiment", "--serve", "--output-dir", str(tmp_path / "d")
    )
    assert code == 2
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("driftscope: error: --serve: "), err
    assert not (tmp_path / "d").exists()


def test_an_unknown_scenario_is_refused_in_one_line(capsys):
    code, _, err = run(capsys, "demo", "--scenario", "weather")
    assert code == 2
    assert len(err.strip().splitlines()) == 1, err
    assert "'weather'" in err
    assert "sentiment" in err


def test_without_scikit_learn_the_demo_says_what_to_install(monkeypatch, capsys, tmp_path):
    import driftscope.engine.text

    monkeypatch.setattr(driftscope.engine.text, "sklearn_installed", lambda: False)
    code, out, err = run(
        capsys, "demo", "--scenario", "sentiment", "--output-dir", str(tmp_path), "--rows", "500"
    )
    assert code == 0, err
    assert "The review texts were not tested" in out
    assert "install driftscope[ml] to test the review texts" in out
    review = next(
        c for c in json.loads((tmp_path / "report.json").read_text())["columns"]
        if c["name"] == "review"
    )  # fmt: skip
    assert review["text"] is None
    assert "driftscope[ml]" in review["note"]
