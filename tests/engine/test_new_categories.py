"""New categories are judged against what sampling alone leaves unseen."""

from __future__ import annotations

import numpy as np

import driftscope
from driftscope.engine.quality import column_findings, unseen_share
from driftscope.engine.summary import category_stats
from tests.report.conftest import column_result


def _zipf_labels(rng: np.random.Generator, values: int, rows: int) -> list[str]:
    weights = 1.0 / np.arange(1, values + 1) ** 0.9
    return [f"v{i}" for i in rng.choice(values, rows, p=weights / weights.sum())]


def _new_category_issues(report: driftscope.DriftReport) -> list[str]:
    return [i.column for i in report.quality_issues if i.check == "new_categories"]


def test_a_column_of_thousands_of_values_raises_no_new_category_alarm_by_chance():
    rng = np.random.default_rng(3)
    for _ in range(3):
        ref = {"city": _zipf_labels(rng, 5_000, 10_000)}
        cur = {"city": _zipf_labels(rng, 5_000, 10_000)}
        report = driftscope.compare(ref, cur)
        # sampling alone leaves a tenth or more of the current rows on unseen values
        assert report.column("city").current_stats["new_category_share"] > 0.05
        assert _new_category_issues(report) == []
        assert report.column("city").severity != "major"


def test_a_real_new_category_is_still_reported():
    rng = np.random.default_rng(4)
    ref = {"plan": rng.choice(["a", "b", "c", "d", "e"], 5_000).tolist()}
    cur = rng.choice(["a", "b", "c", "d", "e"], 5_000).tolist()
    cur[:250] = ["new"] * 250  # 5% of the current rows on a value the reference never had
    assert _new_category_issues(driftscope.compare(ref, {"plan": cur})) == ["plan"]


def test_a_reference_without_singletons_leaves_no_room_for_chance():
    # 400 values seen 5 times each: Good-Turing expects no unseen values (distinct / n, the
    # old bound, allowed 20%), so 10% of current rows on a new value is reported
    ref = {"sku": [f"s{i}" for i in range(400)] * 5}
    cur = {"sku": [f"s{i}" for i in range(400)] * 4 + ["new"] * 200 + ["s0"] * 200}
    report = driftscope.compare(ref, cur)
    assert report.column("sku").reference_stats["singletons"] == 0
    assert _new_category_issues(report) == ["sku"]


def test_unseen_share_is_good_turing_when_singletons_are_known():
    assert unseen_share({"count": 200, "categories": 50, "singletons": 20}) == 0.1
    assert unseen_share({"count": 200, "categories": 50}) == 0.25
    assert unseen_share({"count": 0, "categories": 0}) is None


def test_the_new_category_bound_holds_over_many_unchanged_samples():
    # 1,000 unchanged pairs of samples of 3,000 Zipf(0.8) values, 10,000 rows a side, judged
    # as the engine judges them: the current share alone as the spread gave 5.8% false alarms,
    # with the Good-Turing estimate's own spread (Esty) about 0.15%
    rng = np.random.default_rng(7)
    weights = 1.0 / np.arange(1, 3_001) ** 0.8
    weights /= weights.sum()
    labels = tuple(f"v{i}" for i in range(3_000))
    alarms = 0
    for _ in range(1_000):
        ref, cur = rng.multinomial(10_000, weights), rng.multinomial(10_000, weights)
        new = (ref == 0) & (cur > 0)
        col = column_result(
            name="city",
            type="categorical",
            role="feature",
            method="chi2",
            reference_stats=category_stats(labels, ref, 0),
            current_stats=category_stats(labels, cur, 0, new=new),
        )
        alarms += any(i.check == "new_categories" for i in column_findings([col]))
    assert alarms <= 8, alarms
