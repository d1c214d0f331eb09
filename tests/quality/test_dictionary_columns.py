"""Dictionary-encoded text columns (as Parquet files often hold them) infer and check like
plain ones: Arrow has no distinct-count kernel for dictionaries."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from driftscope.quality import check_constraints, infer_constraints, infer_table

N = 3_000


def _table(ids: list[str], plan: list[str]) -> pa.Table:
    rng = np.random.default_rng(0)
    return pa.table(
        {
            "id": pa.array(ids).dictionary_encode(),
            "plan": pa.array(plan).dictionary_encode(),
            "v": rng.normal(size=len(ids)),
        }
    )


def test_a_dictionary_encoded_id_is_unique_and_a_repeat_breaks_it():
    rng = np.random.default_rng(1)
    reference = _table([f"A{i:07d}" for i in range(N)], rng.choice(["a", "b"], N).tolist())
    constraints = infer_table(reference, source="ref")
    by_name = {c.name: c for c in constraints.columns}
    assert by_name["id"].unique
    assert by_name["plan"].categories is not None
    current = _table(["A1"] * N, ["a"] * N)
    found = {(q.check, q.column) for q in check_constraints(current, constraints)}
    assert ("uniqueness", "id") in found
    assert ("constant_column", "plan") in found


def test_a_parquet_file_with_dictionary_pages_infers(tmp_path):
    rng = np.random.default_rng(2)
    table = _table([f"A{i:07d}" for i in range(N)], rng.choice(["a", "b", "c"], N).tolist())
    path = tmp_path / "ref.parquet"
    pq.write_table(table, path)
    constraints = infer_constraints(str(path))
    assert {c.name for c in constraints.columns} == {"id", "plan", "v"}
    assert check_constraints(str(path), constraints) == ()
