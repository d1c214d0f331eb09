"""Type counts: every column counts its present values by the kind they arrived as, and the
merged profile shows a column whose type changed between parts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from driftscope import compare
from driftscope.io import value_kind
from driftscope.profiling import NumericProfile, Profile, merge_payloads, profile
from driftscope.profiling.stream import profile_files


@pytest.mark.parametrize(
    ("arrow_type", "kind"),
    [
        (pa.int8(), "integer"),
        (pa.uint64(), "integer"),
        (pa.float32(), "float"),
        (pa.float64(), "float"),
        (pa.decimal128(10, 2), "decimal"),
        (pa.bool_(), "boolean"),
        (pa.string(), "string"),
        (pa.large_string(), "string"),
        (pa.dictionary(pa.int32(), pa.string()), "string"),
        (pa.timestamp("ms", tz="UTC"), "timestamp"),
        (pa.date32(), "date"),
        (pa.time64("us"), "time"),
        (pa.duration("s"), "duration"),
        (pa.null(), "null"),
        (pa.binary(), "binary"),
    ],
)
def test_value_kind_names_the_kind_whatever_the_width(arrow_type: pa.DataType, kind: str) -> None:
    assert value_kind(arrow_type) == kind


def test_profile_counts_present_values_by_kind() -> None:
    p = profile(
        {
            "age": pa.array([30, None, 41], pa.int32()),
            "score": [0.5, float("nan"), None],
            "city": ["Oslo", None, "Rome"],
            "vip": [True, False, None],
            "when": pa.array([1, 2, None], pa.timestamp("s")),
        },
        schema={"age": "numeric"},
    )
    assert {name: dict(p[name].type_counts or {}) for name in p} == {
        "age": {"integer": 2},
        "score": {"float": 1},  # NaN is missing, as null is
        "city": {"string": 2},
        "vip": {"boolean": 2},
        "when": {"timestamp": 2},
    }


def test_all_missing_column_counts_no_kind() -> None:
    p = profile({"x": [None, None]}, schema={"x": "numeric"})
    kinds = p["x"].type_counts
    assert kinds is not None
    assert dict(kinds) == {}


def test_integer_and_float_parts_merge_into_both_kinds(tmp_path: Path) -> None:
    # A column written as int64 by one job and float64 by another: the merge keeps both
    # kinds with their counts, and the column stays comparable.
    first, second = tmp_path / "a.parquet", tmp_path / "b.parquet"
    rng = np.random.default_rng(0)
    pq.write_table(pa.table({"x": pa.array(rng.integers(0, 50, 300), pa.int64())}), first)
    pq.write_table(pa.table({"x": rng.uniform(0, 50, 200)}), second)
    merged = profile_files([first, second])
    x = merged["x"]
    assert isinstance(x, NumericProfile)
    assert dict(x.type_counts or {}) == {"float": 200, "integer": 300}
    assert x.count == 500
    parts = [profile(pq.read_table(f)) for f in (first, second)]
    assert dict(Profile.merge_all(parts)["x"].type_counts or {}) == dict(x.type_counts or {})
    assert dict(merge_payloads(p.to_bytes() for p in parts)["x"].type_counts or {}) == {
        "float": 200,
        "integer": 300,
    }
    result = compare(merged, {"x": rng.uniform(0, 50, 500)}, methods={"x": "psi"})
    assert result.columns[0].error is None


def test_string_column_forced_categorical_counts_its_integers() -> None:
    # Zip codes read as integers and profiled as categories: the kind says what they were.
    p = profile({"zip": [1010, 2020, 1010]}, schema={"zip": "categorical"})
    assert dict(p["zip"].type_counts or {}) == {"integer": 3}
