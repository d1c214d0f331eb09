"""Real upstream breaks fail the inferred constraints, each under its own check name, with the
constraint as written in ``expected``."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from driftscope.io._numpy import from_numpy, to_numpy
from driftscope.quality import Constraints, check_table
from driftscope.quality.infer import infer_table
from driftscope.result import QualityIssue
from tests.quality._data import draw

Break = Callable[[pa.Table, np.random.Generator], pa.Table]


@pytest.fixture(scope="module")
def rules() -> Constraints:
    return infer_table(draw(np.random.default_rng(0), 5_000), source="reference")


def _set(table: pa.Table, name: str, values: pa.Array) -> pa.Table:
    return table.set_column(table.column_names.index(name), name, values)


def _numbers(table: pa.Table, name: str) -> np.ndarray:
    return np.asarray(to_numpy(table.column(name).combine_chunks()))


def units_change(t: pa.Table, rng: np.random.Generator) -> pa.Table:
    return _set(t, "income", from_numpy(_numbers(t, "income") * 1_000))


def negative_ages(t: pa.Table, rng: np.random.Generator) -> pa.Table:
    ages = _numbers(t, "age").copy()
    ages[:5] = -ages[:5]
    return _set(t, "age", from_numpy(ages))


def sentinel(t: pa.Table, rng: np.random.Generator) -> pa.Table:
    ages = _numbers(t, "age").copy()
    ages[rng.random(ages.size) < 0.05] = -999
    return _set(t, "age", from_numpy(ages))


def null_spike(t: pa.Table, rng: np.random.Generator) -> pa.Table:
    income = _numbers(t, "income").copy()
    income[rng.random(income.size) < 0.3] = np.nan
    return _set(t, "income", from_numpy(income))


def new_category(t: pa.Table, rng: np.random.Generator) -> pa.Table:
    renamed = pc.if_else(from_numpy(rng.random(t.num_rows) < 0.1), "Atlantis", t.column("city"))
    return _set(t, "city", renamed.combine_chunks())


def duplicated_ids(t: pa.Table, rng: np.random.Generator) -> pa.Table:
    ids = _numbers(t, "customer_id").copy()
    ids[1:10] = ids[0]
    return _set(t, "customer_id", from_numpy(ids))


def constant(t: pa.Table, rng: np.random.Generator) -> pa.Table:
    return _set(t, "visits", from_numpy(np.zeros(t.num_rows, dtype=np.int64)))


def loaded_twice(t: pa.Table, rng: np.random.Generator) -> pa.Table:
    return pa.concat_tables([t, t])


def twice_but_ids(t: pa.Table, rng: np.random.Generator) -> pa.Table:
    doubled = pa.concat_tables([t, t])
    return _set(doubled, "customer_id", from_numpy(np.arange(doubled.num_rows) + 10**7))


def dropped(t: pa.Table, rng: np.random.Generator) -> pa.Table:
    return t.drop_columns(["age"])


def numbers_as_text(t: pa.Table, rng: np.random.Generator) -> pa.Table:
    return _set(t, "age", pc.cast(t.column("age"), pa.string()).combine_chunks())


def fractions(t: pa.Table, rng: np.random.Generator) -> pa.Table:
    return _set(t, "visits", from_numpy(_numbers(t, "visits") + 0.5))


@pytest.mark.parametrize(
    ("brk", "column", "check", "severity", "expected"),
    [
        pytest.param(units_change, "income", "range", "warning", dict, id="units-x1000"),
        pytest.param(negative_ages, "age", "range", "warning", dict, id="negative-ages"),
        pytest.param(sentinel, "age", "range", "warning", dict, id="sentinel-999"),
        pytest.param(null_spike, "income", "completeness", "warning", float, id="null-spike"),
        pytest.param(new_category, "city", "categories", "warning", dict, id="new-category"),
        pytest.param(duplicated_ids, "customer_id", "uniqueness", "warning", bool, id="dup-id"),
        pytest.param(constant, "visits", "constant_column", "warning", bool, id="constant"),
        pytest.param(loaded_twice, None, "duplicate_rows", "warning", dict, id="loaded-twice"),
        pytest.param(twice_but_ids, None, "duplicate_rows", "warning", dict, id="twice-new-ids"),
        pytest.param(dropped, "age", "missing_column", "error", dict, id="dropped-column"),
        pytest.param(numbers_as_text, "age", "type_change", "error", dict, id="numbers-as-text"),
        pytest.param(fractions, "visits", "type_change", "error", dict, id="fractions"),
    ],
)
def test_a_real_break_fails_under_its_own_check(
    rules: Constraints,
    brk: Break,
    column: str | None,
    check: str,
    severity: str,
    expected: type,
) -> None:
    rng = np.random.default_rng(1)
    current = brk(draw(rng, 2_000, start=10**6), rng)
    issues = [i for i in check_table(current, rules, source="cur.parquet") if i.severity != "info"]
    if brk is loaded_twice:  # every id twice, too
        assert [(i.column, i.check) for i in issues][:1] == [("customer_id", "uniqueness")]
        issues = issues[1:]
    assert [(i.column, i.check) for i in issues] == [(column, check)], issues
    (issue,) = issues
    assert issue.severity == severity
    assert isinstance(issue.expected, expected)
    assert "cur.parquet" in issue.message
    if column is not None:
        assert repr(column) in issue.message


def _only(issues: list[QualityIssue], check: str) -> QualityIssue:
    (issue,) = [i for i in issues if i.check == check]
    return issue


def test_a_range_violation_names_the_bounds_the_count_and_the_extremes(
    rules: Constraints,
) -> None:
    current = sentinel(draw(np.random.default_rng(2), 1_000, start=10**6), np.random.default_rng(2))
    issue = _only(check_table(current, rules, source="cur"), "range")
    bounds = rules.column("age").range
    assert bounds is not None
    assert issue.expected == {"min": bounds.min, "max": bounds.max}
    assert f"[{bounds.min}, {bounds.max}]" in issue.message
    assert "e.g. -999" in issue.message
    assert issue.current is not None
    assert 0.02 < issue.current < 0.08


def test_new_categories_are_shown_most_common_first_with_repr() -> None:
    rng = np.random.default_rng(5)
    rules = infer_table(draw(rng, 2_000), source="reference")
    current = new_category(draw(rng, 1_000), rng)
    issue = _only(check_table(current, rules, source="cur"), "categories")
    assert "e.g. 'Atlantis'" in issue.message
    assert issue.expected["values"] == list(rules.column("city").categories.values)  # type: ignore[union-attr]


def test_numbers_as_text_show_the_values_that_are_not_numbers(rules: Constraints) -> None:
    current = draw(np.random.default_rng(3), 100)
    ages = pc.cast(current.column("age"), pa.string()).to_pylist()
    ages[7], ages[9] = "n/a", "12a"
    current = _set(current, "age", pa.array(ages, pa.string()))
    issue = _only(check_table(current, rules, source="cur.csv"), "type_change")
    assert "found string" in issue.message
    assert "2 of 100 values (2%) are not numbers, e.g. " in issue.message
    assert "'n/a'" in issue.message
    assert "'12a'" in issue.message
    assert issue.expected == {"kind": "integer", "type": "numeric"}


def test_integers_read_back_as_whole_floats_pass(rules: Constraints) -> None:
    current = draw(np.random.default_rng(4), 1_000, start=10**6)
    ages = _numbers(current, "age").astype(np.float64)
    ages[:3] = np.nan  # what pandas does to a column of integers with a missing value
    current = _set(current, "age", from_numpy(ages))
    assert check_table(current, rules, source="cur") == []


def test_a_target_absent_from_current_data_is_no_finding() -> None:
    rng = np.random.default_rng(6)
    rules = infer_table(draw(rng, 1_000), source="reference", target="member")
    assert rules.column("member").present is False
    assert rules.column("member").completeness is None
    current = draw(rng, 1_000).drop_columns(["member"])
    assert check_table(current, rules, source="cur") == []


def test_a_column_the_constraints_do_not_know_is_an_info_note(rules: Constraints) -> None:
    current = draw(np.random.default_rng(8), 500, start=10**6)
    current = current.append_column("extra", from_numpy(np.arange(500)))
    issues = check_table(current, rules, source="cur")
    assert [(i.column, i.check, i.severity) for i in issues] == [("extra", "new_column", "info")]


def test_each_finding_carries_the_constraint_as_the_file_writes_it(rules: Constraints) -> None:
    rng = np.random.default_rng(9)
    current = loaded_twice(null_spike(draw(rng, 1_000), rng), rng)
    by_check = {i.check: i.expected for i in check_table(current, rules, source="cur")}
    assert by_check["completeness"] == rules.column("income").completeness
    assert by_check["uniqueness"] is True
    assert by_check["duplicate_rows"] == {"max_share": rules.dataset.duplicate_rows}
