"""CBPE on NannyML's synthetic car-loan data and DLE on its regression data: estimated
against realised performance per chunk, driftscope beside NannyML's own estimators.

The data is the labelled car-loan set that NannyML's wheel ships (its files only: install the
wheel without dependencies, `pip install --no-deps nannyml==0.13.0`, as .ci/run does). The
analysis period has a covariate shift from row 25,000, after which the realised ROC AUC falls
by about 0.01. For each chunk of 5,000 analysis rows the table gives driftscope's estimate
without labels and its interval, the realised value, and the naive estimate (the reference's
ROC AUC for every chunk). Then the same for DLE on NannyML's synthetic regression data (a
shift at analysis row 30,000), on MAE per chunk of 6,000 rows.

When NannyML has its own virtual environment (PEERS_DIR/nannyml-venv, see
benchmarks/README.md), peers/nannyml_cbpe.py runs there first, as a subprocess: NannyML's CBPE
and DLE on the same files, read by NannyML's loaders, in the same chunks; the tables get its
estimate and error per chunk and the summaries its errors and its time against driftscope's.
Both times are fit + estimate of every chunk in process (no imports, no reading).

    python benchmarks/cbpe.py [--peers-dir /work/peers]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from _proc import run_process
from sklearn.metrics import roc_auc_score

from driftscope.performance.estimation import estimate_binary
from driftscope.performance.estimation.dle import fit_loss_models
from driftscope.result import MetricValue
from driftscope.testing.datasets import LabelledShift, nannyml_set

PEER_SCRIPT = Path(__file__).resolve().parent / "peers" / "nannyml_cbpe.py"
CHUNK = 5_000
REGRESSION_CHUNK = 6_000
# The requirement for CBPE: mean absolute error at most half the naive one, and every
# chunk within this of the realised ROC AUC.
MAE_RATIO_MAX = 0.5
CHUNK_ERROR_MAX = 0.01


def run_nannyml(peers_dir: Path, timeout: float) -> dict[str, Any] | None:
    """NannyML's per-chunk estimates from peers/nannyml_cbpe.py in its own venv, or None (with
    a line saying why) when it is not installed or fails."""
    python = peers_dir / "nannyml-venv" / "bin" / "python"
    if not python.exists():
        print("NannyML: not installed (see benchmarks/README.md)\n")
        return None
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "nannyml.json"
        run = run_process(
            [str(python), str(PEER_SCRIPT), str(out)],
            env={"NML_DISABLE_USAGE_LOGGING": "1"},
            cwd=tmp,
            timeout=timeout,
        )
        if not run.ok:
            print(f"NannyML: failed ({run.error_line()})\n")
            return None
        result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    print(f"NannyML {result['nannyml']} ran in {PEER_SCRIPT.parent.name}/{PEER_SCRIPT.name}.\n")
    return result


def peer_chunks(
    peer: dict[str, Any] | None, key: str, size: int, realised: list[float]
) -> list[dict[str, Any]] | None:
    """The peer's chunks of ``key`` once they are checked to be ours: same first and last
    rows, and NannyML's own realised value equal to ours in every chunk (same rows in them).
    None, with a line saying why, otherwise."""
    if peer is None:
        return None
    chunks: list[dict[str, Any]] = peer[key]["chunks"]
    rows_ok = [(c["start_index"], c["end_index"]) for c in chunks] == [
        (i * size, i * size + size - 1) for i in range(len(realised))
    ]
    same = rows_ok and all(
        c["realised"] is not None and abs(c["realised"] - r) <= 1e-9 * max(1.0, abs(r))
        for c, r in zip(chunks, realised, strict=True)
    )
    if not same:
        print(f"\nNannyML's {key.upper()} chunks do not line up with driftscope's; left out.")
        return None
    return chunks


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--peers-dir", type=Path, default=Path("/work/peers"))
    p.add_argument("--timeout", type=float, default=900.0, help="seconds for the NannyML run")
    args = p.parse_args(argv)
    data, regression = nannyml_set("car_loan"), nannyml_set("regression")
    if data is None or regression is None:
        print("NannyML's data files are not installed: pip install --no-deps nannyml==0.13.0")
        return 2
    load = os.getloadavg()[0]
    peer = run_nannyml(args.peers_dir, args.timeout)
    cbpe(data, peer)
    dle(regression, peer)
    # Both estimators fit gradient-boosted trees on OpenMP threads, whose wall time swings
    # widely when other processes hold the cores: the load says how quiet the machine was.
    print(f"\nLoad average (1 min): {load:.2f} at the start, {os.getloadavg()[0]:.2f} at the end.")
    return 0


@dataclass
class Compared:
    """Each chunk's error against the realised value: driftscope's, the naive estimate's and
    NannyML's (empty without it), and how many realised values each interval held."""

    errors: list[float] = field(default_factory=list)
    naive: list[float] = field(default_factory=list)
    peer: list[float] = field(default_factory=list)
    inside: int = 0
    peer_inside: int = 0


def chunk_table(
    estimates: list[MetricValue],
    realised: list[float],
    naive: float,
    theirs: list[dict[str, Any]] | None,
    size: int,
    digits: int,
) -> Compared:
    """Print the per-chunk table (NannyML's columns when ``theirs``) and return the errors."""
    header = "| chunk | realised | driftscope estimate | 95% interval | error | naive error |"
    rule = "|---|---:|---:|---|---:|---:|"
    if theirs is not None:
        header += " NannyML estimate | NannyML error |"
        rule += "---:|---:|"
    print(header)
    print(rule)
    out = Compared()
    for i, (est, real) in enumerate(zip(estimates, realised, strict=True)):
        value, low, high = (
            float("nan") if v is None else v for v in (est.value, est.ci_low, est.ci_high)
        )
        first = i * size
        out.errors.append(abs(value - real))
        out.naive.append(abs(naive - real))
        out.inside += low <= real <= high
        d = digits
        line = (
            f"| {first:,}-{first + size - 1:,} | {real:.{d}f} | {value:.{d}f} | "
            f"[{low:.{d}f}, {high:.{d}f}] | {out.errors[-1]:.{d}f} | "
            f"{out.naive[-1]:.{d}f} |"
        )
        if theirs is not None:
            chunk = theirs[i]
            out.peer.append(abs(chunk["value"] - real))
            out.peer_inside += chunk["lower"] <= real <= chunk["upper"]
            line += f" {chunk['value']:.{d}f} | {out.peer[-1]:.{d}f} |"
        print(line)
    return out


def peer_summary(name: str, found: Compared, seconds: float, elapsed: float, digits: int) -> str:
    """NannyML's part of a summary line: its errors, its band's hits, its time against ours."""
    d, errors = digits, found.peer
    return (
        f" NannyML's {name}: mean absolute error {np.mean(errors):.{d}f}, largest "
        f"{max(errors):.{d}f}, realised inside its band (estimate +- 3 sampling errors) "
        f"in {found.peer_inside} of {len(errors)} chunks; {seconds:.1f} s for fit + "
        f"estimate, {seconds / elapsed:.2f} x driftscope's time."
    )


def cbpe(data: LabelledShift, peer: dict[str, Any] | None) -> None:
    """CBPE's estimated ROC AUC per chunk of NannyML's car-loan analysis data."""
    ref, analysis, target = data.reference, data.analysis, data.labels
    ref_labels = np.asarray(ref.column("repaid"), dtype=np.int64)
    ref_scores = np.asarray(ref.column("y_pred_proba"))
    scores = np.asarray(analysis.column("y_pred_proba"))
    predicted = np.asarray(analysis.column("y_pred"), dtype=np.int64)
    labels = np.asarray(target.column("repaid"), dtype=np.int64)
    naive = roc_auc_score(ref_labels, ref_scores)
    chunks = [slice(first, first + CHUNK) for first in range(0, scores.size, CHUNK)]
    start = time.perf_counter()
    estimates = [
        estimate_binary(ref_labels, ref_scores, scores[rows], current_predicted=predicted[rows])[
            "roc_auc"
        ]
        for rows in chunks
    ]
    elapsed = time.perf_counter() - start
    realised = [float(roc_auc_score(labels[rows], scores[rows])) for rows in chunks]
    theirs = peer_chunks(peer, "cbpe", CHUNK, realised)
    print("# CBPE on NannyML's car-loan data (ROC AUC per chunk of 5,000 analysis rows)\n")
    found = chunk_table(estimates, realised, naive, theirs, CHUNK, 4)
    errors, inside = found.errors, found.inside
    mae, naive_mae = float(np.mean(errors)), float(np.mean(found.naive))
    summary = (
        f"\nMean absolute error {mae:.4f} (naive {naive_mae:.4f}, ratio {mae / naive_mae:.2f}); "
        f"largest {max(errors):.4f}; realised inside the interval in {inside} of {len(errors)} "
        f"chunks; {elapsed:.1f} s for {len(errors)} estimates with intervals."
    )
    if theirs is not None and peer is not None:
        summary += peer_summary("CBPE", found, peer["cbpe"]["seconds"], elapsed, 4)
    print(summary)
    ratio_ok, chunks_ok = mae <= MAE_RATIO_MAX * naive_mae, max(errors) <= CHUNK_ERROR_MAX
    print(
        f"\nRequirement (issue): driftscope's mean absolute error at most {MAE_RATIO_MAX:g} x "
        f"the naive one: {'pass' if ratio_ok else 'FAIL'} ({mae / naive_mae:.2f}); every chunk "
        f"within {CHUNK_ERROR_MAX:g} of the realised ROC AUC: "
        f"{'pass' if chunks_ok else 'FAIL'} (largest {max(errors):.4f})."
    )


def dle(data: LabelledShift, peer: dict[str, Any] | None) -> None:
    """DLE's estimated MAE per chunk of NannyML's regression analysis data."""
    ref, analysis, target = data.reference, data.analysis, data.labels
    names = ["car_age", "km_driven", "price_new", "accident_count", "door_count"]
    x_ref = np.column_stack([np.asarray(ref.column(n)) for n in names])
    x_cur = np.column_stack([np.asarray(analysis.column(n)) for n in names])
    y_ref, p_ref = np.asarray(ref.column("y_true")), np.asarray(ref.column("y_pred"))
    p_cur, y_cur = np.asarray(analysis.column("y_pred")), np.asarray(target.column("y_true"))
    naive = float(np.mean(np.abs(y_ref - p_ref)))
    chunks = [
        slice(first, first + REGRESSION_CHUNK) for first in range(0, p_cur.size, REGRESSION_CHUNK)
    ]
    start = time.perf_counter()
    fitted = fit_loss_models(x_ref, y_ref, p_ref)  # once, as NannyML fits once
    estimates = [fitted.estimate(x_cur[rows], p_cur[rows])["mae"] for rows in chunks]
    elapsed = time.perf_counter() - start
    realised = [float(np.mean(np.abs(y_cur[rows] - p_cur[rows]))) for rows in chunks]
    theirs = peer_chunks(peer, "dle", REGRESSION_CHUNK, realised)
    print("\n# DLE on NannyML's regression data (MAE per chunk of 6,000 analysis rows)\n")
    found = chunk_table(estimates, realised, naive, theirs, REGRESSION_CHUNK, 1)
    errors, naive_errors, inside = found.errors, found.naive, found.inside
    summary = (
        f"\nMean absolute error {np.mean(errors):.1f} (naive {np.mean(naive_errors):.1f}, ratio "
        f"{np.mean(errors) / np.mean(naive_errors):.2f}); largest {max(errors):.1f}; realised "
        f"inside the interval in {inside} of {len(errors)} chunks; {elapsed:.1f} s."
    )
    if theirs is not None and peer is not None:
        summary += peer_summary("DLE", found, peer["dle"]["seconds"], elapsed, 1)
    print(summary)


if __name__ == "__main__":
    sys.exit(main())
