"""Streams: the online drift detectors' quality against River's, on streams whose changes are
known (issue 16).

Every driftscope detector runs beside River's same-named one (``river.drift.ADWIN``,
``KSWIN``, ``PageHinkley``, ``river.drift.binary.DDM``, ``EDDM``, ``HDDMA``, ``HDDMW``) with
the same parameters (River's defaults, written out in ``DETECTORS``; KSWIN's seed 0 in both),
on the same streams, in the same run. CUSUM, EWMA and WindowKS have no River peer: their rows
have River columns "—".

The streams (each recorded once per scenario and seed, then fed to every detector):

- concept drift, abrupt and gradual: River's SEA, Agrawal, STAGGER and Hyperplane, four
  concepts chained by nested ``ConceptDriftStream`` s (changes at 1/4, 1/2 and 3/4 of the
  stream; width 50 for abrupt, a tenth of the stream for gradual), turned into a 0/1 error
  stream by a Hoeffding tree in predict-then-learn order. The error-rate detectors (DDM,
  EDDM, HDDM_A, HDDM_W, EWMA) read it, and ADWIN and Page-Hinkley too;
- ``FriedmanDrift`` (global recurring abrupt, global slow gradual) through an online linear
  regression: its absolute error, a real-valued stream;
- Gaussian streams: mean shifts (abrupt, and linear ramps), variance shifts;
- the human-annotated real series of ``river.drift.datasets`` (they ship inside River;
  nothing is downloaded), cut and sampled as the TCPD benchmark did, z-scored per channel;
  a multi-channel series gets one detector per channel and their alarms' union.

The real-valued detectors (ADWIN, Page-Hinkley, KSWIN, CUSUM, WindowKS) read the Friedman,
Gaussian and real streams.

Metrics, per detector, library and scenario (the functions below define them exactly): each
true change, in order, takes the earliest alarm within ``margin`` values at or after it that
an earlier change did not take. Detection delay: alarm minus change, averaged over the
detected changes. Missed: changes that took no alarm. False alarms: alarms no change took,
per 10,000 values. F1: ``2 TP / (alarms + changes)``. Over seeds and scenarios the counts
are pooled. A gradual change counts from where its transition begins, with the margin
widened by the transition's length. For the real series the truth for delay, misses and
false alarms is the union of the annotators' change points; their F1 is the TCPD
benchmark's (van den Burg & Williams 2020): precision against the union, recall averaged
over the annotators, a margin of 5 either side, the start of the series counted as a change
in both.

Time: driftscope's ``update_many`` (construction included) against River's ``update`` loop,
summed over a group's streams; a bonus column, not the point. Each worker process first runs
every driftscope detector once on a short stream, so that one-time costs (a compiled kernel's
first call, WindowKS's calibration) are not counted; EWMA's calibration for each estimated
``p0`` is. The streams are spread over ``--jobs`` worker processes (2 by default), which run
at the same time.

Usage: python benchmarks/streams.py [--quick] [--seeds 5] [--length 10000] [--jobs 2]
       [--only NAME ...] [--markdown FILE]
"""

from __future__ import annotations

import argparse
import importlib
import itertools
import math
import multiprocessing
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

# --- metrics --------------------------------------------------------------------------------


def match_alarms(alarms: Sequence[int], changes: Sequence[int], margin: int) -> list[int | None]:
    """For each true change (in increasing order), the alarm that detects it, or None.

    A change at ``t`` takes the earliest alarm in ``[t, t + margin]`` that an earlier change
    did not take, so an alarm detects at most one change and a change is detected at most
    once.

    >>> match_alarms([5, 12, 40], [3, 10], margin=5)
    [5, 12]
    >>> match_alarms([5], [3, 4], margin=5)
    [5, None]
    """
    ordered = sorted(alarms)
    taken: set[int] = set()
    found: list[int | None] = []
    for change in sorted(changes):
        hit = None
        for i, alarm in enumerate(ordered):
            if alarm > change + margin:
                break
            if alarm >= change and i not in taken:
                hit = i
                break
        if hit is None:
            found.append(None)
        else:
            taken.add(hit)
            found.append(ordered[hit])
    return found


def detection_delays(alarms: Sequence[int], changes: Sequence[int], margin: int) -> list[int]:
    """The delay (alarm position minus change position) of each detected change."""
    matched = match_alarms(alarms, changes, margin)
    return [a - c for a, c in zip(matched, sorted(changes), strict=True) if a is not None]


def missed_detections(alarms: Sequence[int], changes: Sequence[int], margin: int) -> int:
    """How many true changes no alarm detected within ``margin``."""
    return sum(a is None for a in match_alarms(alarms, changes, margin))


def false_alarms(alarms: Sequence[int], changes: Sequence[int], margin: int) -> int:
    """How many alarms detected no true change: every alarm that no change took (an alarm
    before any change, outside every margin, or a second alarm for a change)."""
    return len(alarms) - sum(a is not None for a in match_alarms(alarms, changes, margin))


def per_10k(count: int, n_values: int) -> float:
    """``count`` events in ``n_values`` values, as a rate per 10,000 values."""
    return 10_000.0 * count / n_values if n_values else math.nan


def f1_within_margin(alarms: Sequence[int], changes: Sequence[int], margin: int) -> float:
    """Change-point F1: precision (detecting alarms over alarms) and recall (detected changes
    over changes) with alarms matched one-to-one within ``margin`` (:func:`match_alarms`);
    ``2 TP / (alarms + changes)``. 1.0 when there are neither alarms nor changes."""
    total = len(alarms) + len(changes)
    if total == 0:
        return 1.0
    hits = sum(a is not None for a in match_alarms(alarms, changes, margin))
    return 2.0 * hits / total


def _tcpd_true_positives(truth: set[int], alarms: set[int], margin: int) -> int:
    """TCPD's true positives: each true point, in turn, takes the closest alarm within
    ``margin`` either side that is still free."""
    free = set(alarms)
    hits = 0
    for tau in sorted(truth):
        close = sorted((abs(tau - x), x) for x in free if abs(tau - x) <= margin)
        if close:
            hits += 1
            free.remove(close[0][1])
    return hits


def tcpd_f1(
    annotations: Mapping[str, Sequence[int]], alarms: Sequence[int], margin: int = 5
) -> float:
    """The TCPD benchmark's F1 (van den Burg & Williams 2020, ``f_measure``): the position 0
    is added to every annotator's set and to the alarms; precision is the share of alarms
    that match the union of the annotations, recall the mean over annotators of the share of
    their points matched, both with TCPD's symmetric ``margin``; F1 is their harmonic mean."""
    sets = [{*points, 0} for points in annotations.values()]
    predicted = {*alarms, 0}
    union = set().union(*sets)
    precision = _tcpd_true_positives(union, predicted, margin) / len(predicted)
    recall = sum(_tcpd_true_positives(s, predicted, margin) / len(s) for s in sets) / len(sets)
    if precision + recall == 0:
        return 0.0
    return 2 * precision * recall / (precision + recall)


@dataclass
class Tally:
    """Pooled counts of one detector and library over streams."""

    n_values: int = 0
    n_changes: int = 0
    n_alarms: int = 0
    hits: int = 0
    delays: list[int] = field(default_factory=list)
    tcpd: list[float] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, stream: Stream, alarms: Sequence[int], seconds: float) -> None:
        """Count one stream's alarms against its changes."""
        delays = detection_delays(alarms, stream.changes, stream.margin)
        self.n_values += stream.length
        self.n_changes += len(stream.changes)
        self.n_alarms += len(alarms)
        self.hits += len(delays)
        self.delays += delays
        self.seconds += seconds
        if stream.annotations is not None:
            self.tcpd.append(tcpd_f1(stream.annotations, alarms))

    def merged(self, other: Tally) -> Tally:
        """Both tallies pooled."""
        return Tally(
            self.n_values + other.n_values,
            self.n_changes + other.n_changes,
            self.n_alarms + other.n_alarms,
            self.hits + other.hits,
            self.delays + other.delays,
            self.tcpd + other.tcpd,
            self.seconds + other.seconds,
        )

    @property
    def delay(self) -> float:
        """Mean detection delay (NaN when nothing was detected)."""
        return sum(self.delays) / len(self.delays) if self.delays else math.nan

    @property
    def fa_10k(self) -> float:
        """False alarms per 10,000 values."""
        return per_10k(self.n_alarms - self.hits, self.n_values)

    @property
    def missed(self) -> int:
        """Changes not detected."""
        return self.n_changes - self.hits

    @property
    def f1(self) -> float:
        """Pooled F1 (TCPD's, averaged over series, where the streams carry annotations)."""
        if self.tcpd:
            return sum(self.tcpd) / len(self.tcpd)
        total = self.n_alarms + self.n_changes
        return 2.0 * self.hits / total if total else 1.0


# --- detectors ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Detector:
    """A driftscope detector, River's peer (a dotted class path, or None), the parameters
    both get, and which streams it reads."""

    name: str
    river: str | None
    params: Mapping[str, Any]
    reads: frozenset[str]
    river_reads_successes: bool = False
    """River's detector counts 1 as a right prediction (FHDDM): it is given ``1 - x``."""


ERRORS, VALUES = "errors", "values"
DETECTORS = (
    Detector(
        "adwin",
        "river.drift.ADWIN",
        {"delta": 0.002, "clock": 32, "max_buckets": 5, "min_window_length": 5, "grace_period": 10},
        frozenset((ERRORS, VALUES)),
    ),
    Detector(
        "page_hinkley",
        "river.drift.PageHinkley",
        {"min_instances": 30, "delta": 0.005, "threshold": 50.0, "alpha": 0.9999, "mode": "both"},
        frozenset((ERRORS, VALUES)),
    ),
    Detector(
        "kswin",
        "river.drift.KSWIN",
        {"alpha": 0.005, "window_size": 100, "stat_size": 30, "seed": 0},
        frozenset((VALUES,)),
    ),
    Detector("cusum", None, {}, frozenset((VALUES,))),
    Detector("window_ks", None, {}, frozenset((VALUES,))),
    Detector(
        "ddm",
        "river.drift.binary.DDM",
        {"warm_start": 30, "warning_threshold": 2.0, "drift_threshold": 3.0},
        frozenset((ERRORS,)),
    ),
    Detector(
        "eddm",
        "river.drift.binary.EDDM",
        {"warm_start": 30, "alpha": 0.95, "beta": 0.9},
        frozenset((ERRORS,)),
    ),
    Detector(
        "fhddm",
        "river.drift.binary.FHDDM",
        {"sliding_window_size": 100, "confidence_level": 0.000001, "short_window_size": None},
        frozenset((ERRORS,)),
        river_reads_successes=True,
    ),
    Detector(
        "hddm_a",
        "river.drift.binary.HDDMA",
        {"drift_confidence": 0.001, "warning_confidence": 0.005, "two_sided_test": False},
        frozenset((ERRORS,)),
    ),
    Detector(
        "hddm_w",
        "river.drift.binary.HDDMW",
        {
            "drift_confidence": 0.001,
            "warning_confidence": 0.005,
            "lambda_val": 0.05,
            "two_sided_test": False,
        },
        frozenset((ERRORS,)),
    ),
    Detector("ewma", None, {}, frozenset((ERRORS,))),
)
LIBRARIES = ("driftscope", "river")


def river_class(path: str) -> Any:
    """River's detector class from its dotted path."""
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


def run_driftscope(detector: Detector, values: Sequence[float]) -> tuple[list[int], float]:
    """driftscope's alarms on ``values`` (``update_many``) and the seconds it took, the
    detector's construction included."""
    from driftscope import detectors

    start = time.perf_counter()
    alarms = detectors.get(detector.name)(**detector.params).update_many(values)
    return alarms, time.perf_counter() - start


def run_river(detector: Detector, values: Sequence[float]) -> tuple[list[int], float]:
    """River's alarms on ``values`` (``update`` then ``drift_detected``, value by value) and
    the seconds it took."""
    assert detector.river is not None
    cls = river_class(detector.river)
    start = time.perf_counter()
    river = cls(**detector.params)
    update = river.update
    if detector.river_reads_successes:
        values = [1.0 - x for x in values]
    alarms = []
    for i, x in enumerate(values):
        update(x)
        if river.drift_detected:
            alarms.append(i)
    return alarms, time.perf_counter() - start


# --- streams --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stream:
    """One recorded stream: its channels (one for all but some real series), the true change
    positions, the margin for matching alarms, and what it holds (errors or values)."""

    group: str
    scenario: str
    seed: int
    kind: str
    channels: tuple[Sequence[float], ...]
    changes: tuple[int, ...]
    margin: int
    annotations: Mapping[str, Sequence[int]] | None = None

    @property
    def length(self) -> int:
        """How many values (time steps) the stream holds."""
        return len(self.channels[0])


@dataclass(frozen=True)
class Job:
    """A stream to build and run every chosen detector on."""

    group: str
    scenario: str
    seed: int
    length: int
    detectors: tuple[str, ...]


CONCEPT_GENERATORS = ("SEA", "Agrawal", "STAGGER", "Hyperplane")
REAL_SERIES = (
    "AirlinePassengers",
    "Apple",
    "Bitcoin",
    "BrentSpotPrice",
    "Occupancy",
    "RunLog",
    "UKCoalEmploy",
)
GROUPS = {
    "concept-abrupt": CONCEPT_GENERATORS,
    "concept-gradual": CONCEPT_GENERATORS,
    "friedman": ("gra (abrupt, recurring)", "gsg (gradual)"),
    "gaussian": ("mean, abrupt", "mean, ramp", "variance, abrupt"),
    "real": REAL_SERIES,
}
GROUP_TITLES = {
    "concept-abrupt": "Concept drift, abrupt — Hoeffding tree's 0/1 error stream",
    "concept-gradual": "Concept drift, gradual — Hoeffding tree's 0/1 error stream",
    "friedman": "FriedmanDrift — online linear regression's absolute error",
    "gaussian": "Gaussian streams — mean and variance shifts",
    "real": "Real series — river.drift.datasets, human-annotated (TCPD)",
}
CONCEPT_MARGIN = 1_000
GAUSS_MARGIN = 500
REAL_MARGIN = 20
ABRUPT_WIDTH = 50  # ConceptDriftStream's sigmoid overflows math.exp at width 1


def change_points(length: int) -> tuple[int, int, int]:
    """Where the synthetic streams change: at a quarter, a half and three quarters."""
    return length // 4, length // 2, 3 * length // 4


def concepts(name: str, seed: int) -> list[Any]:
    """Four of a River generator's concepts, each with its own seed."""
    from river.datasets import synth

    s = 1000 * seed
    if name == "SEA":
        return [synth.SEA(variant=v, noise=0.1, seed=s + v) for v in (0, 1, 2, 3)]
    if name == "Agrawal":
        return [synth.Agrawal(classification_function=f, seed=s + f) for f in (0, 2, 4, 6)]
    if name == "STAGGER":
        return [
            synth.STAGGER(classification_function=f, seed=s + k) for k, f in enumerate((0, 1, 2, 0))
        ]
    if name == "Hyperplane":
        return [
            synth.Hyperplane(seed=s + k, n_features=10, noise_percentage=0.05) for k in range(4)
        ]
    raise ValueError(f"unknown generator {name!r}")


def drifting(parts: list[Any], positions: Sequence[int], width: int, seed: int) -> Any:
    """``parts`` chained by nested ConceptDriftStreams, the k-th change at ``positions[k]``
    (an inner stream counts its own samples, which start at the previous change)."""
    from river.datasets.synth import ConceptDriftStream

    stream = parts[-1]
    for k in range(len(parts) - 2, -1, -1):
        relative = positions[k] - (positions[k - 1] if k else 0)
        stream = ConceptDriftStream(parts[k], stream, position=relative, width=width, seed=seed + k)
    return stream


def error_stream(data: Any, learner: Any, length: int, *, absolute: bool) -> list[float]:
    """The learner's error on each of the first ``length`` samples, predict then learn: 0/1
    for a classifier, the absolute error for a regressor."""
    errors: list[float] = []
    for x, y in data.take(length):
        guess = learner.predict_one(x)
        errors.append(abs(y - guess) if absolute else float(guess != y))
        learner.learn_one(x, y)
    return errors


def concept_stream(job: Job) -> Stream:
    """A River generator's four concepts through a Hoeffding tree's 0/1 errors."""
    from river.tree import HoeffdingTreeClassifier

    gradual = job.group == "concept-gradual"
    width = job.length // 10 if gradual else ABRUPT_WIDTH
    positions = change_points(job.length)
    data = drifting(concepts(job.scenario, job.seed), positions, width, seed=job.seed)
    errors = error_stream(data, HoeffdingTreeClassifier(), job.length, absolute=False)
    starts = tuple(p - width // 2 for p in positions)
    return Stream(
        job.group,
        job.scenario,
        job.seed,
        ERRORS,
        ([int(e) for e in errors],),
        starts,
        CONCEPT_MARGIN + (width if gradual else 0),
    )


def friedman_stream(job: Job) -> Stream:
    """FriedmanDrift (changes at a third and two thirds) through an online linear
    regression's absolute error."""
    from river.datasets import synth
    from river.linear_model import LinearRegression

    positions = (job.length // 3, 2 * job.length // 3)
    gradual = job.scenario.startswith("gsg")
    window = job.length // 10 if gradual else 0
    data = synth.FriedmanDrift(
        drift_type="gsg" if gradual else "gra",
        position=positions,
        transition_window=window,
        seed=job.seed,
    )
    errors = error_stream(data, LinearRegression(), job.length, absolute=True)
    return Stream(
        job.group, job.scenario, job.seed, VALUES, (errors,), positions, CONCEPT_MARGIN + window
    )


def gaussian_stream(job: Job) -> Stream:
    """N(mean, sd) values whose mean (levels 0, 1, 0.5, -0.5; abruptly, or in ramps of a
    twentieth of the stream) or sd (1, 2, 1, 0.5) changes at each change point."""
    rng = np.random.default_rng([job.seed, GROUPS["gaussian"].index(job.scenario)])
    positions = change_points(job.length)
    bounds = (0, *positions, job.length)
    means, sds = np.zeros(job.length), np.ones(job.length)
    ramp = job.length // 20 if "ramp" in job.scenario else 0
    for k, (lo, hi) in enumerate(itertools.pairwise(bounds)):
        if job.scenario.startswith("variance"):
            sds[lo:hi] = (1.0, 2.0, 1.0, 0.5)[k]
        else:
            means[lo:hi] = (0.0, 1.0, 0.5, -0.5)[k]
    if ramp:
        for p in positions:
            means[p : p + ramp] = np.linspace(means[p - 1], means[p + ramp], ramp, endpoint=False)
    values = rng.normal(means, sds).tolist()
    return Stream(
        job.group, job.scenario, job.seed, VALUES, (values,), positions, GAUSS_MARGIN + ramp
    )


def real_series(name: str) -> tuple[list[list[float]], dict[str, list[int]]]:
    """A series of ``river.drift.datasets`` as TCPD annotated it (its channels, z-scored, and
    the annotations). River ships the raw files; TCPD's annotations index its processed
    series: Apple is rows[1:] sampled every 3rd (Close and Volume), Brent every 10th row from
    the first of 2000, Bitcoin up to 2019-06-19. The others are as shipped."""
    from datetime import datetime

    from river.drift import datasets

    data = getattr(datasets, name)()
    rows = list(data)
    if name == "Apple":
        rows = rows[1:][::3]
        rows = [(x, {"Close": y["Close"], "Volume": y["Volume"]}) for x, y in rows]
    elif name == "BrentSpotPrice":
        rows = rows[::10]
        first = next(i for i, (x, _) in enumerate(rows) if x["day"].year == 2000)
        rows = rows[first:]
    elif name == "Bitcoin":
        rows = [(x, y) for x, y in rows if x["date"] <= datetime(2019, 6, 19)]
    targets = [y if isinstance(y, dict) else {"y": y} for _, y in rows]
    channels = []
    for key in targets[0]:
        column = np.asarray([float(t[key]) for t in targets])
        spread = column.std()
        channels.append(((column - column.mean()) / (spread if spread > 0 else 1.0)).tolist())
    annotations = {k: list(v) for k, v in data.annotations.items()}
    last = max((p for v in annotations.values() for p in v), default=0)
    assert last < len(rows), f"{name}: an annotation ({last}) beyond the series ({len(rows)})"
    return channels, annotations


def real_stream(job: Job) -> Stream:
    """A real series; the truth is the union of its annotators' change points."""
    channels, annotations = real_series(job.scenario)
    union = sorted({p for points in annotations.values() for p in points} - {0})
    return Stream(
        job.group, job.scenario, 0, VALUES, tuple(channels), tuple(union), REAL_MARGIN, annotations
    )


BUILDERS = {
    "concept-abrupt": concept_stream,
    "concept-gradual": concept_stream,
    "friedman": friedman_stream,
    "gaussian": gaussian_stream,
    "real": real_stream,
}


# --- running --------------------------------------------------------------------------------

Outcome = tuple[str, str, str, str, list[int], float, Stream]
"""(group, scenario, detector, library, alarms, seconds, stream)."""


def warm_up(names: Sequence[str]) -> None:
    """Run every chosen driftscope detector once on a short stream of each kind it reads, so
    that one-time costs (a compiled kernel's first call, WindowKS's calibration, kept for the
    process) fall outside the timed runs; called once in each worker process."""
    rng = np.random.default_rng(0)
    short = {
        ERRORS: (rng.random(2_000) < 0.2).astype(int).tolist(),
        VALUES: rng.normal(0.0, 1.0, 2_000).tolist(),
    }
    for detector in DETECTORS:
        if detector.name in names:
            for kind in detector.reads:
                run_driftscope(detector, short[kind])


def run_job(job: Job) -> tuple[list[Outcome], float]:
    """Build the job's stream once and run every chosen detector of both libraries on it;
    the outcomes and the seconds the stream took to build."""
    start = time.perf_counter()
    stream = BUILDERS[job.group](job)
    built = time.perf_counter() - start
    out: list[Outcome] = []
    for detector in DETECTORS:
        if detector.name not in job.detectors or stream.kind not in detector.reads:
            continue
        for library in LIBRARIES:
            if library == "river" and detector.river is None:
                continue
            runner = run_driftscope if library == "driftscope" else run_river
            alarms: set[int] = set()
            seconds = 0.0
            for channel in stream.channels:
                found, took = runner(detector, channel)
                alarms.update(found)
                seconds += took
            out.append(
                (job.group, job.scenario, detector.name, library, sorted(alarms), seconds, stream)
            )
    return out, built


def jobs(length: int, seeds: int, only: Sequence[str]) -> list[Job]:
    """Every (group, scenario, seed) to run; the real series once each."""
    chosen = tuple(only)
    kinds = {kind for d in DETECTORS if d.name in chosen for kind in d.reads}
    out = []
    for group, scenarios in GROUPS.items():
        if (ERRORS if group.startswith("concept") else VALUES) not in kinds:
            continue  # no chosen detector reads these streams
        for scenario in scenarios:
            for seed in range(1 if group == "real" else seeds):
                out.append(Job(group, scenario, seed, length, chosen))
    # The slowest first, so that two workers finish together.
    return sorted(out, key=lambda j: j.group not in ("gaussian", "friedman"))


# --- tables ---------------------------------------------------------------------------------

Key = tuple[str, str, str]  # (scenario or "all", detector, library)


def _num(value: float, digits: int = 1) -> str:
    return "—" if math.isnan(value) else f"{value:,.{digits}f}"


def worse(ours: Tally, theirs: Tally) -> dict[str, bool]:
    """Where driftscope's tally is worse than River's: a longer delay, more false alarms,
    more misses, a lower F1."""
    return {
        "delay": not math.isnan(ours.delay)
        and not math.isnan(theirs.delay)
        and ours.delay > theirs.delay + 1e-9,
        "fa": ours.fa_10k > theirs.fa_10k + 1e-9,
        "missed": ours.missed > theirs.missed,
        "f1": ours.f1 < theirs.f1 - 1e-9,
    }


def cells(tally: Tally | None, bold: Mapping[str, bool] | None = None) -> list[str]:
    """A tally's delay, FA/10k, missed and F1 cells ("—" for no tally); bold where worse."""
    if tally is None:
        return ["—"] * 4
    marks = bold or {}
    raw = {
        "delay": _num(tally.delay),
        "fa": _num(tally.fa_10k),
        "missed": f"{tally.missed}/{tally.n_changes}",
        "f1": _num(tally.f1, 3),
    }
    return [f"**{v}**" if marks.get(k) else v for k, v in raw.items()]


HEADER = (
    "| {first}detector | delay ds | delay River | FA/10k ds | FA/10k River | missed ds "
    "| missed River | F1 ds | F1 River | s ds | s River |"
)


def table(
    tallies: Mapping[Key, Tally], scenarios: Sequence[str], detectors: Sequence[str]
) -> list[str]:
    """One markdown table: a row per (scenario, detector), driftscope beside River."""
    several = len(scenarios) > 1
    lines = [
        HEADER.format(first="scenario | " if several else ""),
        "|" + "---|" * (2 if several else 1) + "---:|" * 10,
    ]
    for scenario in scenarios:
        for name in detectors:
            ours = tallies.get((scenario, name, "driftscope"))
            if ours is None:
                continue
            theirs = tallies.get((scenario, name, "river"))
            bold = worse(ours, theirs) if theirs else None
            left, right = cells(ours, bold), cells(theirs)
            row = [scenario] if several else []
            row += [name]
            row += [c for pair in zip(left, right, strict=True) for c in pair]
            row += [f"{ours.seconds:.2f}", f"{theirs.seconds:.2f}" if theirs else "—"]
            lines.append("| " + " | ".join(row) + " |")
    return lines


def tally_all(outcomes: Sequence[Outcome]) -> dict[str, dict[Key, Tally]]:
    """Per group: tallies per (scenario, detector, library) and pooled as ("all", ...)."""
    by_group: dict[str, dict[Key, Tally]] = {}
    for group, scenario, name, library, alarms, seconds, stream in outcomes:
        tallies = by_group.setdefault(group, {})
        tallies.setdefault((scenario, name, library), Tally()).add(stream, alarms, seconds)
    for tallies in by_group.values():
        for (_, name, library), tally in list(tallies.items()):
            key = ("all", name, library)
            tallies[key] = tallies.get(key, Tally()).merged(tally)
    return by_group


def differences(by_group: Mapping[str, Mapping[Key, Tally]]) -> list[str]:
    """A line per (group, scenario, detector) where driftscope is worse than River."""
    lines = []
    for group in [g for g in GROUPS if g in by_group]:
        tallies = by_group[group]
        for (scenario, name, library), ours in tallies.items():
            theirs = tallies.get((scenario, name, "river"))
            if library != "driftscope" or theirs is None:
                continue
            bad = [k for k, v in worse(ours, theirs).items() if v]
            if bad:
                lines.append(
                    f"- {group} / {scenario} / {name}: worse in {', '.join(bad)} "
                    f"(ds: {' · '.join(cells(ours))}; River: {' · '.join(cells(theirs))})"
                )
    return lines


def report(outcomes: Sequence[Outcome], args: argparse.Namespace, wall: float, built: float) -> str:
    """The whole markdown report."""
    from _proc import machine

    by_group = tally_all(outcomes)
    names = [d.name for d in DETECTORS if d.name in args.only]
    lines = [
        f"## Streams — detector quality against River — {time.strftime('%Y-%m-%d %H:%M:%S %Z')}",
        "",
        f"Machine: {machine()}. River {_river_version()}; driftscope {_revision()}.",
        f"Synthetic streams of {args.length:,} values, {args.seeds} seed(s) each; "
        f"{args.jobs} worker process(es); wall time {wall:.0f} s, of which building the "
        f"streams (generators and learners) {built:.0f} s of worker time.",
        "",
        "ds = driftscope (`update_many`), River = River 0.26 (`update` loop), same parameters. "
        "delay: mean values from a change to the alarm that detected it; FA/10k: alarms "
        "that detected nothing, per 10,000 values; missed: undetected changes / changes; F1: "
        "alarms matched one-to-one within the margin. **Bold**: driftscope worse than River. "
        "s: seconds, summed over the group's streams, after a warm-up run of every "
        "driftscope detector in each worker (compiled kernels' first calls and WindowKS's "
        "calibration are not counted; EWMA's calibration for each estimated p0 is).",
    ]
    margins = {
        "concept-abrupt": f"margin {CONCEPT_MARGIN:,}",
        "concept-gradual": f"changes from the transition's start, margin {CONCEPT_MARGIN:,} "
        "+ the transition",
        "friedman": f"margin {CONCEPT_MARGIN:,} (+ the transition for gsg)",
        "gaussian": f"margin {GAUSS_MARGIN} (+ the ramp)",
        "real": f"union of the annotations, margin {REAL_MARGIN}; F1 is TCPD's (margin 5 "
        "either side, recall averaged over annotators), averaged over the series",
    }
    details = []
    for group in [g for g in GROUPS if g in by_group]:
        tallies = by_group[group]
        scenarios = [s for s in GROUPS[group] if any(k[0] == s for k in tallies)]
        lines += ["", f"### {GROUP_TITLES[group]}", "", f"All scenarios pooled; {margins[group]}."]
        lines += ["", *table(tallies, ["all"], names)]
        details += ["", f"#### {GROUP_TITLES[group]}", "", *table(tallies, scenarios, names)]
    totals = {lib: sum(t.seconds for k, t in _pooled(by_group) if k[2] == lib) for lib in LIBRARIES}
    peers = {d.name for d in DETECTORS if d.river}
    same = {
        lib: sum(t.seconds for k, t in _pooled(by_group) if k[2] == lib and k[1] in peers)
        for lib in LIBRARIES
    }
    lines += [
        "",
        "### Time",
        "",
        f"driftscope, every detector: {totals['driftscope']:.1f} s; on the detectors River "
        f"also has: {same['driftscope']:.1f} s; River: {same['river']:.1f} s.",
        "",
        "### Where driftscope is worse than River",
        "",
        *(differences(by_group) or ["- nowhere: every metric equal or better."]),
        "",
        "### Per scenario",
        *details,
    ]
    return "\n".join(lines)


def _pooled(by_group: Mapping[str, Mapping[Key, Tally]]) -> Iterator[tuple[Key, Tally]]:
    for tallies in by_group.values():
        for key, tally in tallies.items():
            if key[0] == "all":
                yield key, tally


def _revision() -> str:
    """The commit the run's driftscope is at, and whether ``src/`` had changes beyond it."""
    import subprocess

    root = Path(__file__).resolve().parent.parent

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], check=False, cwd=root, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--", "src")
    return f"at {head}" + (" with uncommitted changes in src/" if dirty else "")


def _river_version() -> str:
    from importlib.metadata import version

    return version("river")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="2 seeds of 5,000 values (~1 minute)")
    p.add_argument("--seeds", type=int, default=5)
    p.add_argument("--length", type=int, default=10_000, help="values per synthetic stream")
    p.add_argument("--jobs", type=int, default=min(2, multiprocessing.cpu_count()))
    p.add_argument("--only", nargs="+", default=[d.name for d in DETECTORS], metavar="NAME")
    p.add_argument("--markdown", type=Path)
    args = p.parse_args(argv)
    if args.quick:
        args.seeds, args.length = min(args.seeds, 2), min(args.length, 5_000)
    unknown = set(args.only) - {d.name for d in DETECTORS}
    if unknown:
        sys.exit(f"streams: unknown detector(s) {sorted(unknown)}")
    todo = jobs(args.length, args.seeds, args.only)
    start = time.perf_counter()
    outcomes: list[Outcome] = []
    built = 0.0
    context = multiprocessing.get_context("fork")
    with context.Pool(args.jobs, initializer=warm_up, initargs=(args.only,)) as pool:
        for done, (found, seconds) in enumerate(pool.imap_unordered(run_job, todo), 1):
            outcomes += found
            built += seconds
            print(f"\r{done}/{len(todo)} streams", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    text = report(outcomes, args, time.perf_counter() - start, built)
    print(text)
    if args.markdown:
        args.markdown.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
