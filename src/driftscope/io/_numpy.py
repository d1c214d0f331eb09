"""Arrow <-> numpy for fixed-width arrays, through the buffers.

pyarrow's own ``Array.to_numpy`` and ``pa.array(ndarray)`` import pandas first (about a second)
to look for pandas objects, even when none is involved. Going through the buffers keeps pandas
out of a process that never asked for it, and is zero-copy just the same.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa


def numpy_dtype(t: pa.DataType) -> np.dtype[np.generic]:
    """The numpy dtype of a fixed-width integer or floating Arrow type."""
    width = t.bit_width // 8
    if pa.types.is_floating(t):
        return np.dtype(f"<f{width}")
    if pa.types.is_signed_integer(t):
        return np.dtype(f"<i{width}")
    if pa.types.is_unsigned_integer(t):
        return np.dtype(f"<u{width}")
    raise TypeError(f"no fixed-width numpy dtype for Arrow type {t}")


def to_numpy(array: pa.Array) -> npt.NDArray[Any]:
    """The values of an integer, floating or boolean array; read-only view where possible.

    Values in null slots are whatever the buffer holds: combine with :func:`valid_mask`.
    """
    length, offset = len(array), array.offset
    data = array.buffers()[1]
    if pa.types.is_boolean(array.type):
        if length == 0 or data is None:
            return np.zeros(length, dtype=bool)
        bits = np.frombuffer(data, dtype=np.uint8)
        return np.unpackbits(bits, count=offset + length, bitorder="little")[offset:].view(bool)
    dtype = numpy_dtype(array.type)
    if length == 0 or data is None:
        return np.zeros(length, dtype=dtype)
    view = np.frombuffer(data, dtype=dtype, count=offset + length)[offset:]
    view.flags.writeable = False  # Arrow memory is immutable, even when numpy lent it
    return view


def valid_mask(array: pa.Array) -> npt.NDArray[np.bool_] | None:
    """True where a value is present; None when nothing is missing."""
    if array.null_count == 0:
        return None
    return np.asarray(to_numpy(array.is_valid()), dtype=bool)


def from_numpy(values: npt.NDArray[Any]) -> pa.Array:
    """A 1-D numeric or boolean numpy array as an Arrow array (no copy for numbers)."""
    if values.dtype == np.bool_:
        bits = np.packbits(values, bitorder="little")
        return pa.Array.from_buffers(pa.bool_(), len(values), [None, pa.py_buffer(bits)])
    if not values.dtype.isnative or not values.flags.c_contiguous:
        values = np.ascontiguousarray(values, dtype=values.dtype.newbyteorder("="))
    arrow_type = pa.from_numpy_dtype(values.dtype)
    return pa.Array.from_buffers(arrow_type, len(values), [None, pa.py_buffer(values)])
