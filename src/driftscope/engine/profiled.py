"""Evaluate a column from two profiles instead of two samples.

What a profile keeps decides what can be computed, and how exactly:

- categorical columns: exact counts, so every categorical method is exact;
- binned methods on numeric columns: exact from the histograms, when both sides were counted
  on the same edges (a current profile made with ``bins=`` the reference);
- ``t_test``: exact from the counts, means and variances;
- ``ks`` and ``wasserstein``: from the quantile sketches, with the error bound in the result
  (``details["approximate"]``, ``details["error_bound"]``); exact while both sketches still
  hold every value, as every numeric method then is;
- the other methods need the raw values and say so.
"""

from __future__ import annotations

import itertools
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any

import numpy as np

from driftscope._types import ColumnType
from driftscope.decision import KS_DISTANCE
from driftscope.engine.calibration import CalibrationSettings, calibrate_result
from driftscope.engine.column import (
    _effect,
    _result,
    _share,
    evaluate_counts,
    numeric_error,
    run_also,
    test_sorted,
)
from driftscope.engine.plan import ColumnPlan
from driftscope.engine.summary import Stats, numeric_stats
from driftscope.errors import InputError
from driftscope.io import CategoryCounts
from driftscope.profiling import (
    CategoricalProfile,
    ColumnProfile,
    NumericProfile,
    Profile,
    column,
)
from driftscope.profiling.build import sketch_histogram
from driftscope.profiling.histogram import Histogram
from driftscope.profiling.sketch_stats import (
    FloatArray,
    IntArray,
    counts_on_edges,
    error_bound,
    exact_values,
    ks_distance_of,
    weighted_sample,
)
from driftscope.report.model import ColumnResult, Distribution
from driftscope.stats import Moments, TestResult, available
from driftscope.stats import get as get_method
from driftscope.stats._binning import N_BINS
from driftscope.stats.registry import NUMERIC


@dataclass(frozen=True, slots=True)
class ProfileSide:
    """A profile as one side of a comparison (see :class:`driftscope.engine.plan.Side`)."""

    profile: Profile
    source: str

    @property
    def column_names(self) -> list[str]:
        return list(self.profile.columns)

    def column_type(self, name: str) -> ColumnType | None:
        column = self.profile[name]
        return column.column_type if column.count else None

    def looks_like_id(self, name: str) -> bool:
        del name  # profiles leave identifiers out when they are built
        return False

    def zero_one(self, name: str) -> bool:
        del name  # a profiled numeric column keeps no category counts to test as a flag
        return False


def _missing(col: ColumnProfile, inf_as_missing: bool) -> tuple[int, int]:
    """(missing, total) of a column, +/-inf counted as missing when asked."""
    extra = col.n_inf if isinstance(col, NumericProfile) and inf_as_missing else 0
    return col.missing + extra, col.count + col.missing


def untested_profiled(
    plan: ColumnPlan, ref: ColumnProfile, cur: ColumnProfile, error: str | None = None
) -> ColumnResult:
    """The row of a column reported but not tested."""
    ref_missing, ref_total = _missing(ref, False)
    cur_missing, cur_total = _missing(cur, False)
    return ColumnResult(
        name=plan.name,
        type=plan.type,
        role=plan.role,
        method=plan.method if error else None,
        statistic=None,
        p_value=None,
        threshold=None,
        higher_is_drift=None,
        drifted=False,
        reference_missing_share=_share(ref_missing, ref_total),
        current_missing_share=_share(cur_missing, cur_total),
        error=error or plan.error,
        note=plan.note,
    )


def evaluate_profiled(
    plan: ColumnPlan,
    ref: ColumnProfile,
    cur: ColumnProfile,
    *,
    inf_as_missing: bool,
    params: Mapping[str, Any],
    calibration: CalibrationSettings | None = None,
) -> ColumnResult:
    """One column's row of the report, from the two sides' column profiles."""
    if not plan.tested:
        return untested_profiled(plan, ref, cur)
    try:
        if isinstance(ref, CategoricalProfile) and isinstance(cur, CategoricalProfile):
            for side, col in (("reference", ref), ("current", cur)):
                if not col.exact:
                    raise InputError(
                        f"column {plan.name!r} has more than {column.MAX_CATEGORIES} categories "
                        f"in the {side} profile, which keeps only the most frequent ones, "
                        "approximately; categorical tests need exact counts: compare raw "
                        "data, or leave the column out (schema type 'ignored')"
                    )
            return evaluate_counts(plan, _aligned(ref, cur), params=params, calibration=calibration)
        if isinstance(ref, NumericProfile) and isinstance(cur, NumericProfile):
            return _evaluate_numeric(plan, ref, cur, inf_as_missing, params, calibration)
        raise InputError(
            f"column {plan.name!r} was profiled as {ref.column_type} in the reference but "
            f"{cur.column_type} in the current data; profile both with the same schema"
        )
    except InputError as exc:
        return untested_profiled(plan, ref, cur, str(exc))


def _aligned(ref: CategoricalProfile, cur: CategoricalProfile) -> CategoryCounts:
    labels = tuple(sorted(set(ref.counts) | set(cur.counts)))
    return CategoryCounts(
        labels=labels,
        reference=np.array([ref.counts.get(label, 0) for label in labels], dtype=np.int64),
        current=np.array([cur.counts.get(label, 0) for label in labels], dtype=np.int64),
        reference_missing=ref.missing,
        current_missing=cur.missing,
    )


def _evaluate_numeric(
    plan: ColumnPlan,
    ref: NumericProfile,
    cur: NumericProfile,
    inf_as_missing: bool,
    params: Mapping[str, Any],
    calibration: CalibrationSettings | None,
) -> ColumnResult:
    method = plan.method or "ks"
    ref_missing, ref_total = _missing(ref, inf_as_missing)
    cur_missing, cur_total = _missing(cur, inf_as_missing)
    # While a sketch still holds every value, those values stand in for the sample.
    ref_values, cur_values = exact_values(ref.sketch), exact_values(cur.sketch)
    stats_r, stats_c = _stats(ref, ref_missing, ref_values), _stats(cur, cur_missing, cur_values)
    shares = (_share(ref_missing, ref_total), _share(cur_missing, cur_total))
    error = numeric_error(
        plan.name,
        [("reference", ref.n_inf, ref.n_finite), ("current", cur.n_inf, cur.n_finite)],
        inf_as_missing=inf_as_missing,
    )
    if error is not None:
        return _result(
            plan, method, None, *shares, error, reference_stats=stats_r, current_stats=stats_c
        )
    if ref_values is not None and cur_values is not None:
        # Both sketches still hold every value: the raw-data path, exactly.
        res, extra = test_sorted(
            plan, method, ref_values, cur_values, params=params, calibration=calibration
        )
    else:
        res = _from_profiles(plan, method, ref, cur, dict(params.get(method, {})), calibration)
        default = replace(plan, threshold=None)
        also = run_also(
            plan,
            lambda m: _from_profiles(default, m, ref, cur, dict(params.get(m, {})), calibration),
        )

        def ks_size() -> float:
            # D itself for ks, exact or from the sketches
            return (
                res.statistic if res.method == "ks" else ks_distance_of(ref.sketch, cur.sketch)[0]
            )

        extra = {
            "distribution": _histogram_distribution(ref, cur),
            "also": also,
            **_effect(res, KS_DISTANCE, ks_size),
        }
    return _result(
        plan, method, res, *shares, reference_stats=stats_r, current_stats=stats_c, **extra
    )


def _from_profiles(
    plan: ColumnPlan,
    method: str,
    ref: NumericProfile,
    cur: NumericProfile,
    options: dict[str, Any],
    calibration: CalibrationSettings | None,
) -> TestResult:
    """The method's most exact kernel that what the two profiles keep allows: counts on the
    reference's bins, moments, quantile sketches (with their bound); else the column error."""
    spec = get_method(method)
    if spec.binned:
        return _binned(plan, method, ref, cur, options, calibration)
    try:
        if spec.moments_kernel is not None:
            return spec.from_moments(
                _moments(ref), _moments(cur), threshold=plan.threshold, **options
            )
        if spec.sketch_kernel is not None:
            return spec.from_sketches(
                weighted_sample(ref.sketch, std=_std(ref)),
                weighted_sample(cur.sketch, std=_std(cur)),
                threshold=plan.threshold,
                **options,
            )
    except InputError as exc:
        raise InputError(f"column {plan.name!r}: {exc}") from None
    usable = [
        name
        for name in available()
        if NUMERIC in get_method(name).kinds and not get_method(name).needs_raw_values
    ]
    raise InputError(
        f"{method}: needs the raw values of column {plan.name!r}, which a profile does not "
        f"keep; from profiles use {', '.join(usable)}, or compare raw data"
    )


def _moments(col: NumericProfile) -> Moments:
    return Moments(col.n_finite, col.mean if col.mean is not None else 0.0, col.m2)


def _binned(
    plan: ColumnPlan,
    method: str,
    ref: NumericProfile,
    cur: NumericProfile,
    options: dict[str, Any],
    calibration: CalibrationSettings | None,
) -> TestResult:
    # The reference's histogram fixes the bins; a reference merged from parts counted on
    # different bins keeps none, and its quantile sketch's deciles stand in (as the current
    # data was counted on, when it was profiled against this reference). A side without
    # counts on those edges is counted from its sketch, each share within 2 eps.
    rh, ch = ref.histogram, cur.histogram
    n_bins = options.pop("n_bins", rh.n_bins if rh is not None else N_BINS)
    template = rh or sketch_histogram(plan.name, ref, n_bins)
    if template is None or (rh is not None and n_bins != rh.n_bins):
        raise InputError(
            f"{method}: n_bins={n_bins} but the reference profile of column {plan.name!r} "
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
    res = get_method(method).from_counts(
        ref_counts, cur_counts, threshold=plan.threshold, **options
    )
    details = {k: v for k, v in res.details.items() if k not in ("n_categories", "note")}
    details["bins"] = len(template.counts)
    if sketched:
        bound = sum(2 * error_bound(col.sketch) for col in sketched.values())
        details["approximate"] = bound > 0
        details["source"] = "counts from the quantile sketch of the " + " and ".join(sketched)
        details["share_error_bound"] = bound
    if "note" in res.details:
        details["note"] = "every value of both sides falls in one bin: nothing can have drifted"
    res = replace(res, details=MappingProxyType(details))
    labels = tuple(repr(e) for e in template.edges)
    return calibrate_result(
        res,
        calibration,
        options,
        reference_counts=ref_counts,
        labels=labels,
        n_current=int(cur_counts.sum()),
    )


def _std(col: NumericProfile) -> float:
    """Population standard deviation (ddof=0) of the finite values (inf past float64's
    range, which the JSON report writes as null)."""
    return math.sqrt(col.m2 / col.n_finite) if col.n_finite else 0.0


def _stats(col: NumericProfile, missing: int, exact: FloatArray | None) -> Stats:
    """The summary numbers of a column: from its ``exact`` values while the sketch holds
    them all, else with quartiles from the sketch (approximate)."""
    if exact is not None:
        return numeric_stats(exact, missing)
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


def _histogram_distribution(ref: NumericProfile, cur: NumericProfile) -> Distribution | None:
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


def is_profile_input(data: object) -> bool:
    """Whether ``data`` is a Profile or the path of a ``.dsprof`` file."""
    from driftscope.profiling.files import is_profile_path

    if isinstance(data, Profile):
        return True
    return isinstance(data, str | os.PathLike) and is_profile_path(os.fspath(data))


def profile_sides(
    reference: object,
    current: object,
    *,
    schema: Mapping[str, str | ColumnType] | None,
    encodings: tuple[str, str],
    delimiter: str | None = None,
) -> tuple[ProfileSide, ProfileSide]:
    """Both sides as profiles: profiles and ``.dsprof`` files as they are, raw data profiled.

    Raw current data is counted on the reference profile's bins; a raw reference gets its own
    exact quantile bins. Paths are streamed in chunks, so their size does not matter.
    """
    types = {
        name: value
        for name, value in (schema or {}).items()
        if str(value) not in ("id", "ignored", "timestamp")  # roles: for planning only
    }
    ref = _load(reference) if is_profile_input(reference) else None
    cur = _load(current) if is_profile_input(current) else None
    if ref is None:
        assert cur is not None
        ref = _profile_raw(reference, types, encodings[0], delimiter, bins=None)
    if cur is None:
        cur = _profile_raw(current, types, encodings[1], delimiter, bins=ref.profile)
    for label, side in (("reference", ref), ("current", cur)):
        if side.profile.n_rows == 0:
            raise InputError(f"{side.source}: the {label} dataset has no rows")
    return ref, cur


def _load(data: object) -> ProfileSide:
    from driftscope.profiling.files import read_profile

    if isinstance(data, Profile):
        return ProfileSide(data, "<Profile>")
    path = os.fspath(data)  # type: ignore[call-overload]
    return ProfileSide(read_profile(path), str(path))


def _profile_raw(
    data: object,
    types: Mapping[str, str | ColumnType],
    encoding: str,
    delimiter: str | None,
    *,
    bins: Profile | None,
) -> ProfileSide:
    from driftscope.io import read_dataset
    from driftscope.profiling.build import bins_of, overrides, profile_table
    from driftscope.profiling.stream import profile_files

    if isinstance(data, str | os.PathLike):
        path = os.fspath(data)
        profiled = profile_files(
            [path], schema=types, bins=bins, encoding=encoding, delimiter=delimiter
        )
        return ProfileSide(profiled, path)
    dataset = read_dataset(data, encoding=encoding, delimiter=delimiter)
    table = dataset.table
    known = {name: value for name, value in types.items() if name in table.column_names}
    resolved = overrides(known, table.column_names)
    if bins is None:
        return ProfileSide(profile_table(table, types=resolved, n_bins=N_BINS), dataset.source)
    return ProfileSide(profile_table(table, types=resolved, bins=bins_of(bins)), dataset.source)
