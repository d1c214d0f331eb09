"""Explaining a performance drop (driftscope.performance.explain): how much of the fall of
ROC AUC on NannyML's car-loan data the shift of the inputs accounts for, and how long
explain_drop takes at 1,000,000 reference rows x 30 features.

Accuracy. NannyML's synthetic car-loan set (its files only: `pip install --no-deps
nannyml==0.13.0`) has a covariate shift from analysis row 25,000, after which the realised
ROC AUC falls by about 0.01. The reference's labels and the model's probabilities go into
driftscope's own scorer; the current value is the realised ROC AUC of the analysis rows
after the shift (all 25,000, then per chunk of 5,000, as benchmarks/cbpe.py does). The table
gives the drop, the part the re-weighting explains with each joint model, and the per-feature
attributions. As a control, the rows before the shift are explained the same way (no drop:
None), and the labels of the shifted rows are flipped at random for a fifth of them (a
changed relation between inputs and labels, which no re-weighting of the inputs explains).

Speed. A synthetic reference of 1,000,000 rows x 30 features (25 numeric, 5 categories) and a
current sample of 100,000 rows with three shifted features; the score is driftscope's binary
scorer asked for ROC AUC alone (`scorer(w, metrics=("roc_auc",))`, as a report's explanation
asks it) and, for comparison, the same scorer computing every classification metric per call.
Timed in-process (median of --repeat runs; imports and data generation excluded) with the
reference's interval given (as compare has it) and without (a 20-replicate bootstrap).

    python benchmarks/explain.py [--repeat 3] [--markdown FILE]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa
from sklearn.metrics import roc_auc_score

import driftscope
from driftscope._types import ColumnType
from driftscope.io._numpy import from_numpy
from driftscope.performance.classification import binary_scorer
from driftscope.performance.explain import explain_drop
from driftscope.result import DropExplanation
from driftscope.testing.datasets import nannyml_set

AUC = ("roc_auc",)
"""The one metric the scores compute."""
SHIFT_ROW = 25_000
CHUNK = 5_000
CAR_LOAN_FEATURES = {
    "car_value": ColumnType.NUMERIC,
    "salary_range": ColumnType.CATEGORICAL,
    "debt_to_income_ratio": ColumnType.NUMERIC,
    "loan_length": ColumnType.NUMERIC,
    "repaid_loan_on_prev_car": ColumnType.BOOLEAN,
    "size_of_downpayment": ColumnType.CATEGORICAL,
    "driver_tenure": ColumnType.NUMERIC,
}


def _explain(ref, cur, score, value, model, **kw) -> tuple[DropExplanation | None, float]:
    start = time.perf_counter()
    out = explain_drop(
        ref,
        cur,
        CAR_LOAN_FEATURES,
        score,
        metric="roc_auc",
        higher_is_better=True,
        current_value=value,
        estimated=False,
        domain_model=model,
        **kw,
    )
    return out, time.perf_counter() - start


def _top(out: DropExplanation | None) -> str:
    if out is None:
        return "-"
    return ", ".join(f"{a.name} {a.share:.0%}" for a in out.attributions[:3]) or "(none)"


def car_loan(lines: list[str]) -> int:
    data = nannyml_set("car_loan")
    if data is None:
        print("NannyML's data files are not installed: pip install --no-deps nannyml==0.13.0")
        return 2
    ref, analysis = data.reference, data.analysis
    labels = np.asarray(data.labels.column("repaid"), dtype=np.int64)
    y_ref = np.asarray(ref.column("repaid"), dtype=np.int64)
    p_ref = np.asarray(ref.column("y_pred_proba"))
    p_cur = np.asarray(analysis.column("y_pred_proba"))
    scorer = binary_scorer(y_ref, p_ref, None)
    score: Callable[[np.ndarray | None], float] = lambda w: scorer(w, metrics=AUC)["roc_auc"]  # noqa: E731
    reference_value = score(None)
    lines += [
        "## Accuracy: NannyML's car-loan data (ROC AUC)",
        "",
        f"Reference ROC AUC {reference_value:.4f} on {ref.num_rows:,} rows. 'explained' is the "
        "fall the inputs' shift predicts (reference rows re-weighted to the current inputs "
        "jointly); the per-feature shares are each feature's own re-weighting over the "
        "observed drop.",
        "",
        "| current rows | realised | drop | explained (boosting) | explained (logistic) | "
        "ratio (boosting) | top features (share of the drop) | seconds |",
        "|---|---:|---:|---:|---:|---:|---|---:|",
    ]
    spans = [(0, SHIFT_ROW, "before the shift"), (SHIFT_ROW, 50_000, "after the shift")]
    spans += [(s, s + CHUNK, "") for s in range(SHIFT_ROW, 50_000, CHUNK)]
    for first, last, note in spans:
        rows = slice(first, last)
        cur = analysis.slice(first, last - first)
        realised = float(roc_auc_score(labels[rows], p_cur[rows]))
        boosted, seconds = _explain(ref, cur, score, realised, "boosting")
        logistic, _ = _explain(ref, cur, score, realised, "logistic")
        span = f"{first:,}-{last - 1:,}" + (f" ({note})" if note else "")
        if boosted is None or logistic is None:
            lines.append(
                f"| {span} | {realised:.4f} | {reference_value - realised:+.4f} | "
                "None (no drop beyond noise) | | | | "
                f"{seconds:.1f} |"
            )
            continue
        lines.append(
            f"| {span} | {realised:.4f} | {boosted.drop:.4f} | {boosted.explained:.4f} | "
            f"{logistic.explained:.4f} | {boosted.explained / boosted.drop:.2f} | "
            f"{_top(boosted)} | {seconds:.1f} |"
        )
    # the score's own histogram: CBPE's view (the labels' relation to the score kept)
    cur = analysis.slice(SHIFT_ROW)
    realised = float(roc_auc_score(labels[SHIFT_ROW:], p_cur[SHIFT_ROW:]))
    by_score = explain_drop(
        ref,
        cur,
        {"y_pred_proba": ColumnType.NUMERIC},
        score,
        metric="roc_auc",
        higher_is_better=True,
        current_value=realised,
        estimated=False,
        domain_model="logistic",
    )
    assert by_score is not None
    (attribution,) = by_score.attributions
    lines += [
        "",
        f"Re-weighted on the model's score alone (its 50 quantile bins; CBPE's assumption that "
        f"P(y | score) holds): drop {attribution.drop:.4f} of {by_score.drop:.4f} "
        f"({attribution.share:.0%}).",
    ]
    lines += _label_model(ref, cur, y_ref, labels[SHIFT_ROW:])
    # control: a changed relation on the shifted rows, a fifth of the labels flipped
    rng = np.random.default_rng(0)
    flipped = labels[SHIFT_ROW:].copy()
    flip = rng.uniform(size=flipped.size) < 0.2
    flipped[flip] = 1 - flipped[flip]
    realised = float(roc_auc_score(flipped, p_cur[SHIFT_ROW:]))
    cur = analysis.slice(SHIFT_ROW)
    boosted, seconds = _explain(ref, cur, score, realised, "boosting")
    assert boosted is not None
    lines += [
        "",
        f"Control, a changed relation (a fifth of the labels after the shift flipped): "
        f"realised {realised:.4f}, drop {boosted.drop:.4f}, explained {boosted.explained:.4f} "
        f"(ratio {boosted.explained / boosted.drop:.2f}); top features {_top(boosted)}.",
        "",
        f"Method (after the shift, boosting): {_explain(ref, cur, score, reference_value - 0.01, 'boosting')[0].method}",  # type: ignore[union-attr]  # noqa: E501
    ]
    return 0


def _features(table: pa.Table) -> np.ndarray:
    columns = []
    for name, kind in CAR_LOAN_FEATURES.items():
        values = table.column(name).to_pylist()
        if kind == ColumnType.NUMERIC:
            columns.append(np.asarray(values, dtype=float))
        else:
            levels = {v: i for i, v in enumerate(sorted({str(v) for v in values}))}
            columns.append(np.array([levels[str(v)] for v in values], dtype=float))
    return np.column_stack(columns)


def _label_model(ref: pa.Table, cur: pa.Table, y_ref: np.ndarray, y_cur: np.ndarray) -> list[str]:
    """Whether P(y | features) held: a model of the labels from the seven features, learnt
    on 40,000 reference rows, its calibration on the other 10,000 and on the current rows."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    x_ref, x_cur = _features(ref), _features(cur)
    categorical = [kind != ColumnType.NUMERIC for kind in CAR_LOAN_FEATURES.values()]
    model = HistGradientBoostingClassifier(categorical_features=categorical, random_state=0)
    model.fit(x_ref[:40_000], y_ref[:40_000])
    held, current = model.predict_proba(x_ref[40_000:])[:, 1], model.predict_proba(x_cur)[:, 1]
    out = [
        "",
        "Did P(y | features) hold? A gradient-boosted model of the labels from the seven "
        "features, learnt on 40,000 reference rows: the label rate per band of its prediction, "
        "on the 10,000 other reference rows and on the rows after the shift.",
        "",
        "| predicted | reference rows | reference label rate | current rows | current label rate |",
        "|---|---:|---:|---:|---:|",
    ]
    for low in np.arange(0.0, 1.0, 0.2):
        a, b = (held >= low) & (held < low + 0.2), (current >= low) & (current < low + 0.2)
        out.append(
            f"| {low:.1f}-{low + 0.2:.1f} | {a.sum():,} | {y_ref[40_000:][a].mean():.3f} | "
            f"{b.sum():,} | {y_cur[b].mean():.3f} |"
        )
    return out


def synthetic(lines: list[str]) -> None:
    """A planted covariate shift where the true density ratio is known, and a planted change
    of P(y | x) with the inputs unmoved."""
    from scipy.stats import norm

    rng = np.random.default_rng(5)
    n, m = 200_000, 50_000

    def side(
        size: int, shift: float, strength: float, rho: float = 0.0
    ) -> tuple[pa.Table, np.ndarray, np.ndarray]:
        x = rng.normal(shift, 1.0, size)
        noise = rng.normal(size=(size, 6))
        # z1 correlated with z2 at rho: the marginals stay put
        noise[:, 2] = rho * noise[:, 1] + np.sqrt(1.0 - rho**2) * noise[:, 2]
        # the model separates the classes less as x grows, and where z1 and z2 agree
        signal = 3.0 / (1.0 + np.exp(2.0 * x + 2.0 * noise[:, 1] * noise[:, 2]))
        logit = signal * noise[:, 0]
        labels = (rng.uniform(size=size) < 1.0 / (1.0 + np.exp(-strength * logit))).astype(int)
        columns = {"x": from_numpy(x)} | {f"z{j}": from_numpy(noise[:, j]) for j in range(6)}
        return pa.table(columns), labels, 1.0 / (1.0 + np.exp(-logit))

    ref, y, p = side(n, 0.0, 1.0)
    scorer = binary_scorer(y, p, None)
    score: Callable[[np.ndarray | None], float] = lambda w: scorer(w, metrics=AUC)["roc_auc"]  # noqa: E731
    features = dict.fromkeys(ref.column_names, ColumnType.NUMERIC)
    x = np.asarray(ref.column("x"))
    lines += [
        "",
        "## Accuracy where the truth is known (synthetic, 200,000 reference rows, 50,000 current)",
        "",
        "Seven features; the model separates the classes less as x grows and where z1 and z2 "
        "agree. 'true ratio' re-weights with the exact density ratio of the current inputs "
        "(uncapped).",
        "",
        "| case | drop | true ratio | explained (boosting) | explained (logistic) | attributions |",
        "|---|---:|---:|---:|---:|---|",
    ]
    cases = (
        ("x shifted by 1 sd", 1.0, 1.0, 0.0),
        ("z1 and z2 correlated (0.7)", 0.0, 1.0, 0.7),
        ("P(y | x) weaker", 0.0, 0.4, 0.0),
    )
    for case, shift, strength, rho in cases:
        cur, y_cur, p_cur = side(m, shift, strength, rho)
        realised = float(roc_auc_score(y_cur, p_cur))
        z1, z2 = np.asarray(ref.column("z1")), np.asarray(ref.column("z2"))
        ratio = norm.pdf(x, shift, 1.0) / norm.pdf(x, 0.0, 1.0)
        if rho:  # the bivariate normal's density over the independent one's
            ratio *= np.exp(
                -(z1**2 - 2 * rho * z1 * z2 + z2**2) / (2 * (1 - rho**2)) + (z1**2 + z2**2) / 2
            ) / np.sqrt(1 - rho**2)
        truth = score(None) - score(ratio)
        found = {}
        for model in ("boosting", "logistic"):
            found[model] = explain_drop(
                ref,
                cur,
                features,
                score,
                metric="roc_auc",
                higher_is_better=True,
                current_value=realised,
                estimated=False,
                domain_model=model,
            )
        boosted, logistic = found["boosting"], found["logistic"]
        assert boosted is not None
        assert logistic is not None
        lines.append(
            f"| {case} | {boosted.drop:.4f} | {truth:.4f} | {boosted.explained:.4f} | "
            f"{logistic.explained:.4f} | {_top(boosted)} |"
        )


def _wide(n: int, shift: float, seed: int) -> pa.Table:
    rng = np.random.default_rng(seed)
    columns: dict[str, pa.Array] = {}
    for j in range(25):
        columns[f"x{j}"] = from_numpy(rng.normal(shift if j < 3 else 0.0, 1.0, n))
    for j in range(5):
        codes = rng.integers(0, 8, n).astype(np.int32)
        dictionary = pa.array([f"level{k}" for k in range(8)])
        columns[f"c{j}"] = pa.DictionaryArray.from_arrays(from_numpy(codes), dictionary)
    return pa.table(columns)


def speed(lines: list[str], repeat: int) -> None:
    n, m = 1_000_000, 100_000
    ref, cur = _wide(n, 0.0, 1), _wide(m, 0.5, 2)
    rng = np.random.default_rng(3)
    x0 = np.asarray(ref.column("x0"))
    labels = (rng.uniform(size=n) < 1.0 / (1.0 + np.exp(-(1.5 - x0)))).astype(np.int64)
    probability = 1.0 / (1.0 + np.exp(-(1.5 - 0.5 * x0 - 0.3 * x0**2)))
    scorer = binary_scorer(labels, probability, None)
    score: Callable[[np.ndarray | None], float] = lambda w: scorer(w, metrics=AUC)["roc_auc"]  # noqa: E731
    every: Callable[[np.ndarray | None], float] = lambda w: scorer(w)["roc_auc"]  # noqa: E731
    one_call, every_call = _call_time(score, n), _call_time(every, n)
    features = {
        name: ColumnType.CATEGORICAL if name.startswith("c") else ColumnType.NUMERIC
        for name in ref.column_names
    }
    lines += [
        "",
        "## Speed: 1,000,000 reference rows x 30 features, 100,000 current rows",
        "",
        f"One call of the score at row weights (median of 5): {one_call * 1e3:.0f} ms for ROC "
        f"AUC alone, {every_call * 1e3:.0f} ms computing every classification metric. Median "
        f"of {repeat} runs; the last column is the time explain_drop spends outside the "
        "caller's score.",
        "",
        "| score | joint model | reference interval | seconds | score calls | "
        "seconds outside them |",
        "|---|---|---|---:|---:|---:|",
    ]
    loss = rng.uniform(size=n)

    def mean(w: np.ndarray | None) -> float:
        """One pass over the rows: the calls cost little, so explain_drop's own time shows."""
        return float(loss.mean()) if w is None else float(np.average(loss, weights=w))

    configs = [
        ("ROC AUC", score, model, given)
        for model in ("boosting", "logistic")
        for given in (True, False)
    ]
    configs += [("ROC AUC, every metric", every, model, True) for model in ("boosting", "logistic")]
    configs += [("weighted mean", mean, model, True) for model in ("boosting", "logistic")]
    for name, fn, model, given in configs:
        calls, scoring = 0, 0.0

        def counted(w: np.ndarray | None, fn: Callable[[np.ndarray | None], float] = fn) -> float:
            nonlocal calls, scoring
            calls += 1
            begin = time.perf_counter()
            value = fn(w)
            scoring += time.perf_counter() - begin
            return value

        base = fn(None)
        higher = name.startswith("ROC AUC")
        times, rest = [], []
        for _ in range(repeat):
            calls, scoring = 0, 0.0
            start = time.perf_counter()
            out = explain_drop(
                ref,
                cur,
                features,
                counted,
                metric=name,
                higher_is_better=higher,
                current_value=base - 0.05 if higher else base + 0.05,
                estimated=False,
                domain_model=model,
                reference_ci=(base - 0.001, base + 0.001) if given else None,
            )
            times.append(time.perf_counter() - start)
            rest.append(times[-1] - scoring)
        assert out is not None
        lines.append(
            f"| {name} | {model} | {'given' if given else 'bootstrap'} | "
            f"{statistics.median(times):.1f} | {calls} | {statistics.median(rest):.1f} |"
        )


def _call_time(score: Callable[[np.ndarray | None], float], n: int) -> float:
    """Median seconds of one call at row weights (a gather of the weights in score order)."""
    weights = np.random.default_rng(4).uniform(0.5, 1.5, n)
    times = []
    for _ in range(5):
        start = time.perf_counter()
        score(weights)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--markdown", help="also write the tables to this file")
    args = parser.parse_args()
    lines = [
        "# Explaining a performance drop",
        "",
        f"driftscope {driftscope.__version__}, Python {platform.python_version()}, "
        f"{platform.machine()}, `python benchmarks/explain.py --repeat {args.repeat}`.",
        "",
    ]
    code = car_loan(lines)
    if code:
        return code
    synthetic(lines)
    speed(lines, args.repeat)
    text = "\n".join(lines) + "\n"
    print(text)
    if args.markdown:
        Path(args.markdown).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
