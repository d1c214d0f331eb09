"""Profiling Parquet by row group and column: bounded memory, and every core at work.

Each row group is profiled column by column (memory holds one column of one row group, about
8 MB per million numeric values), and row groups are spread over worker processes when there
are enough rows to repay starting them. Only profiles (a few hundred KB) travel back. The plan
is :mod:`driftscope.profiling.stream`'s: the first row group fixes the column types; a
reference in several row groups takes a second pass for its histograms, on the edges of the
merged quantile sketch; one in a single row group gets exact quantile edges.
"""

from __future__ import annotations

import functools
import itertools
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from multiprocessing import get_context
from typing import Literal

import pyarrow as pa
import pyarrow.parquet as pq

from driftscope._types import ColumnType
from driftscope.errors import InputError
from driftscope.io import ParquetLayout, RowGroup
from driftscope.profiling.build import (
    Bins,
    Types,
    bins_of,
    fixed_types,
    overrides,
    profile_table,
)
from driftscope.profiling.column import ColumnProfile
from driftscope.profiling.histogram import Histogram
from driftscope.profiling.parts import (
    add_histograms,
    count_histograms,
    decode_histograms,
    encode_histograms,
    sketch_bins,
)
from driftscope.profiling.profile import Profile
from driftscope.profiling.serialize import encode, merge_payloads

PARALLEL_MIN_ROWS = 2_000_000
"""With ``n_jobs="auto"``, worker processes only from this many rows: starting one (a fresh
interpreter importing numpy, pyarrow and DataSketches) costs about half a second."""
PARALLEL_MAX_WORKERS = 4
"""With ``n_jobs="auto"``, at most this many worker processes (fewer on fewer CPUs)."""

ONE_READ_CELLS = 1_000_000
"""A row group of at most this many rows x columns is read in one call rather than column by
column: each read costs a fixed ~0.2 ms, which many small row groups multiply."""

Tick = Callable[[int, str], None]
"""Called with the rows just done and the stage ("profiling" or "binning")."""


def profile_layout(
    layout: ParquetLayout,
    *,
    schema: Mapping[str, str | ColumnType],
    k: int,
    n_bins: int,
    bins: Profile | None,
    n_jobs: int | Literal["auto"],
    tick: Tick,
) -> Profile:
    """Profile every row group of ``layout`` (see the module docstring)."""
    try:
        return _profile_layout(layout, schema, k, n_bins, bins, n_jobs, tick)
    finally:
        _opened.cache_clear()  # close this process's files (workers end with the pool)


def _profile_layout(
    layout: ParquetLayout,
    schema: Mapping[str, str | ColumnType],
    k: int,
    n_bins: int,
    bins: Profile | None,
    n_jobs: int | Literal["auto"],
    tick: Tick,
) -> Profile:
    groups = list(layout.groups)
    columns, dictionary = layout.columns, layout.dictionary
    types: dict[str, ColumnType | None] = dict(overrides(schema, list(columns)))
    if not groups:
        return Profile.empty()
    first = groups[0]
    if len(groups) == 1 and bins is None:  # one row group: exact edges, as in memory
        whole = _profile_group(first, columns, dictionary, types, k, None, n_bins)
        tick(first.rows, "profiling")
        return whole
    template: Bins = bins_of(bins) if bins is not None else {}
    head = _profile_group(first, columns, dictionary, types, k, template, None)
    tick(first.rows, "profiling")
    fixed = fixed_types(columns, head, types)
    with _pool(n_jobs, layout.rows, len(groups)) as run:
        task = functools.partial(
            _profile_task, columns=columns, dictionary=dictionary, types=fixed, k=k, bins=template
        )
        parts = run(task, groups[1:], tick, "profiling")
        # Merged as the parts' bytes arrive: one part in memory at a time.
        merged = merge_payloads(itertools.chain([encode(head)], parts))
        if bins is not None:
            return merged
        edges = sketch_bins(merged, n_bins)
        if not edges:
            return merged
        count = functools.partial(_histogram_task, types=fixed, bins=edges)
        counted = run(count, groups, tick, "binning")
        return add_histograms(merged, (decode_histograms(b, edges) for b in counted))


def _profile_group(
    group: RowGroup,
    columns: Sequence[str],
    dictionary: Sequence[str],
    types: Types,
    k: int,
    bins: Bins | None,
    n_bins: int | None,
) -> Profile:
    """One row group's profile, built one column at a time."""
    profiled: dict[str, ColumnProfile] = {}
    wanted = [c for c in columns if types.get(c, ColumnType.NUMERIC) is not None]
    for table in _group_columns(group, wanted, dictionary):
        part = profile_table(table, types=types, k=k, n_bins=n_bins, bins=bins)
        profiled.update(part.columns)
    ordered = {name: profiled[name] for name in columns if name in profiled}
    return Profile(group.rows, ordered)


def _profile_task(
    group: RowGroup,
    *,
    columns: Sequence[str],
    dictionary: Sequence[str],
    types: Types,
    k: int,
    bins: Bins,
) -> bytes:
    return encode(_profile_group(group, columns, dictionary, types, k, bins, None))


def _histogram_task(group: RowGroup, *, types: Types, bins: Bins) -> bytes:
    counted: dict[str, Histogram] = {}
    for table in _group_columns(group, list(bins)):
        counted.update(count_histograms(table, types=types, bins=bins))
    return encode_histograms(counted)


def _group_columns(
    group: RowGroup, columns: Sequence[str], dictionary: Sequence[str] = ()
) -> Iterator[pa.Table]:
    """Each of ``columns`` of one row group, as a one-column table, one at a time: memory
    holds a single column of a single row group. The file is opened once per process, not
    once per row group: opening parses the footer, whose size grows with the number of row
    groups, so reopening made profiling quadratic in them (2,000 one-row groups of 5 columns
    took a minute)."""
    wanted = tuple(c for c in dictionary if c in columns)
    try:
        parquet = _opened(group.path, wanted, _identity(group.path))
        if (
            group.rows * len(columns) <= ONE_READ_CELLS
        ):  # a small group: one read, not one per column
            table = parquet.read_row_group(group.index, columns=list(columns))
            table = table.replace_schema_metadata(None)
            for name in columns:
                yield table.select([name])
            return
        for name in columns:
            table = parquet.read_row_group(group.index, columns=[name])
            yield table.replace_schema_metadata(None)
    except (pa.ArrowException, OSError) as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise InputError(f"{group.path}: not a readable Parquet file ({first})") from None


def _identity(path: str) -> tuple[int, int, int, int]:
    """What tells a file apart from a later one at the same path (a rewrite opens anew)."""
    info = os.stat(path)  # noqa: PTH116 (the cache key, not a path operation)
    return info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns


@functools.lru_cache(maxsize=8)
def _opened(
    path: str, dictionary: tuple[str, ...], identity: tuple[int, int, int, int]
) -> pq.ParquetFile:
    """``path`` opened for reading row groups; cached per process while profiling, cleared
    when :func:`profile_layout` returns (``identity`` is part of the key only)."""
    del identity
    return pq.ParquetFile(path, read_dictionary=list(dictionary) or None)


Runner = Callable[[Callable[[RowGroup], bytes], Sequence[RowGroup], Tick, str], Iterable[bytes]]


class _pool:  # noqa: N801 - used as a context manager, like open()
    """Runs a task over row groups: in worker processes when worth it, else right here."""

    def __init__(self, n_jobs: int | Literal["auto"], rows: int, n_groups: int) -> None:
        if n_jobs == "auto":
            cores = os.cpu_count() or 1
            wanted = min(cores, PARALLEL_MAX_WORKERS) if rows >= PARALLEL_MIN_ROWS else 1
        else:
            wanted = n_jobs
        self.workers = max(1, min(wanted, n_groups - 1))
        self.executor: Executor | None = None

    def __enter__(self) -> Runner:
        if self.workers > 1:
            # spawn, not fork: forking a process that already runs Arrow's threads can hang
            self.executor = ProcessPoolExecutor(self.workers, mp_context=get_context("spawn"))
        return self.run

    def __exit__(self, *exc: object) -> None:
        if self.executor is not None:
            self.executor.shutdown(cancel_futures=True)

    def run(
        self,
        task: Callable[[RowGroup], bytes],
        groups: Sequence[RowGroup],
        tick: Tick,
        stage: str,
    ) -> Iterator[bytes]:
        if self.executor is None:
            for group in groups:
                result = task(group)
                tick(group.rows, stage)
                yield result
            return
        # map() keeps the order and streams results back as they are ready.
        for group, result in zip(groups, self.executor.map(task, groups), strict=True):
            tick(group.rows, stage)
            yield result
