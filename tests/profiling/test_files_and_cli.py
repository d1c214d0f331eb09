"""Profiles on disk (.dsprof) and `driftscope profile`."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from driftscope.cli import main
from driftscope.errors import ProfileError
from driftscope.profiling import profile
from driftscope.profiling.files import read_profile, write_profile
from tests.profiling._helpers import exact, moments


def _parts(tmp_path):
    rng = np.random.default_rng(0)
    paths = []
    for day in range(3):
        table = pa.table(
            {
                "x": rng.normal(day, 1.0, 1000),
                "plan": rng.choice(["a", "b", "c"], 1000).tolist(),
            }
        )
        path = tmp_path / f"day{day}.parquet"
        pq.write_table(table, path)
        paths.append(path)
    return paths


def test_a_written_profile_reads_back_equal(tmp_path):
    prof = profile({"x": np.arange(100.0), "c": ["u", "v"] * 50})
    path = write_profile(prof, tmp_path / "sub" / "p.dsprof")
    assert path.read_bytes() == prof.to_bytes()
    back = read_profile(path)
    assert exact(back) == exact(prof)
    assert moments(back) == moments(prof)
    assert not list((tmp_path / "sub").glob(".p.dsprof.*")), "temporary file left behind"


def test_reading_a_damaged_file_names_it(tmp_path):
    path = write_profile(profile({"x": np.arange(10.0)}), tmp_path / "p.dsprof")
    path.write_bytes(path.read_bytes()[:-7])
    with pytest.raises(ProfileError, match=rf"^{path}: Profile.from_bytes: .*truncated"):
        read_profile(path)


def test_cli_profiles_and_merges_files_and_profiles(capsys, tmp_path):
    day0, day1, day2 = _parts(tmp_path)
    first = tmp_path / "first.dsprof"
    assert main(["profile", str(day0), str(day1), "-o", str(first)]) == 0
    assert "profiled 2,000 rows, 2 columns from 2 input(s)" in capsys.readouterr().out
    month = tmp_path / "all.dsprof"
    assert main(["profile", str(first), str(day2), "-o", str(month)]) == 0
    merged = read_profile(month)
    one_pass = profile(pa.concat_tables([pq.read_table(p) for p in (day0, day1, day2)]))
    assert merged.n_rows == one_pass.n_rows == 3000
    assert dict(merged["plan"].counts) == dict(one_pass["plan"].counts)
    assert merged["x"].min == one_pass["x"].min
    assert merged["x"].mean == pytest.approx(one_pass["x"].mean, rel=1e-12)


def test_cli_profile_errors_are_one_line(capsys, tmp_path):
    bad = tmp_path / "bad.dsprof"
    bad.write_bytes(b"not a profile")
    assert main(["profile", str(bad), "-o", str(tmp_path / "o.dsprof")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert f"{bad}: Profile.from_bytes: not a driftscope profile" in err
