"""Duplicate rows from 64-bit row hashes agree with counting distinct row tuples in Python."""

from __future__ import annotations

import math

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from driftscope.quality.rowkeys import duplicate_rows

_float = st.one_of(st.none(), st.sampled_from([0.0, -0.0, 1.5, math.nan, math.inf]))
_int = st.one_of(st.none(), st.integers(-3, 3))
_text = st.one_of(st.none(), st.sampled_from(["a", "b", ""]))


def _key(value: object) -> object:
    """Missing values (null and NaN) are one value; -0.0 equals 0.0 already in Python."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "<missing>"
    return value


@settings(deadline=None)  # the first example pays for imports
@given(
    st.integers(0, 40).flatmap(
        lambda n: st.tuples(
            st.lists(_float, min_size=n, max_size=n),
            st.lists(_int, min_size=n, max_size=n),
            st.lists(_text, min_size=n, max_size=n),
            st.booleans(),
        )
    )
)
def test_duplicate_rows_count_rows_seen_before(
    columns: tuple[list[float | None], list[int | None], list[str | None], bool],
) -> None:
    floats, ints, texts, as_dictionary = columns
    text = pa.array(texts, pa.string())
    table = pa.table(
        {
            "f": pa.array(floats, pa.float64()),
            "i": pa.array(ints, pa.int64()),
            "t": text.dictionary_encode() if as_dictionary else text,
        }
    )
    rows = [tuple(_key(v) for v in row) for row in zip(floats, ints, texts, strict=True)]
    assert duplicate_rows(table) == len(rows) - len(set(rows))
    singles = [_key(v) for v in ints]
    assert duplicate_rows(table, ["i"]) == len(singles) - len(set(singles))


def test_chunks_with_different_dictionaries_compare_by_value() -> None:
    first = pa.array(["a", "b"]).dictionary_encode()
    second = pa.array(["b", "a"]).dictionary_encode()  # other codes for the same strings
    table = pa.table({"t": pa.chunked_array([first, second])})
    assert duplicate_rows(table) == 2
