"""The segment search's column cap in a report: past ``MAX_COLUMNS`` features, the engine
hands the search the drifted ones first and says how many it left out."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

import driftscope
from driftscope.engine.diagnosis import features_of, segment_features, segments_note
from driftscope.performance.segments import MAX_COLUMNS, find_segments, searched_columns

WIDTH = 130
MOVED = "x120"  # beyond the cap in the report's order


def _side(seed: int, *, local: bool) -> dict[str, np.ndarray]:
    """``region`` then ``x0 .. x128``; with ``local``, x120 moves inside region north only."""
    rng = np.random.default_rng(seed)
    n = 6_000
    region = rng.choice(["north", "south", "east", "west"], n, p=[0.2, 0.3, 0.3, 0.2])
    data: dict[str, np.ndarray] = {"region": region}
    for j in range(WIDTH - 1):
        data[f"x{j}"] = rng.normal(0, 1, n)
    if local:
        data[MOVED][region == "north"] += 1.5
    return data


@pytest.fixture(scope="module")
def wide() -> driftscope.DriftReport:
    return driftscope.compare(_side(0, local=False), _side(1, local=True), segments=True)


def test_a_drift_beyond_the_hundredth_column_is_still_found(wide):
    assert wide.column(MOVED).drifted
    assert list(features_of(wide.columns)).index(MOVED) >= MAX_COLUMNS
    assert wide.segments
    top = wide.segments[0]
    assert (dict(top.filters), top.kind) == ({"region": "north"}, "drift")
    assert MOVED in top.columns


def test_the_search_in_the_reports_own_order_would_miss_it(wide):
    ref, cur = pa.table(_side(0, local=False)), pa.table(_side(1, local=True))
    found = find_segments(ref, cur, features_of(wide.columns))
    assert not any(MOVED in s.columns for s in found)


def test_drifted_features_come_first_then_the_rest_in_order(wide):
    ordered = list(segment_features(wide.columns))
    drifted = wide.drifted_columns  # most severe first
    assert ordered[: len(drifted)] == drifted
    rest = [name for name in features_of(wide.columns) if name not in drifted]
    assert ordered[len(drifted) :] == rest
    assert sorted(ordered) == sorted(features_of(wide.columns))


def test_the_note_counts_the_columns_left_out(wide):
    searched, left_out = searched_columns(segment_features(wide.columns))
    assert len(searched) == MAX_COLUMNS
    assert len(left_out) == WIDTH - MAX_COLUMNS
    assert MOVED in searched
    note = segments_note(wide.columns)
    assert note is not None
    assert f"read {MAX_COLUMNS} of {WIDTH} features" in note
    assert f"{WIDTH - MAX_COLUMNS} left out" in note


def test_no_note_when_every_feature_is_searched():
    small = driftscope.compare(
        {"a": np.arange(300.0), "b": np.ones(300)}, {"a": np.arange(300.0), "b": np.ones(300)}
    )
    assert segments_note(small.columns) is None


def test_the_note_reaches_every_output(wide):
    import json

    from driftscope.report.html import render_html
    from driftscope.report.json_format import report_to_json
    from driftscope.report.terminal import format_table

    assert wide.segments_notes == (segments_note(wide.columns),)
    data = json.loads(report_to_json(wide))
    assert data["segments_notes"] == list(wide.segments_notes)
    assert f"read {MAX_COLUMNS} of {WIDTH} features" in format_table(wide)
    assert f"read {MAX_COLUMNS} of {WIDTH} features" in render_html(wide)
    small = driftscope.compare({"a": np.arange(300.0)}, {"a": np.arange(300.0)}, segments=True)
    assert small.segments_notes == ()
