"""W1 floor: the least work any per-column drift tool must do on the W1 data.

Reads both Parquet files, sorts every numeric column and counts every categorical column
(bincount over dictionary indices), on both sides. No statistic is computed; the time of this
whole process is the lower bound the driftscope target is measured against.

Usage: python floor.py REFERENCE.parquet CURRENT.parquet
"""

from __future__ import annotations

import sys

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq


def chunk_values(chunk: pa.Array) -> np.ndarray:
    """View a primitive Arrow array as numpy without importing pandas.

    pyarrow's ``to_numpy``/``pa.array`` import pandas when it is installed (~0.3 s), which a
    floor must not pay; a null-free fixed-width array is just its data buffer.
    """
    fixed_width = pa.types.is_primitive(chunk.type) and not pa.types.is_boolean(chunk.type)
    if chunk.null_count == 0 and fixed_width:
        dtype = np.dtype(chunk.type.to_pandas_dtype())
        offset = chunk.offset * dtype.itemsize
        return np.frombuffer(chunk.buffers()[1], dtype=dtype, count=len(chunk), offset=offset)
    values: np.ndarray = chunk.to_numpy(zero_copy_only=False)
    return values


def touch_table(path: str) -> tuple[int, int]:
    """Read one file; sort its numeric columns and count its categories.

    Returns the number of numeric and categorical columns touched.
    """
    schema = pq.read_schema(path)
    cats = [
        f.name for f in schema if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)
    ]
    # Asking for dictionary arrays keeps Parquet's own dictionary encoding, so counting is a
    # bincount over small integer codes instead of hashing strings. ParquetFile rather than
    # pq.read_table: the latter goes through pyarrow.dataset, which imports pandas.
    table = pq.ParquetFile(path, read_dictionary=cats).read().unify_dictionaries()
    n_num = n_cat = 0
    for name in table.column_names:
        column = table.column(name)
        if name in cats:
            size = len(column.chunk(0).dictionary) if column.num_chunks else 0
            counts = np.zeros(size, dtype=np.int64)
            for chunk in column.chunks:
                counts += np.bincount(chunk_values(chunk.indices), minlength=size)
            n_cat += 1
        else:
            values = np.concatenate([chunk_values(c) for c in column.chunks])
            np.sort(values)
            n_num += 1
    return n_num, n_cat


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    for path in argv:
        n_num, n_cat = touch_table(path)
        print(f"{path}: {n_num} numeric sorted, {n_cat} categorical counted")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
