"""The one place that touches Apache DataSketches: immutable, typed wrappers of the KLL
quantile sketch, the HyperLogLog distinct-count sketch and the frequent-items sketch.

``datasketches`` ships without type information and its sketches change in place; wrapping them
here keeps ``Any`` and mutation out of the rest of the package (merging copies first).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from datasketches import (
    HLL_4,
    HLL_8,
    frequent_items_error_type,
    frequent_strings_sketch,
    hll_sketch,
    hll_union,
    kll_doubles_sketch,
)

from driftscope.errors import param_error

DEFAULT_K = 1000
"""KLL accuracy parameter. At 1000: rank error about 0.28% for one quantile and 0.36% for the
whole CDF (99% confidence), about 23 KB per sketch once past ~100,000 values. k=200 would be a
fifth of the size but its CDF error (1.7%) is of the order of the smallest KS distance that
counts as drift (0.03), so KS from sketches would be noise there."""

MIN_K, MAX_K = 8, 65_535
"""The range DataSketches accepts for k."""


def check_k(k: object, owner: str = "profile") -> None:
    """Raise ConfigError unless ``k`` is an integer DataSketches accepts."""
    if isinstance(k, bool) or not isinstance(k, int) or not MIN_K <= k <= MAX_K:
        raise param_error(owner, "k", f"an integer in [{MIN_K}, {MAX_K}]", k)


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class QuantileSketch:
    """A KLL sketch of float64 values (``datasketches.kll_doubles_sketch``), never mutated.

    Quantiles are approximate once more than about ``k`` values were seen: the rank of a
    returned value is within :attr:`rank_error` of the requested one (99% confidence). A
    merge result may hold its inputs until first read (see :data:`DEFERRED_INPUTS`).

    Examples
    --------
    >>> import numpy as np
    >>> sketch = QuantileSketch.of(np.arange(1.0, 101.0))
    >>> sketch.n, sketch.quantile(0.5)
    (100, 50.0)
    """

    _sketch: Any  # None while the merge of _pending is deferred
    _pending: tuple[Any, ...] = ()

    @classmethod
    def of(cls, values: npt.NDArray[np.float64], *, k: int = DEFAULT_K) -> QuantileSketch:
        """A sketch of ``values`` (finite float64; the caller filters NaN and inf)."""
        return cls.of_sorted(np.sort(np.asarray(values, dtype=np.float64)), k=k)

    @classmethod
    def of_sorted(cls, values: npt.NDArray[np.float64], *, k: int = DEFAULT_K) -> QuantileSketch:
        """A sketch of sorted finite float64 ``values``.

        Sorted input is what makes profiling fast: KLL sorts its buffer at every compaction,
        and on sorted data those sorts are nearly free, so sorting first (numpy's vectorised
        sort) and updating costs about 40% of updating with the values as they come. The
        sketch's error bounds hold for any order of the input.
        """
        check_k(k)
        sketch = kll_doubles_sketch(k)
        if values.size:
            # The binding takes writable, float64 arrays only; update() with the whole array
            # is one C++ call instead of one Python call per value.
            writable = values if values.flags.writeable else values.copy()
            sketch.update(writable)
        return cls(sketch)

    @classmethod
    def from_bytes(cls, data: bytes) -> QuantileSketch:
        """Read a sketch written by :meth:`to_bytes`; DataSketches' own errors pass through."""
        return cls(kll_doubles_sketch.deserialize(data))

    def __repr__(self) -> str:
        return f"QuantileSketch(n={self.n}, k={self.k})"

    def _kll(self) -> Any:
        return _settle(self, _merged_kll)

    def to_bytes(self) -> bytes:
        """DataSketches' own serialized form (readable by its Java and C++ libraries too)."""
        return bytes(self._kll().serialize())

    @property
    def n(self) -> int:
        """Number of values seen."""
        return int(self._kll().n)

    @property
    def k(self) -> int:
        """Accuracy parameter."""
        return int(self._kll().k)

    @property
    def is_estimating(self) -> bool:
        """Whether the sketch has compacted, i.e. no longer holds every value it saw."""
        return bool(self._kll().is_estimation_mode())

    @property
    def cdf_error(self) -> float:
        """Normalized error of CDF (and rank) queries over the whole range (99% confidence)."""
        return float(self._kll().normalized_rank_error(True))

    @property
    def span(self) -> float:
        """Largest minus smallest value seen (exact); 0 for an empty sketch."""
        if self.n == 0:
            return 0.0
        return float(self._kll().get_max_value()) - float(self._kll().get_min_value())

    def kept(self) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
        """The distinct kept values, in increasing order, and how many of the values seen
        each stands for (the weights add up to :attr:`n`).

        The weights come from DataSketches' CDF, not from iterating the sketch: its iterator
        (5.2.0) starts at level 0 with weight 1 and, when level 0 is empty, as it often is
        after a merge, gives every kept value weight 1. The CDF is ``weight / n`` in float64;
        times ``n`` and rounded it is the integer weight again while ``n < 2**51``.

        >>> import numpy as np
        >>> QuantileSketch.of(np.array([2.0, 1.0, 2.0])).kept()
        (array([1., 2.]), array([1, 2]))
        """
        kll = self._kll()
        values = np.unique(np.fromiter((v for v, _ in kll), dtype=np.float64))
        if not values.size:
            return values, np.zeros(0, dtype=np.int64)
        cdf = np.asarray(kll.get_cdf(values.tolist(), True)[:-1], dtype=np.float64)
        cumulative = np.rint(cdf * self.n).astype(np.int64)
        return values, np.diff(cumulative, prepend=0)

    def items(self) -> list[tuple[float, int]]:
        """:meth:`kept` as ``(value, weight)`` pairs."""
        values, weights = self.kept()
        return list(zip(values.tolist(), weights.tolist(), strict=True))

    @property
    def rank_error(self) -> float:
        """Normalized rank error of single quantiles (99% confidence)."""
        return float(self._kll().normalized_rank_error(False))

    def quantile(self, q: float) -> float:
        """The smallest retained value whose rank is at least ``q`` (the inverse CDF, as
        ``numpy.quantile(..., method="inverted_cdf")``); NaN for an empty sketch."""
        if self.n == 0:
            return float("nan")
        return float(self._kll().get_quantile(q, True))

    def quantiles(self, qs: Sequence[float]) -> list[float]:
        """:meth:`quantile` for several ranks at once."""
        if self.n == 0:
            return [float("nan")] * len(qs)
        return [float(v) for v in self._kll().get_quantiles(list(qs), True)]


DEFERRED_INPUTS = 32
"""A merge of up to this many sketches is carried out when its result is first read, from
the sketches themselves. ``a + b + c + ...`` then merges each input once and copies once per
32 (instead of copying the growing result at every step), and a merged profile that is only
merged further, or written, never builds the intermediate sketches. Above it, a union merges
as the inputs come, so that it holds a bounded number of them."""


class _DeferredUnion:
    """The deferral of :data:`DEFERRED_INPUTS` for a union: DataSketches sketches kept as
    they come while few, then a running merge (``_state``) that takes each as it comes."""

    __slots__ = ("_inputs", "_state")

    def __init__(self) -> None:
        self._inputs: list[Any] = []  # while few: merged when the result is first read
        self._state: Any = None

    def _add(self, owner: QuantileSketch | DistinctSketch) -> None:
        inputs = _inputs_of(owner)
        state = self._state
        if state is not None:  # the usual case, first
            self._take(state, inputs)
        elif len(self._inputs) + len(inputs) <= DEFERRED_INPUTS:
            self._inputs.extend(inputs)
        else:
            self._state = self._start([*self._inputs, *inputs])
            self._inputs = []

    def _start(self, inputs: Sequence[Any]) -> Any:
        """A new running merge of ``inputs``."""
        raise NotImplementedError

    def _take(self, state: Any, inputs: Sequence[Any]) -> None:
        """Merge ``inputs`` into the running ``state``."""
        raise NotImplementedError


class QuantileUnion(_DeferredUnion):
    """Quantile sketches merged one at a time (the inputs are never changed).

    >>> import numpy as np
    >>> union = QuantileUnion()
    >>> union.add(QuantileSketch.of(np.array([1.0, 2.0])))
    >>> union.add(QuantileSketch.of(np.array([3.0])))
    >>> union.result().n
    3
    """

    __slots__ = ()

    def add(self, sketch: QuantileSketch) -> None:
        self._add(sketch)

    def _start(self, inputs: Sequence[Any]) -> Any:
        return _merged_kll(inputs)

    def _take(self, state: Any, inputs: Sequence[Any]) -> None:
        for kll in inputs:
            state.merge(kll)

    def result(self) -> QuantileSketch:
        """The merged sketch (a copy: the union can go on); an empty one for no inputs."""
        if self._state is not None:
            return QuantileSketch(kll_doubles_sketch.deserialize(self._state.serialize()))
        if len(self._inputs) > 1:
            return QuantileSketch(None, tuple(self._inputs))
        # never mutated, so one input can be shared as it is
        return QuantileSketch(self._inputs[0] if self._inputs else kll_doubles_sketch(DEFAULT_K))


def _inputs_of(owner: QuantileSketch | DistinctSketch) -> tuple[Any, ...]:
    """What a union takes of a sketch: its DataSketches sketch, or the inputs of its deferred
    merge (read in the order :func:`_settle` needs)."""
    pending = owner._pending
    return pending if owner._sketch is None else (owner._sketch,)


def _settle(owner: QuantileSketch | DistinctSketch, merge: Callable[[Sequence[Any]], Any]) -> Any:
    """The owner's DataSketches sketch, merged from its deferred inputs on first use.

    The inputs are read before the sketch is looked at, and dropped only after it is set:
    a thread that finds no sketch is sure to find the inputs still there.
    """
    pending = owner._pending
    sketch = owner._sketch
    if sketch is None:
        sketch = merge(pending)
        object.__setattr__(owner, "_sketch", sketch)
        object.__setattr__(owner, "_pending", ())
    return sketch


def _merged_kll(inputs: Sequence[Any]) -> Any:
    """A new KLL sketch: a copy of the first input with the others merged in."""
    merged = kll_doubles_sketch.deserialize(inputs[0].serialize())
    for kll in inputs[1:]:
        merged.merge(kll)
    return merged


HLL_LG_K = 12
"""HyperLogLog size: 2^12 buckets, about 1.6% relative standard error, 2.6 KB serialized."""
FREQUENT_LG_SIZE = 12
"""Frequent-items map size: counts off by at most 0.085% of the total (about 3,000 items)."""


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class DistinctSketch:
    """A HyperLogLog sketch of distinct values (``datasketches.hll_sketch``), never mutated.

    Exact while small (it keeps a list of hashes up to a few hundred values), then within
    about 1.6% (one standard error). Values are hashed as strings, so numbers should be given
    in one canonical spelling (:meth:`of_numbers` does that).

    >>> DistinctSketch.of_strings(["a", "b", "a"]).estimate
    2.0
    """

    _sketch: Any  # None while the union of _pending is deferred (see DEFERRED_INPUTS)
    _pending: tuple[Any, ...] = ()

    @classmethod
    def of_strings(cls, labels: Iterable[str]) -> DistinctSketch:
        """A sketch of the given labels (each distinct label once is enough)."""
        sketch = hll_sketch(HLL_LG_K, HLL_4)
        for label in labels:
            sketch.update(label)
        return cls(sketch)

    @classmethod
    def of_numbers(
        cls, values: npt.NDArray[np.float64], *, limit: int | None = None
    ) -> DistinctSketch | None:
        """A sketch of sorted finite float64 values, updated once per distinct value; None
        when there are more than ``limit`` distinct values (so that a continuous column, one
        distinct value per row, does not cost one update per row).

        >>> DistinctSketch.of_numbers(np.array([1.0, 1.0, 2.5])).estimate
        2.0
        >>> DistinctSketch.of_numbers(np.array([1.0, 2.0, 3.0]), limit=2) is None
        True
        """
        if limit is not None and values.size > limit:
            # Sorted: limit + 1 spaced values that all differ prove too many distinct ones,
            # at a fraction of the cost of the full pass below (the usual continuous case).
            probe = values[np.linspace(0, values.size - 1, limit + 1).astype(np.intp)]
            if bool(np.all(probe[1:] > probe[:-1])):
                return None
        sketch = hll_sketch(HLL_LG_K, HLL_4)
        if values.size:
            first = np.empty(values.size, dtype=bool)
            first[0] = True
            np.not_equal(values[1:], values[:-1], out=first[1:])
            if limit is not None and np.count_nonzero(first) > limit:
                return None
            for value in values[first].tolist():
                sketch.update(value)
        return cls(sketch)

    @classmethod
    def from_bytes(cls, data: bytes) -> DistinctSketch:
        """Read :meth:`to_bytes` output; DataSketches' own errors pass through."""
        return cls(hll_sketch.deserialize(data))

    def __repr__(self) -> str:
        return f"DistinctSketch(estimate={self.estimate:.0f})"

    def _hll(self) -> Any:
        return _settle(self, _hll_union_of)

    def to_bytes(self) -> bytes:
        """DataSketches' compact serialized form, as HLL_4 (4 bits a bucket)."""
        pending, sketch = self._pending, self._sketch  # in this order: see _settle
        if sketch is None:  # a deferred union: straight to HLL_4
            sketch = _hll_union_of(pending, HLL_4)
        elif sketch.tgt_type != HLL_4:  # a merge result (see DistinctUnion.result)
            sketch = _hll_union_of([sketch], HLL_4)
        return bytes(sketch.serialize_compact())

    @property
    def estimate(self) -> float:
        """Estimated number of distinct values, rounded to a whole number (exact while small)."""
        return float(round(float(self._hll().get_estimate())))

    def bounds(self) -> tuple[float, float]:
        """About 95% confidence bounds on the distinct count (two standard errors)."""
        hll = self._hll()
        return float(hll.get_lower_bound(2)), float(hll.get_upper_bound(2))


def _hll_union_of(inputs: Sequence[Any], layout: Any = HLL_8) -> Any:
    """A new HLL sketch, the union of ``inputs``; HLL_8 is the union's own layout, so a copy
    rather than a conversion (merges are many, writes few; to_bytes converts to HLL_4)."""
    return _hll_union(inputs).get_result(layout)


def _hll_union(inputs: Sequence[Any]) -> Any:
    union = hll_union(HLL_LG_K)
    for hll in inputs:
        union.update(hll)
    return union


class DistinctUnion(_DeferredUnion):
    """Distinct-count sketches merged one at a time.

    >>> union = DistinctUnion()
    >>> union.add(DistinctSketch.of_strings(["a", "b"]))
    >>> union.add(DistinctSketch.of_strings(["b", "c"]))
    >>> union.result().estimate
    3.0
    """

    __slots__ = ()

    def add(self, sketch: DistinctSketch) -> None:
        self._add(sketch)

    def _start(self, inputs: Sequence[Any]) -> Any:
        return _hll_union(inputs)

    def _take(self, state: Any, inputs: Sequence[Any]) -> None:
        for hll in inputs:
            state.update(hll)

    def result(self) -> DistinctSketch:
        """The merged sketch (as HLL_8, see :func:`_hll_union_of`)."""
        if self._state is not None:
            return DistinctSketch(self._state.get_result(HLL_8))
        if not self._inputs:
            return DistinctSketch(_hll_union_of(()))
        if len(self._inputs) == 1:  # never mutated, so shared as it is
            return DistinctSketch(self._inputs[0])
        return DistinctSketch(None, tuple(self._inputs))


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class FrequentItems:
    """The most frequent labels of a column with too many to count exactly
    (``datasketches.frequent_strings_sketch``), never mutated.

    Every estimate is within :attr:`max_error` of the true count (an upper bound on
    over-counting; the true count lies in ``[lower, upper]`` of :meth:`top`).

    >>> items = FrequentItems.of_counts({"a": 50, "b": 2})
    >>> items.total, items.top(1)
    (52, [('a', 50, 50, 50)])
    """

    _sketch: Any

    @classmethod
    def of_counts(cls, counts: Mapping[str, int]) -> FrequentItems:
        """A sketch of labels with their counts (weighted updates, one per label)."""
        union = FrequentUnion()
        union.add_counts(counts)
        return union.result()

    @classmethod
    def from_bytes(cls, data: bytes) -> FrequentItems:
        """Read :meth:`to_bytes` output; DataSketches' own errors pass through."""
        return cls(frequent_strings_sketch.deserialize(data))

    def __repr__(self) -> str:
        return f"FrequentItems(total={self.total}, tracked={self.tracked})"

    def to_bytes(self) -> bytes:
        """DataSketches' own serialized form."""
        return bytes(self._sketch.serialize())

    @property
    def total(self) -> int:
        """Number of values seen (exact)."""
        return int(self._sketch.total_weight)

    @property
    def tracked(self) -> int:
        """Number of labels the sketch currently tracks."""
        return int(self._sketch.num_active_items)

    @property
    def max_error(self) -> int:
        """The most any estimate can be off by."""
        return int(self._sketch.epsilon * self.total)

    def top(self, n: int) -> list[tuple[str, int, int, int]]:
        """Up to ``n`` labels surely above the error: ``(label, estimate, lower, upper)``,
        most frequent first."""
        items = self._sketch.get_frequent_items(frequent_items_error_type.NO_FALSE_POSITIVES)
        return [(str(a), int(b), int(c), int(d)) for a, b, c, d in items[:n]]


class FrequentUnion:
    """Frequent-items sketches, and exact counts, merged one at a time.

    >>> union = FrequentUnion()
    >>> union.add(FrequentItems.of_counts({"a": 5}))
    >>> union.add_counts({"a": 1, "b": 2})
    >>> union.result().top(1)
    [('a', 6, 6, 6)]
    """

    __slots__ = ("_sketch",)

    def __init__(self) -> None:
        self._sketch = frequent_strings_sketch(FREQUENT_LG_SIZE)

    def add(self, sketch: FrequentItems) -> None:
        self._sketch.merge(sketch._sketch)

    def add_counts(self, counts: Mapping[str, int]) -> None:
        for label, n in counts.items():
            if n:
                self._sketch.update(label, int(n))

    def result(self) -> FrequentItems:
        """The merged sketch (a copy: the union can go on)."""
        return FrequentItems(frequent_strings_sketch.deserialize(self._sketch.serialize()))
