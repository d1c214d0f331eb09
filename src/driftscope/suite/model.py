"""A test suite as typed data: the tests a ``driftscope check`` runs, and their outcomes.

A suite file (YAML, read by :mod:`driftscope.suite.parse`) lists tests of five kinds, each
a gate on one part of the report: ``drift`` (the dataset's or some columns' drift and
severity), ``multivariate`` (the features tested together, as rows), ``quality``
(data-quality findings, or the violations of a constraints file), ``performance`` (a
metric's current value, absolute or against the reference) and ``segments`` (slices where
drift or errors concentrate). Each test carries the line it was
written on, so that a failure can point at it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from driftscope.engine.multivariate import MULTIVARIATE_METHODS
from driftscope.result import DriftReport

DriftCondition = Literal["drift", "warning", "major"]
"""``drift``: drifted at all; ``warning`` / ``major``: the severity reached that tier."""
QualityLevel = Literal["warning", "error"]
SegmentKind = Literal["drift", "error", "any"]


@dataclass(frozen=True, slots=True)
class DriftTest:
    """Fails when the dataset (no ``columns``) or any of ``columns`` meets ``fail_on``."""

    fail_on: DriftCondition = "drift"
    columns: tuple[str, ...] = ()
    name: str = ""
    line: int = 0

    @property
    def title(self) -> str:
        where = "dataset" if not self.columns else ", ".join(self.columns)
        return self.name or f"drift: {where} fails on {self.fail_on}"


@dataclass(frozen=True, slots=True)
class MultivariateTest:
    """Fails when any of the multivariate ``methods`` (``mmd``, ``classifier``,
    ``reconstruction``: the features tested together) meets ``fail_on``, or could not run.
    ``drift`` and ``warning``: the method found drift; ``major``: its drift is major in the
    dataset's verdict (see :func:`driftscope.engine.verdict.multivariate_severity`)."""

    methods: tuple[str, ...] = MULTIVARIATE_METHODS
    fail_on: DriftCondition = "drift"
    name: str = ""
    line: int = 0

    @property
    def title(self) -> str:
        return self.name or f"multivariate: {', '.join(self.methods)} fails on {self.fail_on}"


@dataclass(frozen=True, slots=True)
class QualityTest:
    """Fails on any data-quality finding of at least ``fail_on`` severity: the violations of
    the ``constraints`` file when one is named (its path as resolved against the suite's
    folder), else every finding of the report; ``checks`` keeps only findings of those
    names."""

    constraints: str | None = None
    checks: tuple[str, ...] = ()
    fail_on: QualityLevel = "warning"
    name: str = ""
    line: int = 0

    @property
    def title(self) -> str:
        if self.name:
            return self.name
        what = f"constraints {self.constraints}" if self.constraints else "findings"
        only = f" ({', '.join(self.checks)})" if self.checks else ""
        return f"quality: {what}{only}"


@dataclass(frozen=True, slots=True)
class PerformanceTest:
    """Fails when ``metric``'s current value (measured, else estimated) is below ``min`` or
    above ``max``, or has worsened from the reference's by more than ``max_drop`` (in the
    metric's units, in its worse direction: a fall for ROC AUC, a rise for MAE) or
    ``max_relative_drop`` (a share of the reference's value). ``estimated: False`` asks for a
    measured value: an estimate then fails."""

    metric: str
    min: float | None = None
    max: float | None = None
    max_drop: float | None = None
    max_relative_drop: float | None = None
    estimated: bool = True
    name: str = ""
    line: int = 0

    @property
    def title(self) -> str:
        if self.name:
            return self.name
        parts = []
        if self.min is not None:
            parts.append(f">= {self.min:g}")
        if self.max is not None:
            parts.append(f"<= {self.max:g}")
        if self.max_drop is not None:
            parts.append(f"drop <= {self.max_drop:g}")
        if self.max_relative_drop is not None:
            parts.append(f"relative drop <= {self.max_relative_drop:.0%}")
        return f"performance: {self.metric} {', '.join(parts)}"


@dataclass(frozen=True, slots=True)
class SegmentsTest:
    """Fails when the segment search finds more than ``max`` segments of ``kind``."""

    kind: SegmentKind = "any"
    max: int = 0
    name: str = ""
    line: int = 0

    @property
    def title(self) -> str:
        what = "segments" if self.kind == "any" else f"{self.kind} segments"
        return self.name or f"segments: at most {self.max} {what}"


SuiteTest = DriftTest | MultivariateTest | QualityTest | PerformanceTest | SegmentsTest
_EMPTY: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Suite:
    """The tests of a suite, in file order, and the comparison ``options`` it sets (keyword
    arguments of :func:`driftscope.compare`, e.g. ``target`` and ``probability``)."""

    tests: tuple[SuiteTest, ...]
    options: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)
    source: str = "<suite>"

    @property
    def constraints(self) -> str | None:
        """The constraints file the quality tests name (one per suite)."""
        named = [t.constraints for t in self.tests if isinstance(t, QualityTest)]
        return next((c for c in named if c is not None), None)

    @property
    def multivariate(self) -> tuple[str, ...]:
        """The multivariate methods the tests read (none: the report runs none for them)."""
        named = {m for t in self.tests if isinstance(t, MultivariateTest) for m in t.methods}
        return tuple(m for m in MULTIVARIATE_METHODS if m in named)

    @property
    def segments(self) -> bool:
        """Whether a test reads the segment search."""
        return any(isinstance(t, SegmentsTest) for t in self.tests)


@dataclass(frozen=True, slots=True)
class CheckOutcome:
    """One test's result: passed or not, the one-line ``message`` saying why, and the
    findings behind a failure (``details``)."""

    name: str
    kind: str
    passed: bool
    message: str
    line: int = 0
    details: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SuiteResult:
    """The outcomes of a suite's tests over one report, and the report itself."""

    outcomes: tuple[CheckOutcome, ...]
    report: DriftReport
    source: str = "<suite>"
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        """Whether every test passed."""
        return all(o.passed for o in self.outcomes)

    @property
    def failures(self) -> tuple[CheckOutcome, ...]:
        """The tests that failed, in suite order."""
        return tuple(o for o in self.outcomes if not o.passed)

    def assert_passed(self) -> None:
        """Raise AssertionError listing every failed test (for pytest)."""
        if self.failures:
            lines = [f"{len(self.failures)} of {len(self.outcomes)} test(s) failed:"]
            lines += [f"  {o.name}: {o.message}" for o in self.failures]
            raise AssertionError("\n".join(lines))

    def to_junit(self) -> str:
        """The outcomes as JUnit XML (see :mod:`driftscope.report.junit`)."""
        from driftscope.report.junit import suite_to_junit

        return suite_to_junit(self)
