"""The frozen result every two-sample method returns."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, ClassVar

_EMPTY: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class TestResult:
    """Outcome of one two-sample drift method on one pair of samples.

    ``higher_is_drift`` says which way ``statistic``-or-``p_value`` is compared with
    ``threshold``: True for distances (drift when ``statistic >= threshold``), False for
    hypothesis tests (drift when ``p_value < threshold``, the threshold being alpha); the rule
    is :func:`passes`, the only place it is written. ``degenerate`` is True when the samples
    could show no drift at all (both constant and equal, or one category on both sides):
    ``details["note"]`` then says so in words.

    >>> r = TestResult("psi", 0.31, None, 0.2, True, True)
    >>> r.drifted, r.score
    (True, 0.31)
    """

    __test__: ClassVar[bool] = False  # not a pytest test class despite the name

    method: str
    statistic: float
    p_value: float | None
    threshold: float
    higher_is_drift: bool
    drifted: bool
    details: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)
    degenerate: bool = False

    @property
    def score(self) -> float:
        """The number compared with ``threshold``: the statistic for distances, else the p-value."""
        if self.higher_is_drift or self.p_value is None:
            return self.statistic
        return self.p_value


def passes(
    statistic: float, p_value: float | None, threshold: float, *, higher_is_drift: bool
) -> bool:
    """The threshold rule of every method: a distance at or past its threshold, or a p-value
    below alpha (a missing p-value never passes).

    >>> passes(0.25, None, 0.2, higher_is_drift=True)
    True
    >>> passes(0.3, 0.04, 0.05, higher_is_drift=False)
    True
    >>> passes(0.3, 0.05, 0.05, higher_is_drift=False)
    False
    """
    if higher_is_drift:
        return statistic >= threshold
    return p_value is not None and p_value < threshold
