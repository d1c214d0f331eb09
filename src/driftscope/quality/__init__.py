"""Data-quality constraints: infer them from a reference, keep them in an editable YAML file,
hold current data against them.

- :func:`infer_constraints` reads a reference (:func:`infer_table`: one already read as an
  Arrow table) and returns :class:`Constraints`: per column its
  kind and type, presence, completeness, range, allowed categories, uniqueness; for the
  dataset a row count and the share of duplicated rows; with tolerances that fresh data from
  the reference's own distribution passes (:mod:`driftscope.quality.tolerance`).
- :func:`save_constraints` and :func:`load_constraints` write and read the YAML file (errors
  name its file, line and key).
- :func:`check_constraints` and :func:`check_table` return the violations as
  :class:`~driftscope.result.QualityIssue` findings.
"""

from driftscope.quality.check import check_constraints, check_table
from driftscope.quality.constraints import (
    Bounds,
    Categories,
    ColumnConstraints,
    Constraints,
    DatasetConstraints,
)
from driftscope.quality.files import load_constraints, save_constraints
from driftscope.quality.infer import infer_constraints, infer_table

__all__ = [
    "Bounds",
    "Categories",
    "ColumnConstraints",
    "Constraints",
    "DatasetConstraints",
    "check_constraints",
    "check_table",
    "infer_constraints",
    "infer_table",
    "load_constraints",
    "save_constraints",
]
