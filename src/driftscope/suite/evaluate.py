"""A suite's tests judged on one report: each gives a :class:`CheckOutcome` whose message
says what was measured against what was asked."""

from __future__ import annotations

from collections.abc import Sequence

from driftscope.engine.verdict import describe_multivariate, multivariate_severity
from driftscope.errors import ConfigError
from driftscope.performance.metrics import HIGHER_IS_BETTER
from driftscope.result import ColumnResult, DriftReport, MetricValue, QualityIssue
from driftscope.suite.model import (
    CheckOutcome,
    DriftTest,
    MultivariateTest,
    PerformanceTest,
    QualityTest,
    SegmentsTest,
    Suite,
    SuiteTest,
)

SHOWN = 3
"""Findings quoted in a failure's message; the rest are in its details."""
_TIERS = {"none": 0, "warning": 1, "major": 2}


def evaluate(suite: Suite, report: DriftReport) -> tuple[CheckOutcome, ...]:
    """The outcome of every test of ``suite`` on ``report``, in suite order."""
    return tuple(_judge(test, report, suite.source) for test in suite.tests)


def _judge(test: SuiteTest, report: DriftReport, source: str) -> CheckOutcome:
    if isinstance(test, DriftTest):
        return _drift(test, report, source)
    if isinstance(test, MultivariateTest):
        return _multivariate(test, report)
    if isinstance(test, QualityTest):
        return _quality(test, report)
    if isinstance(test, PerformanceTest):
        return _performance(test, report)
    return _segments(test, report)


def _outcome(
    test: SuiteTest, kind: str, passed: bool, message: str, details: Sequence[str] = ()
) -> CheckOutcome:
    return CheckOutcome(test.title, kind, passed, message, test.line, tuple(details))


def _meets(condition: str, drifted: bool, severity: str) -> bool:
    if condition == "drift":
        return drifted
    return _TIERS.get(severity, 0) >= _TIERS[condition]


def _drift(test: DriftTest, report: DriftReport, source: str) -> CheckOutcome:
    if not test.columns:
        d = report.dataset
        counted = f"{d.drifted_columns} of {d.columns} feature(s) drifted ({d.drift_share:.0%})"
        failed = _meets(test.fail_on, d.drifted, d.severity)
        verdict = f"severity {d.severity}" + ("" if failed else f", below {test.fail_on}")
        if test.fail_on == "drift":
            verdict = "the dataset drifted" if d.drifted else "the dataset did not drift"
        return _outcome(test, "drift", not failed, f"{verdict}: {counted}")
    failing: list[ColumnResult] = []
    for name in test.columns:
        try:
            col = report.column(name)
        except KeyError:
            raise ConfigError(
                f"{source}, line {test.line}: column {name!r} is not in the report"
            ) from None
        if _meets(test.fail_on, col.drifted, col.severity):
            failing.append(col)
    if not failing:
        return _outcome(test, "drift", True, f"no column reached {test.fail_on}")
    details = [_column_line(col) for col in failing]
    message = f"{len(failing)} column(s) reached {test.fail_on}: " + "; ".join(details[:SHOWN])
    return _outcome(test, "drift", False, message, details)


def _multivariate(test: MultivariateTest, report: DriftReport) -> CheckOutcome:
    ran = {result.method: result for result in report.multivariate or ()}
    found: list[str] = []
    not_run: list[str] = []
    passing: list[str] = []
    for method in test.methods:
        result = ran.get(method)
        if result is None:
            not_run.append(f"{method} (not run: the report has no {method} test)")
        elif result.error is not None:
            not_run.append(describe_multivariate(result))
        elif _meets(test.fail_on, result.drifted, multivariate_severity(result)):
            found.append(describe_multivariate(result))
        else:
            passing.append(describe_multivariate(result))
    what = "major drift" if test.fail_on == "major" else "drift"
    if not (found or not_run):
        return _outcome(test, "multivariate", True, f"no {what}: " + "; ".join(passing))
    parts = []
    if found:
        parts.append(f"{len(found)} of {len(test.methods)} test(s) found {what}")
    if not_run:
        parts.append(f"{len(not_run)} could not run")
    failing = found + not_run
    message = f"{' and '.join(parts)}: " + "; ".join(failing)
    return _outcome(test, "multivariate", False, message, failing)


def _column_line(col: ColumnResult) -> str:
    effect = "" if col.effect_size is None else f", effect {col.effect_size:.3g}"
    return f"{col.name} ({col.method} {col.statistic:.3g}{effect}, severity {col.severity})"


def _quality(test: QualityTest, report: DriftReport) -> CheckOutcome:
    found = [q for q in report.quality_issues if _counts(q, test)]
    if not found:
        what = "constraint violations" if test.constraints else "quality findings"
        return _outcome(test, "quality", True, f"no {what} of severity {test.fail_on} or above")
    details = [q.message for q in found]
    message = f"{len(found)} finding(s): " + "; ".join(details[:SHOWN])
    if len(found) > SHOWN:
        message += f"; and {len(found) - SHOWN} more"
    return _outcome(test, "quality", False, message, details)


def _counts(finding: QualityIssue, test: QualityTest) -> bool:
    if test.fail_on == "error" and finding.severity != "error":
        return False
    if test.checks and finding.check not in test.checks:
        return False
    # a constraints file's violations carry the constraint they break
    return not test.constraints or finding.expected is not None


def _performance(test: PerformanceTest, report: DriftReport) -> CheckOutcome:
    perf = report.performance
    if perf is None:
        return _outcome(
            test,
            "performance",
            False,
            "the report has no performance: give the target and the model's prediction or "
            "probability columns",
        )
    current = perf.current.get(test.metric)
    if current is None or current.value is None:
        why = "; ".join(perf.notes) or f"the {perf.task} model has no {test.metric}"
        return _outcome(test, "performance", False, f"no current {test.metric}: {why}")
    if current.estimated and not test.estimated:
        return _outcome(
            test,
            "performance",
            False,
            f"current {test.metric} is estimated ({current.value:.4g}); the test asks for "
            "a measured value (labels)",
        )
    value = current.value
    shown = f"{test.metric} {value:.4g}" + (" (estimated)" if current.estimated else "")
    problems: list[str] = []
    if test.min is not None and value < test.min:
        problems.append(f"{shown} is below the minimum {test.min:g}")
    if test.max is not None and value > test.max:
        problems.append(f"{shown} is above the maximum {test.max:g}")
    if test.max_drop is not None or test.max_relative_drop is not None:
        problems += _drop_problems(test, perf.reference.get(test.metric), value, shown)
    if problems:
        return _outcome(test, "performance", False, "; ".join(problems))
    return _outcome(test, "performance", True, f"{shown} within the limits")


def _drop_problems(
    test: PerformanceTest, reference: MetricValue | None, value: float, shown: str
) -> list[str]:
    if reference is None or reference.value is None:
        return [f"no reference {test.metric} to measure the drop from"]
    ref = reference.value
    drop = ref - value if HIGHER_IS_BETTER[test.metric] else value - ref
    problems = []
    if test.max_drop is not None and drop > test.max_drop:
        problems.append(
            f"{shown} worsened by {drop:.4g} from the reference's {ref:.4g} "
            f"(at most {test.max_drop:g})"
        )
    if test.max_relative_drop is not None:
        relative = drop / abs(ref) if ref != 0 else (0.0 if drop <= 0 else float("inf"))
        if relative > test.max_relative_drop:
            problems.append(
                f"{shown} worsened by {relative:.1%} of the reference's {ref:.4g} "
                f"(at most {test.max_relative_drop:.1%})"
            )
    return problems


def _segments(test: SegmentsTest, report: DriftReport) -> CheckOutcome:
    found = [s for s in report.segments or () if test.kind in ("any", s.kind)]
    if len(found) <= test.max:
        return _outcome(test, "segments", True, f"{len(found)} segment(s) found")
    details = [s.message for s in found]
    message = f"{len(found)} segment(s) found (at most {test.max}): " + "; ".join(details[:SHOWN])
    return _outcome(test, "segments", False, message, details)
