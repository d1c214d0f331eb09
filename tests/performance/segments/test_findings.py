from __future__ import annotations

import pytest

from driftscope.performance.segments.findings import CHILD_GAIN, Finding, deduplicated


def _drift(slice_, effect, score, moved=()):
    return Finding("drift", slice_, effect, score, 0.001, effect, 0.0, moved)


def test_a_pair_that_only_inherits_its_parents_change_is_dropped():
    parent = _drift(((0, 1),), 0.4, 0.02)
    child = _drift(((0, 1), (1, 0)), 0.42, 0.01)
    assert deduplicated([child, parent]) == [parent]


def test_a_pair_much_sharper_than_its_parent_replaces_it():
    parent = _drift(((0, 1),), 0.2, 0.02)
    child = _drift(((0, 1), (1, 0)), 0.2 * CHILD_GAIN, 0.015)
    assert deduplicated([parent, child]) == [child]


def test_an_echo_in_a_moved_features_bins_gives_way_to_its_source():
    source = _drift(((0, 2),), 0.5, 0.01, moved=(1, 2))  # region = north: amount, age moved
    echo = _drift(((1, 6),), 0.15, 0.02, moved=(0, 2))  # amount's top bin: region, age moved
    assert deduplicated([source, echo]) == [source]


def test_unrelated_findings_are_kept_best_score_first():
    a = _drift(((0, 2),), 0.5, 0.01, moved=(1,))
    b = _drift(((3, 0),), 0.3, 0.03, moved=(4,))
    err = Finding("error", ((0, 2),), 0.3, 0.2, 0.001, 0.4, 0.1)
    assert deduplicated([a, b, err]) == [err, b, a]


@pytest.mark.parametrize("kind", ["drift", "error"])
def test_findings_of_different_kinds_never_explain_each_other(kind):
    drift = _drift(((0, 1),), 0.4, 0.02)
    error = Finding("error", ((0, 1), (1, 0)), 0.4, 0.1, 0.001, 0.5, 0.1)
    assert len(deduplicated([drift, error])) == 2
