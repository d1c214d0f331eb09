"""Small, empty and odd inputs: one row, a column with no values, an empty current file, a
CSV whose numbers arrive as text, Parquet's dictionary-encoded strings, no pandas."""

from __future__ import annotations

import math
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

from driftscope.errors import ConfigError, InputError
from driftscope.io._numpy import from_numpy
from driftscope.quality import (
    check_constraints,
    check_table,
    infer_constraints,
    load_constraints,
    save_constraints,
)
from driftscope.quality.infer import infer_table
from tests.quality._data import draw


def _checks(issues: object) -> list[tuple[str | None, str]]:
    return [(i.column, i.check) for i in issues if i.severity != "info"]  # type: ignore[attr-defined]


def test_a_one_row_reference_sets_no_range_categories_or_uniqueness() -> None:
    rules = infer_table(draw(np.random.default_rng(0), 1), source="one")
    for rule in rules.columns:
        assert rule.range is None
        assert rule.categories is None
        assert not rule.unique
        assert not rule.varies
    current = draw(np.random.default_rng(1), 500)
    assert _checks(check_table(current, rules, source="cur")) == []


def test_a_one_row_current_passes_constraints_from_a_large_reference() -> None:
    rng = np.random.default_rng(2)
    rules = infer_table(draw(rng, 5_000), source="ref")
    assert _checks(check_table(draw(rng, 1, start=10**6), rules, source="cur")) == []


def test_an_all_missing_column_is_held_to_nothing_but_its_presence() -> None:
    empty = pa.table({"x": pa.nulls(100, pa.float64()), "y": pa.nulls(100)})
    rules = infer_table(empty, source="ref")
    x, y = rules.column("x"), rules.column("y")
    assert (x.completeness, x.range, x.varies) == (0.0, None, False)
    assert (y.kind, y.type, y.completeness) == ("null", None, 0.0)
    current = pa.table({"x": from_numpy(np.arange(10.0)), "y": from_numpy(np.arange(10))})
    assert _checks(check_table(current, rules, source="cur")) == []
    assert _checks(check_table(empty.drop_columns(["y"]), rules, source="cur")) == [
        ("y", "missing_column")
    ]


def test_a_column_all_missing_in_current_fails_completeness_only() -> None:
    rng = np.random.default_rng(3)
    rules = infer_table(draw(rng, 1_000), source="ref")
    current = draw(rng, 500)
    current = current.set_column(2, "income", pa.nulls(500, pa.float64()))
    assert _checks(check_table(current, rules, source="cur")) == [("income", "completeness")]


def test_an_empty_current_fails_the_row_count_and_nothing_else(tmp_path: Path) -> None:
    reference = tmp_path / "ref.csv"
    reference.write_text("age,city\n" + "".join(f"{20 + i % 50},c{i % 3}\n" for i in range(300)))
    current = tmp_path / "cur.csv"
    current.write_text("age,city\n")
    issues = check_constraints(current, infer_constraints(reference))
    assert _checks(issues) == [(None, "rows")]
    assert issues[0].message == f"{current} has 0 rows; expected at least 1"


def test_numbers_that_arrive_as_text_in_a_csv_are_a_type_change(tmp_path: Path) -> None:
    reference = tmp_path / "ref.csv"
    reference.write_text("age,income\n" + "".join(f"{20 + i % 50},{i * 1.5}\n" for i in range(200)))
    current = tmp_path / "cur.csv"
    current.write_text(
        "age,income\n" + "".join(f"{20 + i % 50},{i}.5\n" for i in range(199)) + "unknown,3\n"
    )
    rules = save_constraints(infer_constraints(reference), tmp_path / "c.yaml")
    issues = check_constraints(current, rules)
    assert _checks(issues) == [("age", "type_change")]
    assert issues[0].severity == "error"
    assert "expected integer (numeric) values, found string" in issues[0].message
    assert "1 of 200 values (0.5%) are not numbers, e.g. 'unknown'" in issues[0].message


def test_dictionary_encoded_parquet_strings_are_checked_like_plain_ones(tmp_path: Path) -> None:
    rng = np.random.default_rng(4)
    pq.write_table(draw(rng, 2_000), tmp_path / "ref.parquet")
    rules = infer_constraints(tmp_path / "ref.parquet")
    assert rules.column("city").categories is not None
    broken = draw(rng, 1_000)
    cities = pa.array(["Atlantis"] * 1_000).dictionary_encode()
    pq.write_table(broken.set_column(7, "city", cities), tmp_path / "cur.parquet")
    assert _checks(check_constraints(tmp_path / "cur.parquet", rules)) == [
        ("city", "categories"),
        ("city", "constant_column"),
    ]


def test_unknown_role_columns_are_a_config_error_naming_the_option() -> None:
    data = {"a": np.arange(10)}
    with pytest.raises(ConfigError, match=r"^target: column 'label' is not in <dict>$"):
        infer_constraints(data, target="label")
    with pytest.raises(ConfigError, match=r"^probability: column 'p' is not in <dict>$"):
        infer_constraints(data, probability={"yes": "p"})
    with pytest.raises(ConfigError, match=r"^schema: column 'b' is not in <dict>$"):
        infer_constraints(data, schema={"b": "numeric"})


def test_schema_roles_shape_the_constraints() -> None:
    rng = np.random.default_rng(5)
    data = {
        "zip": rng.integers(1000, 1010, 500),
        "row": np.arange(500),
        "noise": rng.normal(size=500),
        "p": rng.random(500),
    }
    rules = infer_constraints(
        data, schema={"zip": "categorical", "row": "id", "noise": "ignored"}, probability="p"
    )
    zip_ = rules.column("zip")
    assert zip_.range is None
    assert zip_.categories is not None
    assert all(isinstance(v, int) for v in zip_.categories.values)
    assert rules.column("row").unique
    assert rules.column("row").range is None
    assert rules.column("noise").present is False
    assert rules.column("noise").range is None
    assert rules.column("p").range is not None
    assert rules.column("p").range.as_written() == {
        "min": 0.0,
        "max": 1.0,
    }


def test_only_the_columns_asked_for_are_constrained() -> None:
    rules = infer_constraints({"a": np.arange(30), "b": np.arange(30.0)}, columns=["b"])
    assert rules.names == ("b",)


def test_a_constraints_path_is_read_for_the_check(tmp_path: Path) -> None:
    rng = np.random.default_rng(6)
    path = save_constraints(infer_table(draw(rng, 500), source="ref"), tmp_path / "c.yaml")
    assert load_constraints(path).source == "ref"
    assert _checks(check_constraints(draw(rng, 300), str(path))) == []


def test_checking_a_parquet_file_does_not_import_pandas(tmp_path: Path) -> None:
    data, out = tmp_path / "ref.parquet", tmp_path / "c.yaml"
    pq.write_table(draw(np.random.default_rng(7), 1_000), data)
    script = textwrap.dedent(
        f"""
        import sys
        from driftscope.quality import check_constraints, infer_constraints, save_constraints
        path = save_constraints(infer_constraints({str(data)!r}), {str(out)!r})
        check_constraints({str(data)!r}, path)
        print("pandas" in sys.modules)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "False"


def test_an_empty_reference_is_an_input_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "ref.csv"
    path.write_text("age,city\n")
    with pytest.raises(InputError, match=r"ref\.csv: no rows to infer constraints from"):
        infer_constraints(path)


_cell = st.one_of(st.none(), st.integers(-5, 5))
_word = st.one_of(st.none(), st.sampled_from(["a", "b", "c", "yes", "2024"]))


@settings(deadline=None)  # the first example pays for imports
@given(
    st.integers(1, 120).flatmap(
        lambda n: st.tuples(
            st.lists(_cell, min_size=n, max_size=n),
            st.lists(st.one_of(st.floats(-1e9, 1e9), st.just(math.nan)), min_size=n, max_size=n),
            st.lists(_word, min_size=n, max_size=n),
        )
    )
)
def test_a_reference_passes_its_own_constraints(
    columns: tuple[list[int | None], list[float], list[str | None]],
) -> None:
    ints, floats, words = columns
    table = pa.table(
        {
            "i": pa.array(ints, pa.int64()),
            "f": pa.array(floats, pa.float64()),
            "w": pa.array(words, pa.string()),
        }
    )
    rules = infer_table(table, source="ref")
    assert check_table(table, rules, source="ref") == []


def test_nested_binary_and_temporal_columns_get_the_constraints_that_apply() -> None:
    n = 100
    table = pa.table(
        {
            "vector": pa.array([[1.0, 2.0]] * n),
            "record": pa.array([{"a": i} for i in range(n)]),
            "raw": pa.array([b"x%d" % (i % 7) for i in range(n)]),
            "at": pa.array(np.arange(n).astype("datetime64[s]")),
            "took": pa.array(np.arange(n).astype("timedelta64[s]")),
        }
    )
    rules = infer_table(table, source="ref")
    assert rules.column("record").kind == "struct<a: int64>"
    assert rules.column("record").type is None
    assert all(rule.range is None and rule.categories is None for rule in rules.columns)
    assert [r.name for r in rules.columns if r.varies] == ["at", "took"]
    assert check_table(table, rules, source="ref") == []
    assert _checks(check_table(table.drop_columns(["vector"]), rules, source="cur")) == [
        ("vector", "missing_column")
    ]
