"""Suite files: every form SPEC section 6 lists, and each mistake named by file and line."""

from __future__ import annotations

import pytest

from driftscope.errors import ConfigError
from driftscope.suite import (
    DriftTest,
    PerformanceTest,
    QualityTest,
    SegmentsTest,
    load_suite,
    parse_suite,
)

SPEC_SUITE = """\
tests:
  - drift: {fail_on: major}                  # the dataset's severity (or drift / warning)
  - drift: {columns: [amount], fail_on: warning}
  - quality: {constraints: constraints.yaml}  # any violation of the constraints fails
  - performance: {metric: roc_auc, min: 0.90} # absolute, on current (measured, else estimated)
  - performance: {metric: f1, max_drop: 0.02} # relative: reference value minus current value
"""


def test_the_spec_example_reads_into_five_typed_tests(tmp_path):
    path = tmp_path / "suite.yaml"
    path.write_text(SPEC_SUITE)
    suite = load_suite(path)
    assert suite.tests == (
        DriftTest("major", (), "", 2),
        DriftTest("warning", ("amount",), "", 3),
        QualityTest(str(tmp_path / "constraints.yaml"), (), "warning", "", 4),
        PerformanceTest("roc_auc", min=0.9, line=5),
        PerformanceTest("f1", max_drop=0.02, line=6),
    )
    assert suite.constraints == str(tmp_path / "constraints.yaml")
    assert not suite.segments


def test_names_options_and_segment_tests_are_read():
    suite = parse_suite(
        "options:\n  target: y\n  probability: score\n"
        "tests:\n"
        "  - name: no broken contract\n    quality: {fail_on: error, checks: [type_change]}\n"
        "  - segments: {kind: error, max: 2}\n"
        "  - drift:\n"
    )
    assert suite.options == {"target": "y", "probability": "score"}
    quality, segments, drift = suite.tests
    assert quality == QualityTest(None, ("type_change",), "error", "no broken contract", 6)
    assert quality.title == "no broken contract"
    assert segments == SegmentsTest("error", 2, "", 7)
    assert drift == DriftTest(line=8)
    assert suite.segments


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("tests: []\n", r"s\.yaml, line 1: 'tests' must be a list", id="no_tests"),
        pytest.param(
            "test:\n  - drift: {}\n", r"line 1: unknown key 'test' in the suite", id="top_key"
        ),
        pytest.param(
            "tests:\n  - drift: {fail_on: big}\n",
            r"line 2: fail_on must be one of drift, warning, major; got 'big'",
            id="fail_on",
        ),
        pytest.param(
            "tests:\n  - drift: {}\n    quality: {}\n",
            r"line 2: a test names one kind .*got drift, quality",
            id="two_kinds",
        ),
        pytest.param(
            "tests:\n  - drfit: {}\n", r"line 2: unknown key 'drfit' in a test", id="typo_kind"
        ),
        pytest.param("tests:\n  - drift\n", r"line 2: a test must be a mapping", id="bare_word"),
        pytest.param(
            "tests:\n  - performance: {metric: auc, min: 0.9}\n",
            r"line 2: metric must be one of .*got 'auc'",
            id="metric",
        ),
        pytest.param(
            "tests:\n  - performance: {metric: f1}\n",
            r"line 2: a performance test sets min",
            id="no_limit",
        ),
        pytest.param(
            "tests:\n  - performance:\n      metric: f1\n      min: high\n",
            r"line 4: min must be a number; got 'high'",
            id="not_number",
        ),
        pytest.param(
            "tests:\n  - performance: {metric: f1, max_drop: -1}\n",
            r"max_drop must be >= 0",
            id="negative_drop",
        ),
        pytest.param(
            "tests:\n  - performance: {metric: f1, min: .nan}\n", r"min must be a number", id="nan"
        ),
        pytest.param(
            "tests:\n  - performance: {metric: f1, min: 0.5, estimated: maybe}\n",
            r"estimated must be true or false",
            id="estimated",
        ),
        pytest.param(
            "tests:\n  - segments: {max: 1.5}\n", r"max must be a whole number", id="segments_max"
        ),
        pytest.param(
            "tests:\n  - drift: {columns: 3}\n", r"columns must be a list of names", id="columns"
        ),
        pytest.param(
            "tests:\n  - quality: {constraints: [a, b]}\n",
            r"constraints must be a file name",
            id="constraints",
        ),
        pytest.param(
            "options: {targte: y}\ntests:\n  - drift: {}\n",
            r"line 1: unknown key 'targte' in options",
            id="option_key",
        ),
        pytest.param(
            "options: {share_threshold: 3}\ntests:\n  - drift: {}\n",
            r"line 1: compare: parameter 'share_threshold'",
            id="option_value",
        ),
        pytest.param(
            "version: 2\ntests:\n  - drift: {}\n", r"line 1: version must be 1", id="version"
        ),
        pytest.param(
            "tests:\n  - drift: {}\n  - drift: {}\n    drift: {}\n",
            r"line 4: key 'drift' is given twice",
            id="duplicate",
        ),
        pytest.param(
            "tests:\n  - quality: {constraints: a.yaml}\n  - quality: {constraints: b.yaml}\n",
            r"2 constraints files",
            id="two_files",
        ),
        pytest.param("tests: [\n", r"s\.yaml, line 2", id="broken_yaml"),
    ],
)
def test_a_mistake_is_one_line_naming_file_and_line(text, expected):
    with pytest.raises(ConfigError, match=expected) as info:
        parse_suite(text, "s.yaml")
    assert "\n" not in str(info.value)
    assert str(info.value).startswith("s.yaml")


def test_a_missing_suite_file_is_named(tmp_path):
    with pytest.raises(ConfigError, match=r"nope\.yaml: suite file not found"):
        load_suite(tmp_path / "nope.yaml")


def test_relative_files_in_options_are_read_beside_the_suite(tmp_path):
    path = tmp_path / "gates" / "suite.yaml"
    path.parent.mkdir()
    path.write_text(
        "options: {target: y, labels: late.csv, id_column: rid}\ntests:\n  - drift: {}\n"
    )
    assert load_suite(path).options["labels"] == str(tmp_path / "gates" / "late.csv")
