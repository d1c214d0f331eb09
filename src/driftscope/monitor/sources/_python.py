"""Python values (as database drivers return them) to Arrow arrays, through the buffers.

``pa.array(list)`` makes pyarrow import pandas (about a second) to look for pandas objects,
in a process that never asked for it. Database rows come as Python values of a handful of
kinds, so the arrays are built here from numpy and byte buffers instead.

A column whose values are all of one kind becomes the matching Arrow type: booleans, int64,
float64 (also for decimals, and for integers mixed with floats), text, binary, timestamps
(microseconds, UTC when the values are zoned: naive ones are then taken as UTC) or dates.
Anything else (times of day, intervals, UUIDs, JSON) is written as text; so is a column that
mixes kinds, as SQLite's dynamic typing allows, with a note saying so.

>>> array, note = arrow_column([1, None, 3], "n", "sql")
>>> array.type, array.null_count, note
(DataType(int64), 1, None)
>>> array, note = arrow_column([1, "a"], "n", "table logs")
>>> array.type, note
(DataType(string), "table logs: column 'n' mixes int and str values; read as text")
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from driftscope.io._numpy import from_numpy

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_DATE = date(1970, 1, 1)
_NUMBER_KINDS = frozenset({"int", "float", "Decimal"})
Valid = npt.NDArray[np.bool_]


def arrow_column(values: Sequence[object], name: str, where: str) -> tuple[pa.Array, str | None]:
    """``values`` as one Arrow array, and a note when mixed kinds were read as text."""
    kinds = {_kind(t) for t in {type(v) for v in values}} - {"NoneType"}
    valid = np.fromiter((v is not None for v in values), dtype=bool, count=len(values))
    if not kinds:
        return pa.nulls(len(values)), None
    if len(kinds) == 1 or kinds <= _NUMBER_KINDS:
        build = _BUILDERS.get(kinds.pop() if len(kinds) == 1 else "float", _texts)
        try:
            return build(values, valid), None
        except OverflowError:  # an integer beyond int64
            return _BUILDERS["float"](values, valid), None
    mixed = " and ".join(sorted(kinds))
    return _texts(values, valid), f"{where}: column {name!r} mixes {mixed} values; read as text"


def _kind(kind: type) -> str:
    """The name under which :data:`_BUILDERS` knows values of type ``kind``."""
    for base in (bool, datetime, date, int, float, str, bytes):  # subclasses first
        if issubclass(kind, base):
            return base.__name__
    return kind.__name__


def _with_validity(array: pa.Array, valid: Valid) -> pa.Array:
    if valid.all():
        return array
    bits = pa.py_buffer(np.packbits(valid, bitorder="little"))
    return pa.Array.from_buffers(array.type, len(array), [bits, *array.buffers()[1:]])


def _numbers(dtype: type[np.generic], convert: Callable[[object], object]) -> _Builder:
    def build(values: Sequence[object], valid: Valid) -> pa.Array:
        filled = [0 if v is None else convert(v) for v in values]
        return _with_validity(from_numpy(np.array(filled, dtype=dtype)), valid)

    return build


def _strings(arrow_type: pa.DataType, encode: Callable[[object], bytes]) -> _Builder:
    def build(values: Sequence[object], valid: Valid) -> pa.Array:
        data = [b"" if v is None else encode(v) for v in values]
        lengths = np.fromiter((len(d) for d in data), dtype=np.int64, count=len(data))
        offsets = np.concatenate(([0], np.cumsum(lengths)))
        large = offsets[-1] >= 2**31
        offsets = offsets.astype(np.int64 if large else np.int32)
        target = {pa.string(): pa.large_string(), pa.binary(): pa.large_binary()}.get(
            arrow_type, arrow_type
        )
        chosen = target if large else arrow_type
        buffers = [None, pa.py_buffer(offsets), pa.py_buffer(b"".join(data))]
        return _with_validity(pa.Array.from_buffers(chosen, len(values), buffers), valid)

    return build


def _timestamps(values: Sequence[object], valid: Valid) -> pa.Array:
    zoned = any(isinstance(v, datetime) and v.tzinfo is not None for v in values)
    numbers = np.array([_micros(v) for v in values], dtype=np.int64)
    arrow_type = pa.timestamp("us", "UTC" if zoned else None)
    return _with_validity(from_numpy(numbers).view(arrow_type), valid)


def _micros(value: object) -> int:
    """Microseconds since the epoch of a datetime (naive means UTC); 0 for None."""
    if not isinstance(value, datetime):
        return 0
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return (aware - _EPOCH) // timedelta(microseconds=1)


def _dates(values: Sequence[object], valid: Valid) -> pa.Array:
    days = [(v - _EPOCH_DATE).days if isinstance(v, date) else 0 for v in values]
    return _with_validity(from_numpy(np.array(days, dtype=np.int32)).view(pa.date32()), valid)


def _text(value: object) -> bytes:
    if isinstance(value, dict | list):
        return json.dumps(value, default=str).encode()
    if isinstance(value, bytes):
        return value.hex().encode()
    return str(value).encode()


def _number(value: object) -> object:
    return float(value) if isinstance(value, Decimal) else value


def _utf8(value: object) -> bytes:
    return str(value).encode()


def _raw(value: object) -> bytes:
    return bytes(value) if isinstance(value, bytes | memoryview) else _utf8(value)


def _texts(values: Sequence[object], valid: Valid) -> pa.Array:
    return _strings(pa.string(), _text)(values, valid)


_Builder = Callable[[Sequence[object], Valid], pa.Array]
_BUILDERS: dict[str, _Builder] = {
    "bool": _numbers(np.bool_, bool),
    "int": _numbers(np.int64, _number),
    "float": _numbers(np.float64, _number),
    "Decimal": _numbers(np.float64, _number),
    "str": _strings(pa.string(), _utf8),
    "bytes": _strings(pa.binary(), _raw),
    "memoryview": _strings(pa.binary(), _raw),
    "datetime": _timestamps,
    "date": _dates,
}
"""How each kind of Python value (by its type's name) becomes an array; any other kind is
read as text."""
