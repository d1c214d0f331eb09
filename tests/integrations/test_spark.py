"""driftscope.integrations.spark against a real local Spark session (local[2])."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import numpy as np
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
    split,
)

pytest.importorskip("pyspark")
from pyspark import SparkContext
from pyspark.sql import DataFrame, SparkSession, functions

from driftscope.integrations.spark import profile as spark_profile

pytestmark = [
    # Starting the JVM alone takes 10 to 30 seconds on two cores.
    pytest.mark.slow,
    # PySpark warns on every Arrow conversion that it has not been certified with pandas 3;
    # the conversions used here do not go through pandas.
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
]


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkSession]:
    with pytest.MonkeyPatch.context() as env:
        env.setenv("PYSPARK_PYTHON", sys.executable)
        env.setenv("PYSPARK_DRIVER_PYTHON", sys.executable)
        env.setenv("SPARK_LOCAL_IP", "127.0.0.1")
        session = (
            SparkSession.builder.master("local[2]")
            .appName("driftscope-tests")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.sql.shuffle.partitions", "2")
            # Adaptive execution would coalesce the partitions the tests lay out on purpose.
            .config("spark.sql.adaptive.enabled", "false")
            .config("spark.sql.session.timeZone", "UTC")
            # A short run: the quick JIT tier and the serial collector start the JVM faster.
            .config("spark.driver.extraJavaOptions", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")
            .getOrCreate()
        )
        session.sparkContext.setLogLevel("ERROR")
        try:
            yield session
        finally:
            session.stop()
            stop_jvm()


def stop_jvm() -> None:
    """End the JVM the session started, which PySpark would otherwise keep until Python exits."""
    gateway = SparkContext._gateway
    if gateway is None:
        return
    gateway.shutdown()
    gateway.proc.stdin.close()  # the gateway server exits when its standard input closes
    gateway.proc.wait(timeout=60)
    SparkContext._gateway = None
    SparkContext._jvm = None


def partitioned(spark: SparkSession, parts: list[pa.Table]) -> DataFrame:
    """A DataFrame whose partitions hold exactly these tables (empty ones included).

    Partition i of ``spark.range`` holds the one number i, and mapInArrow turns it into part
    i; a union of DataFrames would not do, since Spark folds local data into one partition.
    """

    def lay_out(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            for i in batch.column(0).to_pylist():
                yield from parts[i].to_batches()

    schema = spark.createDataFrame(parts[0]).schema
    return spark.range(0, len(parts), 1, len(parts)).mapInArrow(lay_out, schema)


def partition_sizes(data: DataFrame) -> dict[int, int]:
    """Rows per non-empty partition, counted in the JVM."""
    ids = data.select(functions.spark_partition_id().alias("partition"))
    return {row["partition"]: row["count"] for row in ids.groupBy("partition").count().collect()}


def test_a_profile_on_the_executors_equals_one_on_one_machine(spark: SparkSession) -> None:
    reference = profile(make_table(seed=1))
    current = make_table(seed=2, shift=3.0)
    data = partitioned(spark, split(current, [1200, 0, 1000, 800]))
    assert partition_sizes(data) == {0: 1200, 2: 1000, 3: 800}
    got = spark_profile(data, bins=reference)
    assert_same_profile(got, profile(current, bins=reference))


def test_without_bins_histograms_count_every_finite_value_on_the_sketch_edges(
    spark: SparkSession,
) -> None:
    table = make_table()
    got = spark_profile(spark.createDataFrame(table).repartition(3), n_bins=8)
    assert exact(got) == exact(profile(table, n_bins=8))
    assert_binned_on_its_sketch(got, 8)
    assert histograms(got) == histograms(profile(table, bins=got))


def test_a_column_inferred_differently_by_two_partitions_is_a_profile_error(
    spark: SparkSession,
) -> None:
    # 'code' holds ISO dates in the first partition (a datetime there), words in the second.
    codes = ["2024-05-01"] * 300 + ["open", "closed", "open"] * 100
    table = pa.table({"code": codes, "x": np.arange(600.0)})
    data = partitioned(spark, split(table, [300, 300]))
    with pytest.raises(ProfileError, match="'code'"):
        spark_profile(data)
    schema = {"code": "categorical"}
    reference = profile(table, schema=schema)
    assert_same_profile(
        spark_profile(data, schema=schema, bins=reference),
        profile(table, schema=schema, bins=reference),
    )


def test_the_schema_sets_types_and_leaves_columns_out(spark: SparkSession) -> None:
    # A dotted name, and a struct column that nothing profiles but the schema leaves out.
    table = make_table(n=600).rename_columns(["x", "count", "price", "plan.tier", "flag", "when"])
    table = table.append_column("meta", pa.array([{"a": i} for i in range(600)]))
    data = spark.createDataFrame(table).repartition(2)
    schema: dict[str, Any] = {"count": "categorical", "meta": "ignored", "when": "id"}
    reference = profile(table, schema=schema)
    got = spark_profile(data, schema=schema, bins=reference)
    assert got.column_names == ("x", "count", "price", "plan.tier", "flag")
    assert_same_profile(got, profile(table, schema=schema, bins=reference))
    # Without the schema the struct fails on the executors, and the driver raises the same
    # SchemaError as a profile on one machine.
    with pytest.raises(SchemaError, match="'meta'") as local:
        profile(table)
    with pytest.raises(SchemaError) as distributed:
        spark_profile(data)
    assert str(distributed.value) == str(local.value)


def test_a_schema_column_missing_from_the_data_is_a_config_error(spark: SparkSession) -> None:
    data = spark.createDataFrame(make_table(n=50))
    with pytest.raises(ConfigError, match="'nope' is not in the data"):
        spark_profile(data, schema={"nope": "numeric"})


def test_a_dataframe_with_no_rows_profiles_its_columns(spark: SparkSession) -> None:
    empty = make_table(n=100).slice(0, 0)
    got = spark_profile(partitioned(spark, [empty, empty]))
    assert exact(got) == exact(profile(empty))


def test_an_arrow_table_is_an_input_error() -> None:
    with pytest.raises(InputError, match="must be a Spark DataFrame; got a pyarrow"):
        spark_profile(make_table(n=10))
