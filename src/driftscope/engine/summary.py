"""Numbers and chart data that help a person read a column's result.

Computed from the already-sorted samples and the category counts the tests use, so the report
costs a few array lookups per column, not another pass over the data.
"""

from __future__ import annotations

import itertools

import numpy as np
from numpy.typing import NDArray

from driftscope.result import Distribution
from driftscope.stats._scaling import mean_std, scale_exponent

HISTOGRAM_BINS = 30
"""Equal-width bins of the numeric chart."""
CHART_TAIL = 0.005
"""The chart spans the pooled [0.5%, 99.5%] quantile range; values beyond fall in the end bins,
whose labels then say so (``< a`` / ``≥ b``), and the report draws them as tails."""
MAX_INTEGER_BINS = 60
"""Integer-valued columns spanning at most this many values get one bar per integer."""
TOP_CATEGORIES = 20
"""Categories charted one by one; the rest are summed into "(other)"."""

Stats = dict[str, float | int | str | None]


def sorted_quantile(values: NDArray[np.float64], q: float) -> float:
    """Quantile of an already-sorted array with numpy's default 'linear' rule.

    >>> sorted_quantile(np.array([1.0, 2.0, 3.0, 4.0]), 0.5)
    2.5
    """
    pos = q * (values.size - 1)
    lo = int(np.floor(pos))
    hi = min(lo + 1, values.size - 1)
    frac = pos - lo
    return float(values[lo] + (values[hi] - values[lo]) * frac)


def _fmt(x: float) -> str:
    """A bin edge for a label: four significant digits, thousands in full up to ten million.

    >>> [_fmt(v) for v in (0.04903, 21843.7, 1234567.0, 3e9)]
    ['0.04903', '21,844', '1,234,567', '3e+09']
    """
    if 1e4 <= abs(x) < 1e7:
        return f"{x:,.0f}"
    return f"{x:.4g}"


def _is_integer_valued(a: NDArray[np.float64]) -> bool:
    # A sorted sample's first few values usually settle it for continuous data.
    head = a[:64]
    if not np.all(head == np.floor(head)):
        return False
    return bool(np.all(a == np.floor(a)))


_HALF_STEPS = 2.0**52
"""Below this magnitude a float can hold every half step, so whole numbers get a bar each."""


def numeric_distribution(
    reference: NDArray[np.float64], current: NDArray[np.float64]
) -> Distribution:
    """Reference and current shares on shared equal-width bins (inputs sorted, non-empty).

    Values beyond the chart's range are counted in the end bins, whose labels then cover them:
    ``< b`` for the first, ``≥ a`` for the last (``≤ k`` / ``≥ k`` for integer bins).

    >>> d = numeric_distribution(np.arange(10.0), np.arange(10.0))
    >>> d.kind, len(d.labels), round(sum(d.reference), 6)
    ('histogram', 10, 1.0)
    >>> d = numeric_distribution(np.arange(1000.0), np.arange(1000.0))
    >>> d.labels[0], d.labels[1], d.labels[-1]
    ('< 37.96', '[37.96, 70.93)', '≥ 961')
    """
    exponent = scale_exponent(reference, current)
    if exponent:  # values near the float limit: the bin width would overflow
        reference, current = np.ldexp(reference, -exponent), np.ldexp(current, -exponent)
    lo = min(sorted_quantile(reference, CHART_TAIL), sorted_quantile(current, CHART_TAIL))
    hi = max(sorted_quantile(reference, 1 - CHART_TAIL), sorted_quantile(current, 1 - CHART_TAIL))
    integer = (
        not exponent
        and hi - lo <= MAX_INTEGER_BINS
        and max(abs(lo), abs(hi)) < _HALF_STEPS  # past it, x +- 0.5 rounds back to x
        and _is_integer_valued(reference)
        and _is_integer_valued(current)
    )
    if integer:
        low = min(float(reference[0]), float(current[0]))
        high = max(float(reference[-1]), float(current[-1]))
        if high - low <= MAX_INTEGER_BINS:  # every value gets its own bar
            lo, hi = low, high
        edges = np.arange(np.floor(lo) - 0.5, np.floor(hi) + 1.0, 1.0)
        names = [_fmt(e + 0.5) for e in edges[:-1]]
        first, last = f"≤ {names[0]}", f"≥ {names[-1]}"
    else:
        if not hi > lo:  # one value: a unit around it, or a relative one where 0.5 rounds away
            pad = max(0.5, abs(lo) * 1e-9)
            lo, hi = lo - pad, hi + pad
        edges = np.ldexp(np.linspace(lo, hi, HISTOGRAM_BINS + 1), exponent)
        names = [f"[{_fmt(a)}, {_fmt(b)})" for a, b in itertools.pairwise(edges)]
        first, last = f"< {_fmt(edges[1])}", f"≥ {_fmt(edges[-2])}"
        edges = np.ldexp(edges, -exponent)
    # The end bins also count the values beyond the range (see shares): say so in their labels.
    below = min(reference[0], current[0]) < edges[0]
    above = max(reference[-1], current[-1]) > edges[-1]
    if below:
        names[0] = first
    if above:
        names[-1] = "all values" if below and len(names) == 1 else last
    labels = tuple(names)
    inner = edges[1:-1]

    def shares(sample: NDArray[np.float64]) -> tuple[float, ...]:
        cut = np.searchsorted(sample, inner, side="left")
        counts = np.diff(np.concatenate(([0], cut, [sample.size])))
        return tuple(float(x) for x in counts / sample.size)

    return Distribution(
        kind="histogram",
        labels=labels,
        reference=shares(reference),
        current=shares(current),
        edges=tuple(float(e) for e in np.ldexp(edges, exponent)),
    )


def numeric_stats(values: NDArray[np.float64], n_missing: int) -> Stats:
    """Count, missing, mean, std, min, quartiles and max of a sorted sample."""
    if values.size == 0:
        return {"count": 0, "missing": n_missing}
    mean, std = mean_std(values)
    return {
        "count": int(values.size),
        "missing": int(n_missing),
        "mean": mean,
        "std": std,
        "min": float(values[0]),
        "p25": sorted_quantile(values, 0.25),
        "median": sorted_quantile(values, 0.5),
        "p75": sorted_quantile(values, 0.75),
        "max": float(values[-1]),
    }


def category_distribution(
    labels: tuple[str, ...], reference: NDArray[np.int64], current: NDArray[np.int64]
) -> Distribution:
    """Shares of the most frequent categories (by pooled share), the rest as "(other)".

    >>> d = category_distribution(("a", "b"), np.array([3, 1]), np.array([1, 3]))
    >>> d.labels, d.reference
    (('a', 'b'), (0.75, 0.25))
    """
    ref_total = max(int(reference.sum()), 1)
    cur_total = max(int(current.sum()), 1)
    ref_share = reference / ref_total
    cur_share = current / cur_total
    order = np.argsort(-(ref_share + cur_share), kind="stable")
    top = order[:TOP_CATEGORIES]
    rest = order[TOP_CATEGORIES:]
    names = [labels[i] for i in top]
    ref_out = [float(ref_share[i]) for i in top]
    cur_out = [float(cur_share[i]) for i in top]
    if rest.size:
        names.append("(other)")
        ref_out.append(float(ref_share[rest].sum()))
        cur_out.append(float(cur_share[rest].sum()))
    return Distribution(
        kind="bars", labels=tuple(names), reference=tuple(ref_out), current=tuple(cur_out)
    )


def category_stats(
    labels: tuple[str, ...],
    counts: NDArray[np.int64],
    n_missing: int,
    *,
    new: NDArray[np.bool_] | None = None,
) -> Stats:
    """Count, missing, number of categories, those seen once and twice (``singletons``,
    ``doubletons``: Good-Turing's share of unseen values and its spread), most frequent one;
    for current, the new categories."""
    present = counts > 0
    out: Stats = {
        "count": int(counts.sum()),
        "missing": int(n_missing),
        "categories": int(present.sum()),
        "singletons": int(np.count_nonzero(counts == 1)),
        "doubletons": int(np.count_nonzero(counts == 2)),
        "most_frequent": labels[int(np.argmax(counts))] if counts.size and counts.sum() else None,
    }
    if new is not None:
        out["new_categories"] = int(new.sum())
        total = int(counts.sum())
        out["new_category_share"] = float(counts[new].sum() / total) if total else 0.0
    return out
