"""``driftscope demo --scenario sentiment``: the product reviews a sentiment model scores, in a
reference period and a production period whose texts changed vocabulary and style, built
from seeded random choices among our own word lists and sentence templates (no network, no
data files).

What changes in production (and what the report should find):
- a new product line, ``smart_home``, brings words no reference review holds (``thermostat``,
  ``doorbell``, ``firmware``, ``wifi`` ...): ``product_category`` gains a category and the
  review texts new words;
- :data:`SARCASM_SHARE` of the unhappy reviews are sarcastic ("Oh great, the kettle broke in
  a day."): their praise words fool the model;
- a new ``app`` channel sends short reviews with emoji and exclamation marks
  ("love it!!! 😍"): the texts get shorter, with more non-letters;
- :data:`SHOUT_SHARE` of the other reviews arrive in capitals ("WOULD NOT BUY AGAIN."): more
  uppercase;
- after a launch in Mexico (``market`` ``mx``), :data:`SPANISH_SHARE` of the reviews are in
  Spanish: words out of the reference's vocabulary;
- ``positive_probability``, the model's output (a word-list model that knows the reference's
  English), follows the texts: it is fooled by sarcasm and unsure about Spanish.
Every other column (``stars``, how many reviews are happy) is drawn from the same
distribution in both periods. A few users type HTML into the review box
(:data:`~driftscope.demo._reviews.HOSTILE`, ``<script>``): the report must show their texts
as text.

The truth, ``positive``, is in both tables :func:`sentiment_scenario` returns; the demo's
production file leaves it out (labels come later), so the model's performance there is
estimated from its own probabilities (which cannot see that sarcasm fools it).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from driftscope.demo import _reviews as lexicon
from driftscope.demo.credit import DEFAULT_SEED, _check_arguments, _prepare_folder

if TYPE_CHECKING:
    from driftscope.multivariate.text import TermShift
    from driftscope.result import ColumnResult, DriftReport

DEFAULT_ROWS = 5_000
"""Reviews per period: enough for every planted change to show, compared in seconds."""
POSITIVE_SHARE = 0.7
"""The share of happy reviews, in both periods."""
SMART_HOME_SHARE = 0.2
"""The share of production reviews about the new smart-home line."""
SARCASM_SHARE = 0.3
"""The share of unhappy production reviews (outside the app) written sarcastically."""
APP_SHARE = 0.25
"""The share of production reviews sent from the new app."""
SHOUT_SHARE = 0.1
"""The share of the other English production reviews written in capitals."""
SPANISH_SHARE = 0.08
"""The share of production reviews from the new Mexican market, in Spanish."""
DEFAULT_OUTPUT_DIR = "driftscope-demo-sentiment"
"""Where ``driftscope demo --scenario sentiment`` writes, relative to the working folder."""

_TOKEN = re.compile(r"[^\W\d_]+")
_SLOT = re.compile(r"\{(\w+)\}")


def _fill(
    template: str, rng: np.random.Generator, fill: dict[str, tuple[str, ...]], product: str = ""
) -> str:
    """``template`` with each ``{slot}`` drawn from ``fill`` (``{product}``: ``product``)."""

    def draw(match: re.Match[str]) -> str:
        slot = match.group(1)
        return product if slot == "product" else str(rng.choice(fill[slot]))

    return _SLOT.sub(draw, template)


def _english(
    good: bool, product: str, smart: bool, rng: np.random.Generator, *, sarcastic: bool
) -> str:
    """A web or email review: an opener and 1-4 sentences, mostly of its mood."""
    own: tuple[str, ...] = lexicon.GOOD if good else lexicon.BAD
    other: tuple[str, ...] = lexicon.BAD if good else lexicon.GOOD
    if sarcastic:  # sarcasm all the way, or it would not be sarcasm
        own, other = lexicon.SARCASM, lexicon.NEUTRAL
    sentences = [str(rng.choice(own))]
    for _ in range(int(rng.choice([0, 1, 2, 3], p=[0.3, 0.35, 0.25, 0.1]))):
        pool = (own, lexicon.NEUTRAL, other)[rng.choice(3, p=[0.65, 0.25, 0.1])]
        sentence = str(rng.choice(pool))
        if sentence not in sentences:
            sentences.append(sentence)
    if smart:  # one or two sentences on the new line's troubles or delights
        told = rng.choice(
            lexicon.SMART_GOOD if good else lexicon.SMART_BAD, int(rng.integers(1, 3)), False
        )
        for sentence in told:
            sentences.insert(int(rng.integers(0, len(sentences) + 1)), str(sentence))
    opener = str(rng.choice(lexicon.OPENERS))
    if opener.endswith(", ") and not sentences[0].startswith("I "):
        sentences[0] = sentences[0][0].lower() + sentences[0][1:]
    return _fill(opener + " ".join(sentences), rng, lexicon.FILL, product)


def _review(good: bool, product: str, kind: str, rng: np.random.Generator) -> str:
    if kind == "spanish":
        return _fill(
            str(rng.choice(lexicon.SPANISH_GOOD if good else lexicon.SPANISH_BAD)),
            rng,
            lexicon.SPANISH_FILL,
        )
    if kind == "app":
        text = str(rng.choice(lexicon.APP_GOOD if good else lexicon.APP_BAD))
        return _fill(text, rng, lexicon.APP_FILL, product)
    smart = product in lexicon.SMART_HOME
    text = _english(good, product, smart, rng, sarcastic=kind == "sarcastic")
    return text.upper() if kind == "shout" else text


def _model(texts: list[str], rng: np.random.Generator) -> NDArray[np.float64]:
    """The sentiment model's probability: praise words minus complaint words it learnt from
    the reference's English reviews, squashed; it knows no Spanish and no sarcasm."""
    score = np.array(
        [
            sum(
                (w in lexicon.POSITIVE_WORDS) - (w in lexicon.NEGATIVE_WORDS)
                for w in _TOKEN.findall(t.lower())
            )
            for t in texts
        ],
        dtype=np.float64,
    )
    logit = 1.3 * score + 0.4 + rng.normal(0.0, 0.6, len(texts))
    return np.asarray(1.0 / (1.0 + np.exp(-logit)))


def _period(n: int, rng: np.random.Generator, *, production: bool) -> pa.Table:
    good = rng.random(n) < POSITIVE_SHARE
    stars = np.where(
        good,
        rng.choice(np.array([4, 5]), n, p=[0.35, 0.65]),
        rng.choice(np.array([1, 2, 3]), n, p=[0.45, 0.3, 0.25]),
    ).astype(np.int64)
    category = rng.choice(lexicon.CATEGORIES, n, p=lexicon.CATEGORY_SHARES).astype(object)
    market = rng.choice(lexicon.MARKETS, n, p=lexicon.MARKET_SHARES).astype(object)
    channel = rng.choice(["web", "email"], n, p=[0.7, 0.3]).astype(object)
    kind = np.full(n, "plain", dtype=object)
    if production:
        category[rng.random(n) < SMART_HOME_SHARE] = "smart_home"
        channel[rng.random(n) < APP_SHARE] = "app"
        spanish = rng.random(n) < SPANISH_SHARE
        market[spanish] = "mx"
        typed = channel != "app"
        kind[typed & ~good & (rng.random(n) < SARCASM_SHARE)] = "sarcastic"
        kind[typed & (kind == "plain") & (rng.random(n) < SHOUT_SHARE)] = "shout"
        kind[channel == "app"] = "app"
        kind[spanish] = "spanish"
    products = [
        str(rng.choice(lexicon.SMART_HOME if c == "smart_home" else lexicon.PRODUCTS[c]))
        for c in category
    ]
    texts = [_review(bool(g), p, k, rng) for g, p, k in zip(good, products, kind, strict=True)]
    if production:
        for i, hostile in zip(
            rng.choice(n, len(lexicon.HOSTILE), replace=False), lexicon.HOSTILE, strict=True
        ):
            texts[i], good[i], stars[i], category[i] = hostile, False, 1, "smart_home"
    first_id = 500_000 if production else 100_000
    return pa.table(
        {
            "review_id": [f"R{first_id + i:07d}" for i in range(n)],
            "review": texts,
            "channel": channel.tolist(),
            "market": market.tolist(),
            "product_category": category.tolist(),
            "stars": stars,
            "positive_probability": _model(texts, rng).round(4),
            "positive": good,
        }
    )


def sentiment_scenario(
    rows: int = DEFAULT_ROWS, seed: int = DEFAULT_SEED
) -> tuple[pa.Table, pa.Table]:
    """The demo's reference and production reviews, ``rows`` each.

    >>> ref, cur = sentiment_scenario(rows=200, seed=1)
    >>> ref.num_rows, cur.num_rows, ref.column_names == cur.column_names
    (200, 200, True)
    >>> "smart_home" in cur["product_category"].to_pylist()
    True
    """
    _check_arguments(rows, seed)
    ref_seed, cur_seed = np.random.SeedSequence(seed).spawn(2)
    reference = _period(rows, np.random.default_rng(ref_seed), production=False)
    current = _period(rows, np.random.default_rng(cur_seed), production=True)
    return reference, current


def run_sentiment_demo(
    output_dir: Path, *, rows: int = DEFAULT_ROWS, seed: int = DEFAULT_SEED, out: TextIO
) -> None:
    """Build the scenario, compare the periods, write the data and both reports, and say what
    was found: the table, the words that came and went and the descriptors that moved."""
    import pyarrow.parquet as pq

    from driftscope.engine.compare import compare
    from driftscope.engine.text import sklearn_installed
    from driftscope.report.terminal import format_table

    _check_arguments(rows, seed)
    _prepare_folder(output_dir)  # before building the data: a bad folder fails fast
    reference, current = sentiment_scenario(rows, seed)
    ref_path = output_dir / "reference.parquet"
    cur_path = output_dir / "current.parquet"
    pq.write_table(reference, ref_path)
    pq.write_table(current.drop_columns(["positive"]), cur_path)
    report = compare(
        str(ref_path), str(cur_path), target="positive", probability="positive_probability"
    )
    html = report.save_html(output_dir / "report.html")
    js = report.save_json(output_dir / "report.json")

    out.write(
        f"driftscope demo: a sentiment model's product reviews, {rows:,} in the reference "
        f"period and {rows:,} in production\n\n"
    )
    out.write(format_table(report) + "\n\n")
    changed = report.drifted_columns + [
        f"{report.column(name).role} {name}" for name in report.drifted_model_columns
    ]
    out.write("What changed: " + (", ".join(changed) if changed else "no column drifted") + "\n")
    if sklearn_installed():
        out.write(text_summary(report.column("review")) + "\n")
    else:  # the core install: the table says "not tested", and here is why and what to do
        out.write(
            "The review texts were not tested: install driftscope[ml] to test the review texts "
            "(pip install 'driftscope[ml]') and see which words and descriptors moved.\n"
        )
    out.write(_late_labels(report, current) + "\n")
    out.write(f"HTML report: {html.resolve()}\nJSON report: {js.resolve()}\n")
    out.write(
        f"Try it on the data yourself: driftscope report {ref_path} {cur_path} "
        "--target positive --probability positive_probability "
        f"-o {output_dir / 'my-report.html'} --fail-on drift\n"
    )


def _late_labels(report: DriftReport, current: pa.Table) -> str:
    """The model's real ROC AUC on production, from the labels the demo kept back, against
    the report's estimate without them."""
    from driftscope.performance.metrics import classification_performance

    labels = current["positive"].to_numpy().astype(np.int64)
    real = classification_performance(
        labels, probabilities=current["positive_probability"].to_numpy()
    )["roc_auc"]
    performance = report.performance
    estimate = None if performance is None else performance.current.get("roc_auc")
    if real.value is None or estimate is None or estimate.value is None:
        return "The production labels arrive later (kept out of current.parquet)."
    line = (
        f"When the production labels arrive, the model's ROC AUC is {real.value:.3f}; "
        f"estimated without them: {estimate.value:.3f}"
    )
    if estimate.ci_low is not None and real.value < estimate.ci_low:
        line += (
            " (sarcastic reviews fool the model, Spanish ones puzzle it, and an estimate from "
            "its own probabilities cannot see either)"
        )
    return line + "."


SHOWN = 8
"""Words and descriptors named each way in the demo's summary."""


def text_summary(column: ColumnResult) -> str:
    """What moved in a text column, in a few lines: its new and vanished words, the words
    that tell the periods apart, and the descriptors that moved; or why it was not tested."""
    found = column.text
    if found is None:
        why = column.note or column.error or "no test ran"
        return f"The texts of {column.name!r} were not tested: {why}"
    vocabulary, words = found.vocabulary, found.classifier

    def listed(shifts: tuple[TermShift, ...], note: str) -> str:
        # single words: a new word's pairs ("the wifi", "wifi and") would crowd it out
        words = [t.term for t in shifts if t.note == note and " " not in t.term]
        return ", ".join(words[:SHOWN]) or "-"

    moved = [
        f"{d.name} (mean {d.reference_mean:.3g} -> {d.current_mean:.3g}, KS {d.statistic:.3f})"
        for d in found.moved_descriptors
    ]
    verdict = "drifted" if found.drifted else "did not drift"
    return "\n".join(
        [
            f"The texts of {column.name!r} {verdict}; their words tell the periods apart with "
            f"AUC {words.statistic:.3f}.",
            "  new words: " + listed(vocabulary.grown, "new"),
            "  gone: " + listed(vocabulary.shrunk, "vanished"),
            "  grown: " + listed(vocabulary.grown, "grown"),
            "  shrunk: " + listed(vocabulary.shrunk, "shrunk"),
            "  words that mark production: "
            + (", ".join(c.name for c in words.explanation[:SHOWN]) or "-"),
            "  descriptors that moved: " + ("; ".join(moved) or "-"),
        ]
    )
