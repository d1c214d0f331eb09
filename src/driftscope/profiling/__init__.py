"""Mergeable dataset profiles on Apache DataSketches.

- :func:`profile` summarises a dataset into a :class:`Profile`: per column, counts, moments,
  min/max, a KLL quantile sketch and a histogram on the reference's bins (numeric, datetime),
  or exact category counts (categorical, boolean; a frequent-items sketch past the cap),
  HyperLogLog distinct counts (categorical and integer columns, and float columns with few
  values), and counts of the values by the kind they arrived as (``type_counts``).
- ``compare`` accepts profiles on either side (:mod:`driftscope.engine.profiled`);
  :mod:`~driftscope.profiling.stream` profiles files of any size in chunks, and
  :mod:`~driftscope.profiling.parts` partitions wherever they live (Dask, Spark).
- :meth:`Profile.merge` (``+``) combines profiles of disjoint rows, e.g. per-day or
  per-partition profiles; :meth:`Profile.empty` is its identity, :meth:`Profile.merge_all`
  merges many in one pass (:mod:`~driftscope.profiling.merging`).
- :meth:`Profile.to_bytes` / :meth:`Profile.from_bytes` store them compactly, readable by later
  driftscope versions; :func:`merge_payloads` merges stored
  profiles without building each one.
"""

from driftscope.profiling._sketch import DEFAULT_K, DistinctSketch, FrequentItems, QuantileSketch
from driftscope.profiling.build import profile
from driftscope.profiling.column import (
    MAX_CATEGORIES,
    CategoricalProfile,
    ColumnProfile,
    NumericProfile,
)
from driftscope.profiling.histogram import Histogram
from driftscope.profiling.profile import Profile
from driftscope.profiling.serialize import FORMAT_VERSION, merge_payloads

__all__ = [
    "DEFAULT_K",
    "FORMAT_VERSION",
    "MAX_CATEGORIES",
    "CategoricalProfile",
    "ColumnProfile",
    "DistinctSketch",
    "FrequentItems",
    "Histogram",
    "NumericProfile",
    "Profile",
    "QuantileSketch",
    "merge_payloads",
    "profile",
]
