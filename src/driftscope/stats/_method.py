"""A method and the one wrapper through which every method runs, whatever its input.

A :class:`Method` pairs metadata (which kinds of column it tests, which way is drift, its
default threshold) with small kernels that only compute numbers, one per kind of input: raw
sorted samples, category counts, weighted samples (a quantile sketch) and moments. The wrapper
around the kernels is shared by all methods and all inputs: it checks parameters and
thresholds, removes missing values, refuses +/-inf, checks sizes, handles empty and constant
samples, turns scipy's ValueErrors and NaNs into :class:`~driftscope.errors.InputError`, clips
p-values into [0, 1] and builds the :class:`~driftscope.stats.TestResult`. Kernels never see a
degenerate input. The registry of names is :mod:`driftscope.stats.registry`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.typing import NDArray

from driftscope._plain import plain
from driftscope._types import Kind
from driftscope.errors import ConfigError, DriftscopeError, InputError
from driftscope.stats._inputs import (
    Moments,
    WeightedSample,
    check_counts,
    check_moments,
    check_weighted,
)
from driftscope.stats._params import Param, resolve, resolve_threshold
from driftscope.stats._result import TestResult, passes
from driftscope.stats._sample import (
    NumericSample,
    looks_numeric,
    prepare_categorical,
    prepare_numeric,
    prepare_points,
)

NUMERIC = Kind.NUMERIC
CATEGORICAL = Kind.CATEGORICAL
BINARY = Kind.BINARY
KINDS = frozenset({NUMERIC, CATEGORICAL, BINARY})

CONSTANT_NOTE = "both samples are constant and equal: nothing can have drifted"
SINGLE_CATEGORY_NOTE = "both samples hold the same single category: nothing can have drifted"


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a kernel computes: the statistic, the p-value (tests only) and extra details."""

    statistic: float
    p_value: float | None = None
    details: Mapping[str, Any] = field(default_factory=dict)


NumericKernel = Callable[..., Outcome]
"""``kernel(reference, current, **params)``: sorted finite float64 samples, each non-empty and
at least ``min_size`` long, not both constant and equal."""

CountsKernel = Callable[..., Outcome]
"""``kernel(reference_counts, current_counts, **params)``: int64 counts over >= 2 categories,
none of them zero on both sides, each side with a positive total."""

SketchKernel = Callable[..., Outcome]
"""``kernel(reference, current, **params)``: two checked :class:`WeightedSample` s, each
standing for at least ``min_size`` values, not both one and the same single value. Its
details say how approximate the result is (``approximate``, ``error_bound``)."""

CountsBatch = Callable[..., NDArray[np.float64]]
"""``batch(reference_counts, current_counts, **params)``: the counts kernel's statistic for
many pairs of counts at once, one per row (shape ``(rows, categories)``; either side may be a
single row, broadcast). Rows are not checked: a category empty on both sides of a row must
add nothing to that row's statistic, and a row whose categories are all empty but one gives
0. Optional: calibration draws thousands of null pairs through it."""

MomentsKernel = Callable[..., Outcome]
"""``kernel(reference, current, **params)``: two checked :class:`Moments`, each of at least
``min_size`` values with a finite ``m2``, not both constant and equal."""

NEEDS_RAW_VALUES = "needs the raw values, which a profile does not keep"


@dataclass(frozen=True, slots=True)
class Method:
    """A registered two-sample drift method.

    Call it on raw samples, or use :meth:`from_sorted` / :meth:`from_counts` on prepared ones,
    :meth:`from_sketches` on weighted samples and :meth:`from_moments` on moments (what a
    profile keeps), when the method has a kernel for them.

    Attributes
    ----------
    name
        Registry name, e.g. ``"ks"``.
    kinds
        Column kinds it tests: ``"numeric"``, ``"categorical"``, ``"binary"`` (a categorical
        column with at most 2 categories).
    higher_is_drift
        True for distances (drift when ``statistic >= threshold``), False for hypothesis tests
        (drift when ``p_value < threshold``, the threshold being alpha).
    default_threshold
        Threshold used when none is given.
    summary
        One line saying what the method computes.
    numeric_kernel, counts_kernel
        The computations (see :data:`NumericKernel`, :data:`CountsKernel`); a method has the
        first exactly when it tests numeric columns and the second exactly when it tests
        categorical or binary ones.
    counts_batch
        Optional: the counts kernel's statistic over many rows of counts in one call (see
        :data:`CountsBatch`), for calibrated thresholds.
    sketch_kernel, moments_kernel
        Optional computations for numeric columns from two weighted samples (see
        :data:`SketchKernel`) or two sets of moments (:data:`MomentsKernel`).
    binned
        Whether its numeric test is its counts test on bins the reference fixes (the six
        binned distances: ``n_bins`` quantile bins): given counts on those bins,
        :meth:`from_counts` tests a numeric column without its raw values.
    params
        Declared tunables, checked by :func:`driftscope.stats._params.resolve`.
    min_size
        Fewest values each sample needs after removing missing values.
    multivariate
        Whether numeric input may be 2-D (rows are points).
    statistic_is
        The effect measure (see :mod:`driftscope.decision.effect_size`) that the statistic
        itself is, when it is one: ``"ks_distance"`` for ``ks``, so that the engine does not
        compute the column's effect size a second time.
    """

    name: str
    kinds: frozenset[str]
    higher_is_drift: bool
    default_threshold: float
    summary: str
    numeric_kernel: NumericKernel | None = field(default=None, repr=False, compare=False)
    counts_kernel: CountsKernel | None = field(default=None, repr=False, compare=False)
    sketch_kernel: SketchKernel | None = field(default=None, repr=False, compare=False)
    moments_kernel: MomentsKernel | None = field(default=None, repr=False, compare=False)
    binned: bool = False
    params: Mapping[str, Param] = field(default_factory=dict, repr=False, compare=False)
    min_size: int = 1
    multivariate: bool = False
    statistic_is: str | None = None
    counts_batch: CountsBatch | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.name.isidentifier():
            raise ConfigError(f"method name {self.name!r} must be a Python identifier")
        kinds = frozenset(self.kinds)
        if not kinds or not kinds <= KINDS:
            raise ConfigError(
                f"{self.name}: kinds must be a non-empty subset of {sorted(KINDS)}; "
                f"got {sorted(kinds)}"
            )
        if (NUMERIC in kinds) != (self.numeric_kernel is not None):
            raise ConfigError(f"{self.name}: a numeric_kernel is needed exactly for 'numeric'")
        if bool(kinds & {CATEGORICAL, BINARY}) != (self.counts_kernel is not None):
            raise ConfigError(
                f"{self.name}: a counts_kernel is needed exactly for 'categorical'/'binary'"
            )
        if self.counts_batch is not None and self.counts_kernel is None:
            raise ConfigError(f"{self.name}: a counts_batch needs a counts_kernel")
        numeric_only = {
            "sketch_kernel": self.sketch_kernel is not None,
            "moments_kernel": self.moments_kernel is not None,
            "binned": self.binned,
        }
        for what, has in numeric_only.items():
            if has and NUMERIC not in kinds:
                raise ConfigError(f"{self.name}: {what} is for a method that tests 'numeric'")
        if self.binned and (self.counts_kernel is None or "n_bins" not in self.params):
            raise ConfigError(f"{self.name}: a binned method needs a counts_kernel and 'n_bins'")
        if self.min_size < 1:
            raise ConfigError(f"{self.name}: min_size must be >= 1; got {self.min_size}")
        object.__setattr__(self, "kinds", kinds)
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))

    # -- public entry points -------------------------------------------------------------

    def __call__(
        self,
        reference: Any,
        current: Any,
        *,
        threshold: float | None = None,
        inf_as_missing: bool = False,
        **params: Any,
    ) -> TestResult:
        """Test raw samples: lists or arrays of numbers, or of labels for categorical methods.

        Numeric input goes to the numeric kernel (methods that take both kinds pick by the
        values: numbers are binned, anything else is counted as labels).
        """
        thr = self._threshold(threshold)
        values = resolve(self.name, self.params, params)
        numeric_kernel, counts_kernel = self.numeric_kernel, self.counts_kernel
        if numeric_kernel is not None and (
            counts_kernel is None or (looks_numeric(reference) and looks_numeric(current))
        ):
            ref = self._prepare(reference, "reference", inf_as_missing)
            cur = self._prepare(current, "current", inf_as_missing)
            extra = {"reference_missing": ref.n_missing, "current_missing": cur.n_missing}
            return self._run_numeric(
                numeric_kernel, ref.values, cur.values, threshold=thr, params=values, extra=extra
            )
        if counts_kernel is None:  # unreachable: a method has at least one kernel
            raise ConfigError(f"{self.name}: has no kernel")
        counts = prepare_categorical(reference, current)
        extra = {
            "reference_missing": counts.reference_missing,
            "current_missing": counts.current_missing,
        }
        return self._run_counts(
            counts_kernel,
            counts.reference,
            counts.current,
            threshold=thr,
            params=values,
            extra=extra,
        )

    def from_sorted(
        self,
        reference: NDArray[np.float64],
        current: NDArray[np.float64],
        *,
        threshold: float | None = None,
        **params: Any,
    ) -> TestResult:
        """Test samples that are already sorted, finite, float64 and 1-D (not checked).

        The engine sorts each column once and shares it among methods; nothing is re-sorted.
        """
        kernel = self.numeric_kernel
        if kernel is None:
            raise ConfigError(
                f"{self.name}: from_sorted needs a numeric method; {self.name} tests "
                f"{', '.join(sorted(self.kinds))} columns (use from_counts)"
            )
        thr = self._threshold(threshold)
        values = resolve(self.name, self.params, params)
        ref = np.asarray(reference, dtype=np.float64)
        cur = np.asarray(current, dtype=np.float64)
        return self._run_numeric(kernel, ref, cur, threshold=thr, params=values, extra={})

    def from_counts(
        self,
        reference_counts: NDArray[np.int64],
        current_counts: NDArray[np.int64],
        *,
        threshold: float | None = None,
        **params: Any,
    ) -> TestResult:
        """Test category counts: equal-length integer arrays over the same categories."""
        kernel = self.counts_kernel
        if kernel is None:
            raise ConfigError(
                f"{self.name}: from_counts needs a categorical method; {self.name} tests "
                "numeric columns (use from_sorted)"
            )
        thr = self._threshold(threshold)
        values = resolve(self.name, self.params, params)
        return self._run_counts(
            kernel, reference_counts, current_counts, threshold=thr, params=values, extra={}
        )

    def from_sketches(
        self,
        reference: WeightedSample,
        current: WeightedSample,
        *,
        threshold: float | None = None,
        **params: Any,
    ) -> TestResult:
        """Test two weighted samples: a quantile sketch's kept values and weights (see
        :func:`driftscope.profiling.sketch_stats.weighted_sample`), or an exact sample with its
        ties counted (:meth:`WeightedSample.of`).

        The result's details state how far the statistic may be from the raw samples' one
        (``approximate``, ``error_bound``, ``statistic_range``). A method without a sketch
        kernel raises InputError ("needs the raw values, which a profile does not keep").

        >>> import numpy as np
        >>> from driftscope import stats
        >>> rng = np.random.default_rng(0)
        >>> a, b = rng.normal(0, 1, 500), rng.normal(0.5, 1, 500)
        >>> ref, cur = stats.WeightedSample.of(a), stats.WeightedSample.of(b)
        >>> res = stats.get("ks").from_sketches(ref, cur)
        >>> res.statistic == stats.ks(a, b).statistic, res.drifted, res.details["approximate"]
        (True, True, False)
        """
        kernel = self.sketch_kernel
        if kernel is None:
            raise self._missing_kernel("from_sketches")
        thr = self._threshold(threshold)
        values = resolve(self.name, self.params, params)
        ref = check_weighted(self.name, "reference", reference)
        cur = check_weighted(self.name, "current", current)
        sizes = {"n_reference": ref.n, "n_current": cur.n}
        if ref.n == 0 or cur.n == 0:
            self._check_sizes(ref.n, cur.n)
        # distinct values: one on each side, the same one
        if _constant_and_equal(ref.values, cur.values):
            return self._degenerate(thr, sizes, CONSTANT_NOTE)
        self._check_sizes(ref.n, cur.n)
        return self._result(self._guarded(kernel, ref, cur, values), thr, sizes)

    def from_moments(
        self,
        reference: Moments,
        current: Moments,
        *,
        threshold: float | None = None,
        **params: Any,
    ) -> TestResult:
        """Test two samples known by their count, mean and sum of squared deviations.

        A method without a moments kernel raises InputError ("needs the raw values, which a
        profile does not keep"); so does an ``m2`` past float64's range.

        >>> from driftscope import stats
        >>> a, b = [1.0, 2.0, 3.0, 4.0], [2.0, 4.0, 6.0, 8.0]
        >>> res = stats.get("t_test").from_moments(stats.Moments.of(a), stats.Moments.of(b))
        >>> round(res.statistic, 12) == round(stats.t_test(a, b).statistic, 12), res.drifted
        (True, False)
        """
        kernel = self.moments_kernel
        if kernel is None:
            raise self._missing_kernel("from_moments")
        thr = self._threshold(threshold)
        values = resolve(self.name, self.params, params)
        ref = check_moments(self.name, "reference", reference)
        cur = check_moments(self.name, "current", current)
        sizes = {"n_reference": int(ref.n), "n_current": int(cur.n)}
        if ref.n == 0 or cur.n == 0:
            self._check_sizes(ref.n, cur.n)
        if ref.m2 == cur.m2 == 0.0 and ref.mean == cur.mean:
            return self._degenerate(thr, sizes, CONSTANT_NOTE)
        self._check_sizes(ref.n, cur.n)
        return self._result(self._guarded(kernel, ref, cur, values), thr, sizes)

    @property
    def needs_raw_values(self) -> bool:
        """Whether it tests numeric columns from raw values only: no sketch or moments kernel,
        and not binned.

        >>> from driftscope import stats
        >>> stats.get("cramer_von_mises").needs_raw_values, stats.get("t_test").needs_raw_values
        (True, False)
        """
        has_other = self.binned or self.sketch_kernel or self.moments_kernel
        return NUMERIC in self.kinds and not has_other

    # -- the shared wrapper --------------------------------------------------------------

    def _missing_kernel(self, entry: str) -> DriftscopeError:
        if NUMERIC not in self.kinds:
            return ConfigError(
                f"{self.name}: {entry} needs a numeric method; {self.name} tests "
                f"{', '.join(sorted(self.kinds))} columns (use from_counts)"
            )
        if self.binned:
            return InputError(
                f"{self.name}: tests numbers by their counts on bins the reference fixes; "
                "call from_counts with counts on those bins"
            )
        return InputError(f"{self.name}: {NEEDS_RAW_VALUES}")

    def _threshold(self, threshold: object) -> float:
        return resolve_threshold(
            self.name,
            threshold,
            default=self.default_threshold,
            higher_is_drift=self.higher_is_drift,
        )

    def _prepare(self, values: Any, side: str, inf_as_missing: bool) -> NumericSample:
        label = f"{self.name}: {side}"
        multivariate = self.multivariate and np.ndim(values) == 2
        prepare = prepare_points if multivariate else prepare_numeric
        sample = prepare(values, inf_as_missing=inf_as_missing, label=label)
        if sample.n_inf and not inf_as_missing:
            raise InputError(
                f"{label} has {sample.n_inf} +/-inf value(s); remove them or pass "
                "inf_as_missing=True to treat them as missing"
            )
        return sample

    def _check_sizes(self, n_reference: int, n_current: int) -> None:
        for side, n in (("reference", n_reference), ("current", n_current)):
            if n == 0:
                raise InputError(
                    f"{self.name}: {side} sample is empty after removing missing values"
                )
        for side, n in (("reference", n_reference), ("current", n_current)):
            if n < self.min_size:
                raise InputError(
                    f"{self.name}: needs at least {self.min_size} values in each sample; "
                    f"the {side} has {n}"
                )

    def _run_numeric(
        self,
        kernel: NumericKernel,
        ref: NDArray[np.float64],
        cur: NDArray[np.float64],
        *,
        threshold: float,
        params: Mapping[str, Any],
        extra: Mapping[str, Any],
    ) -> TestResult:
        n_ref, n_cur = int(ref.shape[0]), int(cur.shape[0])
        sizes = {"n_reference": n_ref, "n_current": n_cur, **extra}
        if n_ref == 0 or n_cur == 0:
            self._check_sizes(n_ref, n_cur)
        if _constant_and_equal(ref, cur):
            return self._degenerate(threshold, sizes, CONSTANT_NOTE)
        self._check_sizes(n_ref, n_cur)
        outcome = self._guarded(kernel, ref, cur, params)
        return self._result(outcome, threshold, sizes)

    def _run_counts(
        self,
        kernel: CountsKernel,
        reference_counts: Any,
        current_counts: Any,
        *,
        threshold: float,
        params: Mapping[str, Any],
        extra: Mapping[str, Any],
    ) -> TestResult:
        ref, cur = check_counts(self.name, reference_counts, current_counts)
        n_ref, n_cur = int(ref.sum()), int(cur.sum())
        self._check_sizes(n_ref, n_cur)
        seen = (ref + cur) > 0
        k = int(seen.sum())
        sizes = {"n_reference": n_ref, "n_current": n_cur, "n_categories": k, **extra}
        if k == 1:
            return self._degenerate(threshold, sizes, SINGLE_CATEGORY_NOTE)
        if CATEGORICAL not in self.kinds and k > 2:
            raise InputError(
                f"{self.name}: needs a binary column (at most 2 categories); got {k} categories"
            )
        # Categories absent from both sides carry no information, and would put zeros into
        # the expected frequencies of the contingency tests.
        outcome = self._guarded(kernel, ref[seen], cur[seen], params)
        return self._result(outcome, threshold, sizes)

    def _guarded(
        self, kernel: Callable[..., Outcome], ref: Any, cur: Any, params: Mapping[str, Any]
    ) -> Outcome:
        try:
            return kernel(ref, cur, **params)
        except ValueError as exc:  # scipy's way to say "these samples cannot be tested"
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise InputError(f"{self.name}: {reason}") from exc

    def _degenerate(self, threshold: float, sizes: Mapping[str, Any], note: str) -> TestResult:
        return TestResult(
            method=self.name,
            statistic=0.0,
            p_value=None if self.higher_is_drift else 1.0,
            threshold=threshold,
            higher_is_drift=self.higher_is_drift,
            drifted=False,
            details=MappingProxyType(plain({**sizes, "note": note})),
            degenerate=True,
        )

    def _result(self, outcome: Outcome, threshold: float, sizes: Mapping[str, Any]) -> TestResult:
        statistic = float(outcome.statistic)
        if math.isnan(statistic):
            raise InputError(f"{self.name}: the statistic is undefined for these samples")
        p_value = None if outcome.p_value is None else float(outcome.p_value)
        if not self.higher_is_drift:
            if p_value is None or math.isnan(p_value):
                raise InputError(f"{self.name}: the p-value is undefined for these samples")
            p_value = min(max(p_value, 0.0), 1.0)
        drifted = passes(statistic, p_value, threshold, higher_is_drift=self.higher_is_drift)
        return TestResult(
            method=self.name,
            statistic=statistic,
            p_value=p_value,
            threshold=threshold,
            higher_is_drift=self.higher_is_drift,
            drifted=bool(drifted),
            details=MappingProxyType(plain({**sizes, **outcome.details})),
        )


def _constant_and_equal(ref: NDArray[np.float64], cur: NDArray[np.float64]) -> bool:
    """Whether every value of both samples is one and the same (sorted 1-D, or 2-D rows)."""
    if ref.ndim == 1:
        # Sorted: the ends bound everything in between.
        return bool(ref[0] == ref[-1] == cur[0] == cur[-1])
    first = ref[0]
    return bool((ref == first).all() and (cur == first).all())
