"""The JSON report matches SPEC section 5 field by field."""

from __future__ import annotations

import json
import os
import stat

import numpy as np

import driftscope

TOP_KEYS = [
    "schema_version",
    "driftscope_version",
    "created_at",
    "reference",
    "current",
    "dataset",
    "columns",
    "quality",
    "performance",
]
COLUMN_KEYS = {
    "name",
    "type",
    "role",
    "method",
    "statistic",
    "p_value",
    "threshold",
    "p_value_adjusted",
    "effect_size",
    "effect_measure",
    "effect_threshold",
    "severity",
    "importance",
    "higher_is_drift",
    "drifted",
    "reference_missing_share",
    "current_missing_share",
    "error",
}
TYPES = {"numeric", "categorical", "boolean", "datetime", "text", "embedding"}
ROLES = {"feature", "target", "prediction", "id", "timestamp", "ignored"}


def test_top_level_layout_and_types(tables):
    data = json.loads(driftscope.compare(*tables).to_json())
    assert list(data)[: len(TOP_KEYS)] == TOP_KEYS
    assert data["schema_version"] == 1
    assert data["driftscope_version"] == driftscope.__version__
    assert data["created_at"].endswith("Z")
    assert "T" in data["created_at"]
    assert data["reference"]["rows"] == 3000
    assert data["reference"]["source"] == "<pyarrow.Table>"
    ds = data["dataset"]
    assert set(ds) == {
        *("drifted", "drifted_columns", "columns", "drift_share", "share_threshold"),
        *("correction", "severity", "weighted_drift_score", "reasons"),
        *("headline", "share_reached", "major_features", "drifted_features", "model_drift"),
        "multivariate_drift",
    }
    assert ds["drift_share"] == ds["drifted_columns"] / ds["columns"]
    # 3,000 rows a side: a note that some columns could not see a 0.03 effect, no issue
    assert [q["check"] for q in data["quality"]] == ["low_power"]
    assert data["quality"][0]["severity"] == "info"
    assert data["performance"] is None


def test_every_column_entry_has_the_spec_fields(tables):
    data = json.loads(driftscope.compare(*tables).to_json())
    for col in data["columns"]:
        assert set(col) >= COLUMN_KEYS
        assert col["type"] in TYPES
        assert col["role"] in ROLES
        assert isinstance(col["drifted"], bool)
        if col["higher_is_drift"] is False:
            assert col["drifted"] == (col["p_value"] < col["threshold"])
        elif col["higher_is_drift"] is True:
            assert col["drifted"] == (col["statistic"] >= col["threshold"])


def test_untestable_columns_keep_their_row_with_an_error():
    n = 100
    ref = {"x": np.full(n, np.nan), "y": np.arange(n, dtype=float)}
    cur = {"x": np.full(n, np.nan), "y": np.arange(n, dtype=float)}
    data = json.loads(driftscope.compare(ref, cur).to_json())
    x = data["columns"][0]
    assert x["name"] == "x"
    assert x["drifted"] is False
    assert x["error"]
    assert x["statistic"] is None
    assert x["reference_missing_share"] == 1.0


def test_json_is_strict_even_with_extreme_numbers():
    ref = {"x": np.array([0.0] * 50 + [1e308] * 50)}
    cur = {"x": np.array([-1e308] * 100)}
    text = driftscope.compare(ref, cur, methods="wasserstein").to_json()
    json.loads(text, parse_constant=lambda token: (_ for _ in ()).throw(ValueError(token)))


def test_save_json_round_trips(tables, tmp_path):
    report = driftscope.compare(*tables)
    path = report.save_json(tmp_path / "sub" / "r.json")
    assert json.loads(path.read_text()) == report.to_dict()
    assert not list((tmp_path / "sub").glob(".r.json.*")), "temporary file left behind"


def test_saved_reports_get_ordinary_file_permissions(tables, tmp_path):
    report = driftscope.compare(*tables)
    old = os.umask(0o022)
    try:
        json_path = report.save_json(tmp_path / "r.json")
        html_path = report.save_html(tmp_path / "r.html")
    finally:
        os.umask(old)
    assert stat.S_IMODE(json_path.stat().st_mode) == 0o644
    assert stat.S_IMODE(html_path.stat().st_mode) == 0o644
