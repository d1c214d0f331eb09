"""A suite's outcomes as JUnit XML, the report format CI systems read (GitHub Actions through
a test-report action, GitLab's ``artifacts:reports:junit``, Jenkins' ``junit`` step).

One ``testsuite`` per suite file, one ``testcase`` per test (``classname`` is
``driftscope.<kind>``), a ``failure`` element with the one-line message as its ``message``
attribute and the findings behind it as text. XML 1.0 cannot hold most control characters at
all, escaped or not, and column names come from user data: such characters are written as
``\\xNN`` so that the file always parses.

>>> from driftscope.suite.model import CheckOutcome
>>> print(outcomes_to_junit([CheckOutcome("drift: dataset", "drift", True, "no drift")], "s.yaml"))
... # doctest: +NORMALIZE_WHITESPACE
<?xml version="1.0" encoding="utf-8"?>
<testsuites name="driftscope" tests="1" failures="0" errors="0" time="0.000">
<testsuite name="s.yaml" tests="1" failures="0" errors="0" skipped="0" time="0.000">
<testcase classname="driftscope.drift" name="drift: dataset" time="0" />
</testsuite>
</testsuites>
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from xml.etree import ElementTree as ET

from driftscope.suite.model import CheckOutcome, SuiteResult

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def suite_to_junit(result: SuiteResult) -> str:
    """The JUnit XML of a suite's run, with the compared sources as properties."""
    report = result.report
    properties = {
        "reference": report.reference.source,
        "current": report.current.source,
        "driftscope_version": report.driftscope_version,
    }
    return outcomes_to_junit(result.outcomes, result.source, result.seconds, properties)


def outcomes_to_junit(
    outcomes: Sequence[CheckOutcome],
    name: str,
    seconds: float = 0.0,
    properties: Mapping[str, str] | None = None,
) -> str:
    """JUnit XML for ``outcomes`` as one test suite called ``name``."""
    failures = sum(not o.passed for o in outcomes)
    counts = {"tests": str(len(outcomes)), "failures": str(failures), "errors": "0"}
    root = ET.Element("testsuites", {"name": "driftscope", **counts, "time": f"{seconds:.3f}"})
    suite = ET.SubElement(
        root, "testsuite", {"name": _text(name), **counts, "skipped": "0", "time": f"{seconds:.3f}"}
    )
    if properties:
        props = ET.SubElement(suite, "properties")
        for key, value in properties.items():
            ET.SubElement(props, "property", {"name": key, "value": _text(value)})
    for outcome in outcomes:
        case = ET.SubElement(
            suite,
            "testcase",
            {"classname": f"driftscope.{outcome.kind}", "name": _text(outcome.name), "time": "0"},
        )
        if not outcome.passed:
            failure = ET.SubElement(
                case,
                "failure",
                {"message": _text(outcome.message), "type": f"driftscope.{outcome.kind}"},
            )
            failure.text = _text("\n".join(outcome.details or (outcome.message,)))
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + body


def _text(value: str) -> str:
    """``value`` with the characters XML 1.0 cannot carry written as ``\\xNN``."""
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", value)
