"""A reference merged from separately profiled parts (daily profiles rolled into a week):
binned methods run from its quantile sketch, with their error bound, and the merge says
what it could not keep."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import driftscope
from driftscope.cli import main
from driftscope.profiling import Profile, profile
from driftscope.profiling._sketch import QuantileSketch
from driftscope.profiling.files import write_profile
from driftscope.profiling.sketch_stats import counts_on_edges, error_bound
from driftscope.stats._binning import bin_counts

BINNED = ["psi", "jensen_shannon", "hellinger", "kl", "tvd", "l_infinity"]


def _week(seed: int, shift: float = 0.0) -> Profile:
    rng = np.random.default_rng(seed)
    days = [
        profile({"x": rng.normal(shift, 1, 20_000), "c": rng.choice(list("abc"), 20_000)})
        for _ in range(7)
    ]
    return Profile.merge_all(days)


@pytest.mark.parametrize("method", BINNED)
def test_binned_methods_work_on_a_merged_reference(method):
    week = _week(1)
    assert week.without_histograms() == ["x"]
    rng = np.random.default_rng(2)
    today = {"x": rng.normal(0.5, 1, 20_000), "c": rng.choice(list("abc"), 20_000)}
    col = driftscope.compare(week, today, methods=method).column("x")
    assert col.error is None
    assert col.drifted
    assert col.details["approximate"] is True
    assert col.details["source"] == "counts from the quantile sketch of the reference"
    assert col.details["share_error_bound"] > 0


def test_the_gate_fires_on_drift_against_a_merged_reference(tmp_path, capsys):
    week = tmp_path / "week.dsprof"
    write_profile(_week(3), week)
    rng = np.random.default_rng(4)
    import pyarrow as pa
    import pyarrow.parquet as pq

    today = tmp_path / "today.parquet"
    pq.write_table(
        pa.table({"x": rng.normal(0.6, 1, 20_000), "c": rng.choice(list("abc"), 20_000)}), today
    )
    js = tmp_path / "r.json"
    argv = ["report", str(week), str(today), "--method", "psi", "--json", str(js)]
    assert main([*argv, "--fail-on", "drift"]) == 1
    x = next(c for c in json.loads(js.read_text())["columns"] if c["name"] == "x")
    assert (x["error"], x["drifted"]) == (None, True)
    # and profiled against the merged week, today is counted exactly on its sketch's deciles
    today_prof = tmp_path / "today.dsprof"
    code = main(["profile", str(today), "--bins", str(week), "-o", str(today_prof)])
    assert code == 0
    assert main(["report", str(week), str(today_prof), "--method", "psi", "--fail-on", "drift"])
    capsys.readouterr()


def test_merging_profiles_on_different_bins_says_what_it_drops(tmp_path, capsys):
    rng = np.random.default_rng(5)
    parts = []
    for day in range(2):
        path = tmp_path / f"d{day}.dsprof"
        write_profile(profile({"x": rng.normal(day, 1, 5_000), "y": rng.normal(0, 1, 5_000)}), path)
        parts.append(str(path))
    assert main(["profile", *parts, "-o", str(tmp_path / "week.dsprof")]) == 0
    err = capsys.readouterr().err
    assert "note: the inputs counted 'x', 'y' on different bins" in err
    assert "--bins REFERENCE.dsprof" in err


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(2_000, 60_000),
    k=st.sampled_from([64, 200, 1000]),
)
def test_sketch_counts_are_within_the_bound_of_the_exact_ones(seed, n, k):
    rng = np.random.default_rng(seed)
    values = np.sort(rng.lognormal(0, 1, n))
    sketch = QuantileSketch.of(values, k=k)
    edges = tuple(float(e) for e in np.unique(np.quantile(values, np.arange(1, 10) / 10)))
    approx = counts_on_edges(sketch, edges)
    exact = bin_counts(values, np.asarray(edges))
    assert approx.sum() == n
    assert np.max(np.abs(approx - exact)) / n <= 2 * error_bound(sketch) + 1e-12
