"""Q benchmark: decision quality of driftscope.compare by simulation, against two named policies.

Each scenario draws reference and current data afresh for every repetition (numpy Generator,
seeded per repetition) and hands the same data to three policies:

* driftscope default: ``driftscope.compare(ref, cur)`` (multiple-testing correction and a
  minimum effect size);
* plain per-column tests: ``compare(ref, cur, correction="none", min_effect=0.0)`` (KS for
  numeric, chi-square for categorical, alpha 0.05, nothing else);
* Evidently's DataDriftPreset default policy, re-implemented from its rules with driftscope's
  own methods (no Evidently code runs): above 1,000 reference rows, normed Wasserstein >= 0.1
  for numeric columns and Jensen-Shannon distance >= 0.1 (natural log) for categorical ones;
  at 1,000 rows or fewer, KS / chi-square at p < 0.05.

It prints a markdown table of rates with 95% Wilson intervals, the targets of the decisions
issue (/work/shared/BENCHMARKS.md, section Q) and the time each scenario took. See
benchmarks/README.md.

Usage: python benchmarks/quality.py [--reps 300] [--seed 0] [--only Q1 Q2 Q3] [--markdown FILE]
"""

from __future__ import annotations

import argparse
import inspect
import math
import os
import platform
import subprocess
import sys
import time
import zlib
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

import driftscope

REPO = Path(__file__).resolve().parent.parent
Z95 = 1.959963984540054  # two-sided 95% normal quantile, for the Wilson interval
NUMERIC, CATEGORICAL = "numeric", "categorical"
SHIFTED = "shifted"  # the one column that changes in Q2 and Q3

# Evidently's default stattest choice (legacy/calculations/stattests/registry.py,
# _get_default_stattest): KS / chi-square while the reference has at most this many rows,
# normed Wasserstein / Jensen-Shannon above it, each distance with threshold 0.1.
EVIDENTLY_SMALL_N = 1000
EVIDENTLY_ALPHA = 0.05
EVIDENTLY_DISTANCE = 0.1
# Evidently calls scipy's jensenshannon with its default natural logarithm; driftscope's
# distance is base 2, larger by 1 / sqrt(ln 2). The same cut in driftscope's units:
EVIDENTLY_JS_BASE2 = EVIDENTLY_DISTANCE / math.sqrt(math.log(2))

Data = dict[str, Any]


# --- data ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Frame:
    """One repetition's data: both sides and each column's kind."""

    reference: Data
    current: Data
    kinds: dict[str, str]


def numeric_column(i: int, rng: np.random.Generator, n: int) -> np.ndarray:
    """Column i of the null schema; its distribution depends only on i.

    Four kinds in turn: normal, lognormal (skewed), rounded normal and uniform integers (both
    integer-valued, with many ties, and more than 5 distinct values so that Evidently would
    also call them numeric).
    """
    kind = i % 4
    if kind == 0:
        return rng.normal(10.0 * (i % 7) - 20.0, 1.0 + i % 5, n)
    if kind == 1:
        return rng.lognormal(float(i % 3), 0.3 + 0.15 * (i % 6), n)
    if kind == 2:
        return np.rint(rng.normal(30.0 + i, 2.0 + i % 6, n))
    return rng.integers(0, 10 + 7 * (i % 9), n).astype(np.float64)


@cache
def zipf_shares(k: int) -> np.ndarray:
    """Zipf-like category shares (exponent 1.1): a few common categories, a long tail."""
    weights = 1.0 / np.arange(1, k + 1) ** 1.1
    return weights / weights.sum()


@cache
def labels(k: int) -> pa.Array:
    """Category names v00, v01, ..."""
    return pa.array([f"v{v:02d}" for v in range(k)])


def categorical_column(shares: np.ndarray, rng: np.random.Generator, n: int) -> pa.Array:
    """n draws of a categorical column, as a dictionary-encoded string array.

    Every categorical method sees only the counts, and multinomial counts are exactly the
    counts of n independent draws; repeat-and-shuffle costs ~40 ms at 1M rows where
    ``rng.choice(k, n, p=shares)`` costs ~50 ms and Python strings far more. The dictionary
    layout is what pandas Categoricals and most Parquet readers hand over.
    """
    k = len(shares)
    codes = np.repeat(np.arange(k, dtype=np.int8), rng.multinomial(n, shares))
    rng.shuffle(codes)
    return pa.DictionaryArray.from_arrays(codes, labels(k))


def background(rng: np.random.Generator, n: int, n_numeric: int, cardinalities: list[int]) -> Frame:
    """Null columns: reference and current drawn from the same distributions."""
    ref: Data = {}
    cur: Data = {}
    kinds: dict[str, str] = {}
    for i in range(n_numeric):
        name = f"num_{i:02d}"
        ref[name], cur[name] = numeric_column(i, rng, n), numeric_column(i, rng, n)
        kinds[name] = NUMERIC
    for j, k in enumerate(cardinalities):
        name = f"cat_{j:02d}"
        shares = zipf_shares(k)
        ref[name] = categorical_column(shares, rng, n)
        cur[name] = categorical_column(shares, rng, n)
        kinds[name] = CATEGORICAL
    return Frame(ref, cur, kinds)


Q1_CARDINALITIES = [5, 10, 15, 20, 25, 30, 35, 40, 45, 50]
SMALL_CARDINALITIES = [5, 10, 20, 50]  # the 4 categorical null columns of Q2 and Q3


def q1_frame(rng: np.random.Generator, n: int) -> Frame:
    """Q1: 50 null columns, 40 numeric and 10 categorical with 5 to 50 categories."""
    return background(rng, n, 40, Q1_CARDINALITIES)


def with_shifted(frame: Frame, ref: Any, cur: Any, kind: str) -> Frame:
    """The frame with the shifted column put first."""
    return Frame(
        {SHIFTED: ref, **frame.reference},
        {SHIFTED: cur, **frame.current},
        {SHIFTED: kind, **frame.kinds},
    )


def mean_shift(delta: float) -> Callable[[np.random.Generator, int], Frame]:
    """Q2: a standard normal column whose mean moves by delta sd, and 9 null columns."""

    def make(rng: np.random.Generator, n: int) -> Frame:
        frame = background(rng, n, 5, SMALL_CARDINALITIES)
        return with_shifted(frame, rng.normal(0.0, 1.0, n), rng.normal(delta, 1.0, n), NUMERIC)

    return make


def share_shift(before: float, after: float) -> Callable[[np.random.Generator, int], Frame]:
    """Q3: 10 categories; v00's share moves from ``before`` to ``after``, the other nine keep
    their proportions among themselves. Plus 9 null columns."""
    rest = zipf_shares(9)

    def shares(p: float) -> np.ndarray:
        return np.concatenate(([p], (1.0 - p) * rest))

    ref_shares, cur_shares = shares(before), shares(after)

    def make(rng: np.random.Generator, n: int) -> Frame:
        frame = background(rng, n, 5, SMALL_CARDINALITIES)
        ref = categorical_column(ref_shares, rng, n)
        return with_shifted(frame, ref, categorical_column(cur_shares, rng, n), CATEGORICAL)

    return make


# --- policies --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Policy:
    """A way of deciding drift: keyword arguments for driftscope.compare."""

    key: str
    label: str
    kwargs: Callable[[int, Mapping[str, str]], dict[str, Any]]  # (rows, kinds) -> kwargs


@cache
def fixed_thresholds() -> dict[str, Any]:
    """What keeps distance thresholds fixed, as Evidently's are: newer driftscope raises them
    to a calibrated null quantile unless ``calibrate=False``; older builds have no such option."""
    if "calibrate" in inspect.signature(driftscope.compare).parameters:
        return {"calibrate": False}
    return {}


def evidently_kwargs(n: int, kinds: Mapping[str, str]) -> dict[str, Any]:
    """Evidently's default per-column choice with fixed thresholds, then no correction and no
    effect-size rule."""
    small = n <= EVIDENTLY_SMALL_N
    choice = {
        NUMERIC: ("ks", EVIDENTLY_ALPHA) if small else ("wasserstein", EVIDENTLY_DISTANCE),
        CATEGORICAL: ("chi2", EVIDENTLY_ALPHA) if small else ("jensen_shannon", EVIDENTLY_JS_BASE2),
    }
    return {
        "methods": {c: choice[k][0] for c, k in kinds.items()},
        "thresholds": {c: choice[k][1] for c, k in kinds.items()},
        "correction": "none",
        "min_effect": 0.0,
        **fixed_thresholds(),
    }


POLICIES = (
    Policy("default", "driftscope default", lambda n, kinds: {}),
    Policy(
        "plain",
        "plain per-column tests",
        lambda n, kinds: {"correction": "none", "min_effect": 0.0},
    ),
    Policy("evidently", "Evidently default policy", evidently_kwargs),
)


# --- scenarios and tallies -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Target:
    """A rate the driftscope default must stay at or below (<=) or reach (>=)."""

    op: str
    value: float

    def __str__(self) -> str:
        return f"{self.op} {self.value:.0%}"

    def verdict(self, rate: float, lo: float, hi: float) -> str:
        """pass / FAIL on the point estimate, qualified when the interval spans the target."""
        ok = rate <= self.value if self.op == "<=" else rate >= self.value
        sure = (
            (hi <= self.value or lo > self.value)
            if self.op == "<="
            else (lo >= self.value or hi < self.value)
        )
        word = "pass" if ok else "FAIL"
        return word if sure else f"{word} (CI spans target)"

    def gap(self, rate: float) -> float:
        """How far the rate is on the wrong side of the target (0 when met)."""
        return max(0.0, rate - self.value if self.op == "<=" else self.value - rate)


@dataclass(frozen=True, slots=True)
class Scenario:
    """One row group of the table."""

    group: str  # Q1, Q2, Q3
    label: str
    n: int
    reps_share: float  # of --reps: expensive scenarios run fewer repetitions
    make: Callable[[np.random.Generator, int], Frame]
    target: Target | None = None  # on "any column flagged" (Q1) or "shifted column flagged"
    major_target: Target | None = None  # on the shifted column's severity being "major"

    def reps(self, k: int) -> int:
        return max(2, round(k * self.reps_share))

    def seed_key(self) -> int:
        """A stable number per scenario, so that --only does not change anyone's data."""
        return zlib.crc32(f"{self.group}/{self.label}/{self.n}".encode())


SCENARIOS = (
    Scenario("Q1", "no drift, 50 columns", 100_000, 0.25, q1_frame, Target("<=", 0.05)),
    Scenario("Q1", "no drift, 50 columns", 1_000_000, 0.1, q1_frame, Target("<=", 0.05)),
    Scenario("Q2", "mean +0.02 sd, 1 of 10 columns", 1_000_000, 0.1, mean_shift(0.02),
             Target("<=", 0.05)),
    Scenario("Q2", "mean +0.2 sd, 1 of 10 columns", 2_000, 1.0, mean_shift(0.2),
             Target(">=", 0.9)),
    Scenario("Q2", "mean +0.5 sd, 1 of 10 columns", 200, 1.0, mean_shift(0.5),
             Target(">=", 0.9)),
    Scenario("Q3", "share 10% -> 11%, 1 of 10 columns", 1_000_000, 0.1, share_shift(0.10, 0.11),
             major_target=Target("<=", 0.05)),
    Scenario("Q3", "share 10% -> 20%, 1 of 10 columns", 1_000, 1.0, share_shift(0.10, 0.20),
             Target(">=", 0.9)),
)  # fmt: skip


@dataclass(slots=True)
class Tally:
    """What one policy did over the repetitions of one scenario."""

    runs: int = 0
    any_flagged: int = 0
    dataset_drifted: int = 0
    flagged_columns: int = 0
    shifted_flagged: int = 0
    others_flagged: int = 0
    others: int = 0
    effect_sum: float = 0.0
    effect_runs: int = 0
    measures: Counter[str] = field(default_factory=Counter)
    severities: Counter[str] = field(default_factory=Counter)  # shifted column, or dataset
    seconds: float = 0.0

    def add(self, report: Any, seconds: float) -> None:
        self.runs += 1
        self.seconds += seconds
        features = [c for c in report.columns if c.tested]
        flagged = [c for c in features if c.drifted]
        self.any_flagged += bool(flagged)
        self.dataset_drifted += bool(report.dataset.drifted)
        self.flagged_columns += len(flagged)
        shifted = next((c for c in features if c.name == SHIFTED), None)
        # Severity tiers are new; older builds have none, and then nothing is counted.
        if shifted is None:
            severity = getattr(report.dataset, "severity", None)
        else:
            severity = getattr(shifted, "severity", None)
            self.shifted_flagged += shifted.drifted
            self.others += len(features) - 1
            self.others_flagged += len(flagged) - shifted.drifted
            if shifted.effect_size is not None:
                self.effect_sum += shifted.effect_size
                self.effect_runs += 1
                self.measures[str(shifted.effect_measure)] += 1
        if severity is not None:
            self.severities[str(severity)] += 1


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for k successes in n trials."""
    if n == 0:
        return 0.0, 1.0
    p = k / n
    denom = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1.0 - p) / n + z * z / (4.0 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


# --- running ---------------------------------------------------------------------------------


@dataclass(slots=True)
class ScenarioResult:
    scenario: Scenario
    reps: int
    tallies: dict[str, Tally]
    data_seconds: float
    wall_seconds: float


def run_scenario(sc: Scenario, reps: int, seed: int) -> ScenarioResult:
    """Every repetition: fresh data, every policy on it, the data dropped before the next."""
    tallies = {p.key: Tally() for p in POLICIES}
    data_seconds = 0.0
    start = last_note = time.perf_counter()
    for rep in range(reps):
        t0 = time.perf_counter()
        frame = sc.make(np.random.default_rng([seed, sc.seed_key(), rep]), sc.n)
        data_seconds += time.perf_counter() - t0
        for policy in POLICIES:
            t0 = time.perf_counter()
            report = driftscope.compare(
                frame.reference, frame.current, **policy.kwargs(sc.n, frame.kinds)
            )
            tallies[policy.key].add(report, time.perf_counter() - t0)
        del frame, report
        now = time.perf_counter()
        if now - last_note > 15 or rep + 1 == reps:
            last_note = now
            print(
                f"[{sc.group} {sc.label}, n={sc.n:,}] rep {rep + 1}/{reps}, {now - start:.0f} s",
                file=sys.stderr,
                flush=True,
            )
    return ScenarioResult(sc, reps, tallies, data_seconds, time.perf_counter() - start)


def warm_up() -> None:
    """Import everything the policies use (engine, methods, scipy for exact KS) before timing
    starts; it also pins the code measured to what was on disk at the start."""
    for n in (EVIDENTLY_SMALL_N, 2 * EVIDENTLY_SMALL_N):
        frame = mean_shift(0.0)(np.random.default_rng(0), n)
        for policy in POLICIES:
            driftscope.compare(frame.reference, frame.current, **policy.kwargs(n, frame.kinds))


# --- output ----------------------------------------------------------------------------------


def pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def rate_cells(k: int, n: int) -> tuple[float, str, str]:
    lo, hi = wilson(k, n)
    return k / n, f"{k}/{n} = {pct(k / n)}", f"[{pct(lo)}, {pct(hi)}]"


def severity_note(t: Tally) -> str:
    if not t.severities:
        return ""
    parts = [
        f"{s} {pct(t.severities[s] / t.runs)}" for s in ("warning", "major") if s in t.severities
    ]
    return "severity " + (", ".join(parts) if parts else "none")


def render(res: ScenarioResult, summary: list[str]) -> list[str]:
    """Table rows of one scenario; appends its target lines to ``summary``."""
    sc, rows = res.scenario, []
    name = f"{sc.group} {sc.label}"
    for policy in POLICIES:
        t = res.tallies[policy.key]
        is_default = policy.key == "default"
        metrics: list[tuple[str, int, Target | None, str]] = []
        if sc.group == "Q1":
            mean_flagged = f"{t.flagged_columns / t.runs:.2f} columns flagged per run"
            metrics.append(("any column flagged", t.any_flagged, sc.target, mean_flagged))
            dataset_note = severity_note(t) if is_default else ""
            metrics.append(("dataset drifted", t.dataset_drifted, None, dataset_note))
        else:
            notes = []
            if t.effect_runs:
                measure = "/".join(sorted(t.measures))
                notes.append(f"mean effect {t.effect_sum / t.effect_runs:.4f} ({measure})")
            if t.others:
                notes.append(f"null columns flagged {pct(t.others_flagged / t.others)}")
            if is_default and severity_note(t):
                notes.append(severity_note(t))
            metrics.append(
                ("shifted column flagged", t.shifted_flagged, sc.target, "; ".join(notes))
            )
            if sc.major_target is not None and is_default:
                major = t.severities.get("major", 0)
                target = sc.major_target if t.severities else None
                note = "" if t.severities else "n/a: this driftscope has no severity tiers"
                metrics.append(("shifted column 'major'", major, target, note))
        for metric, k, target, note in metrics:
            rate, cell, ci = rate_cells(k, t.runs)
            verdict = ""
            if target is not None and is_default:
                lo, hi = wilson(k, t.runs)
                verdict = target.verdict(rate, lo, hi)
                gap = target.gap(rate)
                miss = f", {100 * gap:.1f} points on the wrong side" if gap else ""
                summary.append(
                    f"- {name}, n = {sc.n:,}, {metric}: {cell} {ci}, target {target}: "
                    f"{verdict}{miss}"
                )
            rows.append(
                f"| {name}: {metric} | {sc.n:,} | {t.runs} | {policy.label} | {cell} | {ci} | "
                f"{target or '—'} | {verdict} | {note} |"
            )
    return rows


def timing_line(res: ScenarioResult) -> str:
    sc, reps = res.scenario, res.reps
    per = ", ".join(f"{p.label} {res.tallies[p.key].seconds / reps:.3f} s" for p in POLICIES)
    return (
        f"- {sc.group} {sc.label}, n = {sc.n:,}: {reps} reps in {res.wall_seconds:.1f} s; per rep: "
        f"data {res.data_seconds / reps:.3f} s, {per}"
    )


def revision() -> str:
    """The commit measured, and whether src/ had uncommitted changes."""
    try:
        head = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
        dirty = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain", "--", "src"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return "unknown revision"
    return f"commit {head}" + (" with uncommitted changes in src/" if dirty else "")


def header(args: argparse.Namespace) -> str:
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    fixed = " and `calibrate=False`" if fixed_thresholds() else ""
    return (
        f"## Q benchmark: decision quality — {time.strftime('%Y-%m-%d %H:%M:%S %Z')}\n\n"
        f"driftscope {driftscope.__version__} ({revision()}), Python {platform.python_version()} "
        f"on {platform.machine()}, {os.cpu_count()} CPUs, load average at start {load}. "
        f"Seed {args.seed}, --reps {args.reps} (scenarios at 100,000 rows run a quarter of it, "
        "at 1,000,000 a tenth). Policies: driftscope default = `compare(ref, cur)`; plain "
        'per-column tests = `compare(..., correction="none", min_effect=0.0)`; Evidently default '
        "policy = normed Wasserstein >= 0.1 / Jensen-Shannon (natural log) >= 0.1 above 1,000 "
        "rows, KS / chi-square p < 0.05 at 1,000 rows or fewer, re-implemented with driftscope's "
        f"methods{fixed}. Rates are shares of runs; 95% CI is Wilson's; pass/FAIL is for "
        "driftscope's default and is qualified when the interval spans the target."
    )


TABLE_HEAD = [
    "| scenario | n | reps | policy | rate | 95% CI | target | pass/fail | note |",
    "|---|---:|---:|---|---:|---|---|---|---|",
]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument(
        "--reps",
        type=int,
        default=300,
        help="repetitions of the small scenarios (100,000 rows: a quarter; 1,000,000: a tenth)",
    )
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--only", nargs="+", choices=["Q1", "Q2", "Q3"], default=None)
    p.add_argument("--markdown", type=Path, default=None, help="also write the output here")
    args = p.parse_args(argv)
    if args.reps < 1:
        p.error("--reps must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    chosen = [s for s in SCENARIOS if args.only is None or s.group in args.only]
    blocks = [header(args)]
    print(blocks[0] + "\n", flush=True)
    warm_up()
    start = time.perf_counter()
    rows, timings, summary = list(TABLE_HEAD), [], []
    for sc in chosen:
        res = run_scenario(sc, sc.reps(args.reps), args.seed)
        rows += render(res, summary)
        timings.append(timing_line(res))
        print(timings[-1], flush=True)
    total = time.perf_counter() - start
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    blocks += [
        "\n".join(rows),
        "Targets for driftscope's default (the decisions issue):\n\n" + "\n".join(summary),
        "Time per scenario (per rep: generating both sides, then each policy's compare):\n\n"
        + "\n".join(timings),
        f"Total {total:.0f} s. Load average at end: {load}.",
    ]
    print("\n" + "\n\n".join(blocks[1:]), flush=True)
    if args.markdown is not None:
        args.markdown.write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
