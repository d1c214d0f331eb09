"""Mergeable dataset profiles on Apache DataSketches.

- :func:`profile` summarises a dataset into a :class:`Profile`: per column, counts, moments,
  min/max and a KLL quantile sketch (numeric, datetime) or exact category counts
  (categorical, boolean).
- :meth:`Profile.merge` (``+``) combines profiles of disjoint rows, e.g. per-day or
  per-partition profiles; :meth:`Profile.empty` is its identity.
- :meth:`Profile.to_bytes` / :meth:`Profile.from_bytes` store them compactly, readable by later
  driftscope versions.
"""

from driftscope.profiling._sketch import DEFAULT_K, QuantileSketch
from driftscope.profiling.build import profile
from driftscope.profiling.column import (
    MAX_CATEGORIES,
    CategoricalProfile,
    ColumnProfile,
    NumericProfile,
)
from driftscope.profiling.profile import Profile
from driftscope.profiling.serialize import FORMAT_VERSION

__all__ = [
    "DEFAULT_K",
    "FORMAT_VERSION",
    "MAX_CATEGORIES",
    "CategoricalProfile",
    "ColumnProfile",
    "NumericProfile",
    "Profile",
    "QuantileSketch",
    "profile",
]
