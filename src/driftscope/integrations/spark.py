"""Profile a Spark DataFrame on the executors that hold its partitions.

Spark hands each partition to Python as Arrow record batches (``DataFrame.mapInArrow``); the
partition is profiled there as one pyarrow Table, and only its profile's bytes travel back to
the driver to be merged. The DataFrame's own session runs the job: classic or Spark Connect,
local or on a cluster.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import pyarrow as pa

from driftscope import errors
from driftscope._types import ColumnType
from driftscope.errors import DriftscopeError, InputError, param_error
from driftscope.integrations import columns_to_profile, require
from driftscope.io import read_dataset
from driftscope.profiling import DEFAULT_K, Profile
from driftscope.profiling.parts import Task, profile_parts
from driftscope.stats._binning import N_BINS

_OWNER = "spark.profile"
_INTEGRATION = "driftscope.integrations.spark"

# One row per non-empty partition: the task's bytes, or the driftscope error it raised (class
# name and message), which the driver raises again as itself rather than as Spark's wrapper.
_RESULT_SCHEMA = pa.schema(
    [("part", pa.binary()), ("error_class", pa.string()), ("error", pa.string())]
)
_RESULT_DDL = "part binary, error_class string, error string"


def profile(
    data: Any,
    *,
    schema: Mapping[str, str | ColumnType] | None = None,
    k: int = DEFAULT_K,
    n_bins: int = N_BINS,
    bins: Profile | None = None,
) -> Profile:
    """Profile a Spark DataFrame partition by partition, on the executors.

    The result has the same counts, missing values, infinities, minimum, maximum and
    categories as :func:`driftscope.profiling.profile` of the same rows as one Arrow table
    (``data.toArrow()``); mean and variance agree up to floating-point rounding. Without
    ``bins``, the numeric histograms' edges come from the merged quantile sketch (within its
    rank error of the exact quantiles), which takes a second pass over the data: ``cache()``
    the DataFrame first if computing it twice is costly. With ``bins=reference_profile``, one
    pass.

    Each partition is held in an executor's memory as one Arrow table while it is profiled,
    as for a pandas UDF; repartition a DataFrame whose partitions are too large for that.

    Parameters
    ----------
    data
        A ``pyspark.sql.DataFrame`` (classic or Spark Connect).
    schema
        Column types, as for :func:`driftscope.profiling.profile`. Without a type, each
        partition infers a column's type from its own rows, and partitions that disagree (an
        integer column whose values are all distinct in one partition looks like an id there)
        make the merge fail with a ProfileError naming the column: give such columns a type.
        Columns set to ``"ignored"`` or ``"id"`` are dropped before the data is converted to
        Arrow, which also lets a column of a type Arrow cannot carry be ignored.
    k, n_bins, bins
        As for :func:`driftscope.profiling.profile`.

    Returns
    -------
    Profile
        One column profile per profiled column, in the DataFrame's column order.

    Raises
    ------
    MissingExtraError
        Without PySpark installed (``pip install 'driftscope[spark]'``).
    InputError
        When ``data`` is not a Spark DataFrame.
    ConfigError
        For a bad ``k``, ``n_bins`` or ``bins``, or a schema column not in the data.
    SchemaError, ProfileError
        As :func:`driftscope.profiling.profile` raises them for a partition's data (raised on
        the driver as themselves), and a ProfileError when partitions profile a column as
        different types (see ``schema``).

    Examples
    --------
    >>> from pyspark.sql import SparkSession
    >>> spark = SparkSession.builder.master("local[2]").getOrCreate()  # doctest: +SKIP
    >>> frame = spark.createDataFrame([(float(i % 7), "ab"[i % 2]) for i in range(1000)],
    ...                               "age double, plan string")  # doctest: +SKIP
    >>> reference = profile(frame)  # doctest: +SKIP
    >>> reference.n_rows, dict(reference["plan"].counts)  # doctest: +SKIP
    (1000, {'a': 500, 'b': 500})
    >>> current = profile(frame.limit(600), bins=reference)  # doctest: +SKIP
    """
    require("pyspark.sql", integration=_INTEGRATION, extra="spark")
    require("pandas", integration=_INTEGRATION, extra="spark")  # mapInArrow checks for it
    if not (callable(getattr(data, "mapInArrow", None)) and hasattr(data, "schema")):
        kind = f"{type(data).__module__}.{type(data).__name__}"
        raise InputError(
            f"{_OWNER}: data must be a Spark DataFrame; got a {kind} "
            "(profile data in memory with driftscope.profiling.profile)"
        )
    if bins is not None and not isinstance(bins, Profile):
        raise param_error(_OWNER, "bins", "a Profile (the reference's) or None", bins)
    columns: list[str] = list(data.columns)
    kept = set(columns_to_profile(_OWNER, columns, schema))
    # Columns travel under positional names and get theirs back on the executors: PySpark's
    # mapInArrow cannot resolve a column whose name has a dot in it.
    positional = [f"_{i}" for i in range(len(columns))]
    chosen = [i for i, name in enumerate(columns) if name in kept]
    renamed = data.toDF(*positional).select(*(positional[i] for i in chosen))
    names = [columns[i] for i in chosen]

    def map_parts(task: Task) -> Iterable[bytes]:
        run = functools.partial(_profile_batches, task=task, names=names)
        rows = renamed.mapInArrow(run, _RESULT_DDL).collect()
        for row in rows:
            if row["error_class"] is not None:
                raise _driftscope_error(row["error_class"], row["error"])
        if rows:
            return [bytes(row["part"]) for row in rows]
        # Every partition was empty (they send nothing): profile no rows of the same columns.
        empty = _empty_table(renamed).rename_columns(names)
        return [task(read_dataset(empty, name="<spark DataFrame>").table)]

    return profile_parts(map_parts, schema=schema, k=k, n_bins=n_bins, bins=bins)


def _profile_batches(
    batches: Iterator[pa.RecordBatch], *, task: Task, names: list[str]
) -> Iterator[pa.RecordBatch]:
    """Runs on an executor: one partition's batches in, at most one result row out.

    An empty partition (Spark sends it no batch) yields no row: it adds nothing, yet its
    types, inferred from no values, could disagree with the other partitions'.
    """
    received = [batch for batch in batches if batch.num_rows]
    if not received:
        return
    from pyspark import TaskContext

    context = TaskContext.get()
    label = f"<spark partition {context.partitionId()}>" if context else "<spark partition>"
    try:
        table = pa.Table.from_batches(received).rename_columns(names)
        part = task(read_dataset(table, name=label).table)
    except DriftscopeError as exc:
        yield _result(None, type(exc).__name__, str(exc))
    else:
        yield _result(part, None, None)


def _result(part: bytes | None, error_class: str | None, error: str | None) -> pa.RecordBatch:
    return pa.RecordBatch.from_pylist(
        [{"part": part, "error_class": error_class, "error": error}], schema=_RESULT_SCHEMA
    )


def _driftscope_error(class_name: str, message: str) -> DriftscopeError:
    """The error an executor reported, as its own class (DriftscopeError if unknown)."""
    cls = getattr(errors, class_name, None)
    if isinstance(cls, type) and issubclass(cls, DriftscopeError):
        return cls(message)
    return DriftscopeError(message)


def _empty_table(data: Any) -> pa.Table:
    """No rows of the DataFrame, with the Arrow types Spark gives its columns."""
    no_rows = data.limit(0)
    if hasattr(no_rows, "toArrow"):  # Spark 4.0 and later
        table: pa.Table = no_rows.toArrow()
        return table
    from pyspark.sql.pandas.types import to_arrow_schema  # Spark 3.5

    arrow_schema: pa.Schema = to_arrow_schema(data.schema)
    return arrow_schema.empty_table()
