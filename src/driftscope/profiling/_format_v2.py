"""Reading format versions 1 and 2, written by earlier driftscopes (see
:mod:`~driftscope.profiling.serialize` for the container around them).

The body is a JSON header holding every exact field, then the column's sketches::

    header length      uint32
    header             UTF-8 JSON: {"n_rows", "columns": [{"name", "type", ...exact fields}]};
                       numeric: count, missing, n_inf, mean, m2, min, max and, when it has
                       one, "histogram": {"n_bins", "edges", "counts"}; categorical: missing
                       and "counts" as [label, count] pairs; "sketches" lists the column's
                       optional blocks in order ("distinct", "frequent")
    per column, in header order, each block as length (uint32) + bytes:
      numeric          DataSketches' KLL serialization, then the optional blocks
      categorical      the optional blocks

Version 1 is the same without "sketches" (no optional blocks). Unknown header keys are ignored.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from driftscope._types import ColumnType
from driftscope.errors import ProfileError
from driftscope.profiling._sketch import DistinctSketch, FrequentItems, QuantileSketch
from driftscope.profiling._wire import Blocks, count, number, read_sketch
from driftscope.profiling.column import (
    CATEGORICAL_TYPES,
    NUMERIC_TYPES,
    CategoricalProfile,
    ColumnProfile,
    NumericProfile,
    categorical_profile,
)
from driftscope.profiling.histogram import Histogram
from driftscope.profiling.profile import Profile


def decode_body(blocks: Blocks) -> Profile:
    """The profile in a version 1 or 2 body; ValueError (and friends) for malformed contents."""
    header = json.loads(bytes(blocks.next()).decode())
    n_rows = count(header["n_rows"])
    columns: dict[str, ColumnProfile] = {}
    for fields in header["columns"]:
        name = str(fields["name"])
        if name in columns:
            raise ValueError(f"column {name!r} appears twice")
        columns[name] = _column(fields, blocks, name)
    if blocks.remaining:
        raise ValueError(f"{blocks.remaining} bytes left over after the last sketch")
    return Profile(n_rows, columns)


def _column(fields: Mapping[str, Any], blocks: Blocks, name: str) -> ColumnProfile:
    ctype = ColumnType(fields["type"])
    if ctype not in CATEGORICAL_TYPES | NUMERIC_TYPES:
        raise ValueError(f"column {name!r} has type {ctype}, which profiles do not hold")
    numeric = ctype in NUMERIC_TYPES
    sketch = read_sketch(QuantileSketch.from_bytes, blocks.next(), name) if numeric else None
    optional = [str(key) for key in fields.get("sketches", [])]
    if not set(optional) <= {"distinct", "frequent"} or len(set(optional)) != len(optional):
        raise ValueError(f"column {name!r} lists unknown sketches {optional}")
    distinct = frequent = None
    if "distinct" in optional:
        distinct = read_sketch(DistinctSketch.from_bytes, blocks.next(), name)
    if "frequent" in optional:
        frequent = read_sketch(FrequentItems.from_bytes, blocks.next(), name)
    if sketch is None:
        missing = count(fields["missing"])
        if frequent is not None:
            return CategoricalProfile(ctype, MappingProxyType({}), missing, distinct, frequent)
        # Version 1 has no distinct sketch: rebuilt from the labels, it is the same one.
        column: CategoricalProfile = categorical_profile(
            _counts(fields["counts"]), missing=missing, column_type=ctype, distinct=distinct
        )
        return column
    return NumericProfile(
        ctype,
        count(fields["count"]),
        count(fields["missing"]),
        count(fields["n_inf"]),
        _number_or_none(fields["mean"]),
        number(fields["m2"]),
        _number_or_none(fields["min"]),
        _number_or_none(fields["max"]),
        sketch,
        _histogram(fields.get("histogram")),
        distinct,
    )


def _histogram(fields: Mapping[str, Any] | None) -> Histogram | None:
    if fields is None:
        return None
    edges = tuple(fields["edges"])
    counts = tuple(fields["counts"])
    if not all(type(e) in (int, float) for e in edges):
        raise ValueError(f"expected numbers as histogram edges; got {list(edges)[:5]!r}")
    if not all(type(c) is int and c >= 0 for c in counts):
        raise ValueError(f"expected counts in a histogram; got {list(counts)[:5]!r}")
    edges = tuple(float(e) for e in edges)
    try:
        return Histogram(edges, counts, count(fields["n_bins"]))
    except ProfileError as exc:
        raise ValueError(str(exc)) from None


def _counts(pairs: object) -> dict[str, int]:
    """Label -> count pairs, checked in bulk (a profile can hold 100,000 of them)."""
    if not isinstance(pairs, list) or set(map(type, pairs)) - {list}:
        raise ValueError("expected [label, count] pairs as category counts")
    counts = dict(pairs)  # ValueError unless every pair has two items
    if len(counts) != len(pairs):
        raise ValueError("a category appears twice in the counts")
    if set(map(type, counts)) - {str}:
        raise ValueError("expected strings as category labels")
    if set(map(type, counts.values())) - {int} or (counts and min(counts.values()) < 0):
        raise ValueError("expected non-negative integers as category counts")
    return counts


def _number_or_none(value: object) -> float | None:
    return None if value is None else number(value)
