"""Profile a Dask DataFrame on the workers that hold its partitions.

Each partition becomes a pyarrow Table on its worker (as :func:`driftscope.profiling.profile`
converts a pandas DataFrame), is profiled there, and only its profile's bytes travel back to be
merged. The graph runs on the current ``distributed.Client`` (or the one passed as ``client=``),
else on Dask's default scheduler.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from driftscope._types import ColumnType
from driftscope.errors import InputError, param_error
from driftscope.integrations import columns_to_profile, require
from driftscope.io import read_dataset
from driftscope.profiling import DEFAULT_K, Profile
from driftscope.profiling.parts import Task, profile_parts
from driftscope.stats._binning import N_BINS

if TYPE_CHECKING:
    from collections.abc import Iterable

_OWNER = "dask.profile"


def profile(
    data: Any,
    *,
    schema: Mapping[str, str | ColumnType] | None = None,
    k: int = DEFAULT_K,
    n_bins: int = N_BINS,
    bins: Profile | None = None,
    client: Any = None,
) -> Profile:
    """Profile a Dask DataFrame partition by partition, on the workers.

    The result has the same counts, missing values, infinities, minimum, maximum and
    categories as :func:`driftscope.profiling.profile` of the whole DataFrame computed on one
    machine; mean and variance agree up to floating-point rounding. Without ``bins``, the
    numeric histograms' edges come from the merged quantile sketch (within its rank error of
    the exact quantiles), which takes a second pass over the data: ``persist()`` the DataFrame
    first if computing it twice is costly. With ``bins=reference_profile``, one pass.

    Parameters
    ----------
    data
        A ``dask.dataframe.DataFrame``.
    schema
        Column types, as for :func:`driftscope.profiling.profile`. Without a type, each
        partition infers a column's type from its own rows, and partitions that disagree (an
        integer column whose values are all distinct in one partition looks like an id there)
        make the merge fail with a ProfileError naming the column: give such columns a type.
        Columns set to ``"ignored"`` or ``"id"`` are dropped before any partition is computed.
    k, n_bins, bins
        As for :func:`driftscope.profiling.profile`.
    client
        A ``distributed.Client`` to run on; by default Dask's current scheduler (the last
        ``Client`` created, else local threads).

    Returns
    -------
    Profile
        One column profile per profiled column, in the DataFrame's column order.

    Raises
    ------
    MissingExtraError
        Without Dask's DataFrame support installed (``pip install 'driftscope[dask]'``).
    InputError
        When ``data`` is not a Dask DataFrame, or a partition cannot be converted to Arrow.
    ConfigError
        For a bad ``k``, ``n_bins`` or ``bins``, or a schema column not in the data.
    ProfileError
        When partitions profile a column as different types (see ``schema``).

    Examples
    --------
    Without a ``Client`` this runs on local threads; with one (``Client(cluster)``, or
    ``client=``) on the cluster's workers.

    >>> import dask.dataframe as dd, numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> frame = pd.DataFrame({"age": rng.normal(40, 10, 1000), "plan": ["a", "b"] * 500})
    >>> reference = profile(dd.from_pandas(frame, npartitions=4))
    >>> reference.n_rows, reference["age"].histogram.total, dict(reference["plan"].counts)
    (1000, 1000, {'a': 500, 'b': 500})
    >>> current = profile(dd.from_pandas(frame.iloc[:600], npartitions=2), bins=reference)
    >>> current["age"].histogram.edges == reference["age"].histogram.edges
    True
    """
    dd = require("dask.dataframe", integration="driftscope.integrations.dask", extra="dask")
    dask = require("dask", integration="driftscope.integrations.dask", extra="dask")
    if not isinstance(data, dd.DataFrame):
        kind = f"{type(data).__module__}.{type(data).__name__}"
        raise InputError(
            f"{_OWNER}: data must be a dask DataFrame; got a {kind} "
            "(profile data in memory with driftscope.profiling.profile)"
        )
    if bins is not None and not isinstance(bins, Profile):
        raise param_error(_OWNER, "bins", "a Profile (the reference's) or None", bins)
    labels = {str(label): label for label in data.columns}
    kept = columns_to_profile(_OWNER, list(labels), schema)
    if len(kept) < len(labels):
        data = data[[labels[name] for name in kept]]
    partitions = data.to_delayed()

    def map_parts(task: Task) -> Iterable[bytes]:
        profiled = dask.delayed(functools.partial(_profile_partition, task=task))
        results: tuple[tuple[int, bytes], ...] = dask.compute(
            *(profiled(part, index) for index, part in enumerate(partitions)),
            scheduler=client,
        )
        # Empty partitions are left out: they add nothing, yet their types, inferred from no
        # values, could disagree with the others'. All empty: the first one's profile, so
        # the columns are still there.
        found = [part for n_rows, part in results if n_rows]
        return found or [results[0][1]]

    return profile_parts(map_parts, schema=schema, k=k, n_bins=n_bins, bins=bins)


def _profile_partition(frame: Any, index: int, *, task: Task) -> tuple[int, bytes]:
    """Runs on a worker: one pandas partition in, its row count and the task's bytes out."""
    table = read_dataset(frame, name=f"<dask partition {index}>").table
    return table.num_rows, task(table)
