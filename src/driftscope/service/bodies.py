"""Posted bodies to Arrow tables: ``{"rows": [...]}`` JSON, JSON Lines, or a Parquet file
(SPEC section 8), each a one-line :class:`BadBodyError` (400) when it cannot be read.

>>> table = read_rows(b'{"rows": [{"ts": "2026-03-01T00:00:00Z", "x": 1}]}', "application/json")
>>> table.num_rows, table.column_names
(1, ['ts', 'x'])
>>> read_rows(b'{"rows": 3}', "application/json")
Traceback (most recent call last):
...
driftscope.service.bodies.BadBodyError: the body's "rows" must be a list of objects (one per row)
"""

from __future__ import annotations

import io
import json
from typing import Any

import pyarrow as pa

from driftscope.errors import DriftscopeError
from driftscope.io._arrow import first_line


def _fast_json() -> Any:
    """orjson, the service extra's fast JSON parser, or None without it."""
    import importlib

    try:
        return importlib.import_module("orjson")
    except ImportError:  # pragma: no cover - the service extra installs it
        return None


_orjson = _fast_json()

JSON = "application/json"
NDJSON = ("application/x-ndjson", "application/jsonl", "application/json-lines")
PARQUET = ("application/vnd.apache.parquet", "application/x-parquet")


class BadBodyError(DriftscopeError):
    """The body cannot be read as rows (HTTP 400)."""


class UnsupportedTypeError(DriftscopeError):
    """The body's content type is none of JSON, JSON Lines and Parquet (HTTP 415)."""


def media_type(content_type: str | None) -> str:
    """The media type of a Content-Type header, lower-cased, parameters dropped."""
    return (content_type or JSON).split(";", 1)[0].strip().lower()


def read_rows(body: bytes, content_type: str | None) -> pa.Table:
    """The rows a request carries, as one table."""
    return read_body_rows(body, content_type)[0]


def read_body_rows(body: bytes, content_type: str | None) -> tuple[pa.Table, bool]:
    """The rows a request carries, as one table, and whether ``body`` is a Parquet file (read
    whole, so a damaged page is refused here, not met later by the monitor)."""
    kind = media_type(content_type)
    if kind == JSON:
        return _from_json(body), False
    if kind in NDJSON:
        return _from_lines(body), False
    if kind in PARQUET:
        return _from_parquet(body), True
    raise UnsupportedTypeError(
        f'content type {kind!r} is not accepted; send application/json ({{"rows": [...]}}), '
        "application/x-ndjson or application/vnd.apache.parquet"
    )


def _loads(text: bytes) -> Any:
    """``text`` parsed as JSON: by orjson when installed (the service extra has it: about 4x
    faster on rows of numbers), by the standard library otherwise, and again by the standard
    library when orjson refuses it, so that both accept the same bodies (NaN and Infinity,
    which Python's json.dumps writes by default, and integers beyond 64 bits)."""
    if _orjson is not None:
        try:
            return _orjson.loads(text)
        except _orjson.JSONDecodeError:
            pass
    return json.loads(text)


def _from_json(body: bytes) -> pa.Table:
    try:
        data = _loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadBodyError(f"the body is not JSON ({_short(exc)})") from None
    rows = data.get("rows") if isinstance(data, dict) else None
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise BadBodyError('the body\'s "rows" must be a list of objects (one per row)')
    return _table(rows)


def _from_lines(body: bytes) -> pa.Table:
    rows: list[Any] = []
    for number, line in enumerate(body.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = _loads(line)
        except (ValueError, UnicodeDecodeError) as exc:
            raise BadBodyError(f"line {number} is not JSON ({_short(exc)})") from None
        if not isinstance(row, dict):
            raise BadBodyError(f"line {number} is not a JSON object (one row per line)")
        rows.append(row)
    return _table(rows)


def _from_parquet(body: bytes) -> pa.Table:
    import pyarrow.parquet as pq

    try:
        return pq.ParquetFile(io.BytesIO(body)).read()
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise BadBodyError(f"the body is not a readable Parquet file ({_short(exc)})") from None


def _table(rows: list[dict[str, Any]]) -> pa.Table:
    if not rows:
        raise BadBodyError("the body holds no rows")
    try:
        return pa.Table.from_pylist(rows)
    except (pa.ArrowException, TypeError, ValueError) as exc:
        raise BadValuesError(_culprit(rows) or _short(exc)) from None


def _culprit(rows: list[dict[str, Any]]) -> str | None:
    """Where rows disagree on a column's type: the column, the row and both kinds.

    >>> _culprit([{"x": 1}, {"x": 2}, {"x": "a"}])
    "column 'x': row 3 holds a str where earlier rows hold int; send one type per column"
    """
    kinds: dict[str, tuple[type, int]] = {}
    for number, row in enumerate(rows, start=1):
        for name, value in row.items():
            if value is None:
                continue
            kind = (
                float
                if isinstance(value, int | float) and not isinstance(value, bool)
                else type(value)
            )
            seen = kinds.setdefault(name, (kind, number))
            if seen[0] is not kind:
                first = type(rows[seen[1] - 1][name]).__name__
                return (
                    f"column {name!r}: row {number} holds a {type(value).__name__} where "
                    f"earlier rows hold {first}; send one type per column"
                )
    return None


def _short(exc: BaseException) -> str:
    """The first line of the exception's message, at most 200 characters."""
    return first_line(exc)[:200]


class BadValuesError(DriftscopeError):
    """Rows whose values do not fit one type per column (HTTP 422)."""
