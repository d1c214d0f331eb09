"""Profiling a file of any size in bounded memory: chunk by chunk, keeping only the profile.

Parquet inputs go to :mod:`driftscope.profiling.parquet` (row group by row group, column by
column, optionally over worker processes); CSV and JSON Lines, or a mix, are read here in
chunks.

The first chunk fixes every column's type (and which columns are left out), so later chunks
cannot drift into another type by inference. A reference that spans several chunks takes the
two passes of :mod:`driftscope.profiling.parts` (sketches first, then histograms on the
merged sketch's edges); one that fits in a chunk gets exact quantile edges, as
:func:`~driftscope.profiling.profile` gives in memory.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Literal

import pyarrow as pa

from driftscope._types import ColumnType
from driftscope.errors import SchemaError, param_error
from driftscope.io import CHUNK_ROWS, ParquetLayout, parquet_layout, read_chunks
from driftscope.profiling._sketch import DEFAULT_K, check_k
from driftscope.profiling.build import (
    Bins,
    Types,
    bins_of,
    check_n_bins,
    fixed_types,
    overrides,
    profile_table,
)
from driftscope.profiling.parquet import profile_layout
from driftscope.profiling.parts import add_histograms, count_histograms, sketch_bins
from driftscope.profiling.profile import Profile
from driftscope.stats._binning import N_BINS

Progress = Callable[[int, int | None, str], None]
"""Called as ``progress(rows_done, total_rows_or_None, stage)`` after every chunk."""


def profile_files(
    paths: Sequence[str | Path],
    *,
    schema: Mapping[str, str | ColumnType] | None = None,
    k: int = DEFAULT_K,
    n_bins: int = N_BINS,
    bins: Profile | None = None,
    encoding: str = "utf-8",
    delimiter: str | None = None,
    rows: int = CHUNK_ROWS,
    progress: Progress | None = None,
    n_jobs: int | Literal["auto"] = 1,
) -> Profile:
    """Profile Parquet files / folders / globs or CSV files as one dataset, ``rows`` at a time.

    Memory holds one chunk and the profile, whatever the number of rows. ``bins`` (a reference
    profile) gives the histogram edges, as for :func:`~driftscope.profiling.profile`; column
    types are inferred from the first chunk unless ``schema`` sets them. Parquet goes row
    group by row group and column by column, over ``n_jobs`` worker processes (``"auto"``:
    the CPUs, at most :data:`~driftscope.profiling.parquet.PARALLEL_MAX_WORKERS`, from
    :data:`~driftscope.profiling.parquet.PARALLEL_MIN_ROWS` rows; see
    :mod:`driftscope.profiling.parquet`). Workers are started with ``spawn``, which imports
    the calling script again: call with ``n_jobs`` above 1 only from code under
    ``if __name__ == "__main__":`` (the ``driftscope`` command does this for you).

    >>> import tempfile, numpy as np, pyarrow as pa, pyarrow.parquet as pq
    >>> path = tempfile.mkdtemp() + "/ref.parquet"
    >>> pq.write_table(pa.table({"x": np.arange(1000.0)}), path, row_group_size=300)
    >>> p = profile_files([path], rows=300)
    >>> p.n_rows, p["x"].histogram.total, p["x"].max
    (1000, 1000, 999.0)
    """
    check_k(k)
    check_n_bins(n_bins)
    if n_jobs != "auto" and (isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or n_jobs < 1):
        raise param_error("profile", "n_jobs", "an integer >= 1 or 'auto'", n_jobs)
    layout = _parquet(paths)
    if layout is not None:
        _check_names(layout.columns, str(paths[0]) if len(paths) == 1 else "the inputs")
        done: dict[str, int] = {}

        def report(n: int, stage: str) -> None:
            done[stage] = done.get(stage, 0) + n
            if progress is not None:
                progress(done[stage], layout.rows, stage)

        return profile_layout(
            layout, schema=schema or {}, k=k, n_bins=n_bins, bins=bins, n_jobs=n_jobs, tick=report
        )
    total, tables = _open(paths, encoding, delimiter, rows)
    first = next(tables, None)
    if first is None:
        return Profile.empty()
    types: dict[str, ColumnType | None] = dict(overrides(schema or {}, first.column_names))
    template: Bins = bins_of(bins) if bins is not None else {}
    tick = _ticker(progress, total, "profiling")
    table = next(tables, None)
    if table is None and bins is None:  # fits in one chunk: exact edges
        whole = profile_table(first, types=types, k=k, n_bins=n_bins)
        tick(first.num_rows)
        return whole
    merged = profile_table(first, types=types, k=k, bins=template)
    tick(first.num_rows)
    types = fixed_types(first.column_names, merged, types)
    del first  # only the chunk at hand stays in memory (a slice keeps its row group alive)
    while table is not None:
        merged = merged.merge(profile_table(table, types=types, k=k, bins=template))
        tick(table.num_rows)
        table = next(tables, None)
    if bins is not None:
        return merged
    edges = sketch_bins(merged, n_bins)
    if not edges:
        return merged
    recount = _ticker(progress, total, "binning")
    _, again = _open(paths, encoding, delimiter, rows, columns=list(edges))
    return add_histograms(merged, _counted(again, types, edges, recount))


def _parquet(paths: Sequence[str | Path]) -> ParquetLayout | None:
    """The row groups of all inputs, when every input is Parquet with the same columns."""
    layouts = []
    for path in paths:
        layout = parquet_layout(path)
        if layout is None:
            return None
        layouts.append(layout)
    first = layouts[0]
    for path, layout in zip(paths[1:], layouts[1:], strict=True):
        if layout.columns != first.columns:
            raise SchemaError(
                f"{path}: has columns {list(layout.columns)} but {paths[0]} has "
                f"{list(first.columns)}; inputs profiled together must share one schema"
            )
    groups = tuple(g for layout in layouts for g in layout.groups)
    return ParquetLayout(first.columns, first.dictionary, groups)


def _open(
    paths: Sequence[str | Path],
    encoding: str,
    delimiter: str | None,
    rows: int,
    columns: list[str] | None = None,
) -> tuple[int | None, Iterator[pa.Table]]:
    """Total rows (None unless every input knows it) and the chunks of all inputs in turn."""
    opened = [
        read_chunks(p, encoding=encoding, delimiter=delimiter, rows=rows, columns=columns)
        for p in paths
    ]
    counts = [c.total_rows for c in opened]
    total = None if None in counts else sum(c or 0 for c in counts)
    return total, itertools.chain.from_iterable(_named(c.source, c.tables) for c in opened)


def _named(source: str, tables: Iterator[pa.Table]) -> Iterator[pa.Table]:
    """``tables``, each checked for a column name given twice (a CSV header may repeat one)."""
    for table in tables:
        _check_names(table.column_names, source)
        yield table


def _check_names(names: Sequence[str], source: str) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise SchemaError(
                f"{source}: duplicate column name {name!r}; give every column its own name"
            )
        seen.add(name)


def _counted(
    tables: Iterator[pa.Table], types: Types, edges: Bins, tick: Callable[[int], None]
) -> Iterator[Bins]:
    for table in tables:
        yield count_histograms(table, types=types, bins=edges)
        tick(table.num_rows)


def _ticker(progress: Progress | None, total: int | None, stage: str) -> Callable[[int], None]:
    done = 0

    def tick(rows: int) -> None:
        nonlocal done
        done += rows
        if progress is not None:
            progress(done, total, stage)

    return tick
