"""File readers: Parquet (file, folder, glob), CSV/TSV and JSON Lines, each to an Arrow table.

Every failure becomes one InputError line naming the file and, where Arrow lets us find it,
the column or line at fault.
"""

from __future__ import annotations

import glob
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from driftscope.errors import InputError, SchemaError
from driftscope.io._arrow import first_line, is_string_like
from driftscope.io._paths import locate
from driftscope.io._text import read_csv, read_jsonl

PARQUET_SUFFIXES = (".parquet", ".pq")
CSV_SUFFIXES = (".csv", ".tsv")
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json")
COMPRESSION_SUFFIXES = (".gz", ".bz2")
_GLOB_CHARS = re.compile(r"[*?\[]")


def read_path(path: str, *, encoding: str, delimiter: str | None = None) -> pa.Table:
    """Read a file, a folder of Parquet files or a glob of Parquet files into one table."""
    where = locate(path)
    if where == "folder":
        return read_parquet_files(path, _parquet_in_folder(Path(path), path))
    if where == "file":
        kind = file_kind(path)
        if kind == "parquet":
            return read_parquet_files(path, [path])
        if kind == "csv":
            return read_csv(path, encoding=encoding, delimiter=delimiter)
        return read_jsonl(path, encoding=encoding)
    if _GLOB_CHARS.search(path):
        return read_parquet_files(path, _parquet_in_glob(path))
    raise InputError(f"{path}: file not found")


def file_kind(path: str) -> str:
    """``"parquet"``, ``"csv"`` or ``"jsonl"`` from the file name; InputError when unknown."""
    name = path.lower()
    if name.endswith(PARQUET_SUFFIXES):
        return "parquet"
    for compression in ("", *COMPRESSION_SUFFIXES):
        if name.endswith(tuple(s + compression for s in CSV_SUFFIXES)):
            return "csv"
        if name.endswith(tuple(s + compression for s in JSONL_SUFFIXES)):
            return "jsonl"
    suffix = "".join(Path(path).suffixes[-2:]) or "(none)"
    raise InputError(
        f"{path}: unknown file type {suffix!r}; expected .parquet, .pq, .csv, .tsv, .jsonl, "
        ".ndjson or .json (text files may end in .gz or .bz2)"
    )


# --- Parquet -------------------------------------------------------------------------------


def read_parquet_files(label: str, files: list[str]) -> pa.Table:
    """Read one or more Parquet files that must share one schema; strings become dictionaries.

    Reading string columns as dictionary arrays is faster than reading them as strings and lets
    category counting work on small integer codes.
    """
    schemas = [(f, _parquet_schema(f)) for f in files]
    _check_same_schema(schemas)
    tables = [_read_parquet(f, schema) for f, schema in schemas]
    if len(tables) == 1:
        return tables[0]
    names = tables[0].column_names
    try:
        return pa.concat_tables([t.select(names) for t in tables], promote_options="default")
    except (pa.ArrowException, KeyError) as exc:
        raise SchemaError(
            f"{label}: Parquet files disagree on schema ({first_line(exc)})"
        ) from None


def _parquet_schema(path: str) -> pa.Schema:
    try:
        return pq.read_schema(path)
    except (pa.ArrowException, OSError) as exc:
        raise InputError(f"{path}: not a readable Parquet file ({first_line(exc)})") from None


def _read_parquet(path: str, schema: pa.Schema) -> pa.Table:
    columns = _data_columns(schema)
    dictionary = [f.name for f in schema if f.name in columns and is_string_like(f.type)]
    try:
        # ParquetFile rather than pq.read_table: read_table goes through pyarrow.dataset,
        # whose import pulls in pandas (about a second) for nothing.
        with pq.ParquetFile(path, read_dictionary=dictionary or None) as parquet:
            table = parquet.read(columns=columns)
    except (pa.ArrowException, OSError) as exc:
        raise InputError(f"{path}: not a readable Parquet file ({first_line(exc)})") from None
    return table.replace_schema_metadata(None)


def _data_columns(schema: pa.Schema) -> list[str]:
    """Column names without the index columns pandas stores (``__index_level_0__``)."""
    metadata = schema.pandas_metadata or {}
    index = {c for c in metadata.get("index_columns", []) if isinstance(c, str)}
    return [name for name in schema.names if name not in index]


def _check_same_schema(schemas: list[tuple[str, pa.Schema]]) -> None:
    """SchemaError naming the first file whose columns or types differ from the first file's.

    A column that is entirely null in one file (Arrow type null) is compatible with any type.
    """
    first_file, first_schema = schemas[0]
    first_names = set(_data_columns(first_schema))
    seen: dict[str, tuple[pa.DataType, str]] = {
        f.name: (f.type, first_file) for f in first_schema if f.name in first_names
    }
    for path, schema in schemas[1:]:
        names = _data_columns(schema)
        for name in first_names.difference(names):
            raise SchemaError(
                f"{path}: has no column {name!r}, which {first_file} has; all Parquet files "
                "must share one schema"
            )
        for name in set(names).difference(first_names):
            raise SchemaError(
                f"{path}: has column {name!r}, which {first_file} does not; all Parquet files "
                "must share one schema"
            )
        for name in names:
            here = schema.field(name).type
            known, where = seen[name]
            if pa.types.is_null(here):
                continue
            if pa.types.is_null(known):
                seen[name] = (here, path)
            elif not here.equals(known):
                raise SchemaError(
                    f"{path}: column {name!r} is {here} here but {known} in {where}; all "
                    "Parquet files must share one schema"
                )


def _parquet_in_folder(folder: Path, label: str) -> list[str]:
    # Hidden and underscore-prefixed entries are bookkeeping (_SUCCESS, _metadata, .crc).
    files = sorted(
        str(p)
        for p in folder.rglob("*")
        if p.suffix.lower() in PARQUET_SUFFIXES
        and not any(part.startswith((".", "_")) for part in p.relative_to(folder).parts)
        and p.is_file()
    )
    if not files:
        raise InputError(f"{label}: folder contains no Parquet files (*.parquet, *.pq)")
    return files


def _parquet_in_glob(pattern: str) -> list[str]:
    # glob.glob rather than Path.glob: the pattern may be absolute and may contain "**".
    files = sorted(f for f in glob.glob(pattern, recursive=True) if Path(f).is_file())  # noqa: PTH207
    if not files:
        raise InputError(f"{pattern}: no files match this pattern")
    for f in files:
        if not f.lower().endswith(PARQUET_SUFFIXES):
            raise InputError(
                f"{pattern}: matches {f}, which is not a Parquet file; a glob may select only "
                ".parquet or .pq files"
            )
    return files
