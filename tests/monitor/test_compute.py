"""One monitored window: options from the config's roles, the report's points, the
reference's performance measured once."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from driftscope.engine.performance import measure_model
from driftscope.monitor import parse_config
from driftscope.monitor.compute import (
    Reference,
    fit_to_reference,
    load_reference,
    monitor_options,
    monitor_rows,
    performance_drop,
    window_points,
    window_report,
)
from driftscope.result import MetricValue

START = datetime(2026, 3, 1, tzinfo=UTC)


def _model_rows(n: int, seed: int, shift: float = 0.0) -> pa.Table:
    rng = np.random.default_rng(seed)
    x = rng.normal(shift, 1, n)
    score = 1 / (1 + np.exp(-x))
    return pa.table(
        {
            "x": x,
            "city": rng.choice(["a", "b"], n).tolist(),
            "score": score,
            "label": rng.random(n) < score,
        }
    )


@pytest.fixture
def config(tmp_path: Path) -> object:
    pq.write_table(_model_rows(4_000, 0), tmp_path / "ref.parquet")
    text = """\
project: p
reference: ref.parquet
logs: {path: logs/}
columns: {timestamp: ts, id: rid, target: label, probability: score, kpis: [orders]}
"""
    return parse_config(text, base_dir=tmp_path, env={})


def test_roles_leave_log_columns_out_and_the_model_in(config: object) -> None:
    options = monitor_options(config)  # type: ignore[arg-type]
    assert options.target == "label"
    assert options.probability == "score"
    reference = load_reference(config, options)  # type: ignore[arg-type]
    fitted = fit_to_reference(options, config, reference)  # type: ignore[arg-type]
    assert fitted.schema is None  # ts, rid and orders are not in the reference
    window = _model_rows(500, 1).append_column("ts", pa.array([1] * 500))
    window = window.append_column("rid", pa.array(["r"] * 500))
    window = window.append_column("orders", pa.array([2.0] * 500))
    kept = monitor_rows(window, config, reference)  # type: ignore[arg-type]
    assert set(kept.column_names) == {"x", "city", "score", "label"}


def test_points_name_every_figure_of_spec_section_8(config: object) -> None:
    options = monitor_options(config)  # type: ignore[arg-type]
    reference = load_reference(config, options)  # type: ignore[arg-type]
    options = fit_to_reference(options, config, reference)  # type: ignore[arg-type]
    rows = _model_rows(800, 2, shift=1.0).drop_columns(["label"])  # labels come later
    report = window_report(reference, rows, options, "w")
    points = window_points(report, "p", START, START + timedelta(days=1), {"orders": (2.0, 9.0)})
    figures = {(p.column, p.metric): p.value for p in points}
    assert figures["x", "ks"] > 0.2
    assert figures["x", "drift"] == 1.0
    assert figures["x", "severity"] == 2.0
    assert 0 <= figures["x", "p_value"] < 1e-6
    assert figures["city", "missing_share"] == 0.0
    assert figures["*", "rows"] == 800.0
    assert 0 < figures["*", "drift_share"] <= 1
    assert "estimated_roc_auc" in {m for (c, m) in figures if c == "*"}
    assert not math.isnan(figures["*", "performance_change"])
    assert figures["orders", "kpi_mean"] == 2.0
    assert figures["orders", "kpi_sum"] == 9.0
    assert ("*", "severity") not in figures  # the dataset's is dataset_severity


def test_the_reference_performance_is_measured_once_and_reused_alike(config: object) -> None:
    options = monitor_options(config)  # type: ignore[arg-type]
    reference = load_reference(config, options)  # type: ignore[arg-type]
    assert isinstance(reference, Reference)
    assert reference.table is not None
    current = _model_rows(1_000, 3, shift=0.5)
    fresh = measure_model(reference.table, current, options)
    cache: dict[str, object] = {}
    first = measure_model(reference.table, current, options, reference_cache=cache)
    assert cache  # filled by the first window
    again = measure_model(reference.table, current, options, reference_cache=cache)
    assert fresh is not None
    assert first is not None
    assert again is not None
    assert fresh.performance == first.performance == again.performance
    other = _model_rows(1_000, 4, shift=-0.5)
    cached = measure_model(reference.table, other, options, reference_cache=cache)
    alone = measure_model(reference.table, other, options)
    assert cached is not None
    assert alone is not None
    assert cached.performance == alone.performance


def test_a_drop_must_clear_the_tolerance_and_the_interval() -> None:
    assert performance_drop("roc_auc", MetricValue(0.9), MetricValue(0.8, 0.78, 0.82)) == (
        pytest.approx(-0.1),
        True,
    )
    assert performance_drop("roc_auc", MetricValue(0.9), MetricValue(0.8, 0.7, 0.95))[1] is False
    assert performance_drop("roc_auc", MetricValue(0.9), MetricValue(0.95))[1] is False
    # lower is better: an error 20% above the reference's is a drop, 5% is not
    assert performance_drop("mae", MetricValue(10.0), MetricValue(12.0)) == (-2.0, True)
    assert performance_drop("mae", MetricValue(10.0), MetricValue(10.5))[1] is False
