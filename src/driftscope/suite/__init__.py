"""Test suites as gates: declared drift, multivariate, quality, performance and segment
tests, run on a report, with an outcome per test (see ``docs/ci.md``).

>>> from driftscope.suite import parse_suite
>>> [t.title for t in parse_suite("tests:\\n  - quality: {}\\n").tests]
['quality: findings']
"""

from driftscope.suite.evaluate import evaluate
from driftscope.suite.model import (
    CheckOutcome,
    DriftTest,
    MultivariateTest,
    PerformanceTest,
    QualityTest,
    SegmentsTest,
    Suite,
    SuiteResult,
)
from driftscope.suite.parse import load_suite, parse_suite
from driftscope.suite.run import check

__all__ = [
    "CheckOutcome",
    "DriftTest",
    "MultivariateTest",
    "PerformanceTest",
    "QualityTest",
    "SegmentsTest",
    "Suite",
    "SuiteResult",
    "check",
    "evaluate",
    "load_suite",
    "parse_suite",
]
