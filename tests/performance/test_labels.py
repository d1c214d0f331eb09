"""Late labels joined on an id column."""

from __future__ import annotations

import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from driftscope.engine.labels import join_labels
from driftscope.errors import InputError


def test_every_current_row_takes_its_ids_label():
    cur = pa.table({"rid": ["a", "b", "c", "d"], "score": [0.1, 0.2, 0.3, 0.4]})
    labels = pa.table({"rid": ["d", "b", "x"], "y": [1, 0, 1]})
    joined = join_labels(cur, labels, id_column="rid", target="y", source="late.csv")
    assert joined.table.column("y").to_pylist() == [None, 0, None, 1]
    assert joined.labelled == 2
    assert joined.unmatched_labels == 1
    assert joined.notes == (
        "late.csv: 1 label(s) for ids not in the current data",
        "late.csv: 2 current row(s) have no label yet",
    )


@given(st.lists(st.integers(0, 50), unique=True), st.lists(st.integers(0, 50), unique=True))
def test_the_join_is_a_lookup(current_ids, label_ids):
    cur = pa.table({"id": pa.array(current_ids, pa.int64())})
    labels = pa.table({"id": pa.array(label_ids, pa.int64()), "y": [i % 2 for i in label_ids]})
    joined = join_labels(cur, labels, id_column="id", target="y", source="l")
    lookup = dict(zip(label_ids, (i % 2 for i in label_ids), strict=True))
    assert joined.table.column("y").to_pylist() == [lookup.get(i) for i in current_ids]
    assert joined.unmatched_labels == len(set(label_ids) - set(current_ids))


def test_dictionary_encoded_ids_match_plain_ones():
    # Parquet hands strings back dictionary-encoded; a CSV of labels holds them plain
    ids = pa.array(["a1", "a2", "a3"]).dictionary_encode()
    cur = pa.table({"id": ids})
    labels = pa.table({"id": ["a3", "a1"], "y": [1, 0]})
    joined = join_labels(cur, labels, id_column="id", target="y", source="l")
    assert joined.table.column("y").to_pylist() == [0, None, 1]


def test_ids_of_another_width_are_cast():
    cur = pa.table({"id": pa.array([1, 2], pa.int64())})
    labels = pa.table({"id": pa.array([2], pa.int32()), "y": [1]})
    joined = join_labels(cur, labels, id_column="id", target="y", source="l")
    assert joined.table.column("y").to_pylist() == [None, 1]


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        (pa.table({"id": [1, 1], "y": [0, 1]}), "id 1 has more than one label"),
        (pa.table({"id": [1, None], "y": [0, 1]}), "1 label row"),
        (pa.table({"key": [1], "y": [0]}), "no column 'id' in l"),
        (pa.table({"id": [1], "label": [0]}), "no column 'y' in l"),
        (pa.table({"id": ["x"], "y": [0]}), "holds string"),
    ],
)
def test_bad_labels_are_one_clear_error(labels, message):
    cur = pa.table({"id": [1, 2], "score": [0.5, 0.5]})
    with pytest.raises(InputError, match=message):
        join_labels(cur, labels, id_column="id", target="y", source="l")


def test_labels_in_both_places_are_an_error():
    cur = pa.table({"id": [1], "y": [0]})
    with pytest.raises(InputError, match="already has the target"):
        join_labels(cur, pa.table({"id": [1], "y": [1]}), id_column="id", target="y", source="l")
