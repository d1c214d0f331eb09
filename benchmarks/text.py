"""Text drift at scale: ``text_drift`` on 100,000 short texts a side (BENCHMARKS.md: profiled and
compared in under 10 s).

The texts are real English: single lines of Debian's fortunes databases (the ``fortunes``
package), the reference drawn from some categories and the current from others, with
replacement, seeded. Timed in this process: the term counts, the descriptors, the vocabulary's
permutation test and the TF-IDF classifier, and the whole; median of ``--runs``.

Usage: python benchmarks/text.py [--texts 100000] [--runs 3] [--markdown FILE]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

from _proc import machine

FORTUNES = Path("/usr/share/games/fortunes")
REFERENCE = ("computers", "science", "work", "education")
CURRENT = ("politics", "people", "love", "food")


def lines(categories: tuple[str, ...]) -> list[str]:
    out = []
    for name in categories:
        raw = (FORTUNES / name).read_text(encoding="utf-8", errors="replace")
        out += [line.strip() for line in raw.splitlines() if len(line.strip()) > 10]
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--texts", type=int, default=100_000)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--markdown", type=Path)
    args = p.parse_args(argv)
    if not (FORTUNES / "computers").exists():
        sys.exit("text: Debian's fortunes package is not installed (apt-get install fortunes)")
    from driftscope.multivariate.text import (
        _tokens,
        classifier,
        descriptors,
        text_drift,
        vocabulary,
    )
    from driftscope.multivariate.text import drift as drift_module

    rng = random.Random(0)
    ref_pool, cur_pool = lines(REFERENCE), lines(CURRENT)
    reference = [rng.choice(ref_pool) for _ in range(args.texts)]
    current = [rng.choice(cur_pool) for _ in range(args.texts)]
    stages: dict[str, list[float]] = {}

    def timed(name: str, call):  # type: ignore[no-untyped-def]
        def wrapper(*a, **k):  # type: ignore[no-untyped-def]
            start = time.perf_counter()
            try:
                return call(*a, **k)
            finally:
                stages.setdefault(name, []).append(time.perf_counter() - start)

        return wrapper

    drift_module.count_terms = timed("term counts", _tokens.count_terms)
    drift_module.describe = timed("descriptors (both sides)", descriptors.describe)
    drift_module.vocabulary_drift = timed(
        "vocabulary, 100 permutations", vocabulary.vocabulary_drift
    )
    drift_module.text_classifier = timed("TF-IDF classifier", classifier.text_classifier)
    wholes, result = [], None
    for _ in range(args.runs):
        start = time.perf_counter()
        result = text_drift(reference, current)
        wholes.append(time.perf_counter() - start)
    assert result is not None
    rows = [f"| {name} | {statistics.median(v) * (2 if 'both' in name else 1):.2f} |"
            for name, v in stages.items()]  # fmt: skip
    whole = statistics.median(wholes)
    text = "\n".join(
        [
            f"## Text drift — {time.strftime('%Y-%m-%d %H:%M:%S %Z')}",
            "",
            f"Machine: {machine()}.",
            f"{args.texts:,} texts a side (fortune lines, reference from {', '.join(REFERENCE)}; "
            f"current from {', '.join(CURRENT)}); median of {args.runs} runs.",
            "",
            "| stage | s |",
            "|---|---:|",
            *rows,
            f"| **whole text_drift** | **{whole:.2f}** |",
            "",
            f"- under 10 s: {'**pass**' if whole < 10 else '**FAIL**'} ({whole:.2f} s)",
            f"- drifted: {result.drifted}; classifier AUC {result.classifier.statistic:.3f}; "
            f"terms {result.vocabulary.n_terms:,}; first new or grown: "
            + ", ".join(t.term for t in result.vocabulary.grown[:8]),
        ]
    )
    print(text)
    if args.markdown:
        args.markdown.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
