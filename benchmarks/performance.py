"""Model performance metrics with bootstrap confidence intervals at scale, against
scikit-learn in the same run.

A binary classifier's labels and probabilities (and a regression's target and predictions)
at N rows. driftscope computes every metric of the task with a 95% bootstrap interval (200
replicates; above 100,000 rows on a rescaled subsample, see driftscope.performance.bootstrap).
scikit-learn computes the point values once ("sklearn, no intervals"), and the same metrics
per bootstrap replicate on resampled rows ("sklearn, bootstrap"): that row is timed over a few
replicates and scaled to 200. Times are in-process medians (imports excluded).

    python benchmarks/performance.py --sizes 100000 1000000 --repeat 3
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from collections.abc import Callable

import numpy as np
import sklearn
from sklearn import metrics as skm

import driftscope
from driftscope.performance import classification_performance, regression_performance

REPLICATES = 200
SKLEARN_REPLICATES = 3  # timed, then scaled to REPLICATES


def _binary(n: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(n)
    y = rng.integers(0, 2, n)
    return y, np.clip(0.3 * y + rng.uniform(0, 0.7, n), 0, 1)


def _regression(n: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(n + 1)
    y = rng.normal(3, 2, n)
    return y, y + rng.normal(0, 1, n)


def sk_binary(y: np.ndarray, p: np.ndarray) -> None:
    guess = (p >= 0.5).astype(int)
    skm.accuracy_score(y, guess)
    skm.precision_score(y, guess)
    skm.recall_score(y, guess)
    skm.f1_score(y, guess)
    skm.roc_auc_score(y, p)
    skm.average_precision_score(y, p)
    skm.log_loss(y, p)


def sk_regression(y: np.ndarray, guess: np.ndarray) -> None:
    skm.mean_absolute_error(y, guess)
    skm.mean_squared_error(y, guess)
    skm.mean_absolute_percentage_error(y, guess)
    skm.r2_score(y, guess)


def _median(run: Callable[..., object], a: np.ndarray, b: np.ndarray, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run(a, b)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _bootstrapped(metrics: Callable[[np.ndarray, np.ndarray], None]) -> Callable[..., None]:
    def run(a: np.ndarray, b: np.ndarray) -> None:
        rng = np.random.default_rng(0)
        metrics(a, b)
        for _ in range(SKLEARN_REPLICATES):
            rows = rng.integers(0, a.size, a.size)
            metrics(a[rows], b[rows])

    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    print("# Performance metrics with bootstrap intervals\n")
    print(
        f"driftscope {driftscope.__version__}, scikit-learn {sklearn.__version__}, Python "
        f"{platform.python_version()}; median of {args.repeat}; sklearn's bootstrap timed "
        f"over {SKLEARN_REPLICATES} replicates and scaled to {REPLICATES}.\n"
    )
    print(
        "| task | rows | driftscope, 200-replicate intervals | sklearn, no intervals | "
        "sklearn, bootstrap (scaled) | vs sklearn bootstrap |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for n in args.sizes:
        cases = (
            ("binary classification", _binary(n), sk_binary,
             lambda y, p: classification_performance(y, probabilities=p)),
            ("regression", _regression(n), sk_regression, regression_performance),
        )  # fmt: skip
        for task, (a, b), sk, ours in cases:
            t_ours = _median(ours, a, b, args.repeat)
            t_point = _median(sk, a, b, args.repeat)
            t_boot = _median(_bootstrapped(sk), a, b, 1)
            scaled = t_point + (t_boot - t_point) * REPLICATES / SKLEARN_REPLICATES
            print(
                f"| {task} | {n:,} | {t_ours:.2f} s | {t_point:.2f} s | {scaled:.1f} s | "
                f"{scaled / t_ours:.0f}x faster |"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
