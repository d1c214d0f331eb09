"""Fresh data from the reference's own population passes the inferred constraints: the
false-failure rate, measured by simulation, stays at or below 1% per column."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from driftscope.quality import check_table
from driftscope.quality.infer import infer_table
from tests.quality._data import draw

REPLICATES = 200
MAX_FAILURES = REPLICATES // 100  # 1%


def _failures(reference_rows: int, current_rows: int, seed: int) -> Counter[str]:
    """Findings (warnings and errors) per ``column/check`` over REPLICATES pairs of samples."""
    rng = np.random.default_rng(seed)
    found: Counter[str] = Counter()
    for i in range(REPLICATES):
        reference = draw(rng, reference_rows)
        rules = infer_table(reference, source="reference")
        current = draw(rng, current_rows, start=(i + 1) * 10 * reference_rows)
        for issue in check_table(current, rules, source="current"):
            if issue.severity != "info":
                found[f"{issue.column}/{issue.check}"] += 1
    return found


@pytest.mark.slow
@pytest.mark.parametrize(
    ("reference_rows", "current_rows"),
    [
        pytest.param(1_000, 1_000, id="same-size"),
        pytest.param(5_000, 500, id="small-current"),
        pytest.param(200, 200, id="small-reference"),
    ],
)
def test_fresh_samples_fail_at_most_one_in_a_hundred_per_column(
    reference_rows: int, current_rows: int
) -> None:
    found = _failures(reference_rows, current_rows, seed=reference_rows + current_rows)
    too_often = {key: n for key, n in found.items() if n > MAX_FAILURES}
    assert not too_often, f"fresh data failed in more than 1% of {REPLICATES} draws: {found}"


@pytest.mark.slow
def test_a_current_far_larger_than_the_reference_still_passes_completeness() -> None:
    # The binomial test at check time and the confidence bound at inference together: the
    # missing share's noise at 100,000 rows is far smaller than the reference's at 1,000.
    rng = np.random.default_rng(7)
    failed = 0
    for _ in range(50):
        rules = infer_table(draw(rng, 1_000), source="reference")
        issues = check_table(draw(rng, 100_000), rules, source="current")
        failed += any(i.check == "completeness" for i in issues)
    assert failed <= 1


def test_a_fresh_sample_passes_every_constraint() -> None:
    rng = np.random.default_rng(3)
    rules = infer_table(draw(rng, 2_000), source="reference")
    issues = check_table(draw(rng, 2_000, start=10**6), rules, source="current")
    assert issues == []


def test_the_exact_reference_min_and_max_would_fail_fresh_data_often(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The simulation above has teeth: without the widening, each end of a range fails fresh
    # data about n / (N + n) of the time (half, here), so three draws in four fail somewhere.
    monkeypatch.setattr("driftscope.quality.tolerance.RANGE_WIDENING", 0.0)
    rng = np.random.default_rng(11)
    failed = 0
    for _ in range(20):
        rules = infer_table(draw(rng, 1_000), source="reference")
        issues = check_table(draw(rng, 1_000), rules, source="current")
        failed += any(i.check == "range" and i.column == "balance" for i in issues)
    assert failed >= 5
