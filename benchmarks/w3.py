"""W3 benchmark: stream detector speed, driftscope against River, every detector both have.

The W3 stream of shared/BENCHMARKS.md: 1,000,000 values of N(0, 1) whose mean rises by 1
at index 500,000 (seed 0). The error-stream detectors (DDM, EDDM, HDDM_A, HDDM_W) read its 0/1
version: 1 (an error) where the value exceeds 1.2816 (a 10% error rate before the shift,
about 39% after). KSWIN, whose River version takes about half a millisecond per value, reads
the 20,000 values around the shift (``--kswin-span``). Both sides get the same parameters
(River's defaults, written out; KSWIN's seed 42).

Measured per detector, in microseconds per value (the median of ``--repeat`` runs, each a
new detector over the whole stream):

- River's ``update`` in a plain Python loop that reads ``drift_detected`` after each value;
- driftscope's ``update`` in the same loop;
- driftscope's ``update_many`` over the float64 array, numba warm (compiled beforehand);
- driftscope's ``update_many`` and ``update`` loop without numba (``DRIFTSCOPE_NO_JIT=1``, in a
  child process);
- the first call's cost: compiling the kernel with an empty numba cache, and loading it from
  numba's on-disk cache (each in a new child process, ``NUMBA_CACHE_DIR`` a temporary folder).

Ratios are River's time over driftscope's (above 1: driftscope is faster); the targets are
``update_many`` at least 5x River's loop, ``update`` at least River's speed (ADWIN, compiled
Rust in River: within 3x, a ratio of at least 0.33). The detections are the first alarm, the
alarms before the shift and all alarms, from each side's own loop.

    python benchmarks/w3.py [--values 1000000] [--repeat 3] [--only adwin ddm] [--markdown FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np

SHIFT_AT = 500_000
ERROR_LEVEL = 1.2816  # P(N(0, 1) > 1.2816) = 0.10; P(N(1, 1) > 1.2816) = 0.39
KSWIN_SEED = 42


@dataclass(frozen=True, slots=True)
class Pair:
    """A detector both libraries have, with the parameters both get."""

    key: str
    label: str
    river: str  # attribute path under river.drift
    ours: str  # class name in driftscope.detectors
    binary: bool
    params: dict[str, Any]
    ours_extra: dict[str, Any]
    single_target: float  # the least River time / ours a single update must reach
    kernel: bool = True  # whether update_many runs a compiled kernel
    river_flips: bool = False  # River's counts ones as right predictions: it reads 1 - x


PAIRS = [
    Pair(
        "adwin",
        "ADWIN",
        "ADWIN",
        "ADWIN",
        False,
        {"delta": 0.002, "clock": 32, "max_buckets": 5, "min_window_length": 5, "grace_period": 10},
        {},
        1 / 3,
    ),
    Pair(
        "ddm",
        "DDM",
        "binary.DDM",
        "DDM",
        True,
        {"warm_start": 30, "warning_threshold": 2.0, "drift_threshold": 3.0},
        {},
        1.0,
    ),
    Pair(
        "eddm",
        "EDDM",
        "binary.EDDM",
        "EDDM",
        True,
        {"warm_start": 30, "alpha": 0.95, "beta": 0.9},
        {},
        1.0,
    ),
    Pair(
        "fhddm",
        "FHDDM",
        "binary.FHDDM",
        "FHDDM",
        True,
        {"sliding_window_size": 100, "confidence_level": 0.000001, "short_window_size": None},
        {},
        1.0,
        river_flips=True,
    ),
    Pair(
        "hddm_a",
        "HDDM_A",
        "binary.HDDMA",
        "HDDMA",
        True,
        {"drift_confidence": 0.001, "warning_confidence": 0.005, "two_sided_test": False},
        {},
        1.0,
    ),
    Pair(
        "hddm_w",
        "HDDM_W",
        "binary.HDDMW",
        "HDDMW",
        True,
        {
            "drift_confidence": 0.001,
            "warning_confidence": 0.005,
            "lambda_val": 0.05,
            "two_sided_test": False,
        },
        {},
        1.0,
    ),
    Pair(
        "kswin",
        "KSWIN",
        "KSWIN",
        "KSWIN",
        False,
        {"alpha": 0.005, "window_size": 100, "stat_size": 30, "seed": KSWIN_SEED},
        {},
        1.0,
        kernel=False,  # numpy and scipy per test already
    ),
    Pair(
        "page_hinkley",
        "Page-Hinkley",
        "PageHinkley",
        "PageHinkley",
        False,
        {
            "min_instances": 30,
            "delta": 0.005,
            "threshold": 50.0,
            "alpha": 1 - 0.0001,
            "mode": "both",
        },
        {},
        1.0,
    ),
]
BY_KEY = {pair.key: pair for pair in PAIRS}


def stream(pair: Pair, n: int, kswin_span: int) -> tuple[np.ndarray, int]:
    """The values ``pair`` reads and the index of the first one in the W3 stream."""
    rng = np.random.default_rng(0)
    values = rng.normal(0.0, 1.0, n)
    values[SHIFT_AT if n > SHIFT_AT else n // 2 :] += 1.0
    offset = 0
    if pair.key == "kswin":
        shift = SHIFT_AT if n > SHIFT_AT else n // 2
        offset = max(0, shift - kswin_span // 2)
        values = values[offset : offset + kswin_span]
    if pair.binary:
        values = (values > ERROR_LEVEL).astype(np.float64)
    return np.ascontiguousarray(values), offset


def river_detector(pair: Pair) -> Any:
    from river import drift

    target: Any = drift
    for part in pair.river.split("."):
        target = getattr(target, part)
    return target(**pair.params)


def ours_detector(pair: Pair) -> Any:
    from driftscope import detectors

    return getattr(detectors, pair.ours)(**pair.params, **pair.ours_extra)


def loop(make: Callable[[], Any], values: list[float]) -> tuple[float, list[int]]:
    """Seconds for a plain loop of ``update`` reading ``drift_detected``; the alarms."""
    detector = make()
    found = []
    start = time.perf_counter()
    for i, x in enumerate(values):
        detector.update(x)
        if detector.drift_detected:
            found.append(i)
    return time.perf_counter() - start, found


def bulk(make: Callable[[], Any], values: np.ndarray) -> tuple[float, list[int]]:
    detector = make()
    start = time.perf_counter()
    found = detector.update_many(values)
    return time.perf_counter() - start, list(found)


def median_of(repeat: int, run: Callable[[], tuple[float, list[int]]]) -> tuple[float, list[int]]:
    times, found = [], []
    for _ in range(repeat):
        seconds, found = run()
        times.append(seconds)
    return statistics.median(times), found


def child(args: argparse.Namespace) -> int:
    """Run in a child process: print one JSON line per detector."""
    pair = BY_KEY[args.child_key]
    values, _ = stream(pair, args.values, args.kswin_span)
    result: dict[str, Any] = {"key": pair.key}
    if args.child == "first_call":
        from driftscope.detectors import _jit

        start = time.perf_counter()
        result["jit"] = _jit.enabled()  # imports numba
        result["numba_import"] = time.perf_counter() - start
        start = time.perf_counter()
        ours_detector(pair).update_many(values[:200])
        result["first_call"] = time.perf_counter() - start
    else:  # no_jit
        bulk(lambda: ours_detector(pair), values[:200])  # lazy imports (scipy for KSWIN)
        result["many"], result["many_found"] = median_of(
            args.repeat, lambda: bulk(lambda: ours_detector(pair), values)
        )
        result["single"], result["single_found"] = median_of(
            1, lambda: loop(lambda: ours_detector(pair), values.tolist())
        )
    print(json.dumps(result))
    return 0


def run_child(args: argparse.Namespace, key: str, mode: str, env: dict[str, str]) -> dict[str, Any]:
    argv = [
        sys.executable,
        __file__,
        "--child",
        mode,
        "--child-key",
        key,
        "--values",
        str(args.values),
        "--kswin-span",
        str(args.kswin_span),
        "--repeat",
        str(args.repeat),
    ]
    done = subprocess.run(
        argv, env={**os.environ, **env}, capture_output=True, text=True, check=True
    )
    parsed: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return parsed


def alarms(found: list[int], offset: int) -> str:
    at = [offset + i for i in found]
    before = sum(1 for i in at if i < SHIFT_AT)
    first_after = next((i for i in at if i >= SHIFT_AT), None)
    first = f"{at[0]:,}" if at else "none"
    after = f"{first_after:,}" if first_after is not None else "none"
    return f"{first} | {after} | {before} | {len(at)}"


def measure(pair: Pair, args: argparse.Namespace, cache: Path) -> list[str]:
    values, offset = stream(pair, args.values, args.kswin_span)
    as_list = values.tolist()
    n = len(values)
    if pair.kernel:
        cold = run_child(args, pair.key, "first_call", {"NUMBA_CACHE_DIR": str(cache)})
        warm = run_child(args, pair.key, "first_call", {"NUMBA_CACHE_DIR": str(cache)})
    no_jit = run_child(args, pair.key, "no_jit", {"DRIFTSCOPE_NO_JIT": "1"})
    bulk(lambda: ours_detector(pair), values[:200])  # compile (or load) here too
    river_repeat = 1 if pair.key == "kswin" else args.repeat
    river_values = [1.0 - x for x in as_list] if pair.river_flips else as_list
    river_s, river_found = median_of(
        river_repeat, lambda: loop(lambda: river_detector(pair), river_values)
    )
    single_s, single_found = median_of(
        args.repeat, lambda: loop(lambda: ours_detector(pair), as_list)
    )
    many_s, many_found = median_of(args.repeat, lambda: bulk(lambda: ours_detector(pair), values))
    same = many_found == single_found == no_jit["many_found"] == no_jit["single_found"]

    def us(seconds: float) -> str:
        return f"{seconds / n * 1e6:.3f}"

    def ratio(seconds: float) -> str:
        return f"{river_s / seconds:.2f}x"

    def verdict(seconds: float, target: float) -> str:
        return "met" if river_s / seconds >= target else "**not met**"

    span = f"values {offset:,} to {offset + n - 1:,} of W3" if pair.key == "kswin" else "W3"
    params = ", ".join(f"{k}={v!r}" for k, v in pair.params.items())
    single_target = "at least 0.33x (within 3x)" if pair.single_target < 1 else "at least 1x"
    lines = [
        f"### {pair.label} ({n:,} values: {span}{', 0/1 errors' if pair.binary else ''})",
        "",
        f"Parameters, both sides: {params}.",
        "",
        "| run | us/value | River / this | target | | first alarm | first at or after "
        f"{SHIFT_AT:,} | alarms before | alarms |",
        "|---|---:|---:|---|---|---:|---:|---:|---:|",
        f"| River `update` loop | {us(river_s)} | 1.00x | | | {alarms(river_found, offset)} |",
        f"| driftscope `update` loop | {us(single_s)} | {ratio(single_s)} | {single_target} | "
        f"{verdict(single_s, pair.single_target)} | {alarms(single_found, offset)} |",
        f"| driftscope `update_many`, numba warm | {us(many_s)} | {ratio(many_s)} | "
        f"at least 5x | {verdict(many_s, 5.0)} | {alarms(many_found, offset)} |",
        f"| driftscope `update_many`, no JIT | {us(no_jit['many'])} | {ratio(no_jit['many'])} "
        f"| | | {alarms(no_jit['many_found'], offset)} |",
        f"| driftscope `update` loop, no JIT | {us(no_jit['single'])} | "
        f"{ratio(no_jit['single'])} | | | {alarms(no_jit['single_found'], offset)} |",
        "",
        (
            f"First `update_many` call in a new process (200 values, after numba's import, "
            f"{cold['numba_import']:.2f} s): {cold['first_call']:.2f} s compiling with an "
            f"empty numba cache, {warm['first_call'] * 1e3:.0f} ms with the on-disk cache. "
            if pair.kernel
            else "No compiled kernel (numpy and scipy per test). "
        )
        + f"driftscope's four runs give the same alarms: {'yes' if same else '**NO**'}.",
        "",
    ]
    compile_cell = f"{cold['first_call']:.2f} s" if pair.kernel else "none"
    summary = (
        f"| {pair.label} | {us(river_s)} | {us(single_s)} ({ratio(single_s)}, "
        f"{verdict(single_s, pair.single_target)}) | {us(many_s)} ({ratio(many_s)}, "
        f"{verdict(many_s, 5.0)}) | {us(no_jit['many'])} | {compile_cell} |"
    )
    return [summary, *lines]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--values", type=int, default=1_000_000)
    parser.add_argument("--kswin-span", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", nargs="+", choices=list(BY_KEY), default=list(BY_KEY))
    parser.add_argument("--markdown", type=Path, default=None)
    parser.add_argument("--child", choices=["first_call", "no_jit"], help=argparse.SUPPRESS)
    parser.add_argument("--child-key", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)
    head = [
        f"# W3 — stream detector speed ({time.strftime('%Y-%m-%d')})",
        "",
        f"{platform.python_implementation()} {platform.python_version()}, numpy "
        f"{np.__version__}, numba {version('numba')}, River {version('river')}; "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at the start; "
        f"median of {args.repeat} (River's KSWIN: 1 run).",
        "",
        "| detector | River `update` us/value | driftscope `update` | driftscope `update_many` "
        "(numba) | `update_many`, no JIT | first call, compiling |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    summaries, sections = [], []
    with tempfile.TemporaryDirectory(prefix="w3-numba-") as cache:
        for key in args.only:
            summary, *section = measure(BY_KEY[key], args, Path(cache) / key)
            print(summary, file=sys.stderr, flush=True)
            summaries.append(summary)
            sections.extend(section)
    text = "\n".join([*head, *summaries, "", *sections])
    print(text)
    if args.markdown:
        args.markdown.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
