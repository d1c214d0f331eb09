"""One verdict: the terminal, the HTML, the JSON and the exit code say the same thing."""

from __future__ import annotations

import json
import shlex

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import driftscope
from driftscope.cli import main
from driftscope.demo import credit_scenario
from driftscope.report.html import render_html
from driftscope.report.terminal import format_table, status_word
from tests.report.test_html import Page, sections


def _suggested_gate(out: str) -> list[str]:
    """The command the demo tells users to try, as argv for ``main``."""
    (line,) = [ln for ln in out.splitlines() if ln.startswith("Try it on the data yourself: ")]
    argv = shlex.split(line.split(": ", 1)[1])
    assert argv[0] == "driftscope"
    return argv[1:]


def test_the_demos_own_gate_fails_on_the_demo_and_passes_without_drift(tmp_path, capsys):
    assert main(["demo", "--output-dir", str(tmp_path / "demo")]) == 0
    gate = _suggested_gate(capsys.readouterr().out)
    assert "--fail-on" in gate
    assert main(gate) == 1
    out = capsys.readouterr().out
    assert "Dataset drift (MAJOR)" in out
    assert "no dataset drift" not in out.lower()

    # The same gate on two reference-like periods drawn apart: nothing drifted, exit 0.
    first, _ = credit_scenario(rows=20_000, seed=11)
    second, _ = credit_scenario(rows=20_000, seed=12)
    calm_ref, calm_cur = tmp_path / "a.parquet", tmp_path / "b.parquet"
    pq.write_table(first, calm_ref)
    pq.write_table(second, calm_cur)
    calm = [calm_ref if a.endswith("reference.parquet") else a for a in gate]
    calm = [str(calm_cur) if str(a).endswith("current.parquet") else str(a) for a in calm]
    # these periods hold their labels: the gate without the demo's late-labels file
    late = {i for i, a in enumerate(calm) if a in ("--labels", "--id")}
    calm = [a for i, a in enumerate(calm) if i not in late and i - 1 not in late]
    assert main(calm) == 0
    assert "No drift: 0 of 15 features drifted" in capsys.readouterr().out


def _model_data(n: int = 4000, *, shift_prediction: float, shift_target: float) -> tuple:
    rng = np.random.default_rng(3)

    def side(pred_shift: float, target_rate: float) -> pa.Table:
        return pa.table(
            {
                "age": rng.normal(40, 10, n),
                "plan": rng.choice(["a", "b", "c"], n).tolist(),
                "score": rng.normal(pred_shift, 1.0, n),
                "label": rng.random(n) < target_rate,
            }
        )

    return side(0.0, 0.2), side(shift_prediction, 0.2 + shift_target)


def test_major_prediction_drift_is_major_model_drift_but_not_a_drifted_feature():
    ref, cur = _model_data(shift_prediction=1.0, shift_target=0.0)
    report = driftscope.compare(ref, cur, target="label", prediction="score")
    ds = report.dataset
    assert report.column("score").severity == "major"
    assert (ds.drifted_columns, ds.drift_share) == (0, 0.0)  # features only
    assert ds.severity == "major"
    assert ds.drifted
    assert [(m.name, str(m.role), m.severity) for m in ds.model_drift] == [
        ("score", "prediction", "major")
    ]
    assert any(r.startswith("model output drift (prediction), major: score") for r in ds.reasons)
    assert report.drifted_columns == []
    assert report.drifted_model_columns == ["score"]
    assert "prediction score: major" in ds.headline


def test_target_drift_is_labelled_as_label_shift():
    ref, cur = _model_data(shift_prediction=0.0, shift_target=0.3)
    report = driftscope.compare(ref, cur, target="label", prediction="score")
    assert report.column("label").drifted
    assert any(r.startswith("label shift (target), major: label") for r in report.dataset.reasons)
    assert report.dataset.severity == "major"
    assert report.drifted_model_columns == ["label"]


def test_terminal_json_html_and_exit_code_state_one_verdict(tmp_path, capsys):
    ref, cur = credit_scenario(rows=20_000, seed=7)  # the demo's data
    rp, cp = tmp_path / "r.parquet", tmp_path / "c.parquet"
    pq.write_table(ref, rp)
    pq.write_table(cur, cp)
    html, js = tmp_path / "r.html", tmp_path / "r.json"
    argv = ["report", str(rp), str(cp), "-o", str(html), "--json", str(js)]
    argv += ["--target", "defaulted", "--prediction", "default_probability"]
    code = main([*argv, "--fail-on", "drift"])
    out = capsys.readouterr().out
    data = json.loads(js.read_text())
    headline = data["dataset"]["headline"]
    assert headline in out.splitlines()
    page = Page(html.read_text())
    (verdict,) = page.find("div", "verdict")
    (strong,) = page.find("strong", within=verdict)
    assert page.text_of(strong) == headline
    assert code == int(data["dataset"]["drifted"])
    assert data["dataset"]["drifted"] == (data["dataset"]["severity"] == "major")

    # Every column's status is the same word in the table, the JSON and the HTML pill.
    report = driftscope.compare(
        str(rp), str(cp), target="defaulted", prediction="default_probability"
    )
    table = {ln.split()[0]: ln.split()[-1] for ln in out.splitlines()[2:] if ln.strip()}
    pills = {}
    for name, index in sections(page).items():
        (pill,) = page.find("span", "pill", within=index)
        pills[name] = page.text_of(pill)
    by_name = {c["name"]: c for c in data["columns"]}
    for col in report.columns:
        assert by_name[col.name]["status"] == col.status
        assert table[col.name] == status_word(col)
        expected_pill = {"untested": "not tested"}.get(col.status, col.status)
        assert pills[col.name] == expected_pill
    # a column that is significant but small is "small" everywhere
    small = [c.name for c in report.columns if c.status == "small"]
    assert small
    for name in small:
        assert by_name[name]["status"] == "small"
        assert pills[name] == "small"
        assert table[name] == "small"


def test_html_shows_the_adjusted_p_value_the_decision_used(tables):
    report = driftscope.compare(*tables)
    page = Page(report.to_html())
    [col, *_] = [c for c in report.columns if c.p_value_adjusted not in (None, c.p_value, 0.0, 1.0)]
    texts = [page.text_of(i) for i in page.find("span", "sumstat")]
    assert any(t.startswith(f"{col.method} · ") and "adj. p = " in t for t in texts)
    html = report.to_html()
    from driftscope.report._format import fmt_p

    assert f"adj. p = {fmt_p(col.p_value_adjusted)}" in html


def test_small_footnote_appears_only_when_a_column_is_small(tables):
    from driftscope.report.terminal import format_table

    report = driftscope.compare(*tables)
    assert not any(c.status == "small" for c in report.columns)
    assert "'small'" not in format_table(report)
    small = driftscope.compare(*tables, min_effect={"shifted": 0.9})
    assert small.column("shifted").status == "small"
    assert "'small': significant, but the effect is below its minimum" in format_table(small)


def _with_text(n: int = 400, seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    words = ["drift", "model", "the", "data", "shift", "label", "feature", "log", "batch"]
    notes = [" ".join(rng.choice(words, 8)) + f" #{i}" for i in range(n)]
    return {"x": rng.normal(0, 1, n), "notes": notes}


def test_a_text_column_is_tested_as_text_and_does_not_fail_the_quality_gate(tmp_path):
    ref, cur = _with_text(seed=0), _with_text(seed=1)
    report = driftscope.compare(ref, cur)
    notes = report.column("notes")
    assert notes.type == "text"
    assert notes.error is None
    assert notes.note is None
    assert notes.method == "text"
    assert notes.tested
    assert not notes.drifted  # the same words drawn the same way
    assert notes.text is not None
    assert [d.name for d in notes.text.descriptors][:2] == ["length", "words"]
    assert not [q for q in report.quality if q.column == "notes"]
    assert report.quality_issues == ()
    assert not report.fails("quality")
    assert not report.fails("any")
    for side, data in (("r", ref), ("c", cur)):
        pq.write_table(pa.table(data), tmp_path / f"{side}.parquet")
    argv = ["report", str(tmp_path / "r.parquet"), str(tmp_path / "c.parquet")]
    assert main([*argv, "--fail-on", "quality", "-q"]) == 0


def test_an_embedding_column_is_tested_as_vectors():
    rng = np.random.default_rng(0)
    vectors = [rng.normal(0, 1, 4).tolist() for _ in range(200)]
    ref = pa.table({"x": rng.normal(0, 1, 200), "emb": vectors})
    report = driftscope.compare(ref, ref)
    emb = report.column("emb")
    assert (emb.type, emb.method, emb.note) == ("embedding", "embedding", None)
    assert emb.tested
    assert not emb.drifted
    assert emb.embedding is not None
    assert emb.embedding.components == 4


@pytest.mark.parametrize("severity", ["none", "warning", "major"])
def test_drifted_is_exactly_a_major_severity(severity, tables):
    tiers = {
        "none": {"shifted": (0.99, 0.99), "plan": (0.99, 0.99)},
        "warning": {"shifted": (0.01, 0.99), "plan": (0.01, 0.99)},
        "major": None,
    }[severity]
    ds = driftscope.compare(*tables, tiers=tiers).dataset
    assert ds.severity == severity
    assert ds.drifted == (severity == "major")


@pytest.mark.parametrize("features", [12, 14, 30])
@pytest.mark.parametrize("weighted", [False, True], ids=["counted", "weighted"])
def test_exactly_half_the_features_drifting_reaches_a_share_threshold_of_half(features, weighted):
    # 15 weights of 1/30 add up to 0.49999999999999994 in floating point; half is half.
    rng = np.random.default_rng(5)
    n = 2000
    ref = {f"f{i}": rng.normal(0, 1, n) for i in range(features)}
    cur = {f"f{i}": rng.normal(1.0 if i < features // 2 else 0.0, 1, n) for i in range(features)}
    importance = dict.fromkeys(ref, 1.0) if weighted else None
    mild = dict.fromkeys(ref, (0.01, 0.99))  # no feature is major on its own
    report = driftscope.compare(ref, cur, share_threshold=0.5, tiers=mild, importance=importance)
    ds = report.dataset
    assert ds.drifted_columns == features // 2
    assert ds.share_reached
    assert ds.drifted


def test_a_low_power_column_says_low_power_in_every_output(tmp_path):
    # 20 rows a side cannot find a KS distance of 0.03: the column is low_power, and the
    # terminal table, the HTML pill and the JSON all print that one word
    rng = np.random.default_rng(0)
    report = driftscope.compare({"x": rng.normal(size=20)}, {"x": rng.normal(size=20)})
    col = report.column("x")
    assert col.status == "low_power"
    (row,) = [ln for ln in format_table(report).splitlines() if ln.startswith("x ")]
    assert row.split()[-1] == "low_power"
    page = Page(render_html(report))
    (index,) = sections(page).values()
    (pill,) = page.find("span", "pill", within=index)
    assert page.text_of(pill) == "low_power"
