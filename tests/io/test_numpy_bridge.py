"""The buffer-level Arrow <-> numpy bridge, and that the main path leaves pandas unimported."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from driftscope.io._numpy import from_numpy, to_numpy, valid_mask

_DTYPES = st.sampled_from(
    ["int8", "int16", "int32", "int64", "uint8", "uint32", "uint64", "float32", "float64", "bool"]
)


# No deadline: the oracle's first pa.array call imports pandas, which takes a while.
@settings(deadline=None)
@given(dtype=_DTYPES, data=st.data())
def test_round_trip_matches_pyarrow_on_any_slice(dtype: str, data: st.DataObject) -> None:
    values = data.draw(hnp.arrays(dtype, st.integers(0, 40)))
    start = data.draw(st.integers(0, len(values)))
    stop = data.draw(st.integers(start, len(values)))
    oracle = pa.array(values).slice(start, stop - start)
    ours = from_numpy(values).slice(start, stop - start)
    # Arrow's equals() holds NaN unequal to itself; compare type, validity and values instead.
    assert ours.type == oracle.type
    assert ours.null_count == oracle.null_count == 0
    np.testing.assert_array_equal(
        ours.to_numpy(zero_copy_only=False), oracle.to_numpy(zero_copy_only=False)
    )
    back = to_numpy(ours)
    np.testing.assert_array_equal(back, values[start:stop])
    assert back.dtype == values.dtype


def test_views_are_read_only_and_share_memory() -> None:
    values = np.arange(10, dtype=np.int64)
    array = from_numpy(values)
    view = to_numpy(array.slice(3, 4))
    assert np.shares_memory(view, values)
    assert not view.flags.writeable
    np.testing.assert_array_equal(view, [3, 4, 5, 6])


def test_non_native_and_strided_inputs_convert() -> None:
    swapped = np.arange(5, dtype=">i4")
    assert from_numpy(swapped).to_pylist() == [0, 1, 2, 3, 4]
    strided = np.arange(10.0)[::3]
    assert from_numpy(strided).to_pylist() == [0.0, 3.0, 6.0, 9.0]


def test_valid_mask_follows_nulls_in_a_slice() -> None:
    array = pa.array([1, None, 3, None, 5]).slice(1, 3)
    mask = valid_mask(array)
    assert mask is not None
    assert mask.tolist() == [False, True, False]
    assert valid_mask(pa.array([1, 2])) is None


def test_reading_and_extracting_a_parquet_file_never_imports_pandas(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=500)
    x[::7] = np.nan
    table = pa.table(
        {
            "x": pa.array(x, from_pandas=True),
            "n": rng.integers(0, 9, 500),
            "city": rng.choice(["a", "b", "c"], 500),
            "flag": rng.random(500) < 0.5,
            "user_id": np.arange(500),
        }
    )
    path = tmp_path / "ref.parquet"
    pq.write_table(table, path)
    script = textwrap.dedent(
        f"""
        import sys
        from driftscope.io import (
            category_counts, infer_type, is_id_like, numeric_values, read_dataset,
        )
        table = read_dataset({str(path)!r}).table
        for name in table.column_names:
            column = table.column(name)
            kind = infer_type(name, column)
            is_id_like(name, column)
            if kind.value == "numeric":
                numeric_values(column)
            else:
                category_counts(column, column)
        read_dataset({{"x": numeric_values(table.column("x"))}})
        assert "pandas" not in sys.modules, "pandas was imported"
        assert "polars" not in sys.modules, "polars was imported"
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_float_widths_round_trip(dtype: str) -> None:
    values = np.array([0.5, -1.25, np.inf], dtype=dtype)
    np.testing.assert_array_equal(to_numpy(from_numpy(values)), values)
