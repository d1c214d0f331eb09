"""The parts the commands share: option parsing and the one progress bar."""

from __future__ import annotations

import io
import re

import pytest

from driftscope.cli._common import ProgressBar, numbers, pairs
from driftscope.errors import ConfigError

BAR = "[############------------]"


@pytest.mark.parametrize(
    ("unit", "calls", "expected"),
    [
        pytest.param(
            None,
            [(2, 4, "income"), (4, 4, "a" * 50)],
            f"\r{BAR} 2/4 {'income':<40}\r[{'#' * 24}] 4/4 {'a' * 40}\n",
            id="columns-of-report",
        ),
        pytest.param(
            "rows",
            [(1_000_000, 2_000_000, "profiling"), (2_000_000, 2_000_000, "profiling")],
            f"\r{BAR} 1,000,000/2,000,000 rows (profiling)"
            f"\r[{'#' * 24}] 2,000,000/2,000,000 rows (profiling)\n",
            id="rows-of-profile",
        ),
        pytest.param(
            "rows",
            [(500_000, None, "profiling"), (1_200, None, "binning")],
            "\r500,000 rows (profiling)\r1,200 rows (binning)",
            id="rows-without-a-total",
        ),
        pytest.param(
            "rows",
            [(2_500, 2_000, "binning")],
            f"\r[{'#' * 24}] 2,500/2,000 rows (binning)\n",
            id="rows-past-the-total",
        ),
    ],
)
def test_the_progress_bar_draws_both_kinds_of_line(unit, calls, expected):
    stream = io.StringIO()
    bar = ProgressBar(stream, unit=unit)
    for call in calls:
        bar(*call)
    assert stream.getvalue() == expected


@pytest.mark.parametrize(
    ("values", "needle"),
    [
        pytest.param(["=psi"], "expected COLUMN=VALUE; got '=psi'", id="no-column"),
        pytest.param(["age="], "expected COLUMN=VALUE; got 'age='", id="no-value"),
        pytest.param(["ks", "psi"], "give one global value at most", id="two-globals"),
    ],
)
def test_pairs_errors_name_the_option(values, needle):
    with pytest.raises(ConfigError, match=f"^--method: {re.escape(needle)}"):
        pairs(values, "--method")


def test_numbers_take_one_global_value_or_columns():
    assert numbers([], "--threshold") is None
    with pytest.raises(ConfigError, match=r"^--threshold: use either"):
        numbers(["0.1", "age=0.2"], "--threshold")
    with pytest.raises(ConfigError, match=r"^--threshold: expected a number; got 'x'"):
        numbers(["age=x"], "--threshold")
