"""A profile holds no texts or vectors: when raw data is profiled to meet a profile (the
monitor's windows), its text and embedding columns travel beside the profile as values and
are tested exactly as between two tables; a column keeps the reference's kind on the current
side whatever one window's values look like."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from driftscope._types import ColumnType
from driftscope.engine.compare import compare
from driftscope.engine.profiled import side_of_table
from driftscope.io import read_dataset

pytest.importorskip("sklearn")

WORDS = ["red", "green", "blue", "cold", "warm", "quick", "slow", "bright", "dark", "loud", "soft"]


def _texts(rng: np.random.Generator, n: int, extra: str = "") -> list[str]:
    return [
        " ".join(rng.choice(WORDS, 6).tolist()) + (f" {extra}" if extra else "") + f" n{i}"
        for i in range(n)
    ]


def _table(rng: np.random.Generator, n: int, extra: str = "", shift: float = 0.0) -> pa.Table:
    vectors = rng.normal(size=(n, 4))
    vectors[:, 0] += shift
    return pa.table(
        {
            "x": rng.normal(size=n),
            "note": _texts(rng, n, extra),
            "vector": vectors.tolist(),
            "plan": rng.choice(["basic", "pro"], n).tolist(),
        }
    )


def test_a_profiled_side_keeps_text_and_vectors_as_values_in_table_order() -> None:
    table = _table(np.random.default_rng(0), 300)
    side = side_of_table(table, {}, "ref.parquet")
    assert side.column_names == ["x", "note", "vector", "plan"]
    assert set(side.profile.columns) == {"x", "plan"}
    assert side.column_type("note") == ColumnType.TEXT
    assert side.column_type("vector") == ColumnType.EMBEDDING
    assert side.has_values("note")
    assert not side.has_values("x")
    assert side.column("note").to_pylist() == table.column("note").to_pylist()


def test_profile_and_table_sides_give_the_same_text_and_vector_rows() -> None:
    rng = np.random.default_rng(1)
    ref, cur = _table(rng, 400), _table(rng, 300, extra="refund", shift=0.8)
    from_tables = compare(ref, cur)
    reference = side_of_table(ref, {}, "ref")
    from_profile = compare(reference, read_dataset(cur, name="cur"))
    for name in ("note", "vector"):
        a, b = from_tables.column(name), from_profile.column(name)
        assert a.test is not None, (a.note, a.error)
        assert b.test is not None, (b.note, b.error)
        assert b.method == a.method
        assert b.drifted
        assert a.drifted
        assert b.test.statistic == pytest.approx(a.test.statistic)
        assert b.test.p_value == pytest.approx(a.test.p_value)
    assert from_profile.column("x").method == "ks"  # the rest still from the profiles


def test_the_current_side_keeps_the_references_kind_of_each_column() -> None:
    rng = np.random.default_rng(2)
    ref = _table(rng, 300)
    reference = side_of_table(ref, {"plan": "categorical"}, "ref")
    # this window's notes repeat (they look like categories) and its plans look like text
    cur = pa.table(
        {
            "x": rng.normal(size=200),
            "note": ["same few words"] * 100 + ["other few words"] * 100,
            "vector": rng.normal(size=(200, 4)).tolist(),
            "plan": [f"a long free plan description number {i}" for i in range(200)],
        }
    )
    current = side_of_table(cur, {}, "cur", reference=reference)
    assert current.has_values("note")
    assert current.column_type("note") == ColumnType.TEXT
    assert not current.has_values("plan")
    assert "plan" in current.profile.columns
    report = compare(reference, current)
    assert report.column("plan").error is None
    assert report.column("plan").drifted


def test_a_text_column_only_one_profile_side_has_values_for_is_a_note() -> None:
    from driftscope.profiling import profile

    rng = np.random.default_rng(3)
    ref = _table(rng, 300)
    stored = profile(ref.drop_columns(["note", "vector"]))  # a .dsprof keeps no texts
    report = compare(stored, ref)
    assert {c.name for c in report.columns} == {"x", "plan"}
    assert {q.column for q in report.quality if q.check == "new_column"} == {"note", "vector"}
