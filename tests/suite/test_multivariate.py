"""The suite's ``multivariate`` test: the features tested together gate a CI run. Read from
the file with its errors, run on a real comparison (a correlation that changed while every
column kept its own distribution), and written to JUnit by ``driftscope check``."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree as ET

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import driftscope
from driftscope.errors import ConfigError
from driftscope.suite import DriftTest, MultivariateTest, evaluate, parse_suite
from tests.cli._helpers import run

pytest.importorskip("sklearn")

ROWS = 1_500
SUITE = "tests:\n  - multivariate: {methods: [mmd, classifier], fail_on: drift}\n"


def correlated(seed: int, rho: float) -> dict[str, np.ndarray]:
    """Two standard normal columns with correlation ``rho`` (each alone N(0, 1))."""
    z = np.random.default_rng(seed).standard_normal((ROWS, 2))
    return {"x": z[:, 0], "y": rho * z[:, 0] + np.sqrt(1 - rho**2) * z[:, 1]}


def test_the_test_reads_its_methods_and_condition_and_defaults_to_all_methods() -> None:
    suite = parse_suite(
        "tests:\n"
        "  - multivariate: {methods: [classifier, mmd, mmd], fail_on: major}\n"
        "  - multivariate:\n"
        "  - name: rows still fit\n    multivariate: {methods: reconstruction}\n"
    )
    assert suite.tests == (
        MultivariateTest(("classifier", "mmd"), "major", "", 2),
        MultivariateTest(("mmd", "classifier", "reconstruction"), "drift", "", 3),
        MultivariateTest(("reconstruction",), "drift", "rows still fit", 5),
    )
    assert suite.multivariate == ("mmd", "classifier", "reconstruction")
    assert suite.tests[0].title == "multivariate: classifier, mmd fails on major"
    assert parse_suite("tests:\n  - drift:\n").multivariate == ()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "{methods: [mmd, pca]}",
            r"s\.yaml, line 2: unknown method 'pca' in a multivariate test; expected one of "
            r"mmd, classifier, reconstruction$",
        ),
        (
            "{methods: [mmd], fail: drift}",
            r"s\.yaml, line 2: unknown key 'fail' in a multivariate test; expected one of "
            r"fail_on, methods, name$",
        ),
        ("{methods: []}", r"s\.yaml, line 2: methods must name at least one of mmd, "),
        ("{methods: 3}", r"s\.yaml, line 2: methods must be a list of names$"),
        (
            "{fail_on: always}",
            r"s\.yaml, line 2: fail_on must be one of drift, warning, major; got 'always'$",
        ),
    ],
    ids=["unknown-method", "unknown-key", "no-method", "not-a-list", "bad-fail-on"],
)
def test_a_mistake_is_one_line_naming_the_file_line_and_key(body: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        parse_suite(f"tests:\n  - multivariate: {body}\n", "s.yaml")
    assert "\n" not in str(caught.value)


def test_no_change_passes_and_says_what_each_method_measured() -> None:
    result = driftscope.check(correlated(0, 0.0), correlated(1, 0.0), parse_suite(SUITE))
    (outcome,) = result.outcomes
    assert outcome.passed, outcome.message
    assert outcome.kind == "multivariate"
    assert outcome.message.startswith("no drift: mmd (MMD^2 ")
    assert "; classifier (AUC 0." in outcome.message
    assert [m.method for m in result.report.multivariate or ()] == ["mmd", "classifier"]


def test_a_correlation_change_fails_naming_the_method_and_its_separating_features() -> None:
    result = driftscope.check(correlated(0, 0.0), correlated(1, 0.8), parse_suite(SUITE))
    assert result.report.drifted_columns == []  # no column moved alone
    (failure,) = result.failures
    assert failure.message.startswith("2 of 2 test(s) found drift: mmd (MMD^2 ")
    classifier = next(d for d in failure.details if d.startswith("classifier"))
    assert classifier.startswith("classifier (AUC 0.")
    assert classifier.endswith(("separating most: x, y)", "separating most: y, x)"))
    assert failure.line == 2


def test_options_and_tests_run_the_union_of_their_methods() -> None:
    suite = parse_suite(
        "options: {multivariate: mmd}\ntests:\n  - multivariate: {methods: [classifier]}\n"
    )
    result = driftscope.check(correlated(0, 0.0), correlated(1, 0.0), suite)
    assert [m.method for m in result.report.multivariate or ()] == ["mmd", "classifier"]
    assert result.outcomes[0].message.startswith("no drift: classifier (AUC ")


def test_fail_on_major_passes_a_drift_that_is_not_major() -> None:
    suite = parse_suite("tests:\n  - multivariate: {methods: [mmd], fail_on: major}\n")
    result = driftscope.check(correlated(0, 0.0), correlated(1, 0.8), suite)
    assert result.report.multivariate is not None
    assert result.report.multivariate[0].drifted  # found, but MMD alone is never major
    assert result.passed
    assert result.outcomes[0].message.startswith("no major drift: mmd (MMD^2 ")


def test_a_report_without_the_method_fails_saying_it_did_not_run() -> None:
    report = driftscope.compare(correlated(0, 0.0), correlated(1, 0.0))
    suite = parse_suite("tests:\n  - multivariate: {methods: [mmd]}\n  - drift:\n")
    multivariate, drift = evaluate(suite, report)
    assert isinstance(suite.tests[1], DriftTest)
    assert drift.passed
    assert not multivariate.passed
    assert multivariate.message == "1 could not run: mmd (not run: the report has no mmd test)"


def test_a_test_that_cannot_run_on_the_rows_fails_with_its_reason() -> None:
    few = {name: values[:6] for name, values in correlated(1, 0.0).items()}
    suite = parse_suite("tests:\n  - multivariate: {methods: [classifier]}\n")
    result = driftscope.check(correlated(0, 0.0), few, suite)
    (failure,) = result.failures
    assert failure.message.startswith("1 could not run: classifier (not run: ")


def test_driftscope_check_exits_1_and_its_junit_names_the_test(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, rho, seed in (("ref", 0.0, 0), ("cur", 0.8, 1)):
        pq.write_table(pa.table(correlated(seed, rho)), tmp_path / f"{name}.parquet")
    suite = tmp_path / "suite.yaml"
    suite.write_text(
        "tests:\n  - drift: {fail_on: drift}\n"
        "  - name: features move together as before\n"
        "    multivariate: {methods: [classifier]}\n"
    )
    junit = tmp_path / "out.xml"
    code, out, err = run(
        capsys, "check", "--suite", str(suite), str(tmp_path / "ref.parquet"),
        str(tmp_path / "cur.parquet"), "--junit", str(junit),
    )  # fmt: skip
    assert (code, err) == (1, "")
    lines = out.splitlines()
    # the dataset's own verdict counts the multivariate drift the suite's compare ran
    assert lines[0].startswith("FAIL  drift: dataset fails on drift: the dataset drifted")
    assert lines[1].startswith(
        "FAIL  features move together as before: 1 of 1 test(s) found drift: classifier (AUC "
    )
    cases = ET.parse(junit).getroot().findall("testsuite/testcase")
    assert [(c.get("classname"), c.get("name")) for c in cases] == [
        ("driftscope.drift", "drift: dataset fails on drift"),
        ("driftscope.multivariate", "features move together as before"),
    ]
    failure = cases[1].find("failure")
    assert failure is not None
    assert failure.get("type") == "driftscope.multivariate"
    assert "separating most: " in (failure.text or "")


def test_the_suite_file_of_docs_ci_md_reads_with_its_multivariate_test() -> None:
    import re

    doc = (Path(__file__).resolve().parents[2] / "docs" / "ci.md").read_text()
    (example,) = [b for b in re.findall(r"```yaml\n(.*?)```", doc, flags=re.S) if "tests:" in b]
    suite = parse_suite(example)
    assert MultivariateTest(("mmd", "classifier"), "drift", "", 10) in suite.tests
