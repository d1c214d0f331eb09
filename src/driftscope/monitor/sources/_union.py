"""One window's table from the rows of several parts whose schemas may differ.

Log files written months apart rarely agree: a column is added, another dropped, a count
once written as integers arrives as text. A monitor must not stop over it, and must not hide
it either. So the window's table holds the union of the columns (a column a file lacks is null
in that file's rows) and a column whose type differs is cast to one type: numbers widen (any
integers to int64, integers with floats or decimals to float64), timestamps to the finest unit
(UTC when any is zoned), anything else to text. Every difference becomes a note naming the
file, the column and both types, which the monitor reports as a quality finding.

Differences of layout only (an int32 and an int64, a dictionary-encoded and a plain string,
a timestamp in seconds and one in microseconds) are widened without a note: they are how a
writer stores a value, not a change in what the value is.

>>> a = Piece("a.csv", pa.table({"n": pa.array([1, 2]), "x": pa.array([0.5, 1.5])}))
>>> b = Piece("b.csv", pa.table({"n": pa.array(["3"])}))
>>> table, notes = union([a, b])
>>> table.column("n").to_pylist(), table.column("x").to_pylist()
(['1', '2', '3'], [0.5, 1.5, None])
>>> for note in notes:
...     print(note)
b.csv: column 'n' is string here but int64 in a.csv; read as string
b.csv: has no column 'x', which a.csv has; its rows hold nulls there
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import pyarrow as pa

from driftscope.io._arrow import float64_values, value_kind, value_type

_NUMBER_KINDS = frozenset({"integer", "float", "decimal"})
_TIME_KINDS = frozenset({"timestamp", "date"})
_UNITS = ("s", "ms", "us", "ns")


@dataclass(frozen=True, slots=True)
class Piece:
    """The rows one part contributes to a window; ``where`` names the part in notes."""

    where: str
    table: pa.Table


def union(
    pieces: Sequence[Piece], columns: Sequence[str] | None = None
) -> tuple[pa.Table, tuple[str, ...]]:
    """The pieces' rows as one table, with one note per schema difference.

    ``columns`` None takes the union of the pieces' columns (in the order first met);
    otherwise exactly ``columns``, a column no piece has being all nulls (and noted). Pieces
    without rows take no part in the schema when some piece has rows.
    """
    if not pieces:
        names = list(columns or ())
        return pa.table({n: pa.nulls(0) for n in names}), ()
    with_rows = [p for p in pieces if p.table.num_rows] or list(pieces[:1])
    if columns is None:
        names = list(dict.fromkeys(n for p in with_rows for n in p.table.column_names))
    else:
        names = list(dict.fromkeys(columns))
    notes: list[str] = []
    arrays: dict[str, list[pa.ChunkedArray]] = {}
    for name in names:
        arrays[name] = _column(name, with_rows, notes)
    tables = [
        pa.table([arrays[name][i] for name in names], names=names) for i in range(len(with_rows))
    ]
    return (tables[0] if len(tables) == 1 else pa.concat_tables(tables)), tuple(notes)


def _column(name: str, pieces: Sequence[Piece], notes: list[str]) -> list[pa.ChunkedArray]:
    """Column ``name`` of each piece, all of one type; notes for what differs."""
    having = [p for p in pieces if name in p.table.column_names]
    if not having:
        first = pieces[0].where + (" and the others" if len(pieces) > 1 else "")
        notes.append(f"{first}: has no column {name!r}; it holds nulls")
        return [pa.chunked_array([pa.nulls(p.table.num_rows)]) for p in pieces]
    for piece in pieces:
        if name not in piece.table.column_names:
            notes.append(
                f"{piece.where}: has no column {name!r}, which {having[0].where} has; "
                "its rows hold nulls there"
            )
    typed = [(p.where, p.table.schema.field(name).type) for p in having]
    typed = [(w, t) for w, t in typed if not pa.types.is_null(t)]
    types = [t for _, t in typed]
    if not types:
        target = pa.null()
    elif all(t.equals(types[0]) for t in types):
        target = types[0]
    else:
        target = common_type(types)
    columns = _cast_all([p.table.column(name) for p in having], target)
    final = columns[0].type
    if typed:
        first_where, first_type = typed[0]
        for where, here in typed[1:]:
            if value_kind(here) != value_kind(first_type):
                notes.append(
                    f"{where}: column {name!r} is {here} here but {first_type} in "
                    f"{first_where}; read as {final}"
                )
    found = iter(columns)
    return [
        next(found)
        if name in p.table.column_names
        else pa.chunked_array([pa.nulls(p.table.num_rows, final)])
        for p in pieces
    ]


def common_type(types: Sequence[pa.DataType]) -> pa.DataType:
    """The one type that holds values of all ``types``: numbers widen, timestamps take the
    finest unit, anything else becomes text.

    >>> common_type([pa.int32(), pa.float32()]), common_type([pa.int8(), pa.string()])
    (DataType(double), DataType(string))
    """
    values = [value_type(t) for t in types]
    kinds = {value_kind(t) for t in values}
    large = any(pa.types.is_large_string(t) for t in values)
    if kinds == {"string"}:
        return pa.large_string() if large else pa.string()
    if kinds == {"integer"}:
        return pa.int64()
    if kinds <= _NUMBER_KINDS:
        return pa.float64()
    if kinds <= _TIME_KINDS:
        stamps = [t for t in values if pa.types.is_timestamp(t)]
        unit = max((t.unit for t in stamps), key=_UNITS.index, default="s")
        zoned = any(t.tz is not None for t in stamps)
        return pa.timestamp(unit, "UTC" if zoned else None)
    return pa.large_string() if large else pa.string()


def _cast_all(columns: Sequence[pa.ChunkedArray], target: pa.DataType) -> list[pa.ChunkedArray]:
    """``columns`` as ``target``; when a value does not fit (an unsigned integer beyond
    int64), all of them as float64 or, failing that, as text."""
    fallbacks = [target]
    if pa.types.is_integer(target):
        fallbacks.append(pa.float64())
    for candidate in fallbacks:
        try:
            return [_cast(c, candidate) for c in columns]
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            continue
    return [_cast(c, pa.string()) for c in columns]


def _cast(column: pa.ChunkedArray, target: pa.DataType) -> pa.ChunkedArray:
    if column.type.equals(target):
        return column
    if pa.types.is_dictionary(column.type):
        column = column.cast(column.type.value_type)
        if column.type.equals(target):
            return column
    if pa.types.is_floating(target):
        return pa.chunked_array([float64_values(c) for c in column.chunks], type=pa.float64())
    if pa.types.is_string(target) or pa.types.is_large_string(target):
        return pa.chunked_array([_as_text(c, target) for c in column.chunks], type=target)
    return column.cast(target)


def _as_text(chunk: pa.Array, target: pa.DataType) -> pa.Array:
    """Any array as text; JSON for the types Arrow cannot cast (lists, structs)."""
    try:
        return chunk.cast(target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        texts = [None if v is None else json.dumps(v, default=str) for v in chunk.to_pylist()]
        return pa.array(texts, target)
