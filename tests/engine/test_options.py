"""The options of a comparison: one frozen object, checked when made, recorded by the report."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import driftscope
from driftscope.engine.options import CompareOptions  # also driftscope.CompareOptions
from driftscope.errors import ConfigError


def _sides(seed: int = 0) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    rng = np.random.default_rng(seed)
    n = 800
    ref = {"a": rng.normal(0, 1, n), "b": rng.choice(["x", "y", "z"], n), "y": rng.random(n)}
    cur = {
        "a": rng.normal(0.3, 1, n),
        "b": rng.choice(["x", "y", "z"], n, p=[0.5, 0.3, 0.2]),
        "y": rng.random(n),
    }
    return ref, cur


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("share_threshold", 2, "parameter 'share_threshold' must be a number in [0, 1]; got 2"),
        ("share_threshold", "half", "must be a number in [0, 1]; got 'half'"),
        ("correction", "bonf", "parameter 'correction' must be one of bh, holm, bonferroni"),
        ("false_alarm_rate", 0.0, "parameter 'false_alarm_rate' must be a number in (0, 0.5]"),
        ("false_alarm_rate", 0.7, "must be a number in (0, 0.5]; got 0.7"),
        ("calibrate", "yes", "parameter 'calibrate' must be True or False; got 'yes'"),
        ("inf_as_missing", 1, "parameter 'inf_as_missing' must be True or False; got 1"),
        ("n_jobs", 0, "parameter 'n_jobs' must be an integer >= 1; got 0"),
        ("n_jobs", True, "parameter 'n_jobs' must be an integer >= 1; got True"),
        ("min_effect", 1.5, "parameter 'min_effect' must be a number in [0, 1]; got 1.5"),
        ("min_effect", {"a": -0.1}, "parameter \"min_effect['a']\" must be a number in [0, 1]"),
        ("tiers", {"a": (0.2, 0.1)}, "(warning, major) with 0 <= warning <= major"),
        ("tiers", {"a": 0.2}, "tiers['a']"),
        ("encoding", {"ref": "utf-8"}, "'encoding' must be an encoding, or a mapping with keys"),
    ],
)
def test_each_constraint_is_one_message_naming_the_option(option, value, message):
    with pytest.raises(ConfigError) as info:
        CompareOptions(**{option: value})
    assert str(info.value).startswith("compare: parameter ")
    assert message in str(info.value)
    # compare() checks through the same object, before reading any data
    with pytest.raises(ConfigError, match="compare: parameter"):
        driftscope.compare(
            "/nonexistent/ref.parquet", "/nonexistent/cur.parquet", **{option: value}
        )


def test_options_are_frozen_and_do_not_follow_the_callers_dicts():
    methods = {"a": ["psi", "ks"]}
    options = CompareOptions(methods=methods, thresholds={"a": 0.3})
    methods["a"].append("wasserstein")
    methods["b"] = "chi2"
    assert options.column("a").methods == ("psi", "ks")
    assert options.column("b").methods == ()
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.correction = "holm"  # type: ignore[misc]
    with pytest.raises(TypeError):
        options.thresholds["a"] = 0.1  # type: ignore[index]


def test_per_column_view_and_policy():
    options = CompareOptions(
        schema={"zip": "categorical"},
        methods="psi",
        thresholds={"a": 0.25},
        min_effect=0.05,
        tiers={"a": (0.1, 0.3)},
        correction="holm",
        share_threshold=0.3,
    )
    a = options.column("a")
    assert (a.methods, a.threshold, a.min_effect, a.tiers) == (("psi",), 0.25, 0.05, (0.1, 0.3))
    assert options.column("zip").type == "categorical"
    assert options.column("zip").threshold is None
    policy = options.policy
    assert (policy.correction, policy.share_threshold, policy.calibrate) == ("holm", 0.3, True)


def test_compare_takes_the_options_object_or_keywords_with_the_same_result():
    ref, cur = _sides()
    by_keywords = driftscope.compare(ref, cur, methods={"a": ["psi", "ks"]}, correction="holm")
    options = CompareOptions(methods={"a": ["psi", "ks"]}, correction="holm")
    by_object = driftscope.compare(ref, cur, options=options)
    assert by_object.to_dict()["columns"] == by_keywords.to_dict()["columns"]
    assert by_object.options == by_keywords.options
    with pytest.raises(ConfigError, match=r"not both .*correction="):
        driftscope.compare(ref, cur, options=options, correction="bonferroni")


def test_a_report_records_options_that_make_the_same_report_again():
    ref, cur = _sides(1)
    first = driftscope.compare(
        ref,
        cur,
        methods={"a": ["wasserstein", "ks"]},
        thresholds={"a": 0.05},
        min_effect={"b": 0.02},
        tiers={"b": (0.02, 0.2)},
        target="y",
        calibrate=False,
        n_jobs=1,
    )
    assert "n_jobs" not in first.options  # how the work ran is not part of the result
    options = CompareOptions.from_dict(first.to_dict()["options"])
    again = driftscope.compare(ref, cur, options=options)
    assert again.to_dict()["columns"] == first.to_dict()["columns"]
    assert again.options == first.options


def test_from_dict_names_an_unknown_option():
    with pytest.raises(ConfigError, match="compare: unknown option 'method'; accepted: "):
        CompareOptions.from_dict({"method": "psi"})


names = st.sampled_from(["a", "b", "zip"])
method_names = st.sampled_from(["ks", "psi", "wasserstein", "chi2"])


@given(
    methods=st.none() | method_names | st.dictionaries(names, st.lists(method_names, min_size=1)),
    thresholds=st.none() | st.dictionaries(names, st.floats(0.01, 0.5)),
    min_effect=st.none() | st.floats(0, 1) | st.dictionaries(names, st.floats(0, 1)),
    tiers=st.none() | st.dictionaries(names, st.tuples(st.just(0.05), st.floats(0.05, 1))),
    share=st.floats(0, 1),
    correction=st.sampled_from(["bh", "holm", "bonferroni", "none"]),
    encoding=st.sampled_from(["utf-8", "latin-1"]) | st.just({"current": "latin-1"}),
)
def test_options_survive_their_record(
    methods, thresholds, min_effect, tiers, share, correction, encoding
):
    options = CompareOptions(
        methods=methods,
        thresholds=thresholds,
        min_effect=min_effect,
        tiers=tiers,
        share_threshold=share,
        correction=correction,
        encoding=encoding,
    )
    assert CompareOptions.from_dict(options.to_dict()) == options
