"""Profile <-> bytes: a small versioned container around a JSON header and the KLL sketches.

Layout of format version 2 (integers big-endian)::

    b"DSPROF"          6 bytes   magic
    version            uint16    FORMAT_VERSION when written
    body length        uint64    bytes after this 20-byte prefix
    body CRC-32        uint32    zlib.crc32 of the body
    body:
      header length    uint32
      header           UTF-8 JSON: {"n_rows", "columns": [{"name", "type", ...exact fields}]};
                       a numeric column's histogram, when it has one, is the field
                       "histogram": {"n_bins", "edges", "counts"}; "sketches" lists the
                       column's optional sketch blocks in order ("distinct", "frequent")
      per column, in header order, each block as length (uint32) + bytes:
        numeric        DataSketches' KLL serialization, then the optional blocks
        categorical    the optional blocks
      ("distinct": a DataSketches HLL sketch; "frequent": a frequent-strings sketch)

Version 1 is the same without "sketches" (no optional blocks) and is still read.

Compatibility: the reader checks the magic and the version before anything else, so a payload
from a newer driftscope is named as such even if the rest of its layout changed. A reader keeps
decoding every version up to its own. Within a version, unknown header keys are ignored, so
adding an optional field does not need a new version; a new block does.

Floats are written as JSON numbers with Python's shortest exact repr, so they round-trip
exactly; a non-finite mean or m2 (only after overflow beyond about 1e154) is written as
``Infinity``, which Python's json reads back but strict JSON parsers do not.
"""

from __future__ import annotations

import json
import struct
import zlib
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, TypeVar

from driftscope._types import ColumnType
from driftscope._version import __version__
from driftscope.errors import ProfileError
from driftscope.profiling._sketch import DistinctSketch, FrequentItems, QuantileSketch
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

MAGIC = b"DSPROF"
FORMAT_VERSION = 2
"""The newest format this driftscope writes and reads."""

_VERSION = struct.Struct(">H")
_PREFIX = struct.Struct(">6sHQI")  # magic, version, body length, body CRC-32
_LENGTH = struct.Struct(">I")
_OWNER = "Profile.from_bytes"
T = TypeVar("T")


def encode(profile: Profile) -> bytes:
    """The bytes of ``profile`` in format :data:`FORMAT_VERSION`.

    >>> encode(Profile.empty())[:8]
    b'DSPROF\\x00\\x02'
    """
    columns: list[dict[str, Any]] = []
    sketches: list[bytes] = []
    for name, column in profile.columns.items():
        fields = {"name": name, **_exact_fields(column)}
        if isinstance(column, NumericProfile):
            sketches.append(column.sketch.to_bytes())
        optional = {"distinct": column.distinct, "frequent": getattr(column, "frequent", None)}
        present = {key: sketch for key, sketch in optional.items() if sketch is not None}
        if present:
            fields["sketches"] = list(present)
            sketches += [sketch.to_bytes() for sketch in present.values()]
        columns.append(fields)
    header = json.dumps(
        {"n_rows": profile.n_rows, "columns": columns}, separators=(",", ":")
    ).encode()
    parts = [_LENGTH.pack(len(header)), header]
    for sketch in sketches:
        parts += [_LENGTH.pack(len(sketch)), sketch]
    body = b"".join(parts)
    return _PREFIX.pack(MAGIC, FORMAT_VERSION, len(body), zlib.crc32(body)) + body


def decode(data: bytes) -> Profile:
    """Read bytes written by :func:`encode` of this or an earlier format version.

    >>> decode(encode(Profile.empty())).is_empty
    True
    >>> decode(b"PK\\x03\\x04")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    driftscope.errors.ProfileError: Profile.from_bytes: not a driftscope profile ...
    """
    data = bytes(data)
    if not data.startswith(MAGIC):
        if MAGIC.startswith(data):
            raise _truncated(len(MAGIC) + _VERSION.size, len(data))
        raise ProfileError(f"{_OWNER}: not a driftscope profile (it does not start with {MAGIC!r})")
    if len(data) < len(MAGIC) + _VERSION.size:
        raise _truncated(len(MAGIC) + _VERSION.size, len(data))
    (version,) = _VERSION.unpack_from(data, len(MAGIC))
    if version > FORMAT_VERSION:
        raise ProfileError(
            f"{_OWNER}: the profile is in format version {version}, but driftscope "
            f"{__version__} reads versions up to {FORMAT_VERSION}; upgrade driftscope to read it"
        )
    if version < 1:
        raise _corrupted(f"format version {version} does not exist")
    return _decode(data)


def _decode(data: bytes) -> Profile:
    """Versions 1 and 2: the same layout, version 1 without optional sketch blocks."""
    if len(data) < _PREFIX.size:
        raise _truncated(_PREFIX.size, len(data))
    _, _, body_length, crc = _PREFIX.unpack_from(data)
    expected = _PREFIX.size + body_length
    if len(data) < expected:
        raise _truncated(expected, len(data))
    if len(data) > expected:
        raise _corrupted(f"{len(data) - expected} unexpected bytes after the profile")
    body = memoryview(data)[_PREFIX.size :]
    if zlib.crc32(body) != crc:
        raise _corrupted("checksum mismatch")
    reader = _Reader(body)
    try:
        header = json.loads(bytes(reader.block()).decode())
        n_rows = _int(header["n_rows"])
        columns: dict[str, ColumnProfile] = {}
        for fields in header["columns"]:
            name = str(fields["name"])
            if name in columns:
                raise ValueError(f"column {name!r} appears twice")
            columns[name] = _column(fields, reader, name)
    except ProfileError:
        raise
    except (KeyError, TypeError, ValueError, IndexError, struct.error) as exc:
        raise _corrupted(f"malformed contents: {_first_line(exc)}") from None
    if reader.remaining:
        raise _corrupted(f"{reader.remaining} bytes left over after the last sketch")
    return Profile(n_rows, columns)


def _exact_fields(column: ColumnProfile) -> dict[str, Any]:
    if isinstance(column, NumericProfile):
        fields = {
            "type": str(column.column_type),
            "count": column.count,
            "missing": column.missing,
            "n_inf": column.n_inf,
            "mean": column.mean,
            "m2": column.m2,
            "min": column.min,
            "max": column.max,
        }
        if column.histogram is not None:
            fields["histogram"] = {
                "n_bins": column.histogram.n_bins,
                "edges": list(column.histogram.edges),
                "counts": list(column.histogram.counts),
            }
        return fields
    return {
        "type": str(column.column_type),
        "missing": column.missing,
        # Pairs, not an object: keeps the label order and allows any string as a label.
        "counts": [[label, n] for label, n in column.counts.items()],
    }


def _column(fields: Mapping[str, Any], reader: _Reader, name: str) -> ColumnProfile:
    ctype = ColumnType(fields["type"])
    if ctype not in CATEGORICAL_TYPES | NUMERIC_TYPES:
        raise ValueError(f"column {name!r} has type {ctype}, which profiles do not hold")
    sketch = _sketch(QuantileSketch.from_bytes, reader, name) if ctype in NUMERIC_TYPES else None
    optional = [str(key) for key in fields.get("sketches", [])]
    if not set(optional) <= {"distinct", "frequent"} or len(set(optional)) != len(optional):
        raise ValueError(f"column {name!r} lists unknown sketches {optional}")
    distinct = _sketch(DistinctSketch.from_bytes, reader, name) if "distinct" in optional else None
    frequent = _sketch(FrequentItems.from_bytes, reader, name) if "frequent" in optional else None
    if sketch is None:
        missing = _int(fields["missing"])
        if frequent is not None:
            return CategoricalProfile(ctype, MappingProxyType({}), missing, distinct, frequent)
        counts = _counts(fields["counts"])
        # Version 1 has no distinct sketch: rebuilt from the labels, it is the same one.
        column: CategoricalProfile = categorical_profile(
            counts, missing=missing, column_type=ctype, distinct=distinct
        )
        return column
    return NumericProfile(
        ctype,
        _int(fields["count"]),
        _int(fields["missing"]),
        _int(fields["n_inf"]),
        _float_or_none(fields["mean"]),
        _float(fields["m2"]),
        _float_or_none(fields["min"]),
        _float_or_none(fields["max"]),
        sketch,
        _histogram(fields.get("histogram")),
        distinct,
    )


def _sketch(read: Callable[[bytes], T], reader: _Reader, name: str) -> T:
    raw = reader.block()
    try:
        return read(bytes(raw))
    except (ValueError, IndexError, RuntimeError, TypeError) as exc:
        reason = f"the sketch of column {name!r} is unreadable: {_first_line(exc)}"
        raise _corrupted(reason) from None


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
        return Histogram(edges, counts, _int(fields["n_bins"]))
    except ProfileError as exc:
        raise ValueError(str(exc)) from None


class _Reader:
    """Length-prefixed blocks from a buffer, raising ValueError past its end."""

    def __init__(self, buffer: memoryview) -> None:
        self._buffer = buffer
        self._at = 0

    @property
    def remaining(self) -> int:
        return len(self._buffer) - self._at

    def block(self) -> memoryview:
        if self.remaining < _LENGTH.size:
            raise ValueError("a block length runs past the end")
        (length,) = _LENGTH.unpack_from(self._buffer, self._at)
        start = self._at + _LENGTH.size
        if length > len(self._buffer) - start:
            raise ValueError("a block runs past the end")
        self._at = start + length
        return self._buffer[start : self._at]


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


def _int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"expected a count; got {value!r}")
    return value


def _float(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"expected a number; got {value!r}")
    return float(value)


def _float_or_none(value: object) -> float | None:
    return None if value is None else _float(value)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


def _truncated(expected: int, got: int) -> ProfileError:
    return ProfileError(f"{_OWNER}: the profile is truncated ({got} of {expected} bytes)")


def _corrupted(reason: str) -> ProfileError:
    return ProfileError(f"{_OWNER}: the profile is corrupted ({reason})")
