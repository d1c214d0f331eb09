from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from driftscope._types import ColumnType
from driftscope.io._numpy import from_numpy
from driftscope.performance.segments.slices import (
    MAX_CATEGORIES,
    NUMERIC_BINS,
    display,
    encode,
    full_codes,
)

from ._data import strings


def _one(ref: pa.Array, cur: pa.Array, column_type: ColumnType, rows=(None, None)):
    return encode(pa.table({"x": ref}), pa.table({"x": cur}), {"x": column_type}, rows)[0]


def test_numeric_codes_are_the_reference_quantile_bins_with_edges_to_the_right():
    rng = np.random.default_rng(0)
    ref, cur = rng.normal(0, 1, 5000), rng.normal(0.5, 1, 3000)
    e = _one(from_numpy(ref), from_numpy(cur), ColumnType.NUMERIC)
    edges = np.quantile(ref, np.arange(1, NUMERIC_BINS) / NUMERIC_BINS)
    assert np.allclose(e.edges, edges)
    assert e.current.tolist() == np.searchsorted(edges, cur, side="right").tolist()
    assert e.values[0][0] == pytest.approx(min(ref.min(), cur.min()))
    assert e.values[-1][1] == pytest.approx(max(ref.max(), cur.max()))


def test_missing_numbers_get_a_code_of_their_own():
    e = _one(
        from_numpy(np.array([1.0, np.nan, 3.0])), from_numpy(np.array([2.0])), ColumnType.NUMERIC
    )
    assert e.values[-1] is None
    assert e.reference[1] == e.size - 1


def test_rare_categories_are_pooled_into_other_which_is_never_a_slice():
    rng = np.random.default_rng(0)
    names = [f"v{i}" for i in range(40)]
    codes = rng.choice(40, 20000, p=np.r_[np.full(10, 0.09), np.full(30, 0.1 / 30)])
    e = _one(strings(codes, names), strings(codes[:5000], names), ColumnType.CATEGORICAL)
    assert e.size == MAX_CATEGORIES + 1
    assert e.values[-1] == "(other)"
    assert e.sliceable[-1] is False
    assert set(e.values[:10]) == {f"v{i}" for i in range(10)}


def test_categories_code_alike_on_both_sides_whatever_their_dictionary_order():
    ref = strings(np.array([0, 1, 1, 2]), ["a", "b", "c"])
    cur = strings(np.array([0, 1, 2, 2]), ["c", "b", "a"])
    e = _one(ref, cur, ColumnType.CATEGORICAL)
    decode = dict(enumerate(e.values))
    assert [decode[c] for c in e.reference] == ["a", "b", "b", "c"]
    assert [decode[c] for c in e.current] == ["c", "b", "a", "a"]


def test_booleans_and_their_missing_values():
    ref = pa.array([True, False, None])
    e = _one(ref, pa.array([True, True, True]), ColumnType.BOOLEAN)
    assert e.values == (False, True, None)
    assert e.reference.tolist() == [1, 0, 2]


def test_full_codes_agree_with_the_codes_of_the_rows_sampled():
    rng = np.random.default_rng(0)
    x = rng.normal(0, 1, 1000)
    x[rng.random(1000) < 0.1] = np.nan
    c = strings(rng.integers(0, 30, 1000), [f"v{i}" for i in range(30)])
    table = pa.table({"x": from_numpy(x), "c": c})
    rows = np.sort(rng.choice(1000, 300, replace=False)).astype(np.int64)
    types = {"x": ColumnType.NUMERIC, "c": ColumnType.CATEGORICAL}
    for e in encode(table, table, types, (rows, rows)):
        assert full_codes(table.column(e.name), e)[rows].tolist() == e.reference.tolist()


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("north", "= 'north'"),
        (3, "= 3"),
        (True, "= True"),
        (None, "is missing"),
        ((0.5, 2.25), "in [0.5, 2.25)"),
    ],
)
def test_filter_values_read_plainly(value, text):
    assert display(value) == text
