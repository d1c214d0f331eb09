"""Several methods per column: the first decides, the others are reported beside it."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy import stats as sps

import driftscope
from driftscope import ConfigError
from driftscope.profiling import profile
from driftscope.report.terminal import format_table


@pytest.fixture
def data() -> tuple[dict, dict]:
    rng = np.random.default_rng(5)
    n = 3000
    ref = {"a": rng.normal(0, 1, n), "c": rng.choice(list("xyz"), n).tolist()}
    cur = {"a": rng.normal(0.2, 1, n), "c": rng.choice(list("xyz"), n).tolist()}
    return ref, cur


def test_ks_and_psi_side_by_side_for_every_column_they_apply_to(data):
    ref, cur = data
    report = driftscope.compare(*data, methods=["ks", "psi"])
    a = report.column("a")
    assert a.method == "ks"
    [psi] = a.also
    assert psi.method == "psi"
    assert psi.result is not None
    expected = driftscope.stats.get("psi")(ref["a"], cur["a"])
    assert psi.result.statistic == pytest.approx(expected.statistic, rel=1e-12)
    assert a.statistic == pytest.approx(sps.ks_2samp(ref["a"], cur["a"]).statistic, rel=1e-12)
    # ks does not apply to categories: psi decides there, alone
    c = report.column("c")
    assert (c.method, c.also) == ("psi", ())


def test_only_the_first_method_decides(data):
    first = driftscope.compare(*data, methods=["ks", "psi"]).column("a")
    alone = driftscope.compare(*data, methods={"a": "ks", "c": "psi"}).column("a")
    assert (first.drifted, first.severity, first.p_value_adjusted) == (
        alone.drifted,
        alone.severity,
        alone.p_value_adjusted,
    )
    swapped = driftscope.compare(*data, methods=["psi", "ks"]).column("a")
    assert swapped.method == "psi"
    assert [m.method for m in swapped.also] == ["ks"]


def test_per_column_lists_and_a_method_that_cannot_run_keeps_its_place(data):
    report = driftscope.compare(
        *data, methods={"a": ["wasserstein", "ks"], "c": ["chi2", "psi", "z_proportion"]}
    )
    assert [m.method for m in report.column("a").also] == ["ks"]
    c = report.column("c")
    assert [m.method for m in c.also] == ["psi", "z_proportion"]
    assert c.also[1].result is None
    assert "needs a binary column" in (c.also[1].error or "")
    assert c.error is None


def test_a_method_given_twice_or_no_method_is_an_error(data):
    with pytest.raises(ConfigError, match="given twice"):
        driftscope.compare(*data, methods=["ks", "ks"])
    with pytest.raises(ConfigError, match=r"methods\['a'\]: give at least one method"):
        driftscope.compare(*data, methods={"a": []})
    with pytest.raises(ConfigError, match="unknown method 'nope'"):
        driftscope.compare(*data, methods=["ks", "nope"])


def test_further_methods_are_in_the_json_and_the_terminal(data):
    report = driftscope.compare(*data, methods=["ks", "psi"])
    entry = next(c for c in json.loads(report.to_json())["columns"] if c["name"] == "a")
    [psi] = entry["also"]
    assert psi["method"] == "psi"
    assert psi["statistic"] == pytest.approx(report.column("a").also[0].result.statistic)
    assert psi["threshold"] >= 0.2  # psi's own threshold (raised when calibrated)
    table = format_table(report)
    header = table.splitlines()[0].split()
    assert header[-2:] == ["psi", "status"]
    assert "psi: reported beside the deciding method" in table


def test_further_methods_run_from_profiles_too(data):
    ref, cur = data
    reference = profile(ref)
    current = profile(cur, bins=reference)
    report = driftscope.compare(reference, current, methods=["ks", "psi", "t_test"])
    a = report.column("a")
    assert [m.method for m in a.also] == ["psi", "t_test"]
    raw = driftscope.compare(ref, cur, methods=["ks", "psi", "t_test"]).column("a")
    for from_profile, from_raw in zip(a.also, raw.also, strict=True):
        assert from_profile.result is not None
        assert from_raw.result is not None
        assert from_profile.result.statistic == pytest.approx(from_raw.result.statistic)


def test_further_methods_are_in_the_html_section_and_the_chart_switch(data):
    from driftscope.report._sections import method_statistics

    report = driftscope.compare(*data, methods=["ks", "psi"])
    a = report.column("a")
    assert set(method_statistics(a)) == {"ks", "psi"}
    page = report.to_html()
    assert "also: psi" in page
    assert '<option value="psi"' in page or "psi statistic" in page
