"""Reading a file in chunks, so that data of any size passes through bounded memory.

Parquet (a file, a folder or a glob of files) is read one row group at a time (so memory
holds one row group: Parquet writers keep them to about a million rows or 128 MB); CSV
through Arrow's streaming reader, block by block. JSON Lines has no streaming
reader in Arrow and is read whole, as one chunk.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

from driftscope.errors import InputError, SchemaError
from driftscope.io._arrow import first_line, is_string_like
from driftscope.io._files import (
    _GLOB_CHARS,
    _check_same_schema,
    _data_columns,
    _parquet_in_folder,
    _parquet_in_glob,
    _parquet_schema,
    file_kind,
)
from driftscope.io._paths import locate
from driftscope.io._text import check_delimiter, check_encoding, csv_layout, read_csv, read_jsonl
from driftscope.io._time_of_day import as_times_of_day, with_times_of_day

CHUNK_ROWS = 500_000
"""Rows per chunk: about 4 MB per numeric column, so tens of columns stay well under 1 GB."""


@dataclass(frozen=True, slots=True)
class Chunks:
    """A file's rows as a sequence of tables; ``total_rows`` when known up front (Parquet)."""

    source: str
    total_rows: int | None
    tables: Iterator[pa.Table]


def read_chunks(
    path: str | Path,
    *,
    encoding: str = "utf-8",
    delimiter: str | None = None,
    rows: int = CHUNK_ROWS,
    columns: Sequence[str] | None = None,
) -> Chunks:
    """The rows of a Parquet / CSV / JSON Lines path, ``rows`` at a time (JSON Lines whole);
    only ``columns`` when given (all of them must exist); ``delimiter`` for CSV.

    >>> import tempfile, pyarrow as pa, pyarrow.parquet as pq
    >>> path = tempfile.mkdtemp() + "/x.parquet"
    >>> pq.write_table(pa.table({"x": list(range(10))}), path, row_group_size=4)
    >>> chunks = read_chunks(path, rows=4)
    >>> chunks.total_rows, [t.num_rows for t in chunks.tables]
    (10, [4, 4, 2])
    """
    check_encoding(encoding, "read_chunks")
    check_delimiter(delimiter, "read_chunks")
    label = str(path)
    wanted = list(columns) if columns is not None else None
    files = _parquet_files(label)
    if files is not None:
        layout = _layout(files)
        return Chunks(label, layout.rows, _parquet_tables(layout, rows, wanted))
    if file_kind(label) == "csv":
        return Chunks(label, None, _csv_chunks(label, encoding, delimiter, rows, wanted))
    table = read_jsonl(label, encoding=encoding)
    return Chunks(label, None, iter([table if wanted is None else table.select(wanted)]))


def _parquet_files(label: str) -> list[str] | None:
    """The Parquet files a path names (file, folder or glob); None for another existing file."""
    where = locate(label)
    if where == "folder":
        return _parquet_in_folder(Path(label), label)
    if where == "file":
        return [label] if file_kind(label) == "parquet" else None
    if _GLOB_CHARS.search(label):
        return _parquet_in_glob(label)
    raise InputError(f"{label}: file not found")


def _parquet_tables(
    layout: ParquetLayout, rows: int, columns: list[str] | None
) -> Iterator[pa.Table]:
    # One row group at a time, cut into slices of ``rows`` (views, no copies). Not
    # ParquetFile.iter_batches: with pyarrow 2x its memory grows with every row group read
    # (about 125 MB per million rows of the W1 schema), while reading row groups stays flat.
    names = list(layout.columns) if columns is None else columns
    dictionary = [name for name in layout.dictionary if name in names]
    for path in dict.fromkeys(group.path for group in layout.groups):
        try:
            with pq.ParquetFile(path, read_dictionary=dictionary or None) as parquet:
                for group in range(parquet.num_row_groups):
                    table = parquet.read_row_group(group, columns=names)
                    for start in range(0, table.num_rows, rows):
                        yield table.slice(start, rows).replace_schema_metadata(None)
                    del table  # before the next group is read, not after
        except (pa.ArrowException, OSError) as exc:
            raise InputError(f"{path}: not a readable Parquet file ({first_line(exc)})") from None


def _csv_chunks(
    path: str, encoding: str, delimiter: str | None, rows: int, columns: list[str] | None
) -> Iterator[pa.Table]:
    # Arrow's streaming reader fixes each column's type from the first block; a later block
    # that does not fit is reported as such. Blocks are sized in bytes, ~100 bytes a row.
    header_block, separator = csv_layout(path, encoding, delimiter)
    read_options = pcsv.ReadOptions(block_size=max(rows * 100, header_block), encoding=encoding)
    parse_options = pcsv.ParseOptions(delimiter=separator, newlines_in_values=True)
    convert_options = pcsv.ConvertOptions(strings_can_be_null=True, include_columns=columns)
    try:
        reader = pcsv.open_csv(path, read_options, parse_options, convert_options)
    except (pa.ArrowInvalid, UnicodeError, OSError):
        # its error messages name the problem
        table = read_csv(path, encoding=encoding, delimiter=delimiter)
        yield table if columns is None else table.select(columns)
        return
    names = reader.schema.names
    if len(set(names)) < len(names):
        repeated = next(n for n in names if names.count(n) > 1)
        raise SchemaError(f"{path}: duplicate column name {repeated!r}")
    times: tuple[str, ...] | None = None  # the columns of times of day, from the first block
    while True:
        try:
            batch = reader.read_next_batch()
        except StopIteration:
            return
        except pa.ArrowInvalid as exc:
            raise InputError(
                f"{path}: cannot read it in blocks ({first_line(exc)}); a column's type "
                "changes after the first block: fix the values or convert the file to Parquet"
            ) from None
        table = pa.Table.from_batches([batch])
        if times is None:
            table, times = with_times_of_day(table)
        else:
            table = as_times_of_day(table, times, path)
        yield table


@dataclass(frozen=True, slots=True)
class RowGroup:
    """One row group of one Parquet file: the unit of parallel, column-wise profiling."""

    path: str
    index: int
    rows: int


@dataclass(frozen=True, slots=True)
class ParquetLayout:
    """The row groups of a Parquet input and its data columns (strings read as dictionaries)."""

    columns: tuple[str, ...]
    dictionary: tuple[str, ...]
    groups: tuple[RowGroup, ...]

    @property
    def rows(self) -> int:
        return sum(g.rows for g in self.groups)


def parquet_layout(path: str | Path) -> ParquetLayout | None:
    """The row groups of a Parquet file, folder or glob; None for any other input.

    Files must share one schema (SchemaError naming the first that differs).
    """
    files = _parquet_files(str(path))
    return None if files is None else _layout(files)


def _layout(files: list[str]) -> ParquetLayout:
    schemas = [(f, _parquet_schema(f)) for f in files]
    _check_same_schema(schemas)
    first = schemas[0][1]
    names = tuple(_data_columns(first))
    dictionary = tuple(f.name for f in first if f.name in names and is_string_like(f.type))
    groups = []
    for f, _ in schemas:
        try:
            meta = pq.read_metadata(f)
        except (pa.ArrowException, OSError) as exc:
            raise InputError(f"{f}: not a readable Parquet file ({first_line(exc)})") from None
        groups += [RowGroup(f, i, meta.row_group(i).num_rows) for i in range(meta.num_row_groups)]
    return ParquetLayout(names, dictionary, tuple(groups))
