"""The body of format version 3, the one driftscope writes (see
:mod:`~driftscope.profiling.serialize` for the container around it)::

    header length      uint32
    header             UTF-8 JSON: {"n_rows", "columns": [{"name", "type", "blocks", ...}]};
                       "blocks" maps each of the column's sketch blocks, in the order they
                       follow, to its length in bytes; "type_counts" ({kind: count}) when
                       recorded; a numeric column with a histogram has "histogram":
                       [n_bins, number of edges]; a categorical column has "missing" and,
                       with exact counts, "labels" (in order)
    then, for the C numeric columns in header order, as arrays (all big-endian):
      counts           C x 3 uint64: count, missing, n_inf
      moments          C x 4 float64: mean, m2, min, max (NaN for the mean, min and max of a
                       column with no finite values)
      edges            float64: every histogram's edges, column after column
      bin counts       uint64: every histogram's counts (one more than its edges)
    then every column's blocks, back to back, column after column:
      "quantiles"      numeric: DataSketches' KLL serialization
      "counts"         categorical, exact: one uint64 per label of "labels"
      "frequent"       categorical past the cardinality cap: a frequent-strings sketch
      "distinct"       optional: a DataSketches HLL sketch

The numeric columns' numbers are arrays rather than JSON, so that merging serialized parts
(:func:`merge_body`) adds them up for all columns at once and reads little but the sketches:
merging a thousand partial profiles is mostly merging their quantile sketches. Unknown header
keys are ignored; an unknown block is an error.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import numpy as np

from driftscope._types import ColumnType
from driftscope.profiling._sketch import DistinctSketch, FrequentItems, QuantileSketch
from driftscope.profiling._validate import check_part
from driftscope.profiling._wire import LENGTH, Blocks, count, read_sketch
from driftscope.profiling.column import (
    CATEGORICAL_TYPES,
    NUMERIC_TYPES,
    CategoricalProfile,
    ColumnProfile,
    NumericProfile,
    categorical_profile,
)
from driftscope.profiling.histogram import Histogram
from driftscope.profiling.merging import (
    EDGE,
    BinSpec,
    CategoricalFields,
    Labels,
    NumericPart,
    NumericSketches,
    Part,
)
from driftscope.profiling.profile import Profile, ProfileMerger

_COUNT = np.dtype(">u8")
_FLOAT = np.dtype(">f8")
_NUMERIC_BLOCKS = frozenset({"quantiles", "distinct"})
_CATEGORICAL_BLOCKS = frozenset({"counts", "frequent", "distinct"})
_TYPES = {str(t): t for t in NUMERIC_TYPES | CATEGORICAL_TYPES}


def encode_body(profile: Profile) -> bytes:
    """The body of ``profile``: its header, the numeric arrays, then every column's blocks."""
    columns: list[dict[str, Any]] = []
    blocks: list[bytes] = []
    numeric = {n: c for n, c in profile.columns.items() if isinstance(c, NumericProfile)}
    for name, column in profile.columns.items():
        fields: dict[str, Any] = {"name": name, "type": str(column.column_type)}
        named: dict[str, bytes] = {}
        if isinstance(column, NumericProfile):
            named["quantiles"] = column.sketch.to_bytes()
            if column.histogram is not None:
                fields["histogram"] = [column.histogram.n_bins, len(column.histogram.edges)]
        else:
            fields["missing"] = column.missing
            if column.frequent is None:
                fields["labels"] = list(column.counts)
                named["counts"] = np.fromiter(column.counts.values(), _COUNT).tobytes()
            else:
                named["frequent"] = column.frequent.to_bytes()
        if column.distinct is not None:
            named["distinct"] = column.distinct.to_bytes()
        fields["blocks"] = {block: len(raw) for block, raw in named.items()}
        if column.type_counts is not None:
            fields["type_counts"] = dict(column.type_counts)
        columns.append(fields)
        blocks += named.values()
    header = json.dumps(
        {"n_rows": profile.n_rows, "columns": columns}, separators=(",", ":")
    ).encode()
    part = NumericPart.of(numeric)
    arrays = [
        part.counts.astype(_COUNT).tobytes(),
        part.moments.astype(_FLOAT).tobytes(),
        part.edges,
        part.bin_counts.astype(_COUNT).tobytes(),
    ]
    return b"".join([LENGTH.pack(len(header)), header, *arrays, *blocks])


def decode_body(blocks: Blocks) -> Profile:
    """The profile in a body; ValueError (and friends) for malformed contents."""
    part = _part(blocks)
    numbers = part.numeric
    tallies, moments = numbers.counts.tolist(), numbers.moments.tolist()
    histograms = [
        None
        if segment is None or spec is None
        else Histogram(
            tuple(np.frombuffer(segment[0], EDGE).tolist()), tuple(segment[1].tolist()), spec[0]
        )
        for segment, spec in zip(numbers.segments(), numbers.bins, strict=True)
    ]
    where = {name: i for i, name in enumerate(numbers.names)}
    columns: dict[str, ColumnProfile] = {}
    for name, ctype in part.types.items():
        if name in where:
            i = where[name]
            n, missing, n_inf = tallies[i]
            mean, m2, low, high = moments[i]
            finite = n > n_inf
            sketches = part.sketches[name]
            columns[name] = NumericProfile(
                ctype, n, missing, n_inf, mean if finite else None, m2,
                low if finite else None, high if finite else None, sketches.quantiles,
                histograms[i], sketches.distinct, sketches.type_counts,
            )  # fmt: skip
            continue
        fields = part.categorical[name]
        exact = fields.exact
        if exact is None:
            columns[name] = CategoricalProfile(
                ctype,
                MappingProxyType({}),
                fields.missing,
                fields.distinct,
                fields.frequent,
                fields.type_counts,
            )
            continue
        counts = dict(zip(exact.labels, exact.counts.tolist(), strict=True))
        if len(counts) != len(exact.labels):
            raise ValueError(f"a category of column {name!r} appears twice")
        columns[name] = categorical_profile(
            counts,
            missing=fields.missing,
            column_type=ctype,
            distinct=fields.distinct,
            type_counts=fields.type_counts,
        )
    return Profile(part.n_rows, columns)


def merge_body(blocks: Blocks, merger: ProfileMerger) -> None:
    """Add the profile in a body to ``merger`` without building it."""
    merger.add_part(_part(blocks))


def _part(blocks: Blocks) -> Part:
    """Everything in a body, checked, as the merger takes it."""
    header = json.loads(bytes(blocks.next()).decode())
    n_rows = count(header["n_rows"])
    columns = header["columns"]
    types: dict[str, ColumnType] = {}
    names: list[str] = []
    bins: list[BinSpec] = []
    for fields in columns:
        name = fields["name"]
        if type(name) is not str:
            raise ValueError(f"expected a column name; got {name!r}")
        if name in types:
            raise ValueError(f"column {name!r} appears twice")
        ctype = _TYPES.get(fields["type"])
        if ctype is None:
            kind = ColumnType(fields["type"])  # ValueError for a type that does not exist
            raise ValueError(f"column {name!r} has type {kind}, which profiles do not hold")
        types[name] = ctype
        if ctype in NUMERIC_TYPES:
            names.append(name)
            bins.append(_bin_spec(fields.get("histogram"), name))
    body = blocks.rest()
    numeric, at = _numeric_arrays(body, tuple(names), tuple(bins))
    end = len(body)
    sketches: dict[str, NumericSketches] = {}
    categorical: dict[str, CategoricalFields] = {}
    for fields in columns:
        name = fields["name"]
        raw: dict[str, memoryview] = {}
        for block, size in fields["blocks"].items():
            if type(size) is not int or size < 0:
                raise ValueError(f"column {name!r} has a block of {size!r} bytes")
            raw[block] = body[at : at + size]
            at += size
        if at > end:
            raise ValueError(f"the blocks of column {name!r} run past the end")
        kinds = _type_counts(fields.get("type_counts"))
        if types[name] in NUMERIC_TYPES:
            sketches[name] = _numeric_sketches(raw, name, kinds)
        else:
            categorical[name] = _categorical(fields, raw, name, kinds)
    if at < end:
        raise ValueError(f"{end - at} bytes left over after the last block")
    part = Part(n_rows, types, numeric, sketches, categorical)
    check_part(part)
    return part


def _bin_spec(value: object, name: str) -> BinSpec:
    if value is None:
        return None
    if not isinstance(value, list) or len(value) != 2:
        raise ValueError(f"expected [n_bins, edges] as the histogram of column {name!r}")
    return count(value[0]), count(value[1])


def _numeric_arrays(
    body: memoryview, names: tuple[str, ...], bins: tuple[BinSpec, ...]
) -> tuple[NumericPart, int]:
    """The numeric columns' arrays at the start of ``body``, and where they end."""
    n_edges = sum(spec[1] for spec in bins if spec is not None)
    n_counts = n_edges + sum(spec is not None for spec in bins)
    sizes = [24 * len(names), 32 * len(names), 8 * n_edges, 8 * n_counts]
    if sum(sizes) > len(body):
        raise ValueError("the numeric columns' numbers run past the end")
    at = sizes[0] + sizes[1]
    counts = np.frombuffer(body, _COUNT, 3 * len(names)).astype(np.int64).reshape(-1, 3)
    moments = np.frombuffer(body, _FLOAT, 4 * len(names), sizes[0]).astype(np.float64)
    edges = bytes(body[at : at + sizes[2]])
    bin_counts = np.frombuffer(body, _COUNT, n_counts, at + sizes[2]).astype(np.int64)
    # uint64 values past int64's range wrap negative: no count is that large.
    if (counts < 0).any() or (bin_counts < 0).any():
        raise ValueError("a count is out of range")
    if (counts[:, 2] > counts[:, 0]).any():
        raise ValueError("a numeric column has more infinite values than values")
    _check_edges(np.frombuffer(edges, EDGE), bins)
    part = NumericPart(names, counts, moments.reshape(-1, 4), bins, edges, bin_counts)
    return part, sum(sizes)


def _check_edges(edges: np.ndarray[Any, Any], bins: tuple[BinSpec, ...]) -> None:
    """Every histogram's edges strictly increasing (NaN fails: no comparison holds)."""
    rising = np.diff(edges) > 0
    at = 0
    for spec in bins:
        if spec is not None and spec[1]:
            if at:
                rising[at - 1] = True  # from the previous histogram's last edge: no matter
            at += spec[1]
    if not rising.all() or np.isnan(edges).any():
        raise ValueError("histogram edges must be strictly increasing")


def _numeric_sketches(
    raw: dict[str, memoryview], name: str, kinds: Mapping[str, int] | None
) -> NumericSketches:
    if not raw.keys() <= _NUMERIC_BLOCKS or "quantiles" not in raw:
        raise ValueError(f"numeric column {name!r} has blocks {list(raw)}")
    distinct = raw.get("distinct")
    return NumericSketches(
        read_sketch(QuantileSketch.from_bytes, raw["quantiles"], name),
        None if distinct is None else read_sketch(DistinctSketch.from_bytes, distinct, name),
        kinds,
    )


def _categorical(
    fields: Mapping[str, Any],
    raw: dict[str, memoryview],
    name: str,
    kinds: Mapping[str, int] | None,
) -> CategoricalFields:
    """Missing, then either the labels and their counts or (past the cap) the
    frequent-items sketch, the distinct sketch and the type counts ``kinds``."""
    if not raw.keys() <= _CATEGORICAL_BLOCKS or len(raw.keys() & {"counts", "frequent"}) != 1:
        raise ValueError(f"categorical column {name!r} has blocks {list(raw)}")
    missing = count(fields["missing"])
    block = raw.get("distinct")
    distinct = None if block is None else read_sketch(DistinctSketch.from_bytes, block, name)
    if "frequent" in raw:
        frequent = read_sketch(FrequentItems.from_bytes, raw["frequent"], name)
        return CategoricalFields(missing, None, frequent, distinct, kinds)
    labels = fields["labels"]
    if not isinstance(labels, list) or set(map(type, labels)) - {str}:
        raise ValueError(f"expected strings as the labels of column {name!r}")
    if len(raw["counts"]) != _COUNT.itemsize * len(labels):
        raise ValueError(f"column {name!r} has {len(labels)} labels but not as many counts")
    counts = np.frombuffer(raw["counts"], _COUNT).astype(np.int64)
    if len(counts) and counts.min() < 0:
        raise ValueError(f"a count of column {name!r} is out of range")
    # A label given twice: decode_body finds it (its dict has fewer labels); merging adds
    # both counts, which is what the bytes say.
    return CategoricalFields(missing, Labels(labels, counts), None, distinct, kinds)


def _type_counts(value: object) -> Mapping[str, int] | None:
    if value is None:
        return None
    if type(value) is not dict:
        raise ValueError(f"expected kind -> count as type counts; got {value!r}")
    for kind, n in value.items():  # usually one kind
        if type(kind) is not str or type(n) is not int or n < 0:
            raise ValueError(f"expected kind -> count as type counts; got {value!r}")
    return MappingProxyType(value)
