"""What can be computed from two column profiles, and how exactly.

What a profile keeps decides:

- categorical columns: exact counts, so every categorical method is exact;
- binned methods on numeric columns: exact from the histograms, when both sides were counted
  on the same edges (a current profile made with ``bins=`` the reference), else counted from
  the quantile sketches with the bound on each share stated;
- methods with a moments kernel (``t_test``): exact from the counts, means and variances;
- methods with a sketch kernel (``ks``, ``wasserstein``): from the quantile sketches, with the
  error bound in the result (``details["approximate"]``, ``details["error_bound"]``);
- the other methods need the raw values and say so.

While a sketch still holds every value, :func:`driftscope.engine.column.evaluate` uses those
values instead, exactly. The choice is made from what each method declares, never its name.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import replace
from types import MappingProxyType
from typing import Any

import numpy as np

from driftscope.engine.calibration import CalibrationSettings, Measured, calibrate_result
from driftscope.engine.summary import Stats
from driftscope.errors import InputError
from driftscope.io import CategoryCounts
from driftscope.profiling import CategoricalProfile, ColumnProfile, NumericProfile, column
from driftscope.profiling.build import sketch_histogram
from driftscope.profiling.histogram import Histogram
from driftscope.profiling.sketch_stats import (
    IntArray,
    counts_on_edges,
    error_bound,
    ks_distance_of,
    weighted_sample,
)
from driftscope.result import Distribution
from driftscope.stats import Moments, TestResult, available
from driftscope.stats import get as get_method
from driftscope.stats._binning import N_BINS
from driftscope.stats.registry import NUMERIC


def missing_of(col: ColumnProfile, inf_as_missing: bool) -> tuple[int, int]:
    """(missing, total) of a column, +/-inf counted as missing when asked."""
    extra = col.n_inf if isinstance(col, NumericProfile) and inf_as_missing else 0
    return col.missing + extra, col.count + col.missing


def aligned_counts(name: str, ref: CategoricalProfile, cur: CategoricalProfile) -> CategoryCounts:
    """Both sides' category counts over the union of their categories (exact counts only)."""
    for side, col in (("reference", ref), ("current", cur)):
        if not col.exact:
            raise InputError(
                f"column {name!r} has more than {column.MAX_CATEGORIES} categories "
                f"in the {side} profile, which keeps only the most frequent ones, "
                "approximately; categorical tests need exact counts: compare raw "
                "data, or leave the column out (schema type 'ignored')"
            )
    labels = tuple(sorted(set(ref.counts) | set(cur.counts)))
    return CategoryCounts(
        labels=labels,
        reference=np.array([ref.counts.get(label, 0) for label in labels], dtype=np.int64),
        current=np.array([cur.counts.get(label, 0) for label in labels], dtype=np.int64),
        reference_missing=ref.missing,
        current_missing=cur.missing,
    )


def test_profiles(
    name: str,
    method: str,
    ref: NumericProfile,
    cur: NumericProfile,
    options: dict[str, Any],
    calibration: CalibrationSettings | None,
    *,
    threshold: float | None,
) -> Measured:
    """``method`` on column ``name`` with the most exact kernel that what the two profiles
    keep allows: counts on the reference's bins, moments, quantile sketches (with their
    bound); else an InputError saying which methods work from profiles."""
    spec = get_method(method)
    if spec.binned:
        return _binned(name, method, ref, cur, options, calibration, threshold)
    try:
        res: TestResult | None = None
        if spec.moments_kernel is not None:
            res = spec.from_moments(_moments(ref), _moments(cur), threshold=threshold, **options)
        elif spec.sketch_kernel is not None:
            res = spec.from_sketches(
                weighted_sample(ref.sketch, std=_std(ref)),
                weighted_sample(cur.sketch, std=_std(cur)),
                threshold=threshold,
                **options,
            )
    except InputError as exc:
        raise InputError(f"column {name!r}: {exc}") from None
    if res is not None:
        return Measured(res, res.threshold)  # only distances on bins are calibrated here
    usable = [
        other
        for other in available()
        if NUMERIC in get_method(other).kinds and not get_method(other).needs_raw_values
    ]
    raise InputError(
        f"{method}: needs the raw values of column {name!r}, which a profile does not "
        f"keep; from profiles use {', '.join(usable)}, or compare raw data"
    )


def sketch_ks_distance(ref: NumericProfile, cur: NumericProfile) -> float:
    """The KS distance of two columns from their quantile sketches."""
    return ks_distance_of(ref.sketch, cur.sketch)[0]


def _moments(col: NumericProfile) -> Moments:
    return Moments(col.n_finite, col.mean if col.mean is not None else 0.0, col.m2)


def _binned(
    name: str,
    method: str,
    ref: NumericProfile,
    cur: NumericProfile,
    options: dict[str, Any],
    calibration: CalibrationSettings | None,
    threshold: float | None,
) -> Measured:
    # The reference's histogram fixes the bins; a reference merged from parts counted on
    # different bins keeps none, and its quantile sketch's deciles stand in (as the current
    # data was counted on, when it was profiled against this reference). A side without
    # counts on those edges is counted from its sketch, each share within 2 eps.
    rh, ch = ref.histogram, cur.histogram
    n_bins = options.pop("n_bins", rh.n_bins if rh is not None else N_BINS)
    template = rh or sketch_histogram(name, ref, n_bins)
    if template is None or (rh is not None and n_bins != rh.n_bins):
        raise InputError(
            f"{method}: n_bins={n_bins} but the reference profile of column {name!r} "
            f"has {rh.n_bins if rh else 0} bins; profile the reference with n_bins={n_bins}"
        )
    sketched: dict[str, NumericProfile] = {}

    def counts(side: str, col: NumericProfile, kept: Histogram | None) -> IntArray:
        if kept is not None and kept.edges == template.edges:
            return np.array(kept.counts, dtype=np.int64)
        sketched[side] = col
        return counts_on_edges(col.sketch, template.edges)

    ref_counts = counts("reference", ref, rh)
    cur_counts = counts("current", cur, ch)
    res = get_method(method).from_counts(ref_counts, cur_counts, threshold=threshold, **options)
    details = {k: v for k, v in res.details.items() if k not in ("n_categories", "note")}
    details["bins"] = len(template.counts)
    if sketched:
        bound = sum(2 * error_bound(col.sketch) for col in sketched.values())
        details["approximate"] = bound > 0
        details["source"] = "counts from the quantile sketch of the " + " and ".join(sketched)
        details["share_error_bound"] = bound
    if res.degenerate:
        details["note"] = "every value of both sides falls in one bin: nothing can have drifted"
    res = replace(res, details=MappingProxyType(details))
    labels = tuple(repr(e) for e in template.edges)
    return calibrate_result(
        res,
        calibration,
        options,
        reference_counts=ref_counts,
        labels=labels,
        quantile_bins=True,  # the bins are the reference's quantiles
        n_current=int(cur_counts.sum()),
    )


def _std(col: NumericProfile) -> float:
    """Population standard deviation (ddof=0) of the finite values (inf past float64's
    range, which the JSON report writes as null)."""
    return math.sqrt(col.m2 / col.n_finite) if col.n_finite else 0.0


def profile_stats(col: NumericProfile, missing: int) -> Stats:
    """The summary numbers of a column whose sketch no longer holds every value: quartiles
    from the sketch (approximate)."""
    p25, median, p75 = col.sketch.quantiles([0.25, 0.5, 0.75])
    return {
        "count": col.n_finite,
        "missing": missing,
        "mean": col.mean,
        "std": _std(col),
        "min": col.min,
        "p25": p25,
        "median": median,
        "p75": p75,
        "max": col.max,
    }


def histogram_distribution(ref: NumericProfile, cur: NumericProfile) -> Distribution | None:
    """The shares per reference bin, for the report's chart; None without shared bins."""
    rh, ch = ref.histogram, cur.histogram
    if rh is None or ch is None or not rh.compatible(ch) or not rh.total or not ch.total:
        return None
    lows = [v for v in (ref.min, cur.min) if v is not None]
    highs = [v for v in (ref.max, cur.max) if v is not None]
    low, high = min([*lows, *rh.edges[:1]]), max([*highs, *rh.edges[-1:]])
    edges = (low, *rh.edges, high)
    labels = tuple(f"[{a:.4g}, {b:.4g})" for a, b in itertools.pairwise(edges))
    return Distribution(
        kind="histogram",
        labels=labels,
        reference=tuple(c / rh.total for c in rh.counts),
        current=tuple(c / ch.total for c in ch.counts),
        edges=edges,
    )
