"""KPIs beside drift: which features' drift came with a KPI change, checked against scipy."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from driftscope.cli import main
from driftscope.monitor.kpis import kpi_associations
from driftscope.monitor.store import MetricPoint

DAY = datetime(2026, 3, 1, tzinfo=UTC)


def _points(
    kpi: list[float], drift: dict[str, list[int]], name: str = "converted"
) -> list[MetricPoint]:
    out = []
    for d, value in enumerate(kpi):
        start, end = DAY + timedelta(days=d), DAY + timedelta(days=d + 1)
        out.append(MetricPoint("p", start, end, name, "kpi_mean", value))
        for column, flags in drift.items():
            out.append(MetricPoint("p", start, end, column, "drift", float(flags[d])))
    return out


def test_the_change_and_its_interval_are_welchs() -> None:
    rng = np.random.default_rng(1)
    flags = [0] * 20 + [1] * 10
    kpi = [float(v) for v in rng.normal(0.3, 0.02, 30) - 0.05 * np.array(flags)]
    (found,) = kpi_associations(_points(kpi, {"device": flags, "age": [0] * 30}), ["converted"])
    inside, outside = np.array(kpi[20:]), np.array(kpi[:20])
    test = stats.ttest_ind(inside, outside, equal_var=False)
    interval = test.confidence_interval(0.95)
    assert found.p_value == pytest.approx(test.pvalue, rel=1e-9)
    assert found.ci_low == pytest.approx(interval.low / outside.mean(), rel=1e-9)
    assert found.ci_high == pytest.approx(interval.high / outside.mean(), rel=1e-9)
    assert found.change == pytest.approx(inside.mean() / outside.mean() - 1)
    assert found.features == ("device",)
    assert (found.drifted_windows, found.other_windows) == (10, 20)


def test_features_drifting_in_the_same_windows_are_one_group() -> None:
    flags = [0] * 8 + [1] * 8
    kpi = [0.3 + 0.001 * (d % 4) - 0.1 * f for d, f in enumerate(flags)]
    found = kpi_associations(_points(kpi, {"b": flags, "a": flags, "c": [0] * 16}), ["converted"])
    assert [item.features for item in found] == [("a", "b")]


def test_no_association_without_a_difference_or_enough_windows() -> None:
    rng = np.random.default_rng(2)
    flags = [0, 1] * 10
    kpi = [float(v) for v in rng.normal(0.3, 0.02, 20)]  # unrelated to the drift
    assert kpi_associations(_points(kpi, {"device": flags}), ["converted"]) == []
    few = [0] * 10 + [1, 1]
    shifted = [0.3] * 10 + [0.1, 0.1]
    assert kpi_associations(_points(shifted, {"device": few}), ["converted"]) == []


def test_the_p_values_are_adjusted_over_the_features() -> None:
    rng = np.random.default_rng(3)
    drift = {f"f{i}": [int(v) for v in rng.random(40) < 0.5] for i in range(30)}
    kpi = [float(v) for v in rng.normal(0.3, 0.03, 40)]  # no real association at all
    found = kpi_associations(_points(kpi, drift), ["converted"])
    assert found == []  # 30 chances at 5% would find one or two without the correction


def test_status_reports_kpi_associations(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.monitor.test_run import DAYS, make_project

    path = make_project(tmp_path, days=DAYS)
    assert main(["monitor", "run", "--config", str(path), "--quiet"]) == 1
    capsys.readouterr()
    main(["monitor", "status", "--config", str(path), "--json"])
    data = json.loads(capsys.readouterr().out)
    found = data["kpi_associations"]
    assert found
    assert found[0]["kpi"] == "converted"
    assert "income" in found[0]["features"]
    assert found[0]["change"] < 0
    main(["monitor", "status", "--config", str(path)])
    text = capsys.readouterr().out
    assert "KPIs and drift (converted):" in text
    assert "drop in converted" in text
