"""Late labels: a current side's target joined from a separate labels table on an id column.

Labels often arrive days after the predictions. The labels table holds the id column and the
target; each current row takes the label of its id (a row whose id has no label yet keeps a
missing target and is left out of the measured performance). Ids in the labels table that no
current row has are counted and said, never dropped silently; an id labelled twice is an
error, since which label holds would be a guess.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from driftscope.errors import InputError
from driftscope.io._arrow import decoded


@dataclass(frozen=True, slots=True)
class Joined:
    """The current table with its labels, and what the join left over."""

    table: pa.Table
    labelled: int
    unmatched_labels: int
    notes: tuple[str, ...]


def join_labels(
    current: pa.Table, labels: pa.Table, *, id_column: str, target: str, source: str
) -> Joined:
    """``current`` with the ``target`` column taken from ``labels`` by ``id_column``.

    >>> cur = pa.table({"id": [1, 2, 3], "score": [0.2, 0.9, 0.4]})
    >>> late = pa.table({"id": [2, 1, 7], "y": [1, 0, 1]})
    >>> joined = join_labels(cur, late, id_column="id", target="y", source="labels.csv")
    >>> joined.table.column("y").to_pylist(), joined.labelled, joined.unmatched_labels
    ([0, 1, None], 2, 1)
    """
    for name, table, what in (
        (id_column, current, "the current data"),
        (id_column, labels, source),
        (target, labels, source),
    ):
        if name not in table.column_names:
            raise InputError(f"{source}: no column {name!r} in {what}")
    if target in current.column_names:
        raise InputError(
            f"{source}: the current data already has the target {target!r}; give labels "
            "either in the current data or in a labels file"
        )
    keys = decoded(labels.column(id_column))
    if keys.null_count:
        raise InputError(f"{source}: {keys.null_count} label row(s) have no {id_column!r}")
    if pc.count_distinct(keys).as_py() != labels.num_rows:
        counts = pc.value_counts(keys.combine_chunks())
        twice = next(v["values"] for v in counts.to_pylist() if v["counts"] > 1)
        raise InputError(f"{source}: id {twice!r} has more than one label")
    ids = decoded(current.column(id_column))
    if not ids.type.equals(keys.type):
        try:
            keys = keys.cast(ids.type)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            raise InputError(
                f"{source}: column {id_column!r} holds {keys.type}, the current data's {ids.type}"
            ) from None
    index = pc.index_in(ids, value_set=keys.combine_chunks())
    found = pc.take(labels.column(target), index)
    table = current.append_column(target, found)
    labelled = int(len(index) - index.null_count)
    matched = pc.is_in(keys, value_set=ids.combine_chunks())
    unmatched = int(len(keys) - (pc.sum(matched.cast(pa.int64())).as_py() or 0))
    notes = []
    if unmatched:
        notes.append(f"{source}: {unmatched:,} label(s) for ids not in the current data")
    missing = current.num_rows - labelled
    if missing:
        notes.append(f"{source}: {missing:,} current row(s) have no label yet")
    return Joined(table, labelled, unmatched, tuple(notes))
