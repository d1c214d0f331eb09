"""Issue 11: profiling Parquet opens each file once, not once per row group (opening parses a
footer that grows with the row groups, so reopening was quadratic: 2,000 one-row groups of 5
columns took about a minute), and gives the same exact numbers whatever the row groups."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import driftscope.profiling.parquet
from driftscope.profiling import NumericProfile, profile
from driftscope.profiling.stream import profile_files


def table(n: int, seed: int = 0) -> pa.Table:
    rng = np.random.default_rng(seed)
    return pa.table(
        {
            "a": rng.normal(size=n),
            "b": rng.integers(0, 50, n),
            "c": rng.exponential(size=n),
            "d": rng.normal(size=n),
            "city": rng.choice(["x", "y", "z"], n),
        }
    )


@pytest.fixture
def opens(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths pq.ParquetFile is opened on while the test runs."""
    seen: list[str] = []
    original = pq.ParquetFile

    def counting(source: object, *args: object, **kwargs: object) -> pq.ParquetFile:
        seen.append(str(source))
        return original(source, *args, **kwargs)

    monkeypatch.setattr(pq, "ParquetFile", counting)
    return seen


def exact(p: object) -> dict[str, object]:
    out: dict[str, object] = {}
    for name, col in p.columns.items():  # type: ignore[attr-defined]
        if isinstance(col, NumericProfile):
            out[name] = (col.count, col.missing, col.min, col.max, col.sketch.n)
        else:
            out[name] = (dict(col.counts), col.missing)
    return out


def test_each_file_is_opened_a_fixed_number_of_times_whatever_its_row_groups(tmp_path, opens):
    path = tmp_path / "many.parquet"
    pq.write_table(table(300), path, row_group_size=1)
    opens.clear()
    result = profile_files([str(path)])
    assert result.n_rows == 300
    # Was 2 x 300 (profiling and binning reopened it per row group).
    assert opens.count(str(path)) <= 3, len(opens)


def test_the_open_files_are_closed_after_profiling(tmp_path):
    path = tmp_path / "g.parquet"
    pq.write_table(table(50), path, row_group_size=10)
    profile_files([str(path)])
    assert driftscope.profiling.parquet._opened.cache_info().currsize == 0


def test_a_file_rewritten_between_runs_is_read_anew(tmp_path):
    path = tmp_path / "g.parquet"
    pq.write_table(table(50, seed=1), path, row_group_size=10)
    first = profile_files([str(path)])
    pq.write_table(table(80, seed=2), path, row_group_size=10)
    second = profile_files([str(path)])
    assert (first.n_rows, second.n_rows) == (50, 80)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(n=st.integers(1, 120), group=st.integers(1, 40), seed=st.integers(0, 2**16))
def test_row_groups_of_any_size_give_the_exact_numbers_of_the_whole_table(tmp_path, n, group, seed):
    data = table(n, seed)
    path = tmp_path / f"t{n}-{group}-{seed}.parquet"
    pq.write_table(data, path, row_group_size=group)
    assert exact(profile_files([str(path)])) == exact(profile(data))


def test_big_row_groups_are_still_read_column_by_column(tmp_path, monkeypatch):
    monkeypatch.setattr(driftscope.profiling.parquet, "ONE_READ_CELLS", 10)
    path = tmp_path / "g.parquet"
    pq.write_table(table(60), path, row_group_size=20)
    assert exact(profile_files([str(path)])) == exact(profile(table(60)))
