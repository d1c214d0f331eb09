"""Suite files read into a :class:`~driftscope.suite.model.Suite`, every mistake named by
file, line and key.

>>> suite = parse_suite('''
... options: {target: y, probability: score}
... tests:
...   - drift: {fail_on: major}
...   - performance: {metric: roc_auc, min: 0.9}
... ''', "suite.yaml")
>>> [test.title for test in suite.tests]
['drift: dataset fails on major', 'performance: roc_auc >= 0.9']
>>> try:
...     parse_suite("tests:\\n  - drift: {fail: major}\\n", "s.yaml")
... except ConfigError as exc:
...     print(exc)
s.yaml, line 2: unknown key 'fail' in a drift test; expected one of columns, fail_on, name
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import fields
from pathlib import Path
from typing import Any, get_args

from driftscope._yaml import YamlList, YamlMap, parse_yaml, read_yaml, where
from driftscope.engine.multivariate import MULTIVARIATE_METHODS
from driftscope.errors import ConfigError
from driftscope.performance.metrics import HIGHER_IS_BETTER
from driftscope.suite.model import (
    DriftCondition,
    DriftTest,
    MultivariateTest,
    PerformanceTest,
    QualityLevel,
    QualityTest,
    SegmentKind,
    SegmentsTest,
    Suite,
    SuiteTest,
)

KINDS = ("drift", "multivariate", "quality", "performance", "segments")
"""The kinds of test a suite lists."""
_TOP = ("version", "options", "tests")
_PATH_OPTIONS = ("labels", "constraints")
"""Options naming a file, read relative to the suite's folder."""


def load_suite(path: str | Path) -> Suite:
    """The suite in the YAML file at ``path``; relative file names in it (a constraints
    file, a labels file) are read relative to the suite's folder."""
    doc = read_yaml(path, "suite file")
    return _suite(doc, Path(path).parent)


def parse_suite(text: str, source: str = "<suite>", folder: str | Path = ".") -> Suite:
    """The suite in ``text`` (``source`` names it in errors; relative file names in it are
    read relative to ``folder``)."""
    return _suite(parse_yaml(text, source), Path(folder))


def _suite(doc: YamlMap, folder: Path) -> Suite:
    _known(doc, _TOP, "the suite")
    version = doc.get("version", 1)
    if version != 1:
        raise ConfigError(f"{where(doc, 'version')}: version must be 1; got {version!r}")
    tests = doc.get("tests")
    if not isinstance(tests, YamlList) or not tests:
        raise ConfigError(f"{where(doc, 'tests')}: 'tests' must be a list of at least one test")
    options = _options(doc.get("options"), doc, folder)
    parsed = [_test(item, tests, i, folder) for i, item in enumerate(tests)]
    named = {t.constraints for t in parsed if isinstance(t, QualityTest) and t.constraints}
    if len(named) > 1:
        raise ConfigError(
            f"{doc.source}: the quality tests name {len(named)} constraints files; a suite "
            "checks one"
        )
    return Suite(tuple(parsed), options, doc.source)


def _options(value: object, doc: YamlMap, folder: Path) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, YamlMap):
        raise ConfigError(f"{where(doc, 'options')}: 'options' must be a mapping")
    from driftscope.engine.options import CompareOptions

    accepted = [f.name for f in fields(CompareOptions)]
    _known(value, accepted, "options")
    options = dict(value)
    for key in _PATH_OPTIONS:
        if isinstance(options.get(key), str):
            options[key] = str(folder / options[key])
    try:
        CompareOptions.from_dict(options)
    except ConfigError as exc:
        raise ConfigError(f"{where(value)}: {exc}") from None
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{where(value)}: options: {exc}") from None
    return options


def _test(item: object, tests: YamlList, index: int, folder: Path) -> SuiteTest:
    if not isinstance(item, YamlMap):
        raise ConfigError(
            f"{where(tests, index)}: a test must be a mapping such as '- drift: {{fail_on: major}}'"
        )
    kinds = [key for key in item if key in KINDS]
    _known(item, (*KINDS, "name"), "a test")
    if len(kinds) != 1:
        found = f"got {', '.join(kinds)}" if kinds else "got none"
        raise ConfigError(
            f"{where(tests, index)}: a test names one kind ({', '.join(KINDS)}); {found}"
        )
    (kind,) = kinds
    body = item[kind]
    if body is None:
        body = YamlMap()
        body.source, body.line, body.lines = item.source, item.line_of(kind), {}
    if not isinstance(body, YamlMap):
        raise ConfigError(f"{where(item, kind)}: a {kind} test takes a mapping of settings")
    name = item.get("name", body.get("name", ""))
    if not isinstance(name, str):
        raise ConfigError(f"{where(item, 'name')}: 'name' must be text")
    line = item.line_of(kind)
    return _BUILDERS[kind](_Body(body, kind), name, line, folder)


class _Body:
    """A test's settings, read key by key with the file's line in every error."""

    def __init__(self, node: YamlMap, kind: str) -> None:
        self.node, self.kind = node, kind

    def known(self, *keys: str) -> None:
        _known(self.node, (*keys, "name"), f"a {self.kind} test")

    def choice(self, key: str, options: tuple[str, ...], default: str) -> str:
        value = self.node.get(key, default)
        if value not in options:
            raise ConfigError(
                f"{where(self.node, key)}: {key} must be one of {', '.join(options)}; got {value!r}"
            )
        return str(value)

    def number(self, key: str, *, minimum: float | None = None) -> float | None:
        value = self.node.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
            raise ConfigError(f"{where(self.node, key)}: {key} must be a number; got {value!r}")
        if minimum is not None and value < minimum:
            raise ConfigError(f"{where(self.node, key)}: {key} must be >= {minimum:g}; got {value}")
        return float(value)

    def names(self, key: str) -> tuple[str, ...]:
        value = self.node.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where(self.node, key)}: {key} must be a list of names")
        return tuple(value)

    def flag(self, key: str, default: bool) -> bool:
        value = self.node.get(key, default)
        if not isinstance(value, bool):
            raise ConfigError(f"{where(self.node, key)}: {key} must be true or false")
        return value


def _drift(body: _Body, name: str, line: int, folder: Path) -> DriftTest:
    body.known("fail_on", "columns")
    fail_on: Any = body.choice("fail_on", get_args(DriftCondition), "drift")
    return DriftTest(fail_on, body.names("columns"), name, line)


def _multivariate(body: _Body, name: str, line: int, folder: Path) -> MultivariateTest:
    body.known("methods", "fail_on")
    methods = body.names("methods") if "methods" in body.node else MULTIVARIATE_METHODS
    if not methods:
        raise ConfigError(
            f"{where(body.node, 'methods')}: methods must name at least one of "
            f"{', '.join(MULTIVARIATE_METHODS)}"
        )
    for method in methods:
        if method not in MULTIVARIATE_METHODS:
            raise ConfigError(
                f"{where(body.node, 'methods')}: unknown method {method!r} in a multivariate "
                f"test; expected one of {', '.join(MULTIVARIATE_METHODS)}"
            )
    fail_on: Any = body.choice("fail_on", get_args(DriftCondition), "drift")
    return MultivariateTest(tuple(dict.fromkeys(methods)), fail_on, name, line)


def _quality(body: _Body, name: str, line: int, folder: Path) -> QualityTest:
    body.known("constraints", "checks", "fail_on")
    constraints = body.node.get("constraints")
    if constraints is not None and not isinstance(constraints, str):
        raise ConfigError(f"{where(body.node, 'constraints')}: constraints must be a file name")
    path = None if constraints is None else str(folder / constraints)
    fail_on: Any = body.choice("fail_on", get_args(QualityLevel), "warning")
    return QualityTest(path, body.names("checks"), fail_on, name, line)


def _performance(body: _Body, name: str, line: int, folder: Path) -> PerformanceTest:
    body.known("metric", "min", "max", "max_drop", "max_relative_drop", "estimated")
    metric = body.node.get("metric")
    if metric not in HIGHER_IS_BETTER:
        raise ConfigError(
            f"{where(body.node, 'metric')}: metric must be one of "
            f"{', '.join(HIGHER_IS_BETTER)}; got {metric!r}"
        )
    limits = {
        "min": body.number("min"),
        "max": body.number("max"),
        "max_drop": body.number("max_drop", minimum=0.0),
        "max_relative_drop": body.number("max_relative_drop", minimum=0.0),
    }
    if all(value is None for value in limits.values()):
        raise ConfigError(
            f"{where(body.node)}: a performance test sets min, max, max_drop or max_relative_drop"
        )
    return PerformanceTest(
        str(metric), **limits, estimated=body.flag("estimated", True), name=name, line=line
    )


def _segments(body: _Body, name: str, line: int, folder: Path) -> SegmentsTest:
    body.known("kind", "max")
    kind: Any = body.choice("kind", get_args(SegmentKind), "any")
    most = body.number("max", minimum=0.0)
    if most is not None and not most.is_integer():
        raise ConfigError(f"{where(body.node, 'max')}: max must be a whole number; got {most}")
    return SegmentsTest(kind, 0 if most is None else int(most), name, line)


_BUILDERS: Mapping[str, Callable[[_Body, str, int, Path], SuiteTest]] = {
    "drift": _drift,
    "multivariate": _multivariate,
    "quality": _quality,
    "performance": _performance,
    "segments": _segments,
}


def _known(node: YamlMap, accepted: tuple[str, ...] | list[str], what: str) -> None:
    for key in node:
        if key not in accepted:
            raise ConfigError(
                f"{where(node, key)}: unknown key {key!r} in {what}; expected one of "
                f"{', '.join(sorted(accepted))}"
            )
