"""Decision quality on the scenarios of issue 11: false-alarm rates and power, with Wilson
95% intervals, for driftscope's defaults and for plain per-column tests on the same draws.

Plain tests: scipy's ``ks_2samp`` on numbers and ``chi2_contingency`` (no continuity
correction) on categories, each at alpha 0.05 with no correction across columns; a report
"alarms" when any column does, except where the row says otherwise.

    python benchmarks/decisions.py --runs 25 > benchmarks/results/decisions-DATE.md

Every draw is seeded (scenario seed + run), so two runs of the script give the same table
for the same code.
"""

from __future__ import annotations

import argparse
import math
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.stats as sps
from _proc import short_rev, src_changes
from scipy.signal import lfilter

import driftscope

ALPHA = 0.05
Data = dict[str, np.ndarray]


@dataclass(frozen=True)
class Scenario:
    name: str
    measure: str  # what is counted: "false alarms" or "power"
    what: str  # the event counted for driftscope
    draw: Callable[[np.random.Generator], tuple[Data, Data]]
    ours: Callable[[Data, Data], bool]
    plain: Callable[[Data, Data], bool]
    seed: int


def wilson(hits: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """The Wilson score interval of a proportion ``hits / n``."""
    if n == 0:
        return 0.0, 1.0
    p = hits / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


# -- plain per-column tests ----------------------------------------------------------------


def _plain_p(ref: np.ndarray, cur: np.ndarray) -> float:
    if ref.dtype.kind in "OUS":
        labels = np.union1d(ref, cur)
        table = [[np.sum(side == v) for v in labels] for side in (ref, cur)]
        return float(sps.chi2_contingency(table, correction=False).pvalue)
    return float(sps.ks_2samp(ref, cur).pvalue)


def plain_any(ref: Data, cur: Data) -> bool:
    return any(_plain_p(ref[k], cur[k]) < ALPHA for k in ref)


def plain_half(ref: Data, cur: Data) -> bool:
    hits = sum(_plain_p(ref[k], cur[k]) < ALPHA for k in ref)
    return hits >= 0.5 * len(ref)


# -- driftscope's events -------------------------------------------------------------------


def _report(ref: Data, cur: Data, **options: object) -> driftscope.DriftReport:
    return driftscope.compare(ref, cur, n_jobs=1, **options)  # type: ignore[arg-type]


def any_drift(**options: object) -> Callable[[Data, Data], bool]:
    def event(ref: Data, cur: Data) -> bool:
        return bool(_report(ref, cur, **options).drifted_columns)

    return event


def warning_or_worse(**options: object) -> Callable[[Data, Data], bool]:
    def event(ref: Data, cur: Data) -> bool:
        return _report(ref, cur, **options).dataset.severity != "none"

    return event


def dataset_drift(**options: object) -> Callable[[Data, Data], bool]:
    def event(ref: Data, cur: Data) -> bool:
        return bool(_report(ref, cur, **options).dataset.drifted)

    return event


def share_reached(ref: Data, cur: Data) -> bool:
    return bool(_report(ref, cur).dataset.share_reached)


def quality_finding(check: str) -> Callable[[Data, Data], bool]:
    def event(ref: Data, cur: Data) -> bool:
        return any(q.check == check for q in _report(ref, cur).quality)

    return event


# -- draws ---------------------------------------------------------------------------------


def zipf_labels(rng: np.random.Generator, k: int, s: float, n: int) -> np.ndarray:
    weights = 1.0 / np.arange(1, k + 1) ** s
    return rng.choice(np.array([f"c{i:04d}" for i in range(k)]), n, p=weights / weights.sum())


def zipf_50(rng: np.random.Generator) -> tuple[Data, Data]:
    return {"cat": zipf_labels(rng, 50, 0.9, 1000)}, {"cat": zipf_labels(rng, 50, 0.9, 1000)}


def normals(n: int, columns: int = 30) -> Callable[[np.random.Generator], tuple[Data, Data]]:
    def draw(rng: np.random.Generator) -> tuple[Data, Data]:
        return (
            {f"x{i:02d}": rng.normal(0, 1, n) for i in range(columns)},
            {f"x{i:02d}": rng.normal(0, 1, n) for i in range(columns)},
        )

    return draw


def heavy_tails(rng: np.random.Generator) -> tuple[Data, Data]:
    n = 5000
    return (
        {f"x{i:02d}": rng.standard_t(2, n) for i in range(30)},
        {f"x{i:02d}": rng.standard_t(2, n) for i in range(30)},
    )


def high_cardinality(rng: np.random.Generator) -> tuple[Data, Data]:
    n = 10_000
    return (
        {"item": zipf_labels(rng, 3000, 0.8, n)},
        {"item": zipf_labels(rng, 3000, 0.8, n)},
    )


def flag_10_to_15(rng: np.random.Generator) -> tuple[Data, Data]:
    return (
        {"flag": (rng.random(1000) < 0.10).astype(np.int64)},
        {"flag": (rng.random(1000) < 0.15).astype(np.int64)},
    )


def float_flag_10_to_15(rng: np.random.Generator) -> tuple[Data, Data]:
    ref, cur = flag_10_to_15(rng)
    return {"flag": ref["flag"].astype(float)}, {"flag": cur["flag"].astype(float)}


def poisson_02_to_03(rng: np.random.Generator) -> tuple[Data, Data]:
    return {"count": rng.poisson(0.2, 1000)}, {"count": rng.poisson(0.3, 1000)}


def half_drifting(rng: np.random.Generator) -> tuple[Data, Data]:
    n = 1000
    ref = {f"x{i:02d}": rng.normal(0, 1, n) for i in range(30)}
    cur = {f"x{i:02d}": rng.normal(0.5 if i < 15 else 0.0, 1, n) for i in range(30)}
    return ref, cur


def ar1(rng: np.random.Generator) -> tuple[Data, Data]:
    n, phi = 5000, 0.9
    ref, cur = {}, {}
    for i in range(30):
        noise = rng.normal(0, 1, 2 * n + 500)
        x = lfilter([1.0], [1.0, -phi], noise)[500:]  # 500 steps of burn-in: stationary
        ref[f"x{i:02d}"], cur[f"x{i:02d}"] = x[:n], x[n:]
    return ref, cur


def mixed(rng: np.random.Generator) -> tuple[Data, Data]:
    """15 normal and 15 ten-category columns, 1,000 rows a side, no change."""
    sides: list[Data] = []
    for _ in range(2):
        side = {f"n{i:02d}": rng.normal(0, 1, 1000) for i in range(15)}
        side.update({f"k{i:02d}": zipf_labels(rng, 10, 0.9, 1000) for i in range(15)})
        sides.append(side)
    return sides[0], sides[1]


MIXED_METHODS = {f"n{i:02d}": "psi" for i in range(15)}

SCENARIOS = [
    Scenario(
        "jensen_shannon, one 50-category Zipf 0.9 column, 1,000 rows, no change",
        "false alarms", "column drifts",
        zipf_50, any_drift(methods="jensen_shannon"), plain_any, 101,
    ),
    Scenario(
        "psi, one 50-category Zipf 0.9 column, 1,000 rows, no change",
        "false alarms", "warning or worse",
        zipf_50, warning_or_worse(methods="psi"), plain_any, 102,
    ),
    Scenario(
        "psi, 30 normal columns, 100 rows, no change",
        "false alarms", "dataset drift (major)",
        normals(100), dataset_drift(methods="psi"), plain_any, 103,
    ),
    Scenario(
        "psi on 15 normal columns, chi2 on 15 ten-category columns, 1,000 rows, no change",
        "false alarms", "some column drifts",
        mixed, any_drift(methods=MIXED_METHODS), plain_any, 111,
    ),
    Scenario(
        "wasserstein, 30 normal columns, 1,000 rows, no change",
        "false alarms", "some column drifts",
        normals(1000), any_drift(methods="wasserstein"), plain_any, 104,
    ),
    Scenario(
        "wasserstein, 30 Student-t(2) columns, 5,000 rows, no change",
        "false alarms", "some column drifts",
        heavy_tails, any_drift(methods="wasserstein"), plain_any, 105,
    ),
    Scenario(
        "defaults, one 3,000-category Zipf 0.8 column, 10,000 rows, no change",
        "false alarms", "column drifts",
        high_cardinality, any_drift(), plain_any, 106,
    ),
    Scenario(
        "defaults, the same high-cardinality column",
        "false alarms", "new_categories finding",
        high_cardinality, quality_finding("new_categories"), plain_any, 106,
    ),
    Scenario(
        "defaults, int64 0/1 flag 10% -> 15%, 1,000 rows",
        "power", "column drifts",
        flag_10_to_15, any_drift(), plain_any, 107,
    ),
    Scenario(
        "defaults, float 0/1 flag 10% -> 15%, 1,000 rows",
        "power", "column drifts",
        float_flag_10_to_15, any_drift(), plain_any, 107,
    ),
    Scenario(
        "defaults, Poisson mean 0.2 -> 0.3, 1,000 rows",
        "power", "column drifts",
        poisson_02_to_03, any_drift(), plain_any, 108,
    ),
    Scenario(
        "defaults, 15 of 30 normal columns shifted 0.5 sd, 1,000 rows",
        "power", "share reached (plain: >= half significant)",
        half_drifting, share_reached, plain_half, 109,
    ),
    Scenario(
        "defaults, 30 AR(1) phi 0.9 columns, 5,000 + next 5,000 steps, no change",
        "false alarms", "dataset drift (major)",
        ar1, dataset_drift(), plain_any, 110,
    ),
    Scenario(
        "effective_sample_size=True, the same AR(1) columns",
        "false alarms", "dataset drift (major)",
        ar1, dataset_drift(effective_sample_size=True), plain_any, 110,
    ),
]  # fmt: skip


def _commit() -> str:
    head = short_rev("HEAD") or "unknown"
    return head + (" with uncommitted changes under src/" if src_changes("HEAD") else "")


def _rate(hits: int, runs: int) -> str:
    low, high = wilson(hits, runs)
    return f"{hits}/{runs} = {hits / runs:.0%} [{low:.0%}, {high:.0%}]"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--runs",
        type=int,
        default=10,
        help="seeded runs per scenario (10: about 3 minutes on 2 cores)",
    )
    parser.add_argument("--only", help="run only scenarios whose name contains this text")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    print("# Decision quality: the scenarios of issue 11\n")
    print(
        f"driftscope {driftscope.__version__} at commit {_commit()}; Python "
        f"{platform.python_version()}; {args.runs} seeded runs per scenario; rates with "
        "Wilson 95% intervals. Plain: scipy ks_2samp / chi2_contingency per column at "
        "alpha 0.05, no correction; it alarms when any column is significant (for the "
        "half-drifting row: when half the columns are).\n"
    )
    print("| scenario | measure | driftscope event | driftscope | plain per-column tests | s |")
    print("|---|---|---|---|---|---|")
    for scenario in SCENARIOS:
        if args.only and args.only not in scenario.name:
            continue
        started = time.perf_counter()
        ours = plain = 0
        for run in range(args.runs):
            rng = np.random.default_rng([scenario.seed, run])
            ref, cur = scenario.draw(rng)
            ours += scenario.ours(ref, cur)
            plain += scenario.plain(ref, cur)
        seconds = time.perf_counter() - started
        print(
            f"| {scenario.name} | {scenario.measure} | {scenario.what} | "
            f"{_rate(ours, args.runs)} | {_rate(plain, args.runs)} | {seconds:.0f} |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
