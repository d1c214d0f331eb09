"""``driftscope.check``: compare, then judge the report by a suite's tests."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from driftscope.errors import ConfigError
from driftscope.suite.evaluate import evaluate
from driftscope.suite.model import Suite, SuiteResult
from driftscope.suite.parse import load_suite


def check(reference: Any, current: Any, suite: str | Path | Suite, **options: Any) -> SuiteResult:
    """Compare ``current`` with ``reference`` and run the tests of ``suite`` (a suite file,
    see ``docs/ci.md``, or a :class:`~driftscope.suite.model.Suite`) on the report.

    ``options`` are keyword arguments of :func:`driftscope.compare`; they override the
    suite's own ``options``. The suite's quality tests bring their constraints file, a
    segments test turns the segment search on, and a multivariate test adds its methods to
    those the comparison runs.

    >>> import numpy as np
    >>> from driftscope.suite import parse_suite
    >>> rng = np.random.default_rng(0)
    >>> ref = {"age": rng.normal(40, 10, 2000)}
    >>> cur = {"age": rng.normal(48, 10, 2000)}
    >>> suite = parse_suite("tests:\\n  - drift: {columns: [age]}\\n")
    >>> result = check(ref, cur, suite)
    >>> result.passed, result.failures[0].name
    (False, 'drift: age fails on drift')
    """
    from driftscope.engine.compare import compare

    started = time.perf_counter()
    plan = suite if isinstance(suite, Suite) else load_suite(suite)
    keywords = {**plan.options, **options}
    given = keywords.get("constraints")
    if plan.constraints is not None:
        if given is not None and str(given) != plan.constraints:
            raise ConfigError(
                f"{plan.source}: the suite checks constraints {plan.constraints} but "
                f"constraints={given} was given too; give one"
            )
        keywords["constraints"] = plan.constraints
    if plan.segments:
        keywords["segments"] = True
    if plan.multivariate:
        keywords["multivariate"] = _with_methods(keywords.get("multivariate"), plan.multivariate)
    report = compare(reference, current, **keywords)
    outcomes = evaluate(plan, report)
    return SuiteResult(outcomes, report, plan.source, time.perf_counter() - started)


def _with_methods(given: Any, methods: tuple[str, ...]) -> tuple[str, ...]:
    """The multivariate methods the options name (one, a list, or None) and ``methods``,
    each once, in the report's order."""
    from driftscope.engine.multivariate import check_methods

    named = () if given is None else (given,) if isinstance(given, str) else tuple(given)
    return check_methods([*named, *methods])
