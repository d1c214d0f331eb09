"""Calibrated distances hold the false-alarm rate for the report, not for each column."""

from __future__ import annotations

import numpy as np
import pytest

import driftscope
from driftscope.engine.calibration import column_rate


def _unchanged(seed: int, columns: int, rows: int) -> tuple[dict, dict]:
    rng = np.random.default_rng(seed)
    ref = {f"x{i}": rng.normal(size=rows) for i in range(columns)}
    cur = {f"x{i}": rng.normal(size=rows) for i in range(columns)}
    return ref, cur


def test_more_distance_columns_raise_each_calibrated_threshold():
    ref, cur = _unchanged(0, 10, 500)
    alone = driftscope.compare({"x0": ref["x0"]}, {"x0": cur["x0"]}, methods="jensen_shannon")
    many = driftscope.compare(ref, cur, methods="jensen_shannon")
    single, among = alone.column("x0").details, many.column("x0").details
    assert among["calibrated_threshold"] > single["calibrated_threshold"]
    assert among["column_false_alarm_rate"] == pytest.approx(column_rate(0.05, 10))
    assert among["calibrated_columns"] == 10
    assert single["column_false_alarm_rate"] == 0.05


@pytest.mark.parametrize(
    ("method", "columns", "rows", "runs"),
    [
        ("jensen_shannon", 10, 500, 30),
        pytest.param("wasserstein", 10, 500, 30, marks=pytest.mark.slow),
    ],
    ids=["jensen_shannon", "wasserstein"],
)
def test_unchanged_columns_rarely_flag_any_column(method, columns, rows, runs):
    # Per column at 5%, some of 10 columns alarms in about 40% of runs (1 - 0.95^10), of 30
    # in about 79%; for the report at 5%, at most 5 of 30 runs keep the 99% Wilson interval.
    flagged = sum(
        any(
            c.drifted
            for c in driftscope.compare(*_unchanged(s, columns, rows), methods=method).columns
        )
        for s in range(runs)
    )
    assert flagged <= 5, flagged


def _mixed(seed: int) -> tuple[dict, dict]:
    rng = np.random.default_rng(seed)
    sides = []
    for _ in range(2):
        side = {f"n{i}": rng.normal(size=500) for i in range(6)}
        side.update({f"k{i}": rng.choice(list("abcd"), 500) for i in range(3)})
        sides.append(side)
    return sides[0], sides[1]


def test_tests_and_distances_share_the_reports_rate():
    # 6 calibrated distances and 3 tests: the distances hold 6/9 of the 5%, the tests 3/9
    ref, cur = _mixed(1)
    methods = {f"n{i}": "jensen_shannon" for i in range(6)}
    report = driftscope.compare(ref, cur, methods=methods)
    tests_alone = driftscope.compare(
        {k: v for k, v in ref.items() if k.startswith("k")},
        {k: v for k, v in cur.items() if k.startswith("k")},
    )
    for i in range(6):
        details = report.column(f"n{i}").details
        assert details["column_false_alarm_rate"] == pytest.approx(column_rate(0.05 * 6 / 9, 6))
        assert details["calibrated_columns"] == 6
    for i in range(3):
        alone = tests_alone.column(f"k{i}").p_value_adjusted
        assert report.column(f"k{i}").p_value_adjusted == pytest.approx(min(1.0, alone * 3))


def test_no_correction_leaves_each_column_at_the_rate():
    ref, cur = _mixed(2)
    methods = {f"n{i}": "jensen_shannon" for i in range(6)}
    report = driftscope.compare(ref, cur, methods=methods, correction="none")
    for i in range(6):
        assert report.column(f"n{i}").details["column_false_alarm_rate"] == 0.05
    for i in range(3):
        col = report.column(f"k{i}")
        assert col.p_value_adjusted == col.p_value


def test_profiles_calibrate_their_quantile_bins_as_the_values_do():
    # From profiles, the counts in the reference's decile bins get the same two-sample null
    # as the raw values (the reference's counts fixed, the bin masses random): at 100 rows a
    # side the report-wide threshold lies in psi's cluster of empty-bin draws (~0.9); read
    # as category counts it was ~0.6, and 30 unchanged columns alarmed in 40% of runs.
    from driftscope.profiling import profile

    ref, cur = _unchanged(3, 30, 100)
    raw = driftscope.compare(ref, cur, methods="psi")
    # k=8: sketches too small to hold every value, so the profiles' histograms are tested
    bins = profile(ref, k=8)
    profiled = driftscope.compare(bins, profile(cur, k=8, bins=bins), methods="psi")
    for col in raw.columns:
        from_values = col.details["calibrated_threshold"]
        from_profiles = profiled.column(col.name).details["calibrated_threshold"]
        assert from_profiles == pytest.approx(from_values, rel=0.1)
        assert from_profiles > 0.75
