"""Files profiled chunk by chunk equal the in-memory profile on every exact field, and the
command line compares a saved profile with a file of any size."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pytest

import driftscope as ds
from driftscope.cli import main
from driftscope.errors import InputError
from driftscope.profiling import NumericProfile, parquet, profile
from driftscope.profiling.files import read_profile
from driftscope.profiling.parts import profile_parts
from driftscope.profiling.stream import profile_files

from ._helpers import exact, moments


def _table(seed: int, n: int, shift: float = 0.0) -> pa.Table:
    rng = np.random.default_rng(seed)
    x = rng.normal(shift, 1.0, n)
    x[rng.random(n) < 0.01] = np.nan
    return pa.table(
        {
            "x": x,
            "n": rng.poisson(4.0 + shift, n),
            "c": rng.choice(["red", "green", "blue"], n).tolist(),
            "b": rng.random(n) < 0.3 + shift / 10,
        }
    )


def _close_moments(a: ds.Profile, b: ds.Profile) -> None:
    for name, (mean, m2) in moments(a).items():
        other_mean, other_m2 = moments(b)[name]
        assert mean is not None
        assert other_mean is not None
        assert np.isclose(mean, other_mean, rtol=1e-9, atol=1e-12)
        assert np.isclose(m2, other_m2, rtol=1e-9)


def test_parquet_in_chunks_equals_the_in_memory_profile(tmp_path: Path) -> None:
    table = _table(0, 25_000)
    path = tmp_path / "ref.parquet"
    pq.write_table(table, path, row_group_size=4_000)
    seen: list[tuple[int, int | None, str]] = []
    streamed = profile_files([path], rows=3_000, progress=lambda *a: seen.append(a))
    whole = profile(table)
    assert exact(streamed) == exact(whole)
    _close_moments(streamed, whole)
    x = streamed["x"]
    assert isinstance(x, NumericProfile)
    assert x.histogram is not None
    assert x.histogram.total == x.n_finite
    assert len(x.histogram.counts) == 10
    # Two passes, each reporting rows against the total from the Parquet footer.
    assert seen[-1] == (25_000, 25_000, "binning")
    assert (25_000, 25_000, "profiling") in seen


def test_one_chunk_gets_the_exact_quantile_edges(tmp_path: Path) -> None:
    table = _table(1, 5_000)
    path = tmp_path / "small.parquet"
    pq.write_table(table, path)
    streamed, whole = profile_files([path])["x"], profile(table)["x"]
    assert isinstance(streamed, NumericProfile)
    assert isinstance(whole, NumericProfile)
    assert streamed.histogram is not None
    assert streamed.histogram == whole.histogram


def test_current_file_in_chunks_counts_on_the_reference_bins(tmp_path: Path) -> None:
    reference = profile(_table(2, 20_000))
    current = _table(3, 30_000, shift=0.3)
    path = tmp_path / "cur.parquet"
    pq.write_table(current, path, row_group_size=7_000)
    streamed = profile_files([path], rows=5_000, bins=reference)
    in_memory = profile(current, bins=reference)
    assert exact(streamed) == exact(in_memory)
    for name in ("x", "n"):
        s, m = streamed[name], in_memory[name]
        assert isinstance(s, NumericProfile)
        assert isinstance(m, NumericProfile)
        assert s.histogram == m.histogram


@pytest.mark.parametrize("group_rows", [5_000, 15_000, 20_000])
def test_a_file_profiled_in_row_groups_has_the_ks_of_its_raw_values(
    tmp_path: Path, group_rows: int
) -> None:
    # A file of many row groups gives a merged sketch, which often has an empty level 0, where
    # DataSketches' iterator loses the weights (these sizes hit that case with datasketches
    # 5.2.0). KS from the sketch must stay within its bound of the raw data's KS, and the same
    # distribution must not drift.
    rng = np.random.default_rng(0)
    cur_table = pa.table({"x": rng.normal(size=120_000)})
    ref_table = pa.table({"x": rng.normal(size=60_000)})
    path = tmp_path / "cur.parquet"
    pq.write_table(cur_table, path, row_group_size=group_rows)
    reference = profile(ref_table, k=200)
    current = profile_files([path], bins=reference, k=200)
    res = ds.compare(reference, current, methods="ks", calibrate=False).columns[0]
    assert res.details["approximate"]
    raw = ds.compare(ref_table, cur_table, methods="ks").columns[0]
    assert abs(res.statistic - raw.statistic) <= res.details["error_bound"]
    assert not res.drifted


def test_parts_driver_matches_a_local_profile() -> None:
    parts = [_table(seed, 4_000) for seed in range(4, 9)]
    reference = profile(pa.concat_tables(parts))
    two_pass = profile_parts(lambda task: [task(t) for t in parts])
    assert exact(two_pass) == exact(reference)
    one_pass = profile_parts(lambda task: [task(t) for t in parts], bins=reference)
    for name in ("x", "n"):
        col = one_pass[name]
        assert isinstance(col, NumericProfile)
        assert col.histogram == reference[name].histogram  # type: ignore[union-attr]


def test_csv_in_blocks_equals_the_in_memory_profile(tmp_path: Path) -> None:
    table = _table(9, 20_000)
    path = tmp_path / "ref.csv"
    pcsv.write_csv(table, path)
    streamed = profile_files([path], rows=2_000)  # ~200 KB blocks
    assert exact(streamed) == exact(profile(str(path)))


def test_csv_whose_type_changes_after_the_first_block_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "drifting.csv"
    lines = ["v"] + ["1"] * 700_000 + ["oops"]  # past the first 1 MiB block
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError) as info:
        profile_files([path], rows=1_000)
    message = str(info.value)
    assert message.startswith(f"{path}: cannot read it in blocks (")
    assert "a column's type changes after the first block" in message
    assert "\n" not in message


def test_cli_reports_a_profile_against_a_file(tmp_path: Path, capsys) -> None:
    ref_path, cur_path = tmp_path / "ref.parquet", tmp_path / "cur.parquet"
    pq.write_table(_table(10, 20_000), ref_path, row_group_size=6_000)
    pq.write_table(_table(11, 20_000, shift=0.5), cur_path, row_group_size=6_000)
    ref_prof, cur_prof = tmp_path / "ref.dsprof", tmp_path / "cur.dsprof"
    assert main(["profile", str(ref_path), "-o", str(ref_prof), "--no-progress"]) == 0
    assert main(["profile", str(cur_path), "--bins", str(ref_prof), "-o", str(cur_prof)]) == 0
    capsys.readouterr()
    out_file, out_prof = tmp_path / "a.json", tmp_path / "b.json"
    args = ["--method", "psi", "--no-progress", "-q"]
    assert main(["report", str(ref_prof), str(cur_path), "--json", str(out_file), *args]) == 0
    assert main(["report", str(ref_prof), str(cur_prof), "--json", str(out_prof), *args]) == 0
    from_file = {c["name"]: c for c in json.loads(out_file.read_text())["columns"]}
    from_prof = {c["name"]: c for c in json.loads(out_prof.read_text())["columns"]}
    for name in ("x", "n"):
        assert from_file[name]["statistic"] == from_prof[name]["statistic"]
    assert from_file["x"]["drifted"] is True  # a half-sigma shift: psi about 0.25
    assert json.loads(out_file.read_text())["reference"]["source"] == str(ref_prof)
    assert read_profile(cur_prof).n_rows == 20_000


def test_cli_profile_merges_raw_inputs_as_one_dataset(tmp_path: Path, capsys) -> None:
    paths = []
    for day in range(3):
        path = tmp_path / f"day{day}.parquet"
        pq.write_table(_table(20 + day, 3_000), path)
        paths.append(str(path))
    out = tmp_path / "all.dsprof"
    assert main(["profile", *paths, "-o", str(out), "--no-progress"]) == 0
    merged = read_profile(out)
    x = merged["x"]
    assert isinstance(x, NumericProfile)
    assert merged.n_rows == 9_000
    # One dataset, binned once: the histogram survives (separate profiles would lose it).
    assert x.histogram is not None
    assert x.histogram.total == x.n_finite
    assert "profiled 9,000 rows" in capsys.readouterr().out


def test_parquet_row_groups_in_worker_processes_equal_one_process(tmp_path: Path) -> None:
    table = _table(30, 30_000, shift=0.1)
    folder = tmp_path / "parts"
    folder.mkdir()
    pq.write_table(table.slice(0, 12_000), folder / "a.parquet", row_group_size=5_000)
    pq.write_table(table.slice(12_000), folder / "b.parquet", row_group_size=5_000)
    serial = profile_files([folder], n_jobs=1)
    parallel = profile_files([folder], n_jobs=2)
    whole = profile(table)
    assert exact(serial) == exact(parallel) == exact(whole)
    _close_moments(parallel, whole)
    for name in ("x", "n"):
        s, p = serial[name], parallel[name]
        assert isinstance(s, NumericProfile)
        assert isinstance(p, NumericProfile)
        assert s.histogram is not None
        assert p.histogram is not None
        # KLL compacts at random, so two runs may pick slightly different edges; each run's
        # counts are exact on its own edges.
        assert s.histogram.total == p.histogram.total == s.n_finite
        assert s.histogram.n_bins == p.histogram.n_bins == 10


def test_automatic_workers_are_the_cpus_up_to_the_cap_from_enough_rows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(parquet.os, "cpu_count", lambda: 16)
    monkeypatch.setattr(parquet, "PARALLEL_MAX_WORKERS", 3)
    enough = parquet.PARALLEL_MIN_ROWS
    assert parquet._pool("auto", enough, n_groups=100).workers == 3
    assert parquet._pool("auto", enough - 1, n_groups=100).workers == 1
    assert parquet._pool("auto", enough, n_groups=2).workers == 1  # the first group runs here
    assert parquet._pool(8, 10, n_groups=100).workers == 8


def test_parquet_inputs_with_different_columns_are_refused(tmp_path: Path) -> None:
    a, b = tmp_path / "a.parquet", tmp_path / "b.parquet"
    pq.write_table(pa.table({"x": [1.0, 2.0]}), a)
    pq.write_table(pa.table({"y": [1.0, 2.0]}), b)
    with pytest.raises(ds.errors.SchemaError) as info:
        profile_files([a, b])
    assert str(info.value) == (
        f"{b}: has columns ['y'] but {a} has ['x']; inputs profiled together must share one schema"
    )


def test_bad_n_jobs_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ds.errors.ConfigError, match="n_jobs"):
        profile_files([tmp_path / "none.parquet"], n_jobs=0)
