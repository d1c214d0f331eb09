"""compare(): the whole engine on in-memory data, checked against scipy where it computes."""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa
import pytest
from scipy import stats as sps

import driftscope
from driftscope import ColumnType, ConfigError, Role, SchemaError
from tests.conftest import make_tables


def test_drifted_columns_are_found_and_stable_ones_are_not(tables):
    ref, cur = tables
    report = driftscope.compare(ref, cur)
    assert set(report.drifted_columns) == {"shifted", "plan"}
    assert not report.column("stable").drifted
    assert report.dataset.columns == 5
    assert report.dataset.drifted_columns == 2
    assert report.dataset.drift_share == pytest.approx(0.4)
    # 40% is below the 50% share, but both drifted columns changed majorly: one verdict,
    # dataset drift, never "no dataset drift" beside "severity: major"
    assert report.dataset.share_reached is False
    assert report.dataset.severity == "major"
    assert report.dataset.drifted is True


def test_default_methods_follow_the_spec(tables):
    report = driftscope.compare(*tables)
    methods = {c.name: c.method for c in report.columns}
    types = {c.name: c.type for c in report.columns}
    assert methods == {
        "stable": "ks",
        "shifted": "ks",
        "count": "ks",
        "plan": "chi2",
        "flag": "z_proportion",
    }
    assert types["plan"] == ColumnType.CATEGORICAL
    assert types["flag"] == ColumnType.BOOLEAN
    assert types["count"] == ColumnType.NUMERIC


def test_ks_and_chi2_numbers_agree_with_scipy(tables):
    ref, cur = tables
    report = driftscope.compare(ref, cur)
    for name in ("stable", "shifted", "count"):
        expected = sps.ks_2samp(ref[name].to_numpy(), cur[name].to_numpy())
        col = report.column(name)
        assert col.statistic == pytest.approx(expected.statistic, rel=1e-9)
        assert col.p_value == pytest.approx(expected.pvalue, rel=1e-9, abs=1e-300)
    labels = ["basic", "plus", "pro"]
    table = [
        [ref["plan"].to_pylist().count(v) for v in labels],
        [cur["plan"].to_pylist().count(v) for v in labels],
    ]
    chi = sps.chi2_contingency(table, correction=False)
    assert report.column("plan").statistic == pytest.approx(chi.statistic, rel=1e-9)
    assert report.column("plan").p_value == pytest.approx(chi.pvalue, rel=1e-9, abs=1e-300)


def test_identical_data_never_drifts():
    ref, _ = make_tables(drift=False)
    report = driftscope.compare(ref, ref)
    assert report.drifted_columns == []
    for col in report.columns:
        if col.p_value is not None:
            assert col.p_value == pytest.approx(1.0)


def test_inputs_of_every_kind_give_the_same_numbers(tables, parquet_pair):
    ref, cur = tables
    pd = pytest.importorskip("pandas")
    pl = pytest.importorskip("polars")
    base = driftscope.compare(ref, cur).to_dict()["columns"]
    as_dict = {n: ref[n].to_numpy(zero_copy_only=False) for n in ref.column_names}
    cur_dict = {n: cur[n].to_numpy(zero_copy_only=False) for n in cur.column_names}
    variants = [
        (as_dict, cur_dict),
        (ref.to_pandas(), cur.to_pandas()),
        (pl.from_arrow(ref), pl.from_arrow(cur)),
        (str(parquet_pair[0]), str(parquet_pair[1])),
    ]
    assert isinstance(variants[1][0], pd.DataFrame)
    for r, c in variants:
        got = driftscope.compare(r, c).to_dict()["columns"]
        for a, b in zip(base, got, strict=True):
            assert a["name"] == b["name"]
            assert a["statistic"] == pytest.approx(b["statistic"], rel=1e-12)


def test_method_and_threshold_overrides(tables):
    report = driftscope.compare(
        *tables, methods={"stable": "psi", "plan": "jensen_shannon"}, thresholds={"stable": 0.5}
    )
    assert report.column("stable").method == "psi"
    assert report.column("stable").threshold == 0.5
    assert report.column("plan").method == "jensen_shannon"
    assert report.column("shifted").method == "ks"


def test_a_global_method_applies_only_where_it_can(tables):
    report = driftscope.compare(*tables, methods="wasserstein")
    assert report.column("shifted").method == "wasserstein"
    assert report.column("plan").method == "chi2"


def test_a_method_that_cannot_apply_to_a_column_is_a_config_error(tables):
    with pytest.raises(ConfigError, match="'ks' does not apply to column 'plan'"):
        driftscope.compare(*tables, methods={"plan": "ks"})


def test_unknown_method_is_a_config_error(tables):
    with pytest.raises(ConfigError, match="no_such"):
        driftscope.compare(*tables, methods="no_such")


def test_roles_target_prediction_and_datetime(tables):
    ref, cur = tables
    ts = pa.array(np.arange(ref.num_rows).astype("datetime64[s]"))
    ref = ref.append_column("ts", ts)
    cur = cur.append_column("ts", ts)
    report = driftscope.compare(ref, cur, target="flag", prediction="count")
    assert report.column("flag").role == Role.TARGET
    assert report.column("count").role == Role.PREDICTION
    assert report.column("ts").role == Role.TIMESTAMP
    assert report.column("ts").method is None
    # only features count in the dataset verdict
    assert report.dataset.columns == 3


def test_target_may_be_missing_from_current(tables):
    ref, cur = tables
    report = driftscope.compare(ref, cur.drop_columns(["flag"]), target="flag")
    assert "flag" not in [c.name for c in report.columns]
    assert not any(q.check == "missing_column" for q in report.quality)


def test_id_like_columns_are_not_tested():
    n = 500
    ref = {"customer_id": np.arange(n), "x": np.random.default_rng(1).normal(size=n)}
    cur = {"customer_id": np.arange(n, 2 * n), "x": np.random.default_rng(2).normal(size=n)}
    report = driftscope.compare(ref, cur)
    assert report.column("customer_id").role == Role.ID
    assert not report.column("customer_id").drifted
    forced = driftscope.compare(ref, cur, schema={"customer_id": "numeric"})
    assert forced.column("customer_id").role == Role.FEATURE
    assert forced.column("customer_id").drifted


def test_per_column_problems_do_not_stop_the_report():
    rng = np.random.default_rng(3)
    n = 400
    ref = {
        "ok": rng.normal(size=n),
        "empty": np.full(n, np.nan),
        "inf": np.append(rng.normal(size=n - 1), np.inf),
        "mixed": rng.normal(size=n),
    }
    cur = {
        "ok": rng.normal(size=n),
        "empty": rng.normal(size=n),
        "inf": rng.normal(size=n),
        "mixed": np.array([f"v{i}" for i in range(n)], dtype=object),
    }
    report = driftscope.compare(ref, cur)
    assert report.column("ok").error is None
    assert "missing in the reference" in report.column("empty").error
    assert "inf" in report.column("inf").error
    assert "'mixed' is numeric" in report.column("mixed").error
    assert report.dataset.columns == 1
    treated = driftscope.compare(ref, cur, inf_as_missing=True)
    assert treated.column("inf").error is None
    assert treated.column("inf").reference_missing_share == pytest.approx(1 / n)
    checks = {(q.column, q.check) for q in report.quality}
    assert ("inf", "column_error") in checks


def test_missing_spike_and_new_categories_are_quality_findings():
    rng = np.random.default_rng(4)
    n = 2000
    x_cur = rng.normal(size=n)
    x_cur[: n // 5] = np.nan
    ref = {"x": rng.normal(size=n), "c": rng.choice(["a", "b"], n)}
    cur = {"x": x_cur, "c": np.concatenate([rng.choice(["a", "b"], n - 100), ["zz"] * 100])}
    report = driftscope.compare(ref, cur)
    by_check = {q.check: q for q in report.quality}
    assert by_check["missing_share_increase"].current == pytest.approx(0.2)
    assert by_check["new_categories"].current == pytest.approx(0.05)
    assert "'zz'" in by_check["new_categories"].message
    assert report.column("x").current_missing_share == pytest.approx(0.2)


def test_missing_and_new_columns_are_reported(tables):
    ref, cur = tables
    report = driftscope.compare(
        ref, cur.drop_columns(["stable"]).append_column("extra", cur["count"])
    )
    checks = {(q.column, q.check, q.severity) for q in report.quality}
    assert ("stable", "missing_column", "error") in checks
    assert ("extra", "new_column", "warning") in checks


def test_no_columns_in_common_names_both_sources():
    with pytest.raises(SchemaError, match=r"no columns in common .*'a'.*'b'"):
        driftscope.compare({"a": np.zeros(3)}, {"b": np.zeros(3)})


def test_columns_option_restricts_and_validates(tables):
    report = driftscope.compare(*tables, columns=["stable", "plan"])
    assert [c.name for c in report.columns] == ["stable", "plan"]
    with pytest.raises(SchemaError, match="'nope'"):
        driftscope.compare(*tables, columns=["nope"])


def test_parallel_and_serial_runs_agree(tables):
    a = driftscope.compare(*tables, n_jobs=1).to_dict()
    b = driftscope.compare(*tables, n_jobs=3).to_dict()
    assert a["columns"] == b["columns"]


def test_progress_is_called_once_per_column(tables):
    seen: list[tuple[int, int]] = []
    driftscope.compare(*tables, progress=lambda done, total, name: seen.append((done, total)))
    assert seen == [(i, 5) for i in range(1, 6)]


def test_share_threshold_decides_the_dataset_verdict(tables):
    assert driftscope.compare(*tables, share_threshold=0.4).dataset.share_reached
    assert not driftscope.compare(*tables, share_threshold=0.41).dataset.share_reached
    # With both changes graded mild, the share alone decides whether the dataset drifted.
    mild = {"shifted": (0.01, 0.9), "plan": (0.01, 0.9)}
    broad = driftscope.compare(*tables, share_threshold=0.4, tiers=mild).dataset
    assert (broad.drifted, broad.severity) == (True, "major")
    narrow = driftscope.compare(*tables, share_threshold=0.41, tiers=mild).dataset
    assert (narrow.drifted, narrow.severity) == (False, "warning")
    with pytest.raises(ConfigError, match="share_threshold"):
        driftscope.compare(*tables, share_threshold=2)


def test_one_row_current_still_runs(tables):
    ref, cur = tables
    report = driftscope.compare(ref, cur.slice(0, 1))
    col = report.column("stable")
    assert col.error is None
    assert 0.0 <= col.p_value <= 1.0
    expected = sps.ks_2samp(ref["stable"].to_numpy(), cur["stable"].to_numpy()[:1])
    assert col.p_value == pytest.approx(expected.pvalue, rel=1e-9)


def test_distribution_and_stats_are_filled(tables):
    report = driftscope.compare(*tables)
    num = report.column("shifted")
    assert num.distribution is not None
    assert num.distribution.kind == "histogram"
    assert math.isclose(sum(num.distribution.reference), 1.0)
    assert num.reference_stats["mean"] == pytest.approx(
        float(np.mean(tables[0]["shifted"].to_numpy()))
    )
    cat = report.column("plan")
    assert cat.distribution is not None
    assert set(cat.distribution.labels) == {"basic", "plus", "pro"}
