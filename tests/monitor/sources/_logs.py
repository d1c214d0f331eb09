"""Helpers for the log source tests: log files written the way writers leave them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

HOUR = 3_600 * 10**9
DAY = 24 * HOUR
T0 = 1_772_323_200 * 10**9
"""2026-03-01T00:00:00Z in epoch nanoseconds."""


def iso(nanos: int) -> str:
    """RFC 3339 text of epoch nanoseconds (whole seconds)."""
    from datetime import UTC, datetime

    return datetime.fromtimestamp(nanos // 10**9, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def write_parquet(path: Path, stamps: Sequence[int], **columns: Sequence[object]) -> Path:
    """A Parquet log with a ``ts`` timestamp column (UTC) and ``columns``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    ts = pa.array(stamps, pa.timestamp("ns", "UTC"))
    pq.write_table(pa.table({"ts": ts, **{k: pa.array(v) for k, v in columns.items()}}), path)
    return path


def write_csv(path: Path, stamps: Sequence[object], **columns: Sequence[object]) -> Path:
    """A CSV log whose ``ts`` is RFC 3339 text (an int is turned into that; other values are
    written as they are)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    texts = [iso(s) if isinstance(s, int) else s for s in stamps]
    table = pa.table(
        {"ts": pa.array(texts, pa.string()), **{k: pa.array(v) for k, v in columns.items()}}
    )
    pcsv.write_csv(table, path)
    return path


def write_jsonl(path: Path, stamps: Sequence[object], **columns: Sequence[object]) -> Path:
    """A JSON Lines log whose ``ts`` is RFC 3339 text (ints turned into it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = []
    for i, s in enumerate(stamps):
        row = {"ts": iso(s) if isinstance(s, int) else s}
        row.update({k: v[i] for k, v in columns.items()})
        lines.append(json.dumps(row))
    path.write_text("\n".join(lines) + "\n")
    return path
