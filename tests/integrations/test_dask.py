"""driftscope.integrations.dask against a real two-worker LocalCluster (worker processes)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from driftscope.errors import ConfigError, InputError, ProfileError, SchemaError
from driftscope.profiling import profile

from ._helpers import (
    assert_binned_on_its_sketch,
    assert_same_profile,
    exact,
    histograms,
    make_table,
)

dask = pytest.importorskip("dask")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

from driftscope.integrations.dask import profile as dask_profile  # noqa: E402

# Starting the worker processes and importing driftscope in them takes several seconds.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def client() -> Iterator[distributed.Client]:
    # Worker processes, so every task and its result really are pickled across processes.
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def frame(table: pa.Table) -> pd.DataFrame:
    """The table as pandas, in dtypes that Dask keeps as they are.

    Dask turns object columns into strings, so booleans with nulls go to pandas' nullable
    boolean dtype and decimals to floats (both would be object columns otherwise).
    """
    if "price" in table.column_names:
        index = table.column_names.index("price")
        table = table.set_column(index, "price", table["price"].cast(pa.float64()))
    return table.to_pandas(types_mapper={pa.bool_(): pd.BooleanDtype()}.get)


def partitioned(table: pa.Table, sizes: list[int]) -> dd.DataFrame:
    """A Dask DataFrame of ``table`` with partitions of exactly these row counts, in order."""
    whole = frame(table)  # converted once, so every partition has the same dtypes
    starts = np.cumsum([0, *sizes[:-1]])
    frames = [whole.iloc[start : start + size] for start, size in zip(starts, sizes, strict=True)]
    return dd.from_delayed([dask.delayed(f) for f in frames], meta=whole.iloc[:0])


def test_a_profile_on_the_workers_equals_one_on_one_machine(client: distributed.Client) -> None:
    reference = profile(frame(make_table(seed=1)))
    current = make_table(seed=2, shift=3.0)
    data = partitioned(current, [1200, 0, 1000, 800])
    with distributed.get_task_stream(client) as stream:
        got = dask_profile(data, bins=reference, client=client)
    assert_same_profile(got, profile(frame(current), bins=reference))
    # The partitions were profiled on the workers, not on the driver.
    ran = [task for task in stream.data if "_profile_partition" in task["key"]]
    assert len(ran) == 4
    assert {task["worker"] for task in ran} <= set(client.scheduler_info()["workers"])


def test_without_bins_histograms_count_every_finite_value_on_the_sketch_edges(
    client: distributed.Client,
) -> None:
    data = frame(make_table())
    got = dask_profile(dd.from_pandas(data, npartitions=4), n_bins=8)
    local = profile(data, n_bins=8)
    assert exact(got) == exact(local)
    assert_binned_on_its_sketch(got, 8)
    assert histograms(got) == histograms(profile(data, bins=got))


def test_a_column_inferred_differently_by_two_partitions_is_a_profile_error(
    client: distributed.Client,
) -> None:
    # 'amount' is all distinct in the first partition, so it looks like an id there.
    rng = np.random.default_rng(0)
    amounts = np.concatenate([rng.permutation(500), rng.integers(0, 10, 500)])
    table = pa.table({"amount": amounts, "x": rng.normal(size=1000)})
    data = partitioned(table, [500, 500])
    with pytest.raises(ProfileError, match="'amount'"):
        dask_profile(data)
    schema = {"amount": "numeric"}
    assert_same_profile(
        dask_profile(data, schema=schema, n_bins=4, bins=profile(frame(table), schema=schema)),
        profile(frame(table), schema=schema, bins=profile(frame(table), schema=schema)),
    )


def test_the_schema_sets_types_and_leaves_columns_out(client: distributed.Client) -> None:
    table = make_table(n=600)
    data = dd.from_pandas(frame(table), npartitions=3)
    schema = {"count": "categorical", "plan": "ignored", "when": "id"}
    reference = profile(frame(table), schema=schema)
    got = dask_profile(data, schema=schema, bins=reference)
    assert got.column_names == ("x", "count", "price", "flag")
    assert_same_profile(got, profile(frame(table), schema=schema, bins=reference))
    # A type the data cannot have fails on the workers with the error of a local profile.
    with pytest.raises(SchemaError, match="'plan'") as local:
        profile(frame(table), schema={"plan": "numeric"})
    with pytest.raises(SchemaError) as remote:
        dask_profile(data, schema={"plan": "numeric"})
    assert str(remote.value) == str(local.value)


def test_a_schema_column_missing_from_the_data_is_a_config_error(
    client: distributed.Client,
) -> None:
    data = dd.from_pandas(frame(make_table(n=100)), npartitions=2)
    with pytest.raises(ConfigError, match="'nope' is not in the data"):
        dask_profile(data, schema={"nope": "numeric"})


def test_a_dataframe_with_no_rows_profiles_its_columns(client: distributed.Client) -> None:
    empty = make_table(n=100).slice(0, 0)
    got = dask_profile(partitioned(empty, [0, 0]))
    assert exact(got) == exact(profile(frame(empty)))


def test_a_pandas_dataframe_is_an_input_error() -> None:
    with pytest.raises(InputError, match="must be a dask DataFrame; got a pandas"):
        dask_profile(frame(make_table(n=10)))
