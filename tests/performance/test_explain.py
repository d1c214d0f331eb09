"""Explaining a performance drop: re-weighting the reference to the current inputs accounts
for a covariate shift, leaves a changed relation between inputs and labels unexplained, and
points at the feature and segment that moved."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import expit
from sklearn.metrics import roc_auc_score

from driftscope._types import ColumnType
from driftscope.errors import ConfigError, DriftscopeError, InputError
from driftscope.performance.classification import binary_scorer
from driftscope.performance.explain import MAX_WEIGHT, _codes, _domain, explain_drop
from driftscope.performance.regression import regression_scorer

NUM, CAT = ColumnType.NUMERIC, ColumnType.CATEGORICAL
FEATURES = {"x": NUM, "z": NUM, "c": CAT}


def _side(rng: np.random.Generator, n: int, *, shift: float, strength: float = 1.0):
    """Rows whose labels follow the model's probabilities (strength 1: the model is right),
    a model that separates the classes well for low x and barely for high x."""
    x = rng.normal(shift, 1.0, n)
    z = rng.normal(0.0, 1.0, n)
    c = rng.choice(np.array(["a", "b", "c"]), n, p=[0.5, 0.3, 0.2])
    signal = 3.0 * expit(-2.0 * x)
    probability = expit(signal * z)
    labels = (rng.uniform(size=n) < expit(strength * signal * z)).astype(np.int64)
    table = pa.table({"x": x, "z": z, "c": c.tolist()})
    return table, labels, probability


def _auc(labels, probability):
    score = binary_scorer(labels, probability, None)
    return lambda w: score(w)["roc_auc"]


def _explain(reference, current, score, current_value, **kw):
    kw.setdefault("features", FEATURES)
    return explain_drop(
        reference,
        current,
        kw.pop("features"),
        score,
        metric=kw.pop("metric", "roc_auc"),
        higher_is_better=kw.pop("higher_is_better", True),
        current_value=current_value,
        estimated=False,
        **kw,
    )


@pytest.fixture(scope="module")
def covariate():
    rng = np.random.default_rng(0)
    ref, y, p = _side(rng, 20_000, shift=0.0)
    cur, y_cur, p_cur = _side(rng, 10_000, shift=1.0)
    return ref, cur, _auc(y, p), roc_auc_score(y_cur, p_cur)


@pytest.mark.parametrize("model", ["boosting", "logistic"])
def test_a_covariate_shift_alone_is_explained_within_noise(covariate, model):
    ref, cur, score, realised = covariate
    out = _explain(ref, cur, score, realised, domain_model=model)
    assert out is not None
    assert out.drop > 0.03  # the model is weaker where x moved
    assert out.explained == pytest.approx(out.drop, abs=0.012)
    assert model in out.method or (model == "boosting" and "gradient-boosted" in out.method)


def test_the_shifted_feature_ranks_first_and_the_unshifted_ones_are_left_out(covariate):
    ref, cur, score, realised = covariate
    out = _explain(ref, cur, score, realised, domain_model="logistic")
    assert [a.name for a in out.attributions] == ["x"]
    assert out.attributions[0].share == pytest.approx(out.attributions[0].drop / out.drop)
    assert "2 feature(s) or segment(s) account for less than 5%" in out.method


def test_a_changed_relation_alone_leaves_the_drop_unexplained():
    rng = np.random.default_rng(1)
    ref, y, p = _side(rng, 20_000, shift=0.0)
    cur, y_cur, p_cur = _side(rng, 10_000, shift=0.0, strength=0.3)
    realised = roc_auc_score(y_cur, p_cur)
    out = _explain(ref, cur, _auc(y, p), realised, domain_model="boosting")
    assert out.drop > 0.1
    assert abs(out.explained) < 0.1 * out.drop
    assert out.attributions == ()


def test_only_the_boosted_classifier_sees_a_shift_in_how_features_combine():
    # the marginals stay put; a and b become correlated, where the model is weak
    rng = np.random.default_rng(9)

    def side(n, rho):
        a = rng.normal(size=n)
        b = rho * a + np.sqrt(1 - rho**2) * rng.normal(size=n)
        logit = 3.0 * expit(-2.0 * a * b) * rng.normal(size=n)
        labels = (rng.uniform(size=n) < expit(logit)).astype(np.int64)
        return pa.table({"a": a, "b": b}), labels, expit(logit)

    ref, y, p = side(20_000, 0.0)
    cur, y_cur, p_cur = side(10_000, 0.7)
    realised = roc_auc_score(y_cur, p_cur)
    features = {"a": NUM, "b": NUM}
    boosted = _explain(ref, cur, _auc(y, p), realised, features=features, domain_model="boosting")
    additive = _explain(ref, cur, _auc(y, p), realised, features=features, domain_model="logistic")
    assert boosted.explained > 0.75 * boosted.drop
    assert abs(additive.explained) < 0.2 * additive.drop
    assert boosted.attributions == ()  # neither feature moved on its own


def test_the_weighted_metric_of_a_feature_is_sklearns_at_the_same_weights():
    rng = np.random.default_rng(2)
    n = 5_000
    c = rng.choice(np.array(["a", "b", "c"]), n, p=[0.6, 0.3, 0.1])
    y = rng.integers(0, 2, n)
    noise = np.where(c == "c", 2.0, 0.3)  # the model is poor on category c
    p = expit(3.0 * (y - 0.5) + rng.normal(0.0, 1.0, n) * noise * 3.0)
    cur_c = rng.choice(np.array(["a", "b", "c"]), 2_000, p=[0.3, 0.3, 0.4])
    shares = {k: (np.mean(cur_c == k), np.mean(c == k)) for k in "abc"}
    weights = np.array([shares[k][0] / shares[k][1] for k in c])
    oracle = roc_auc_score(y, p, sample_weight=weights)
    out = _explain(
        pa.table({"c": c.tolist()}),
        pa.table({"c": cur_c.tolist()}),
        _auc(y, p),
        oracle - 0.01,
        features={"c": CAT},
    )
    (attribution,) = out.attributions
    assert attribution.expected == pytest.approx(oracle, abs=1e-12)
    assert attribution.drop == pytest.approx(roc_auc_score(y, p) - oracle, abs=1e-12)


def test_a_lower_is_better_metric_drops_when_it_rises():
    rng = np.random.default_rng(3)
    x = rng.normal(size=10_000)
    target = x + rng.normal(0.0, 0.2 + np.abs(x))
    cur_x = rng.normal(1.0, 1.0, 4_000)
    realised = float(np.mean(np.abs(rng.normal(0.0, 0.2 + np.abs(cur_x)))))
    score = regression_scorer(target, x)
    out = _explain(
        pa.table({"x": x}),
        pa.table({"x": cur_x}),
        lambda w: score(w)["mae"],
        realised,
        features={"x": NUM},
        metric="mae",
        higher_is_better=False,
        domain_model="logistic",
    )
    assert out.drop == pytest.approx(realised - float(np.mean(np.abs(target - x))))
    assert out.explained == pytest.approx(out.drop, rel=0.1)
    assert out.attributions[0].expected > out.reference


def test_a_planted_segment_accounts_for_the_drop():
    rng = np.random.default_rng(4)
    ref, y, p = _side(rng, 20_000, shift=0.0)
    # the model knows nothing on segment c = "c"; current has three times its share
    bad = np.asarray(ref.column("c").to_pylist()) == "c"
    y = np.where(bad, rng.integers(0, 2, y.size), y)
    cur_c = rng.choice(np.array(["a", "b", "c"]), 8_000, p=[0.25, 0.15, 0.6])
    cur = pa.table({"x": rng.normal(size=8_000), "z": rng.normal(size=8_000), "c": cur_c.tolist()})
    segment = {"c": "c"}
    out = _explain(
        ref, cur, _auc(y, p), roc_auc_score(y, p) - 0.08, segments=[segment, {"x": (5.0, 9.0)}]
    )
    kinds = {a.kind: a for a in out.attributions}
    assert kinds["segment"].filters == segment
    assert kinds["segment"].name == "c = c"
    inside = bad.mean()
    weights = np.where(
        bad, np.mean(cur_c == "c") / inside, (1 - np.mean(cur_c == "c")) / (1 - inside)
    )
    assert kinds["segment"].expected == pytest.approx(roc_auc_score(y, p, sample_weight=weights))
    assert kinds["segment"].drop > 0.05
    # the empty interval segment (no reference rows) cannot be weighted and is named
    assert "cannot be re-weighted: x in [5, 9)" in out.method


def test_segment_intervals_are_read_as_the_segment_search_cuts_them():
    ref = pa.table({"x": np.array([1.0, 2.0, 3.0, 4.0]), "c": ["a", "b", None, "a"]})
    cur = pa.table({"x": np.array([2.0, 5.0]), "c": ["b", "b"]})
    inner, _ = _codes.segment_masks(ref, cur, {"x": (2.0, 3.0)})
    assert inner.tolist() == [False, True, False, False]  # low <= x < high
    last, last_cur = _codes.segment_masks(ref, cur, {"x": (3.0, 5.0)})
    assert last.tolist() == [False, False, True, True]
    assert last_cur.tolist() == [False, True]  # the largest value closes the last bin
    both, _ = _codes.segment_masks(ref, cur, {"c": "a", "x": (1.0, 2.0)})
    assert both.tolist() == [True, False, False, False]
    missing, _ = _codes.segment_masks(ref, cur, {"c": None})
    assert missing.tolist() == [False, False, True, False]


def test_no_drop_or_a_drop_within_noise_gives_none(covariate):
    ref, cur, score, _ = covariate
    value = score(None)
    assert _explain(ref, cur, score, value + 0.01) is None
    assert _explain(ref, cur, score, value - 0.001) is None  # bootstrap noise: ~0.005
    assert _explain(ref, cur, score, value - 0.001, reference_ci=(value, value)) is not None
    assert _explain(ref, cur, score, value - 0.03, current_ci=(0.5, 0.9)) is None


def test_a_constant_feature_accounts_for_nothing():
    rng = np.random.default_rng(5)
    ref, y, p = _side(rng, 5_000, shift=0.0)
    cur, *_ = _side(rng, 3_000, shift=1.0)
    ref = ref.append_column("k", pa.array(np.full(5_000, 7.0)))
    cur = cur.append_column("k", pa.array(np.full(3_000, 7.0)))
    weights = _codes.ratio_weights(_codes.numeric_codes("k", ref.column("k"), cur.column("k")))
    assert np.array_equal(weights, np.ones(5_000))
    out = _explain(ref, cur, _auc(y, p), 0.7, features={**FEATURES, "k": NUM})
    assert "k" not in [a.name for a in out.attributions]


def test_missing_values_have_a_bin_of_their_own():
    rng = np.random.default_rng(6)
    n = 10_000
    x = rng.normal(size=n)
    missing = rng.uniform(size=n) < 0.1
    error = np.where(missing, 3.0, 1.0) * np.abs(rng.normal(size=n))
    cur_x = rng.normal(size=4_000)
    cur_x[rng.uniform(size=4_000) < 0.4] = np.nan
    ref = pa.table({"x": pa.array(np.where(missing, np.nan, x), from_pandas=True)})
    assert ref.column("x").null_count == missing.sum()
    codes = _codes.numeric_codes("x", ref.column("x"), pa.chunked_array([cur_x]))
    assert set(codes.reference[missing]) == {codes.size - 1}
    out = _explain(
        ref,
        pa.table({"x": cur_x}),
        lambda w: float(np.average(error, weights=w)),
        2.0,
        features={"x": NUM},
        metric="mae",
        higher_is_better=False,
    )
    share = np.isnan(cur_x).mean()
    assert _codes.ratio_weights(codes)[missing] == pytest.approx(share / missing.mean())
    weights = np.where(missing, share / missing.mean(), (1 - share) / (1 - missing.mean()))
    (attribution,) = out.attributions  # the other bins' shares move by chance only
    assert attribution.expected == pytest.approx(np.average(error, weights=weights), abs=0.01)
    assert attribution.drop > 0.4


def test_a_new_category_cannot_be_weighted_and_the_method_says_so():
    rng = np.random.default_rng(7)
    c = rng.choice(np.array(["a", "b"]), 4_000)
    loss = np.where(c == "b", 2.0, 1.0)
    cur = np.array(["a"] * 500 + ["b"] * 1_000 + ["new"] * 500)
    codes = _codes.category_codes(
        "c", pa.chunked_array([c.tolist()]), pa.chunked_array([cur.tolist()])
    )
    assert codes.unseen == ("new",)
    assert (codes.current == _codes.UNSEEN).sum() == 500
    out = _explain(
        pa.table({"c": c.tolist()}),
        pa.table({"c": cur.tolist()}),
        lambda w: float(np.average(loss, weights=w)),
        1.9,
        features={"c": CAT},
        metric="mae",
        higher_is_better=False,
    )
    # the seen rows' shares: a 1/3, b 2/3
    assert out.attributions[0].expected == pytest.approx(5.0 / 3.0, abs=0.02)
    assert "25.0% of the current rows hold values no reference row has" in out.method
    assert "new categories c: new" in out.method


def test_booleans_dates_dictionaries_and_chunks_are_weighted_like_plain_columns():
    rng = np.random.default_rng(11)
    n = 4_000
    flag = rng.uniform(size=n) < 0.3
    days = rng.integers(0, 100, n)
    loss = np.where(flag, 2.0, 1.0) + days / 100.0
    cur_flag = rng.uniform(size=2_000) < 0.6
    cur_days = rng.integers(50, 100, 2_000)
    epoch = np.datetime64("2026-01-01", "D")
    ref = pa.table(
        {
            "flag": pa.chunked_array([flag[:1_000], flag[1_000:]]),
            "day": pa.array(epoch + days),
            "plan": pa.chunked_array([np.where(flag, "pro", "basic").tolist()]).dictionary_encode(),
        }
    )
    cur = pa.table(
        {
            "flag": cur_flag,
            "day": pa.array(epoch + cur_days),
            "plan": np.where(cur_flag, "pro", "basic").tolist(),
        }
    )
    features = {"flag": ColumnType.BOOLEAN, "day": ColumnType.DATETIME, "plan": CAT}
    out = _explain(
        ref,
        cur,
        lambda w: float(np.average(loss, weights=w)),
        3.0,
        features=features,
        metric="mae",
        higher_is_better=False,
    )
    found = {a.name: a for a in out.attributions}
    share = cur_flag.mean()
    hand = np.average(
        loss, weights=np.where(flag, share / flag.mean(), (1 - share) / (1 - flag.mean()))
    )
    assert found["flag"].expected == pytest.approx(hand, rel=1e-9)
    assert found["plan"].expected == pytest.approx(hand, rel=1e-9)  # the same split, as text
    assert found["day"].drop > 0.2  # the later half of the days: higher loss


def test_one_rare_row_cannot_take_over_the_weights():
    rng = np.random.default_rng(8)
    c = np.array(["common"] * 999 + ["rare"])
    loss = np.where(c == "rare", 1_000.0, 1.0)
    cur = np.array(["common"] * 500 + ["rare"] * 500)
    seen = []

    def score(w):
        seen.append(w)
        return float(np.average(loss, weights=w))

    out = _explain(
        pa.table({"c": c.tolist()}),
        pa.table({"c": cur.tolist()}),
        score,
        500.0,
        features={"c": CAT},
        metric="mae",
        higher_is_better=False,
        reference_ci=(1.0, 1.0),
        seed=int(rng.integers(100)),
    )
    weighted = [w for w in seen if w is not None]
    assert all(w.max() <= MAX_WEIGHT * w.mean() * (1 + 1e-9) for w in weighted)
    assert out.attributions[0].expected < 60.0  # unclipped: about 500


@given(st.integers(0, 10_000), st.sampled_from(["normal", "lognormal", "integers", "tied"]))
@settings(max_examples=25, deadline=None)
def test_binning_through_the_grid_is_a_binary_search(seed, shape):
    rng = np.random.default_rng(seed)
    n = _codes.GRID_ROWS + 10
    values = {
        "normal": lambda: rng.normal(size=n),
        "lognormal": lambda: rng.lognormal(0.0, 4.0, n),
        "integers": lambda: rng.poisson(2.0, n).astype(float),
        "tied": lambda: np.repeat(rng.normal(size=n // 100), 100)[:n],
    }[shape]()
    values[rng.integers(0, n, 50)] = np.nan
    values[rng.integers(0, n, 5)] = rng.choice([np.inf, -np.inf])
    edges = np.unique(np.quantile(values[np.isfinite(values)], np.arange(1, 50) / 50))
    values[: edges.size] = edges  # exactly on the edges, and a hair either side
    values[edges.size : 2 * edges.size] = np.nextafter(edges, -np.inf)
    expected = np.searchsorted(edges, values, side="right")
    expected[np.isnan(values)] = 99
    assert np.array_equal(_codes._cut(values, edges, 99), expected)


@pytest.mark.parametrize("block", [999, 4096, 1 << 15, 1 << 20])
def test_binning_block_by_block_is_a_binary_search_at_any_block_size(block, monkeypatch):
    monkeypatch.setattr(_codes, "GRID_BLOCK", block)
    rng = np.random.default_rng(block)
    values = rng.normal(size=_codes.GRID_ROWS * 2 + 7)  # the last block is a partial one
    values[rng.integers(0, values.size, 100)] = np.nan
    edges = np.unique(np.quantile(values[np.isfinite(values)], np.arange(1, 50) / 50))
    values[: edges.size] = edges
    expected = np.searchsorted(edges, values, side="right")
    expected[np.isnan(values)] = 50
    assert np.array_equal(_codes._cut(values, edges, 50), expected)


@given(st.lists(st.floats(0.0, 1e9), min_size=1, max_size=200))
def test_clipped_weights_average_one_and_stay_under_the_cap(raw):
    weights = np.array(raw)
    out = _codes.clipped(weights)
    assert out.mean() == pytest.approx(1.0)
    assert out.max() <= MAX_WEIGHT * (1 + 1e-9)
    if weights.sum() > 0:  # the order of the rows' weights is kept
        assert np.all(np.diff(out[np.argsort(weights, kind="stable")]) >= -1e-12)


def test_the_joint_weights_of_a_large_reference_come_from_a_sample(covariate, monkeypatch):
    ref, cur, score, realised = covariate
    monkeypatch.setattr(_domain, "JOINT_ROWS", 8_000)
    out = _explain(ref, cur, score, realised, domain_model="logistic")
    assert "applied to 8,000 reference rows" in out.method
    assert out.explained == pytest.approx(out.drop, abs=0.02)


def test_boosting_without_scikit_learn_says_how_to_get_it(covariate, monkeypatch):
    ref, cur, score, realised = covariate
    monkeypatch.setitem(sys.modules, "sklearn.ensemble", None)
    with pytest.raises(ConfigError, match=r"install driftscope\[ml\]"):
        _explain(ref, cur, score, realised, domain_model="boosting")
    out = _explain(ref, cur, score, realised)  # "auto" falls back
    assert "logistic regression" in out.method


def test_too_few_rows_for_the_boosted_classifier_use_the_logistic_regression():
    rng = np.random.default_rng(10)
    loss = rng.uniform(size=30)
    out = _explain(
        pa.table({"x": rng.normal(size=30)}),
        pa.table({"x": rng.normal(1.0, 1.0, 3)}),
        lambda w: float(np.average(loss, weights=w)),
        5.0,
        features={"x": NUM},
        metric="mae",
        higher_is_better=False,
        domain_model="boosting",
    )
    assert "(30 reference and 3 current rows; too few for the boosted classifier)" in out.method


def _nan(weights):
    return float("nan")


BAD_INPUTS = {
    "score_nan": (InputError, "undefined", {"score": _nan}),
    "score_text": (InputError, "returned str", {"score": lambda w: "0.9"}),
    "not_a_table": (InputError, "must be a pyarrow Table", {"reference": {"x": [1.0]}}),
    "empty": (InputError, "current data has no rows", {"current": "empty"}),
    "unknown_type": (ConfigError, "feature 'x' has type 'float'", {"features": {"x": "float"}}),
    "absent": (InputError, "feature 'w' is not in the reference", {"features": {"w": NUM}}),
    "value_nan": (ConfigError, "'current_value'", {"current_value": float("nan")}),
    "bad_ci": (ConfigError, "'reference_ci'", {"reference_ci": (0.9, 0.1)}),
    "bad_model": (ConfigError, "'domain_model'", {"domain_model": "forest"}),
    "segment_column": (InputError, "segment column 'q'", {"segments": [{"q": 1}]}),
    "segment_type": (InputError, "cannot be compared", {"segments": [{"x": "high"}]}),
    "segment_empty": (ConfigError, "segment 1 must map", {"segments": [{"c": "a"}, {}]}),
    "segments_one": (ConfigError, "'segments'", {"segments": {"c": "a"}}),
    "features_list": (ConfigError, "'features'", {"features": ["x", "z"]}),
    "score_value": (ConfigError, "'score'", {"score": 0.9}),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_inputs_give_one_clear_line(covariate, case):
    ref, cur, score, _ = covariate
    error, words, changes = BAD_INPUTS[case]
    call = {"reference": ref, "current": cur, "score": score, "current_value": 0.5, **changes}
    if call["current"] == "empty":
        call["current"] = cur.slice(0, 0)
    args = [call.pop(k) for k in ("reference", "current", "score", "current_value")]
    with pytest.raises(error, match=words) as caught:
        _explain(*args, **call)
    assert isinstance(caught.value, DriftscopeError)
    assert "\n" not in str(caught.value)


@pytest.mark.slow  # a fresh interpreter and its imports: 3-4 s
def test_the_logistic_path_imports_no_pandas(tmp_path):
    rng = np.random.default_rng(0)
    pq.write_table(
        pa.table({"x": rng.normal(size=2_000), "c": ["a", "b"] * 1_000}), tmp_path / "r.parquet"
    )
    pq.write_table(
        pa.table({"x": rng.normal(1, 1, 1_000), "c": ["a", "b"] * 500}), tmp_path / "c.parquet"
    )
    code = (
        "import sys, numpy as np, pyarrow.parquet as pq\n"
        "from driftscope.performance.explain import explain_drop\n"
        # as driftscope reads Parquet: strings as dictionaries, not through pyarrow.dataset
        f"ref = pq.ParquetFile({str(tmp_path / 'r.parquet')!r}, read_dictionary=['c']).read()\n"
        f"cur = pq.ParquetFile({str(tmp_path / 'c.parquet')!r}, read_dictionary=['c']).read()\n"
        "print('pandas' in sys.modules)\n"
        "loss = np.random.default_rng(0).uniform(size=2000)\n"
        "out = explain_drop(ref, cur, {'x': 'numeric', 'c': 'categorical'},\n"
        "    lambda w: float(np.average(loss, weights=w)), metric='mae',\n"
        "    higher_is_better=False, current_value=0.9, estimated=False,\n"
        "    segments=[{'c': 'a'}, {'x': (0.0, 1.0)}], domain_model='logistic')\n"
        "assert out is not None\n"
        "print('pandas' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "False"]
