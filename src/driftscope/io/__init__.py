"""Readers and column extraction: any supported input to one Arrow table, then numbers or counts.

- :func:`read_dataset` reads data frames, Arrow tables, dicts of arrays and Parquet / CSV /
  JSON Lines files into a :class:`Dataset`.
- :func:`infer_type` and :func:`is_id_like` classify columns, :func:`value_kind` their
  values; :func:`parse_type` and :func:`parse_role` read user overrides.
- :func:`numeric_values` and :func:`category_counts` hand the statistics what they need.
- :func:`read_chunks` reads a file a chunk at a time, for data larger than memory.
"""

from driftscope.io._arrow import value_kind
from driftscope.io._columns import CategoryCounts, category_counts, numeric_values
from driftscope.io._dataset import Dataset, read_dataset
from driftscope.io._infer import infer_type, is_id_like, is_zero_one
from driftscope.io._stream import (
    CHUNK_ROWS,
    Chunks,
    ParquetLayout,
    RowGroup,
    parquet_layout,
    read_chunks,
)
from driftscope.io.schema import parse_role, parse_type

__all__ = [
    "CHUNK_ROWS",
    "CategoryCounts",
    "Chunks",
    "Dataset",
    "ParquetLayout",
    "RowGroup",
    "category_counts",
    "infer_type",
    "is_id_like",
    "is_zero_one",
    "numeric_values",
    "parquet_layout",
    "parse_role",
    "parse_type",
    "read_chunks",
    "read_dataset",
    "value_kind",
]
