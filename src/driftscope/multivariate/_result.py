"""The frozen result every multivariate drift method returns."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

_EMPTY: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Contribution:
    """How much one input column (or word, or component) separates the two samples, on the
    method's own scale (``score``, larger separates more), with a note in words."""

    name: str
    score: float
    note: str = ""


@dataclass(frozen=True, slots=True)
class MultivariateResult:
    """Outcome of one multivariate drift method on two sets of rows.

    As for :class:`~driftscope.stats.TestResult`, ``higher_is_drift`` says which way the
    comparison with ``threshold`` goes: False for a test (drift when ``p_value < threshold``),
    True for a score (drift when ``statistic >= threshold``). ``approximate`` is True when the
    statistic is an estimate of the method's definition (``details`` then says how close);
    ``explanation`` ranks what separates the samples, most first (empty when the method
    cannot tell). ``n_reference`` and ``n_current`` count the rows given, which may be more
    than the rows tested (``details["rows_used"]``).

    >>> r = MultivariateResult("mmd", 0.02, 0.0099, 0.05, False, True, 500, 500)
    >>> r.drifted, r.approximate, r.explanation
    (True, False, ())
    """

    method: str
    statistic: float
    p_value: float | None
    threshold: float
    higher_is_drift: bool
    drifted: bool
    n_reference: int
    n_current: int
    approximate: bool = False
    details: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)
    explanation: tuple[Contribution, ...] = ()
    columns: tuple[str, ...] = ()
    """The input columns the rows were made of, when they have names."""
    error: str | None = None
    """Why the test could not run on these rows (then ``statistic`` is NaN and nothing
    drifted), as a report keeps it instead of failing whole."""
