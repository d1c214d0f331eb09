"""Profiling data that arrives in parts: row groups, CSV blocks, Dask or Spark partitions.

Each part is profiled where it is and only its profile travels (as bytes); the parts' profiles
are then merged. Histograms need the reference's bin edges *before* counting, so a reference
in parts takes two passes:

1. every part: counts, moments and the quantile sketch, no histogram;
2. bin edges from the merged sketch (its quantiles at 1/k .. (k-1)/k), then every part counts
   its values on those edges, and the counts are added to the merged profile.

A current profile, whose edges the reference already fixes (``bins=``), takes one pass.

:func:`profile_parts` runs either plan through a ``map_parts`` function that the caller
provides: it applies a task to every part, wherever the parts live, and returns the tasks'
bytes, which are merged as they come (:func:`~driftscope.profiling.serialize.merge_payloads`,
one part in memory at a time). The tasks are module-level functions bound with
:func:`functools.partial`, so they pickle to Dask workers and Spark executors.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace

import numpy as np
import pyarrow as pa

from driftscope._types import ColumnType
from driftscope.errors import ProfileError
from driftscope.io import numeric_values
from driftscope.profiling._sketch import DEFAULT_K, check_k
from driftscope.profiling.build import (
    Bins,
    Types,
    bins_of,
    check_n_bins,
    profile_table,
    resolve_schema,
    sketch_histogram,
    types_of,
)
from driftscope.profiling.column import NumericProfile
from driftscope.profiling.histogram import Histogram
from driftscope.profiling.profile import Profile
from driftscope.profiling.serialize import encode, merge_payloads
from driftscope.stats._binning import N_BINS

Task = Callable[[pa.Table], bytes]
"""What runs on one part: its table in, bytes out."""
MapParts = Callable[[Task], Iterable[bytes]]
"""Runs a task on every part and returns the results, in any order."""


def profile_parts(
    map_parts: MapParts,
    *,
    schema: Mapping[str, str | ColumnType] | None = None,
    k: int = DEFAULT_K,
    n_bins: int = N_BINS,
    bins: Profile | None = None,
) -> Profile:
    """Profile data in parts: ``map_parts(task)`` must run ``task`` on each part's table.

    With ``bins`` (the reference profile), one pass counting on its edges; without, two
    passes as the module describes. ``schema`` applies to every part; without it each part
    infers its own types, and parts that disagree (a column numeric in one partition, text
    in another) fail the merge with a ProfileError naming the column.

    Examples
    --------
    >>> import numpy as np, pyarrow as pa
    >>> rng = np.random.default_rng(0)
    >>> parts = [pa.table({"x": rng.normal(size=500)}) for _ in range(4)]
    >>> whole = profile_parts(lambda task: [task(t) for t in parts])
    >>> whole.n_rows, whole["x"].histogram.total, len(whole["x"].histogram.counts)
    (2000, 2000, 10)
    """
    check_k(k)
    check_n_bins(n_bins)
    user_types = dict(resolve_schema(schema or {}))
    if bins is not None:
        types = {**types_of(bins), **user_types}
        task = functools.partial(_profile_task, types=types, k=k, bins=bins_of(bins))
        return merge_payloads(map_parts(task))
    sketched = merge_payloads(
        map_parts(functools.partial(_profile_task, types=user_types, k=k, bins={}))
    )
    edges = sketch_bins(sketched, n_bins)
    if not edges:
        return sketched
    count = functools.partial(_histogram_task, types=types_of(sketched), bins=edges)
    return add_histograms(sketched, (decode_histograms(b, edges) for b in map_parts(count)))


def sketch_bins(reference: Profile, n_bins: int) -> dict[str, Histogram]:
    """Bin edges for every numeric column, from its quantile sketch (as empty histograms)."""
    out: dict[str, Histogram] = {}
    for name, col in reference.columns.items():
        if isinstance(col, NumericProfile):
            histogram = sketch_histogram(name, col, n_bins)
            if histogram is not None:
                out[name] = histogram
    return out


def count_histograms(table: pa.Table, *, types: Types, bins: Bins) -> dict[str, Histogram]:
    """Histograms of one part's columns on the given bins (pass 2)."""
    out: dict[str, Histogram] = {}
    # Once per part: table.column_names builds the list of every name, and
    # table.column(name) looks the name up; per column, 20,000 columns made it quadratic.
    columns = dict(zip(table.column_names, table.columns, strict=True))
    for name, template in bins.items():
        if name not in columns or types.get(name) is None:
            continue
        values = numeric_values(columns[name], name=name)
        finite = values[np.isfinite(values)]
        out[name] = Histogram.count(finite, template.edges, n_bins=template.n_bins)
    return out


def add_histograms(reference: Profile, parts: Iterable[Mapping[str, Histogram]]) -> Profile:
    """``reference`` with each numeric column's histogram the sum of the parts' ones."""
    totals: dict[str, Histogram] = {}
    for part in parts:
        for name, hist in part.items():
            totals[name] = totals[name].merged(hist) if name in totals else hist
    columns = dict(reference.columns)
    for name, hist in totals.items():
        col = columns[name]
        if not isinstance(col, NumericProfile) or hist.total != col.n_finite:
            raise ProfileError(
                f"profile: the histogram of column {name!r} counts {hist.total} values but "
                "the profile has another number; did the data change between the two passes?"
            )
        columns[name] = replace(col, histogram=hist)
    return Profile(reference.n_rows, columns)


def _profile_task(table: pa.Table, *, types: Types, k: int, bins: Bins) -> bytes:
    # bins={} in pass 1: no histograms (profile_table keeps none for columns not in bins).
    return encode(profile_table(table, types=types, k=k, bins=bins))


def _histogram_task(table: pa.Table, *, types: Types, bins: Bins) -> bytes:
    return encode_histograms(count_histograms(table, types=types, bins=bins))


def encode_histograms(histograms: Mapping[str, Histogram]) -> bytes:
    """A pass-2 task's result: the counts per column (the edges are known to the receiver)."""
    counts = {name: list(h.counts) for name, h in histograms.items()}
    return json.dumps(counts, separators=(",", ":")).encode()


def decode_histograms(data: bytes, bins: Bins) -> dict[str, Histogram]:
    """Histograms from a pass-2 task's bytes, on the edges they were counted on."""
    counts = json.loads(data)
    return {
        name: Histogram(bins[name].edges, tuple(int(c) for c in values), bins[name].n_bins)
        for name, values in counts.items()
    }
