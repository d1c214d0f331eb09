"""JUnit XML: the shape CI systems read, and text from user data that stays well-formed."""

from __future__ import annotations

from xml.etree import ElementTree as ET

import numpy as np

import driftscope
from driftscope.report.junit import outcomes_to_junit
from driftscope.suite import CheckOutcome, parse_suite


def test_one_testcase_per_test_and_a_failure_element_with_the_message():
    outcomes = [
        CheckOutcome("drift: dataset fails on major", "drift", True, "severity none"),
        CheckOutcome("quality: findings", "quality", False, "2 finding(s): a; b", 3, ("a", "b")),
    ]
    root = ET.fromstring(outcomes_to_junit(outcomes, "suite.yaml", 1.5, {"current": "cur.csv"}))
    assert (root.tag, root.get("tests"), root.get("failures"), root.get("errors")) == (
        "testsuites",
        "2",
        "1",
        "0",
    )
    (suite,) = root.findall("testsuite")
    assert (suite.get("name"), suite.get("tests"), suite.get("failures")) == (
        "suite.yaml",
        "2",
        "1",
    )
    assert suite.find("properties/property").attrib == {"name": "current", "value": "cur.csv"}
    passed, failed = suite.findall("testcase")
    assert passed.get("classname") == "driftscope.drift"
    assert passed.find("failure") is None
    failure = failed.find("failure")
    assert failure.get("message") == "2 finding(s): a; b"
    assert failure.text == "a\nb"
    assert failure.get("type") == "driftscope.quality"


def test_markup_and_control_characters_from_column_names_keep_the_file_well_formed():
    name = 'amt<"&>\x00\x1b\ud800'
    outcome = CheckOutcome(f"drift: {name}", "drift", False, f"column {name!r} drifted", 2, (name,))
    text = outcomes_to_junit([outcome], "s.yaml")
    case = ET.fromstring(text).find("testsuite/testcase")
    assert case.get("name") == 'drift: amt<"&>\\x00\\x1b\\xd800'
    assert '<"&>' in case.find("failure").text
    text.encode("utf-8")  # no lone surrogate left to break the file's encoding


def test_a_suite_run_writes_its_sources_as_properties():
    rng = np.random.default_rng(0)
    ref, cur = {"a": rng.normal(0, 1, 500)}, {"a": rng.normal(0, 1, 500)}
    result = driftscope.check(ref, cur, parse_suite("tests:\n  - drift: {}\n", "gate.yaml"))
    root = ET.fromstring(result.to_junit())
    props = {p.get("name"): p.get("value") for p in root.iter("property")}
    assert props["driftscope_version"] == driftscope.__version__
    assert set(props) == {"reference", "current", "driftscope_version"}
    assert root.find("testsuite").get("name") == "gate.yaml"
    assert float(root.get("time")) > 0
