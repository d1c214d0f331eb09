"""``driftscope check``: run a suite of drift, multivariate, quality and performance tests as a
CI gate."""

from __future__ import annotations

import argparse
import os
from typing import TextIO

from driftscope.cli._common import (
    EXIT_CONDITION,
    EXIT_ERROR,
    EXIT_OK,
    check_not_an_input,
    check_output,
)
from driftscope.cli._compare_options import add_compare_options, compare_keywords, input_files
from driftscope.errors import ConfigError

NAME = "check"
HELP = "run a suite of drift, quality, performance and multivariate tests on CURRENT vs REFERENCE"

EXAMPLES = f"""\
suite.yaml:
  options: {{target: label, probability: score}}
  tests:
    - drift: {{fail_on: major}}
    - quality: {{constraints: constraints.yaml}}
    - performance: {{metric: roc_auc, min: 0.90}}
    - performance: {{metric: f1, max_drop: 0.02}}

examples:
  driftscope check --suite suite.yaml ref.parquet cur.parquet
  driftscope check --suite suite.yaml ref.parquet cur.parquet --junit drift.xml -o report.html

exit codes: {EXIT_OK} every test passed, {EXIT_CONDITION} a test failed, {EXIT_ERROR} bad usage \
or input.
"""


def configure(parser: argparse.ArgumentParser) -> None:
    """The options of ``driftscope check``: the suite, the outputs and those of ``report``."""
    parser.description = (
        "Compare CURRENT with REFERENCE and run the tests of a suite file on the result: "
        "pass/fail per test, JUnit XML for CI systems."
    )
    parser.epilog = EXAMPLES
    parser.add_argument("--suite", required=True, metavar="FILE", help="the suite (YAML)")
    parser.add_argument("reference", help="reference data: Parquet/CSV/JSONL file, folder or glob")
    parser.add_argument("current", help="current data, same kinds as the reference")
    parser.add_argument("--junit", metavar="XML", help="write the outcomes as JUnit XML here")
    parser.add_argument("--json", metavar="JSON", help="write the JSON report here")
    parser.add_argument("-o", "--output", metavar="HTML", help="write the HTML report here")
    add_compare_options(parser)
    parser.add_argument("-q", "--quiet", action="store_true", help="print failures only")


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run the suite, write what was asked for; 1 when a test failed."""
    from driftscope.suite import check, load_suite

    inputs = [args.reference, args.current, args.suite, *input_files(args)]
    for option, path in (
        ("--junit", args.junit),
        ("--json", args.json),
        ("-o/--output", args.output),
    ):
        if path is not None:
            if path == "-":
                raise ConfigError(f"{option}: give a file name")
            check_output(path, option)
            check_not_an_input(path, inputs, option)
    suite = load_suite(args.suite)
    given = _given(args)
    result = check(args.reference, args.current, suite, **given)
    if args.junit:
        from driftscope.io.atomic import write_text_atomic

        write_text_atomic(args.junit, result.to_junit(), make_folders=True)
    if args.json:
        result.report.save_json(args.json)
    if args.output:
        result.report.save_html(args.output)
    color = out.isatty() and "NO_COLOR" not in os.environ
    for outcome in result.outcomes:
        if args.quiet and outcome.passed:
            continue
        mark = _mark(outcome.passed, color)
        out.write(f"{mark}  {outcome.name}: {outcome.message}\n")
    failed = len(result.failures)
    out.write(f"{len(result.outcomes) - failed} passed, {failed} failed ({suite.source})\n")
    return EXIT_CONDITION if failed else EXIT_OK


def _given(args: argparse.Namespace) -> dict[str, object]:
    """The compare options given on the command line: those that differ from the parser's
    defaults, so that the suite's own ``options`` hold where the command line is silent."""
    defaults_parser = argparse.ArgumentParser(add_help=False)
    add_compare_options(defaults_parser)
    defaults = compare_keywords(defaults_parser.parse_args([]))
    return {k: v for k, v in compare_keywords(args).items() if v != defaults.get(k)}


def _mark(passed: bool, color: bool) -> str:
    text = "PASS" if passed else "FAIL"
    if not color:
        return text
    return f"\x1b[32m{text}\x1b[0m" if passed else f"\x1b[31m{text}\x1b[0m"
