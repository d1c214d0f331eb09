"""``read_dataset``: turn any supported input into one Arrow table with a source label.

In-memory inputs are converted here; files are read by :mod:`driftscope.io._files`. pandas and
polars are never imported: an object is recognised by the module its type comes from, and its
own conversion method is called.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from driftscope.errors import InputError, SchemaError
from driftscope.io._arrow import first_line
from driftscope.io._files import file_kind, read_path
from driftscope.io._numpy import from_numpy
from driftscope.io._text import check_delimiter, check_encoding, is_utf8, reads_as_utf8


@dataclass(frozen=True, slots=True)
class Dataset:
    """One side of a comparison: the data as an Arrow table and where it came from.

    ``source`` is the path or glob as given, ``"<pandas.DataFrame>"``, ``"<dict>"`` ... or the
    ``name`` passed to :func:`read_dataset`. Float NaN values are kept as they are (not turned
    into nulls); :func:`~driftscope.io.numeric_values` and :func:`~driftscope.io.category_counts`
    treat null and NaN alike as missing. ``warnings``: what reading found suspicious but not
    wrong enough to stop (a UTF-8 file read with a one-byte encoding), one sentence each.
    """

    table: pa.Table
    source: str
    warnings: tuple[str, ...] = ()

    @property
    def n_rows(self) -> int:
        """Number of rows."""
        return int(self.table.num_rows)

    @property
    def column_names(self) -> tuple[str, ...]:
        """Column names in table order."""
        return tuple(self.table.column_names)


def read_dataset(
    data: object,
    *,
    name: str | None = None,
    encoding: str = "utf-8",
    delimiter: str | None = None,
) -> Dataset:
    """Read a dataset from a data frame, an Arrow table, a dict of arrays or a file path.

    Parameters
    ----------
    data
        A pandas or polars DataFrame (a polars LazyFrame is collected), a pyarrow Table or
        RecordBatch, any object exporting an Arrow stream (``__arrow_c_stream__``), a mapping of
        column name to 1-D numpy array / list / Arrow array, an existing :class:`Dataset`, or a
        path (str or os.PathLike) to a Parquet (``.parquet``, ``.pq``), CSV (``.csv``, ``.tsv``,
        optionally ``.gz``/``.bz2``) or JSON Lines (``.jsonl``, ``.ndjson``, ``.json``, one
        object per line, optionally ``.gz``) file, a folder of Parquet files (searched
        recursively; Hive partition keys in folder names are not turned into columns) or a glob
        of Parquet files (``"data/*.parquet"``).
    name
        Label for the report's ``source`` field; defaults to the path as given or a
        description of the object (``"<pandas.DataFrame>"``).
    encoding
        Text encoding of CSV and JSON Lines files (ignored for other inputs).
    delimiter
        Field separator of CSV files (one character; default: a tab for ``.tsv`` names, else
        whichever of comma, semicolon, tab and ``|`` splits the header and the first rows
        into the same number of fields, the most of them; a comma when none does).

    Returns
    -------
    Dataset
        The table and its source label. Tables with zero rows are returned as they are.

    Raises
    ------
    InputError
        Missing or unreadable file (a FIFO or device, a truncated ``.gz``, a path the file
        system refuses), unknown extension, no columns, a value that cannot be converted, a
        JSON Lines line that is not an object or nests too deep.
        :class:`~driftscope.errors.SchemaError` (a subclass) for duplicate column
        names and Parquet files that disagree on their schema.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> ds = read_dataset({"x": rng.normal(size=5), "city": ["a", "b", "a", None, "c"]})
    >>> ds.source, ds.n_rows, ds.column_names
    ('<dict>', 5, ('x', 'city'))
    """
    check_encoding(encoding, "read_dataset")
    check_delimiter(delimiter, "read_dataset")
    if isinstance(data, Dataset):
        return data if name is None else replace(data, source=name)
    if isinstance(data, str | os.PathLike):
        path = os.fspath(data)
        if isinstance(path, bytes):
            path = os.fsdecode(path)
        table = normalize_table(read_path(path, encoding=encoding, delimiter=delimiter), path)
        return Dataset(
            table=table,
            source=name if name is not None else path,
            warnings=_encoding_warnings(path, encoding),
        )
    label, table = _from_object(data, name)
    return Dataset(table=normalize_table(table, label), source=label)


def normalize_table(table: pa.Table, label: str) -> pa.Table:
    """Check column names and bring view types to the layouts the compute kernels support.

    Raises InputError when there are no columns and SchemaError on duplicate names.
    """
    if table.num_columns == 0:
        raise InputError(f"{label}: no columns")
    duplicates = [n for n, k in Counter(table.column_names).items() if k > 1]
    if duplicates:
        raise SchemaError(f"{label}: duplicate column name {duplicates[0]!r}")
    # polars and DuckDB may hand over string_view / binary_view columns, which many
    # pyarrow.compute kernels (value_counts, count_distinct) do not accept yet.
    for i, field in enumerate(table.schema):
        target = _without_views(field.type)
        if target is not None:
            table = table.set_column(i, field.name, table.column(i).cast(target))
    return table


def _without_views(t: pa.DataType) -> pa.DataType | None:
    """The type to cast to when ``t`` uses a view layout, else None."""
    if pa.types.is_string_view(t):
        return pa.large_string()
    if pa.types.is_binary_view(t):
        return pa.large_binary()
    if pa.types.is_dictionary(t) and pa.types.is_string_view(t.value_type):
        return pa.dictionary(t.index_type, pa.large_string(), t.ordered)
    return None


def _encoding_warnings(path: str, encoding: str) -> tuple[str, ...]:
    """A warning when a text file read with another encoding is valid UTF-8 with accents."""
    if is_utf8(encoding) or not Path(path).is_file() or file_kind(path) == "parquet":
        return ()
    if not reads_as_utf8(path):
        return ()
    return (
        f"{path} was read as {encoding}, but it is valid UTF-8 with non-ASCII text, which "
        f"{encoding} garbles (é becomes Ã©) into categories that never existed; if it is "
        "UTF-8, give that side's encoding (--encoding reference=utf-8 or current=utf-8)",
    )


def _from_object(data: object, name: str | None) -> tuple[str, pa.Table]:
    """Convert an in-memory object; returns (label for messages and source, table)."""
    module = type(data).__module__.split(".")[0]
    kind = type(data).__name__
    if module == "pandas" and kind == "DataFrame":
        label = name or "<pandas.DataFrame>"
        return label, _from_pandas(data, label)
    if module in ("pandas", "polars") and kind == "Series":
        raise InputError(
            f"{name or f'<{module}.Series>'}: a {module} Series is one column without a table; "
            "pass a DataFrame (series.to_frame()) or a dict {name: values}"
        )
    if module == "polars" and kind in {"DataFrame", "LazyFrame"}:
        label = name or f"<polars.{kind}>"
        frame: Any = data.collect() if kind == "LazyFrame" else data  # type: ignore[attr-defined]
        return label, frame.to_arrow()
    if isinstance(data, pa.Table):
        return name or "<pyarrow.Table>", data
    if isinstance(data, pa.RecordBatch):
        return name or "<pyarrow.RecordBatch>", pa.Table.from_batches([data])
    if isinstance(data, Mapping):
        label = name or "<dict>"
        return label, _from_mapping(data, label)
    if hasattr(data, "__arrow_c_stream__"):
        label = name or f"<{type(data).__module__}.{kind}>"
        return label, pa.table(data)
    raise InputError(
        f"{name or '<' + kind + '>'}: cannot read a {kind}; pass a pandas or polars DataFrame, "
        "a pyarrow Table, a dict of 1-D arrays or a path to a Parquet/CSV/JSON Lines file"
    )


def _from_pandas(frame: Any, label: str) -> pa.Table:
    names = [str(c) for c in frame.columns]
    duplicates = [n for n, k in Counter(names).items() if k > 1]
    if duplicates:
        raise SchemaError(f"{label}: duplicate column name {duplicates[0]!r}")
    try:
        # The index is dropped: drift is about the columns, and a RangeIndex would otherwise
        # only add metadata while a named index would turn into a surprise column.
        return pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowException, ValueError, TypeError) as exc:
        # Convert column by column only on this error path, to name the culprit.
        for column_name, column in zip(names, frame.columns, strict=True):
            try:
                pa.array(frame[column], from_pandas=True)
            except (pa.ArrowException, ValueError, TypeError) as column_exc:
                raise InputError(
                    f"{label}: column {column_name!r} cannot be converted to Arrow "
                    f"({first_line(column_exc)})"
                ) from None
        raise InputError(f"{label}: cannot be converted to Arrow ({first_line(exc)})") from None


def _from_mapping(data: Mapping[Any, Any], label: str) -> pa.Table:
    arrays: dict[str, pa.Array | pa.ChunkedArray] = {}
    first: tuple[str, int] | None = None
    for key, value in data.items():
        column_name = str(key)
        if column_name in arrays:
            raise SchemaError(f"{label}: duplicate column name {column_name!r}")
        array = _to_arrow_array(value, label, column_name)
        if first is None:
            first = (column_name, len(array))
        elif len(array) != first[1]:
            raise InputError(
                f"{label}: column {column_name!r} has {len(array)} values but column "
                f"{first[0]!r} has {first[1]}"
            )
        arrays[column_name] = array
    if not arrays:
        raise InputError(f"{label}: no columns")
    return pa.table(arrays)


def _to_arrow_array(value: object, label: str, column_name: str) -> pa.Array | pa.ChunkedArray:
    if isinstance(value, pa.Array | pa.ChunkedArray):
        return value
    if isinstance(value, np.ndarray):
        if value.ndim != 1:
            raise InputError(
                f"{label}: column {column_name!r} must be 1-D; got shape {value.shape}"
            )
        if value.dtype.kind in "iufb":
            return from_numpy(value)
        # Numeric arrays convert without a copy (NaN stays NaN and counts as missing later);
        # object arrays use pandas conventions so that both None and NaN become null.
        from_pandas = value.dtype == object
    elif isinstance(value, list | tuple) or type(value).__module__.split(".")[0] == "pandas":
        from_pandas = True
    else:
        raise InputError(
            f"{label}: column {column_name!r} must be a 1-D array or list; "
            f"got {type(value).__name__}"
        )
    try:
        return pa.array(value, from_pandas=from_pandas)
    except (pa.ArrowException, ValueError, TypeError) as exc:
        raise InputError(
            f"{label}: column {column_name!r} cannot be converted to Arrow ({first_line(exc)})"
        ) from None
