"""Reports built straight from the model dataclasses, for the HTML renderer's tests.

The realistic report has numeric, integer, categorical, boolean, errored and untested columns,
with statistics computed by scipy from seeded samples, and hostile strings (markup, quotes,
ampersands, a closing </svg>) in a column name, a category label, a source and an error text.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray
from scipy import stats

from driftscope._types import ColumnType, Role
from driftscope.decision.decide import Decision
from driftscope.result import (
    ColumnResult,
    DatasetVerdict,
    Distribution,
    DriftReport,
    Effect,
    Source,
    Summary,
)
from driftscope.stats import TestResult

FLAT = (
    "name", "type", "role", "method", "statistic", "p_value", "threshold", "higher_is_drift",
    "drifted", "details", "reference_missing_share", "current_missing_share",
    "reference_stats", "current_stats", "distribution", "effect_size", "effect_measure",
    "effect_threshold", "detectable_effect", "severity", "p_value_adjusted", "error", "note",
    "also", "importance",
)  # fmt: skip
"""The flat view of a row (ColumnResult's properties and fields), as these tests write it."""


def column_result(**flat: Any) -> ColumnResult:
    """A row from its flat fields, composed into the typed parts as the engine composes it."""
    statistic, method, threshold = flat.pop("statistic", None), flat["method"], None
    threshold = flat.pop("threshold", None)
    p_value, higher = flat.pop("p_value", None), flat.pop("higher_is_drift", None)
    drifted, details = flat.pop("drifted", False), flat.pop("details", None) or {}
    test = None
    if method is not None and statistic is not None and threshold is not None:
        test = TestResult(method, statistic, p_value, threshold, bool(higher), drifted, details)
    summary = Summary(
        reference_missing_share=flat.pop("reference_missing_share", 0.0),
        current_missing_share=flat.pop("current_missing_share", 0.0),
        reference_stats=flat.pop("reference_stats", None) or {},
        current_stats=flat.pop("current_stats", None) or {},
        distribution=flat.pop("distribution", None),
    )
    size, measure = flat.pop("effect_size", None), flat.pop("effect_measure", None)
    minimum, detectable = flat.pop("effect_threshold", None), flat.pop("detectable_effect", None)
    effect = None
    if size is not None:
        effect = Effect(size, measure or method or "", minimum, detectable=detectable)
    severity = flat.pop("severity", None)
    decision = flat.pop("decision", None)
    if decision is None and (severity not in (None, "none") or drifted):
        status = "drift" if drifted else "ok"
        decision = Decision(drifted, True, severity or "warning", status)
    return ColumnResult(summary=summary, test=test, effect=effect, decision=decision, **flat)


def changed(col: ColumnResult, **changes: Any) -> ColumnResult:
    """``col`` with flat fields changed (``dataclasses.replace`` on the flat view)."""
    flat = {name: getattr(col, name) for name in FLAT}
    if not {"drifted", "severity"} & set(changes):
        flat["decision"] = col.decision
    flat.update(changes)
    return column_result(**flat)


@dataclass(frozen=True)
class Hostile:
    """Strings that would run script or break the markup if they were not escaped."""

    name: str = "<script>alert(1)</script> \"q\" 'a' & </svg><img src=x onerror=alert(2)>"
    label: str = '</svg><script>alert(3)</script>&amp; "x"\''
    source: str = '"><script>alert(4)</script>&<!-- ref.parquet'
    error: str = "</details></svg><script>alert(5)</script> & <b onmouseover=alert(6)>boom</b>"

    def fields(self) -> dict[str, str]:
        return {"name": self.name, "label": self.label, "source": self.source, "error": self.error}


HOSTILE = Hostile()
SHARE_THRESHOLD = 0.5


def histogram(ref: NDArray[np.float64], cur: NDArray[np.float64], bins: int = 30) -> Distribution:
    """Shares of both samples on equal-width bins over the pooled range."""
    edges = np.linspace(min(ref.min(), cur.min()), max(ref.max(), cur.max()), bins + 1)
    r, _ = np.histogram(ref, edges)
    c, _ = np.histogram(cur, edges)
    labels = tuple(f"[{a:.4g}, {b:.4g})" for a, b in itertools.pairwise(edges))
    return Distribution(
        kind="histogram",
        labels=labels,
        reference=tuple((r / ref.size).tolist()),
        current=tuple((c / cur.size).tolist()),
        edges=tuple(edges.tolist()),
    )


def bars(
    labels: list[str], ref_counts: NDArray[np.int64], cur_counts: NDArray[np.int64]
) -> Distribution:
    return Distribution(
        kind="bars",
        labels=tuple(labels),
        reference=tuple((ref_counts / ref_counts.sum()).tolist()),
        current=tuple((cur_counts / cur_counts.sum()).tolist()),
    )


def numeric_stats(x: NDArray[np.float64]) -> dict[str, float | int | str | None]:
    return {
        "count": int(x.size),
        "mean": float(x.mean()),
        "std": float(x.std()),
        "min": float(x.min()),
        "median": float(np.median(x)),
        "max": float(x.max()),
    }


def ks_column(name: str, ref: NDArray[np.float64], cur: NDArray[np.float64]) -> ColumnResult:
    res = stats.ks_2samp(ref, cur)
    return column_result(
        name=name,
        type=ColumnType.NUMERIC,
        role=Role.FEATURE,
        method="ks",
        statistic=float(res.statistic),
        p_value=float(res.pvalue),
        threshold=0.05,
        higher_is_drift=False,
        drifted=bool(res.pvalue < 0.05),
        reference_missing_share=0.0,
        current_missing_share=0.012,
        distribution=histogram(ref, cur),
        reference_stats=numeric_stats(ref),
        current_stats=numeric_stats(cur),
        details={"n_reference": ref.size, "alternative": "two-sided"},
    )


def wasserstein_column(
    name: str, ref: NDArray[np.float64], cur: NDArray[np.float64]
) -> ColumnResult:
    value = stats.wasserstein_distance(ref, cur) / ref.std()
    return column_result(
        name=name,
        type=ColumnType.NUMERIC,
        role=Role.FEATURE,
        method="wasserstein",
        statistic=float(value),
        p_value=None,
        threshold=0.1,
        higher_is_drift=True,
        drifted=bool(value >= 0.1),
        reference_missing_share=0.0,
        current_missing_share=0.0,
        distribution=histogram(ref, cur),
        reference_stats=numeric_stats(ref),
        current_stats=numeric_stats(cur),
    )


def chi2_column(
    name: str,
    labels: list[str],
    ref_counts: NDArray[np.int64],
    cur_counts: NDArray[np.int64],
    *,
    kind: ColumnType = ColumnType.CATEGORICAL,
    role: Role = Role.FEATURE,
) -> ColumnResult:
    res = stats.chi2_contingency(np.vstack([ref_counts, cur_counts]), correction=False)
    return column_result(
        name=name,
        type=kind,
        role=role,
        method="chi2",
        statistic=float(res.statistic),
        p_value=float(res.pvalue),
        threshold=0.05,
        higher_is_drift=False,
        drifted=bool(res.pvalue < 0.05),
        reference_missing_share=0.00004,
        current_missing_share=0.25,
        distribution=bars(labels, ref_counts, cur_counts),
        reference_stats={
            "count": int(ref_counts.sum()),
            "categories": len(labels),
            "most_frequent": labels[int(np.argmax(ref_counts))],
        },
        current_stats={
            "count": int(cur_counts.sum()),
            "categories": len(labels),
            "most_frequent": labels[int(np.argmax(cur_counts))],
        },
    )


def verdict(columns: list[ColumnResult]) -> DatasetVerdict:
    tested = [c for c in columns if c.method is not None and c.error is None]
    drifted = sum(c.drifted for c in tested)
    share = drifted / len(tested) if tested else 0.0
    # As the engine's verdict would have it: the share reached makes it major.
    reached = drifted > 0 and share >= SHARE_THRESHOLD
    severity = "major" if reached else "warning" if drifted else "none"
    return DatasetVerdict(
        drifted=reached,
        severity=severity,
        share_reached=reached,
        drifted_columns=drifted,
        columns=len(tested),
        drift_share=share,
        share_threshold=SHARE_THRESHOLD,
    )


def make_report(
    columns: list[ColumnResult], *, reference_source: str = "reference.parquet"
) -> DriftReport:
    return DriftReport(
        reference=Source(rows=4000, source=reference_source),
        current=Source(rows=3500, source="current.parquet"),
        dataset=verdict(columns),
        columns=tuple(columns),
        created_at="2026-11-25T12:00:00Z",
        driftscope_version="0.1.0",
        options={"n_bins": 10, "share_threshold": SHARE_THRESHOLD, "columns": ["a", "b"]},
    )


def realistic_columns(seed: int = 7) -> list[ColumnResult]:
    rng = np.random.default_rng(seed)
    n = 2000
    plans = ["basic", "plus", "pro", "enterprise"]
    return [
        ks_column("age", rng.normal(40, 10, n), rng.normal(44, 11, n)),
        wasserstein_column("income", rng.lognormal(10, 0.5, n), rng.lognormal(10.02, 0.5, n)),
        ks_column(
            "tenure_days", rng.poisson(30, n).astype(float), rng.poisson(30, n).astype(float)
        ),
        chi2_column(
            "plan",
            plans,
            rng.multinomial(n, [0.4, 0.3, 0.2, 0.1]),
            rng.multinomial(n, [0.25, 0.3, 0.3, 0.15]),
        ),
        chi2_column(
            "is_active",
            ["false", "true"],
            rng.multinomial(n, [0.3, 0.7]),
            rng.multinomial(n, [0.31, 0.69]),
            kind=ColumnType.BOOLEAN,
        ),
        chi2_column(
            HOSTILE.name,
            ["a", HOSTILE.label, "c"],
            rng.multinomial(n, [0.5, 0.3, 0.2]),
            rng.multinomial(n, [0.2, 0.3, 0.5]),
        ),
        column_result(
            name="all_missing",
            type=ColumnType.NUMERIC,
            role=Role.FEATURE,
            method=None,
            statistic=None,
            p_value=None,
            threshold=None,
            higher_is_drift=None,
            drifted=False,
            reference_missing_share=1.0,
            current_missing_share=1.0,
            error="all values are missing in reference and current",
        ),
        column_result(
            name="notes",
            type=ColumnType.TEXT,
            role=Role.FEATURE,
            method=None,
            statistic=None,
            p_value=None,
            threshold=None,
            higher_is_drift=None,
            drifted=False,
            reference_missing_share=0.0,
            current_missing_share=0.0,
            error=HOSTILE.error,
        ),
        column_result(
            name="customer_id",
            type=ColumnType.CATEGORICAL,
            role=Role.ID,
            method=None,
            statistic=None,
            p_value=None,
            threshold=None,
            higher_is_drift=None,
            drifted=False,
            reference_missing_share=0.0,
            current_missing_share=0.0,
        ),
    ]


def wide_columns(n: int, seed: int = 1) -> list[ColumnResult]:
    """``n`` tested columns with synthetic results: two thirds numeric (30-bin histograms), one
    third categorical (20 labels and "(other)"), about a third drifted."""
    rng = np.random.default_rng(seed)
    unit = np.linspace(-3, 3, 31)
    # Standard normal shares on [-3, 3], unshifted and shifted by half a deviation: computed
    # once, since each numeric column is the same shape on its own scale.
    shares = {shift: np.diff(stats.norm.cdf(unit - shift)).tolist() for shift in (0.0, 0.5)}
    cols = []
    for i in range(n):
        drifted = rng.random() < 0.3
        if i % 3 == 2:
            labels = [f"category_{k:02d}_{'x' * (k % 7)}" for k in range(20)] + ["(other)"]
            ref = rng.dirichlet(np.ones(21))
            cur = rng.dirichlet(np.ones(21))
            dist = Distribution("bars", tuple(labels), tuple(ref.tolist()), tuple(cur.tolist()))
            kind, method = ColumnType.CATEGORICAL, "chi2"
        else:
            edges = (unit * (1 + i)).tolist()
            labels = [f"[{a:.4g}, {b:.4g})" for a, b in itertools.pairwise(edges)]
            dist = Distribution(
                "histogram",
                tuple(labels),
                tuple(shares[0.0]),
                tuple(shares[0.5 if drifted else 0.0]),
                tuple(edges),
            )
            kind, method = ColumnType.NUMERIC, "ks"
        p = float(10 ** -rng.uniform(3, 12)) if drifted else float(rng.uniform(0.05, 1))
        cols.append(
            column_result(
                name=f"feature_{i:04d}",
                type=kind,
                role=Role.FEATURE,
                method=method,
                statistic=float(rng.uniform(0, 0.3)),
                p_value=p,
                threshold=0.05,
                higher_is_drift=False,
                drifted=drifted,
                reference_missing_share=0.0,
                current_missing_share=float(rng.uniform(0, 0.05)),
                distribution=dist,
                reference_stats={"count": 10000, "mean": float(rng.normal())},
                current_stats={"count": 9000, "mean": float(rng.normal())},
            )
        )
    return cols


def expected_severity(col: ColumnResult) -> float:
    """Severity computed here from the statistic, independently of ColumnResult.severity_score."""
    if col.method is None or col.error is not None or col.statistic is None:
        return 0.0
    assert col.threshold is not None  # every tested column built above has one
    if col.higher_is_drift:
        return col.statistic / col.threshold
    assert col.p_value is not None
    return math.log10(col.p_value) / math.log10(col.threshold)


@pytest.fixture
def hostile() -> Hostile:
    return HOSTILE


@pytest.fixture(scope="session")
def realistic_report() -> DriftReport:
    return make_report(realistic_columns(), reference_source=HOSTILE.source)


@pytest.fixture(scope="session")
def wide_report() -> Callable[[int], DriftReport]:
    """A factory: ``wide_report(n)`` is a report of ``n`` synthetic tested columns."""

    def build(n: int) -> DriftReport:
        return make_report(wide_columns(n))

    return build


@pytest.fixture
def severity() -> Callable[[ColumnResult], float]:
    return expected_severity


LONG_NAME = "customer_lifetime_value_estimated_by_the_quarterly_marketing_attribution_model_" * 3
LONG_CATEGORY = "merchant_category_" + "x" * 70 + " wholesale and retail trade of everything " * 3


def long_names_columns(seed: int = 11) -> list[ColumnResult]:
    """The realistic columns with a 240-character column name, a 200-character category that is
    the most frequent on both sides, and a p-value far below 1e-100."""
    rng = np.random.default_rng(seed)
    n = 4000
    columns = realistic_columns(seed)
    columns[0] = ks_column(LONG_NAME, rng.normal(40, 10, n), rng.normal(48, 10, n))
    columns[3] = chi2_column(
        "plan_" + "y" * 200,
        ["basic", LONG_CATEGORY[:200], "pro", "enterprise"],
        rng.multinomial(n, [0.2, 0.45, 0.25, 0.1]),
        rng.multinomial(n, [0.25, 0.4, 0.2, 0.15]),
    )
    return columns


def psi(ref: NDArray[np.float64], cur: NDArray[np.float64], bins: int = 10) -> float:
    """Population stability index on the reference's deciles, with empty bins floored."""
    edges = np.quantile(ref, np.linspace(0, 1, bins + 1))[1:-1]
    r = np.bincount(np.searchsorted(edges, ref, side="right"), minlength=bins) / ref.size
    c = np.bincount(np.searchsorted(edges, cur, side="right"), minlength=bins) / cur.size
    r, c = np.maximum(r, 1e-4), np.maximum(c, 1e-4)
    return float(np.sum((c - r) * np.log(c / r)))


def psi_column(name: str, ref: NDArray[np.float64], cur: NDArray[np.float64]) -> ColumnResult:
    value = psi(ref, cur)
    return column_result(
        name=name,
        type=ColumnType.NUMERIC,
        role=Role.FEATURE,
        method="psi",
        statistic=value,
        p_value=None,
        threshold=0.2,
        higher_is_drift=True,
        drifted=value >= 0.2,
        reference_missing_share=0.0,
        current_missing_share=0.0,
        distribution=histogram(ref, cur),
        reference_stats=numeric_stats(ref),
        current_stats=numeric_stats(cur),
    )


def mixed_methods_columns(seed: int = 5) -> list[ColumnResult]:
    """The realistic columns and four psi columns of growing shift (psi from about 0 to 1)."""
    rng = np.random.default_rng(seed)
    n = 3000
    shifted = [
        psi_column(f"score_{k}", rng.normal(0, 1, n), rng.normal(shift, 1, n))
        for k, shift in enumerate((0.05, 0.3, 0.6, 1.0))
    ]
    return [*realistic_columns(seed), *shifted]


@pytest.fixture(scope="session")
def long_names_report() -> DriftReport:
    return make_report(long_names_columns())


@pytest.fixture(scope="session")
def mixed_methods_report() -> DriftReport:
    return make_report(mixed_methods_columns())


@pytest.fixture(scope="session")
def diagnosed_report(tmp_path_factory: pytest.TempPathFactory) -> DriftReport:
    """A report from ``compare`` with every diagnosis: a model's measured performance and its
    drop explained, concept drift, the segment search (a localized drift and an error
    pocket in a region named with markup) and constraint violations with their constraint."""
    import driftscope
    from driftscope.quality import infer_constraints, save_constraints

    pocket = HOSTILE.label

    def side(seed: int, *, changed: bool) -> dict[str, Any]:
        rng = np.random.default_rng(seed)
        n = 12_000
        region = rng.choice([pocket, "south", "east", "west"], n, p=[0.1, 0.3, 0.3, 0.3])
        device = rng.choice(["ios", "android"], n)
        amount = rng.normal(100, 15, n)
        age = rng.normal(40, 4 if changed else 10, n)
        if changed:
            amount[region == pocket] += 30
        p = 1 / (1 + np.exp(-(0.05 * (amount - 100) + 0.08 * (age - 40))))
        y = (rng.uniform(size=n) < p).astype(np.int64)
        if changed:
            hit = (region == pocket) & (device == "android")
            y[hit] = rng.integers(0, 2, int(hit.sum()))
            amount[:200] = -999.0
        return {"region": region, "device": device, "amount": amount, "age": age, "y": y,
                "score": p}  # fmt: skip

    reference = side(0, changed=False)
    path = tmp_path_factory.mktemp("constraints") / "constraints.yaml"
    save_constraints(infer_constraints(reference), path)
    return driftscope.compare(
        reference, side(1, changed=True), target="y", probability="score", segments=True,
        constraints=path,
    )  # fmt: skip


@pytest.fixture(scope="session")
def multivariate_report() -> DriftReport:
    """A report from ``compare`` with all three multivariate tests: two features (one named
    with markup) whose correlation turns from +0.8 to -0.8, which no column shows alone."""
    import driftscope

    def side(seed: int, corr: float) -> dict[str, Any]:
        rng = np.random.default_rng(seed)
        x = rng.normal(size=6_000)
        return {
            HOSTILE.name: x,
            "spend": corr * x + np.sqrt(1 - corr**2) * rng.normal(size=6_000),
            "plan": rng.choice(["free", "pro", HOSTILE.label], 6_000),
        }

    return driftscope.compare(
        side(1, 0.8), side(2, -0.8), multivariate=["mmd", "classifier", "reconstruction"]
    )
