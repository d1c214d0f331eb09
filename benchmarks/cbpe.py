"""CBPE on NannyML's synthetic car-loan data and DLE on its regression data: estimated
against realised performance per chunk.

The data is the labelled car-loan set that NannyML's wheel ships (its files only: install the
wheel without dependencies, `pip install --no-deps nannyml==0.13.0`, as .ci/run does). The
analysis period has a covariate shift from row 25,000, after which the realised ROC AUC falls
by about 0.01. For each chunk of 5,000 analysis rows the table gives driftscope's estimate
without labels and its interval, the realised value, and the naive estimate (the reference's
ROC AUC for every chunk). Then the same for DLE on NannyML's synthetic regression data (a
shift at analysis row 30,000), on MAE per chunk of 6,000 rows.

    python benchmarks/cbpe.py
"""

from __future__ import annotations

import sys
import time

import numpy as np
from sklearn.metrics import roc_auc_score

from driftscope.performance.estimation import estimate_binary, estimate_regression
from driftscope.testing.datasets import LabelledShift, nannyml_set

CHUNK = 5_000


def main() -> int:
    data, regression = nannyml_set("car_loan"), nannyml_set("regression")
    if data is None or regression is None:
        print("NannyML's data files are not installed: pip install --no-deps nannyml==0.13.0")
        return 2
    ref, analysis, target = data.reference, data.analysis, data.labels
    ref_labels = np.asarray(ref.column("repaid"), dtype=np.int64)
    ref_scores = np.asarray(ref.column("y_pred_proba"))
    scores = np.asarray(analysis.column("y_pred_proba"))
    predicted = np.asarray(analysis.column("y_pred"), dtype=np.int64)
    labels = np.asarray(target.column("repaid"), dtype=np.int64)
    naive = roc_auc_score(ref_labels, ref_scores)
    print("# CBPE on NannyML's car-loan data (ROC AUC per chunk of 5,000 analysis rows)\n")
    print("| chunk | realised | driftscope estimate | 95% interval | error | naive error |")
    print("|---|---:|---:|---|---:|---:|")
    errors, naive_errors, inside = [], [], 0
    start = time.perf_counter()
    for first in range(0, scores.size, CHUNK):
        rows = slice(first, first + CHUNK)
        est = estimate_binary(
            ref_labels, ref_scores, scores[rows], current_predicted=predicted[rows]
        )["roc_auc"]
        real = roc_auc_score(labels[rows], scores[rows])
        errors.append(abs(est.value - real))
        naive_errors.append(abs(naive - real))
        inside += est.ci_low <= real <= est.ci_high
        print(
            f"| {first:,}-{first + CHUNK - 1:,} | {real:.4f} | {est.value:.4f} | "
            f"[{est.ci_low:.4f}, {est.ci_high:.4f}] | {errors[-1]:.4f} | {naive_errors[-1]:.4f} |"
        )
    elapsed = time.perf_counter() - start
    print(
        f"\nMean absolute error {np.mean(errors):.4f} (naive {np.mean(naive_errors):.4f}, "
        f"ratio {np.mean(errors) / np.mean(naive_errors):.2f}); largest {max(errors):.4f}; "
        f"realised inside the interval in {inside} of {len(errors)} chunks; "
        f"{elapsed:.1f} s for {len(errors)} estimates with intervals. NannyML's own CBPE "
        "needs its full dependencies in an environment of its own and is not run here."
    )
    dle(regression)
    return 0


def dle(data: LabelledShift) -> None:
    """DLE's estimated MAE per chunk of NannyML's regression analysis data."""
    ref, analysis, target = data.reference, data.analysis, data.labels
    names = ["car_age", "km_driven", "price_new", "accident_count", "door_count"]
    x_ref = np.column_stack([np.asarray(ref.column(n)) for n in names])
    x_cur = np.column_stack([np.asarray(analysis.column(n)) for n in names])
    y_ref, p_ref = np.asarray(ref.column("y_true")), np.asarray(ref.column("y_pred"))
    p_cur, y_cur = np.asarray(analysis.column("y_pred")), np.asarray(target.column("y_true"))
    naive = float(np.mean(np.abs(y_ref - p_ref)))
    print("\n# DLE on NannyML's regression data (MAE per chunk of 6,000 analysis rows)\n")
    print("| chunk | realised | driftscope estimate | 95% interval | error | naive error |")
    print("|---|---:|---:|---|---:|---:|")
    errors, naive_errors, inside = [], [], 0
    start = time.perf_counter()
    for first in range(0, p_cur.size, 6_000):
        rows = slice(first, first + 6_000)
        est = estimate_regression(x_ref, y_ref, p_ref, x_cur[rows], p_cur[rows])["mae"]
        real = float(np.mean(np.abs(y_cur[rows] - p_cur[rows])))
        errors.append(abs(est.value - real))
        naive_errors.append(abs(naive - real))
        inside += est.ci_low <= real <= est.ci_high
        print(
            f"| {first:,}-{first + 5_999:,} | {real:.1f} | {est.value:.1f} | "
            f"[{est.ci_low:.1f}, {est.ci_high:.1f}] | {errors[-1]:.1f} | {naive_errors[-1]:.1f} |"
        )
    print(
        f"\nMean absolute error {np.mean(errors):.1f} (naive {np.mean(naive_errors):.1f}, ratio "
        f"{np.mean(errors) / np.mean(naive_errors):.2f}); realised inside the interval in "
        f"{inside} of {len(errors)} chunks; {time.perf_counter() - start:.1f} s."
    )


if __name__ == "__main__":
    sys.exit(main())
