"""``compare(..., multivariate=...)``: the tested features together, as rows. A change of
correlation no column shows alone is found by both methods and explained by the columns that
carry it; the JSON report's ``multivariate`` section, the terminal's lines and the CLI's
``--multivariate``; what cannot be tested together is a one-line error."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import driftscope
from driftscope.errors import ConfigError
from driftscope.report.terminal import format_table
from tests.cli._helpers import run

N = 4_000


def _table(rng: np.random.Generator, corr: float, cities: list[float], n: int = N) -> pa.Table:
    x = rng.normal(size=n)
    y = corr * x + np.sqrt(1 - corr**2) * rng.normal(size=n)
    return pa.table(
        {
            "x": x,
            "y": y,
            "city": rng.choice(["lyon", "nice", "pau"], n, p=cities),
            "member": rng.random(n) < 0.3,
            "seen": pa.array(np.arange(n).astype("datetime64[s]")),
        }
    )


@pytest.fixture
def turned() -> tuple[pa.Table, pa.Table]:
    rng = np.random.default_rng(0)
    return _table(rng, 0.8, [0.5, 0.3, 0.2]), _table(rng, -0.8, [0.5, 0.3, 0.2])


def test_a_turned_correlation_is_found_together_and_explained(
    turned: tuple[pa.Table, pa.Table],
) -> None:
    methods = ["mmd", "classifier", "reconstruction"]
    report = driftscope.compare(*turned, multivariate=methods)
    assert not {c.name for c in report.columns if c.drifted} & {"x", "y"}  # not on their own
    mmd, classifier, pca = report.multivariate or ()
    assert [m.method for m in (mmd, classifier, pca)] == methods
    assert all(m.drifted for m in (mmd, classifier, pca))
    assert mmd.columns == classifier.columns == pca.columns == ("x", "y", "city", "member")
    assert {c.name for c in classifier.explanation[:2]} == {"x", "y"}
    assert classifier.explanation[2].score < 0.02
    assert {c.name for c in pca.explanation[:2]} == {"x", "y"}
    assert {c.name for c in pca.explanation} == {"x", "y", "city", "member"}  # indicators summed
    assert report.options["multivariate"] == methods


def test_nothing_changed_nothing_found() -> None:
    rng = np.random.default_rng(1)
    same = _table(rng, 0.8, [0.5, 0.3, 0.2]), _table(rng, 0.8, [0.5, 0.3, 0.2])
    report = driftscope.compare(*same, multivariate="mmd")
    (mmd,) = report.multivariate or ()
    assert not mmd.drifted
    assert driftscope.compare(*same).multivariate is None  # not asked: no section


def test_a_shift_in_categories_alone_is_seen_by_both() -> None:
    rng = np.random.default_rng(2)
    before = _table(rng, 0.0, [0.5, 0.3, 0.2])
    after = _table(rng, 0.0, [0.3, 0.3, 0.4])
    report = driftscope.compare(before, after, multivariate=["mmd", "classifier"])
    assert all(m.drifted for m in report.multivariate or ())
    assert report.multivariate is not None
    assert report.multivariate[1].explanation[0].name == "city"


def test_large_inputs_are_sampled_for_mmd_and_say_so() -> None:
    rng = np.random.default_rng(3)
    big = _table(rng, 0.5, [0.5, 0.3, 0.2], 12_000), _table(rng, 0.5, [0.5, 0.3, 0.2], 12_000)
    (mmd,) = driftscope.compare(*big, multivariate="mmd").multivariate or ()
    assert mmd.approximate
    assert mmd.details["rows_used"] == (5_000, 5_000)
    assert (mmd.n_reference, mmd.n_current) == (12_000, 12_000)


def test_the_json_and_terminal_reports_carry_the_section(
    turned: tuple[pa.Table, pa.Table],
) -> None:
    report = driftscope.compare(*turned, multivariate="classifier")
    section = json.loads(report.to_json())["multivariate"]
    assert [m["method"] for m in section] == ["classifier"]
    entry = section[0]
    assert set(entry) == {
        "method", "columns", "statistic", "p_value", "threshold", "higher_is_drift",
        "drifted", "approximate", "n_reference", "n_current", "details", "explanation",
        "error",
    }  # fmt: skip
    assert entry["drifted"] is True
    assert "seen" not in entry["columns"]  # the time column is no feature
    assert {e["name"] for e in entry["explanation"][:2]} == {"x", "y"}
    assert json.loads(driftscope.compare(*turned).to_json())["multivariate"] is None
    lines = format_table(report).splitlines()
    assert "Multivariate (4 features together):" in lines
    assert any(line.startswith("  classifier: drift (classifier AUC") for line in lines)
    assert any(line.startswith("    separating most: ") for line in lines)


def test_a_test_that_cannot_run_on_the_rows_keeps_its_place_with_the_reason() -> None:
    rng = np.random.default_rng(6)
    few = _table(rng, 0.5, [0.5, 0.3, 0.2], 8)  # the classifier needs 10 rows a side
    report = driftscope.compare(
        _table(rng, 0.5, [0.5, 0.3, 0.2]), few, multivariate=["mmd", "classifier"]
    )
    mmd, classifier = report.multivariate or ()
    assert mmd.error is None
    assert classifier.error is not None
    assert "the current has 8 row(s); the test needs at least 10" in classifier.error
    assert not classifier.drifted
    entry = json.loads(report.to_json())["multivariate"][1]
    assert entry["error"] == classifier.error
    assert entry["statistic"] is None
    assert "  classifier: not tested (classifier: the current has 8 row(s)" in format_table(report)
    from driftscope.report.html import render_html

    assert '<tr class="mv-error">' in render_html(report)


def test_what_cannot_be_tested_together_is_a_one_line_error() -> None:
    rng = np.random.default_rng(4)
    one = {"x": rng.normal(size=100), "when": np.arange(100).astype("datetime64[s]")}
    with pytest.raises(ConfigError, match=r"found 1 \('x'\), whose own tests cover them"):
        driftscope.compare(one, one, multivariate="mmd")
    with pytest.raises(ConfigError, match="unknown method 'energy'; choose from mmd, classifier, "):
        driftscope.compare(one, one, multivariate=["mmd", "energy"])
    with pytest.raises(ConfigError, match="name at least one method"):
        driftscope.compare(one, one, multivariate=[])


def test_the_cli_writes_the_section(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, turned: tuple[pa.Table, pa.Table]
) -> None:
    pq.write_table(turned[0], tmp_path / "ref.parquet")
    pq.write_table(turned[1], tmp_path / "cur.parquet")
    out = tmp_path / "report.json"
    code, stdout, stderr = run(
        capsys, "report", str(tmp_path / "ref.parquet"), str(tmp_path / "cur.parquet"),
        "--multivariate", "--json", str(out),
    )  # fmt: skip
    assert code == 0, stderr
    assert [m["method"] for m in json.loads(out.read_text())["multivariate"]] == [
        "mmd",
        "classifier",
        "reconstruction",
    ]
    assert "Multivariate (4 features together):" in stdout
    code, _, _ = run(
        capsys, "report", str(tmp_path / "ref.parquet"), str(tmp_path / "cur.parquet"),
        "--multivariate=mmd", "--json", str(out),
    )  # fmt: skip
    assert code == 0
    assert [m["method"] for m in json.loads(out.read_text())["multivariate"]] == ["mmd"]
    code, _, stderr = run(
        capsys, "report", str(tmp_path / "ref.parquet"), str(tmp_path / "cur.parquet"),
        "--multivariate=pca",
    )  # fmt: skip
    assert code == 2
    assert stderr.count("\n") == 1
    assert "multivariate: unknown method 'pca'" in stderr
