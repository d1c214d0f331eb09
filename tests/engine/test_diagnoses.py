"""compare's diagnoses end to end: constraint violations, the segment search and the
explanation of a performance drop, in the report, its JSON and its HTML."""

from __future__ import annotations

import json

import numpy as np
import pytest

import driftscope
from driftscope.errors import ConfigError
from driftscope.quality import infer_constraints, save_constraints

N = 20_000


def _side(seed: int, *, local: bool = False, narrow: bool = False) -> dict[str, np.ndarray]:
    """A binary model's data: in the current side with ``local``, ``amount`` moves for
    region north only and north-android rows lose their labels' relation; ``narrow``
    gathers ``age`` near 40, where the model's score says least (a covariate shift that
    costs ROC AUC with P(y | x) unchanged)."""
    rng = np.random.default_rng(seed)
    region = rng.choice(["north", "south", "east", "west"], N, p=[0.1, 0.3, 0.3, 0.3])
    device = rng.choice(["ios", "android"], N)
    amount = rng.normal(100, 15, N)
    age = rng.normal(40, 3 if narrow else 10, N)
    if local:
        amount[region == "north"] += 30
    p = 1 / (1 + np.exp(-(0.05 * (amount - 100) + 0.08 * (age - 40))))
    y = (rng.uniform(size=N) < p).astype(np.int64)
    if local:
        pocket = (region == "north") & (device == "android")
        y[pocket] = rng.integers(0, 2, int(pocket.sum()))
    return {"region": region, "device": device, "amount": amount, "age": age, "y": y, "score": p}


@pytest.fixture(scope="module")
def localized() -> driftscope.DriftReport:
    return driftscope.compare(
        _side(0), _side(1, local=True), target="y", probability="score", segments=True
    )


def test_the_localized_drift_and_the_error_pocket_top_the_segments(localized):
    segments = localized.segments
    assert segments is not None
    drift = [s for s in segments if s.kind == "drift"]
    errors = [s for s in segments if s.kind == "error"]
    assert dict(drift[0].filters) == {"region": "north"}
    assert "amount" in drift[0].columns
    assert dict(errors[0].filters) == {"region": "north", "device": "android"}
    assert {segments[0].kind, segments[1].kind} == {"drift", "error"}
    assert all(s.p_value < 0.05 for s in segments)


def test_segments_in_the_json_follow_the_spec(localized):
    data = json.loads(localized.to_json())
    first = data["segments"][0]
    spec_keys = {"filters", "rows", "share", "kind", "score", "p_value", "message"}
    assert spec_keys <= set(first)
    assert first["filters"] == {
        k: list(v) if isinstance(v, tuple) else v for k, v in localized.segments[0].filters.items()
    }
    assert first["rows"] == localized.segments[0].rows
    assert [s["score"] for s in data["segments"]] == sorted(
        (s["score"] for s in data["segments"]), reverse=True
    )
    numeric = [
        s for s in data["segments"] if any(isinstance(v, list) for v in s["filters"].values())
    ]
    for segment in numeric:  # intervals as [low, high]
        for value in segment["filters"].values():
            if isinstance(value, list):
                assert len(value) == 2
                assert value[0] < value[1]


def test_no_search_asked_means_segments_is_null_and_no_card():
    report = driftscope.compare(_side(0), _side(1))
    assert report.segments is None
    assert json.loads(report.to_json())["segments"] is None
    assert 'class="card segments"' not in report.to_html()


def test_the_html_shows_the_segments_card(localized):
    page = localized.to_html()
    assert 'class="card segments"' in page
    assert "region = &#x27;north&#x27;" in page or "region = &#39;north&#39;" in page


def test_a_covariate_shift_drop_is_explained_by_the_shifted_feature():
    report = driftscope.compare(_side(0), _side(1, narrow=True), target="y", probability="score")
    perf = report.performance
    assert perf is not None
    found = perf.explanation
    assert found is not None
    assert found.metric == "roc_auc"
    assert found.drop > 0
    assert found.attributions[0].name == "age"
    # only the inputs moved: re-weighting accounts for most of the fall
    assert found.explained == pytest.approx(found.drop, rel=0.5)
    data = json.loads(report.to_json())["performance"]["explanation"]
    assert data["attributions"][0]["name"] == "age"
    assert "Why roc_auc fell" in report.to_html()


def test_no_drop_means_no_explanation_and_explain_false_skips_it():
    steady = driftscope.compare(_side(0), _side(1), target="y", probability="score")
    assert steady.performance.explanation is None
    moved = driftscope.compare(
        _side(0), _side(1, narrow=True), target="y", probability="score", explain=False
    )
    assert moved.performance.explanation is None


def test_constraint_violations_carry_their_constraint(tmp_path):
    path = save_constraints(infer_constraints(_side(0)), tmp_path / "constraints.yaml")
    current = _side(1)
    current["amount"][:500] = -999.0
    current["region"][:300] = "mars"
    del current["y"]  # labels come later: no missing-column violation for the target
    report = driftscope.compare(
        _side(0), current, constraints=path, target="y", probability="score"
    )
    by_check = {(q.check, q.column): q for q in report.quality}
    assert by_check[("range", "amount")].expected is not None
    assert "-999" in by_check[("range", "amount")].message
    assert ("categories", "region") in by_check
    assert ("new_categories", "region") not in by_check  # said once, by the constraint
    assert ("missing_column", "y") not in by_check
    entry = next(q for q in json.loads(report.to_json())["quality"] if q["check"] == "range")
    assert entry["expected"] == by_check[("range", "amount")].expected
    assert "expected: " in report.to_html()


def test_profiles_cannot_be_searched_or_checked(tmp_path):
    profile = driftscope.profile(_side(0))
    with pytest.raises(ConfigError, match="segments: the segment search reads raw rows"):
        driftscope.compare(profile, _side(1), segments=True)
    path = save_constraints(infer_constraints(_side(0)), tmp_path / "c.yaml")
    with pytest.raises(ConfigError, match="constraints: constraints are checked on raw"):
        driftscope.compare(_side(0), profile, constraints=path)
