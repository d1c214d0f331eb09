"""Posted late labels into the store (``POST .../labels``, SPEC section 8): read as logs are
(:mod:`driftscope.service.bodies`), checked against the project's id and target columns, and
kept with :meth:`~driftscope.monitor.store.base.Store.put_labels`, the path label files take
(:func:`driftscope.monitor.labels.label_pairs`), so the next monitor run computes again every
stored window holding one of their rows (status ``labelled``).

``matched`` counts the posted ids (each once) that belong to rows posted to the service's own
logs endpoint for the project, the only rows the service holds: rows of the config's log files
or SQL table are read by the monitor, not kept, and do not count (their labels still apply).
The ids of posted batches are indexed after they are kept, not while logs are posted (which
stays as fast as without labels): the scheduler indexes the batches posted since its last turn
(:func:`~driftscope.service.scheduler.index_ids`) and each request first indexes any still
pending, reading only their id column (:func:`~driftscope.monitor.sources.ingest.decode_column`),
so a request costs one indexed look-up per posted id, however many rows the store holds.

>>> from driftscope.monitor.store import MemoryStore
>>> from driftscope.monitor.sources.ingest import encode_batch
>>> import pyarrow as pa
>>> store = MemoryStore()
>>> logs = pa.table({"ts": ["2026-03-01T10:00:00Z"] * 2, "rid": ["a", "b"]})
>>> _ = store.append_logs("fraud", *encode_batch(logs, "ts"), at=datetime.now(UTC))
>>> posted = pa.table({"rid": ["a", "z"], "y": [1, 0]})
>>> keep_labels(store, "fraud", "rid", "y", posted, datetime.now(UTC))
(2, 1)
>>> sorted(store.labels("fraud", ["a", "z"]).items())
[('a', '1'), ('z', '0')]
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pyarrow as pa

from driftscope.errors import InputError
from driftscope.monitor.store.base import LIMITS

if TYPE_CHECKING:
    from driftscope.monitor._config_models import MonitorConfig
    from driftscope.monitor.store.base import Store

INDEX_BYTES = 64 * 2**20
"""The most batch body bytes read from the store at once while indexing their ids."""
_SHOWN_COLUMNS = 8


def store_labels(
    store: Store, config: MonitorConfig, body: bytes, content_type: str | None
) -> tuple[int, int]:
    """Keep the posted labels; returns ``(accepted, matched)``: the rows posted and how many
    of their ids belong to rows posted to the logs endpoint. A project without ``columns.id``
    or ``columns.target`` is an InputError (422) naming the setting; so are rows without an
    id or a label, or of a type that cannot be one (naming the row and the column). Nothing
    is kept unless every row is good."""
    from driftscope.service.bodies import read_rows

    id_column, target = join_columns(config)
    table = read_rows(body, content_type)
    return keep_labels(store, config.project, id_column, target, table, datetime.now(UTC))


def join_columns(config: MonitorConfig) -> tuple[str, str]:
    """The project's id and target columns; an InputError naming the one not configured."""
    id_column, target = config.columns.id, config.columns.target
    if id_column is None or target is None:
        setting = "id" if id_column is None else "target"
        raise InputError(
            f"project {config.project!r} takes no labels: its config has no columns.{setting}"
            " (labels are joined to logged rows on columns.id and fill columns.target)"
        )
    return id_column, target


def keep_labels(
    store: Store, project: str, id_column: str, target: str, table: pa.Table, now: datetime
) -> tuple[int, int]:
    """Check ``table``'s labels, index the project's new log batches, keep the labels
    (received ``now``, one transaction); returns ``(rows, matched ids)``."""
    from driftscope.monitor.labels import label_pairs

    ids = checked_ids(table, id_column, target)
    pairs = label_pairs(table, id_column, target, "posted labels")
    index_new_batches(store, project, id_column)
    store.put_labels(project, pairs, now)
    return table.num_rows, len(store.logged_ids(project, dict.fromkeys(ids)))


def checked_ids(table: pa.Table, id_column: str, target: str) -> list[str]:
    """The rows' ids as texts, once each row has been checked: both columns there, ids texts
    or integers of 1 to 500 characters, labels numbers, texts or flags, none missing.

    >>> checked_ids(pa.table({"id": [7, 8], "y": [True, False]}), "id", "y")
    ['7', '8']
    >>> checked_ids(pa.table({"id": ["a", None], "y": [1, 0]}), "id", "y")
    Traceback (most recent call last):
    ...
    driftscope.errors.InputError: posted labels: row 2 has no id in column 'id'; every label needs the id of its logged row
    >>> checked_ids(pa.table({"id": [1.5], "y": [1]}), "id", "y")
    Traceback (most recent call last):
    ...
    driftscope.errors.InputError: posted labels: column 'id' holds double values (row 1: 1.5); ids must be texts or integers
    """  # noqa: E501
    from driftscope.monitor.labels import row_ids

    names = table.column_names
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise InputError(f"posted labels: column {twice[0]!r} is given twice; give it once")
    for role, name in (("id", id_column), ("target", target)):
        if name not in names:
            shown = ", ".join(repr(n) for n in names[:_SHOWN_COLUMNS])
            more = ", ..." if len(names) > _SHOWN_COLUMNS else ""
            raise InputError(
                f"posted labels: have no {role} column {name!r} (their columns: {shown}{more}); "
                f"send it in every row or fix columns.{role} in the config"
            )
    id_values = table.column(id_column)
    _check_type(id_values, id_column, _is_id_type, "ids must be texts or integers")
    labels = table.column(target)
    _check_type(labels, target, _is_label_type, "labels must be numbers, texts or flags")
    ids = row_ids(id_values)
    longest = LIMITS["row_id"]
    for number, row_id in enumerate(ids, start=1):
        if row_id is None or row_id == "":
            raise InputError(
                f"posted labels: row {number} has no id in column {id_column!r}; every label "
                "needs the id of its logged row"
            )
        if len(row_id) > longest or "\x00" in row_id:
            raise InputError(
                f"posted labels: row {number}: the id in column {id_column!r} must be at most "
                f"{longest} characters, without NUL"
            )
    for number, value in enumerate(labels.to_pylist(), start=1):
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            raise InputError(
                f"posted labels: row {number} has no label in column {target!r} (null or not "
                "finite); send only rows whose outcome is known"
            )
    return [i for i in ids if i is not None]


def _is_id_type(kind: pa.DataType) -> bool:
    return bool(
        pa.types.is_integer(kind) or pa.types.is_string(kind) or pa.types.is_large_string(kind)
    )


def _is_label_type(kind: pa.DataType) -> bool:
    return bool(
        _is_id_type(kind)
        or pa.types.is_floating(kind)
        or pa.types.is_boolean(kind)
        or pa.types.is_null(kind)  # every row null: reported as a missing label
    )


def _check_type(
    column: pa.ChunkedArray, name: str, accepts: Callable[[pa.DataType], bool], rule: str
) -> None:
    kind = column.type
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    if accepts(kind):
        return
    values = column.to_pylist()
    number, value = next(
        ((n, v) for n, v in enumerate(values, start=1) if v is not None), (1, None)
    )
    raise InputError(
        f"posted labels: column {name!r} holds {kind} values (row {number}: {value!r}); {rule}"
    )


def index_new_batches(store: Store, project: str, id_column: str) -> int:
    """Keep the ids of the rows of the project's log batches not indexed yet (their column
    ``id_column``; none for a batch without it); returns how many batches were indexed."""
    pending = store.unindexed_log_batches(project)
    if not pending:
        return 0
    sizes = {b.id: b.size for b in store.log_batches(project)}
    for group in _groups(pending, sizes):
        bodies = store.log_batch_bodies(project, group)
        found: set[str] = set()
        for number in group:
            body = bodies.pop(number, None)
            if body is not None:
                found.update(_ids_of(body, id_column))
        store.index_log_ids(project, group, found)
    return len(pending)


def _ids_of(body: bytes, id_column: str) -> Iterator[str]:
    """The ids of a batch's rows that a label could name."""
    from driftscope.monitor.labels import row_ids
    from driftscope.monitor.sources.ingest import decode_column

    column = decode_column(body, id_column)
    if column is None:
        return
    kind = column.type.value_type if pa.types.is_dictionary(column.type) else column.type
    if not _is_id_type(kind):
        return  # a float or a flag is no id a posted label can carry
    longest = LIMITS["row_id"]
    for row_id in row_ids(column):
        if row_id and len(row_id) <= longest and "\x00" not in row_id:
            yield row_id


def _groups(ids: Sequence[int], sizes: dict[int, int]) -> Iterator[list[int]]:
    """``ids`` in groups of at most :data:`INDEX_BYTES` body bytes (a larger batch alone)."""
    group: list[int] = []
    size = 0
    for number in ids:
        if group and size + sizes.get(number, 0) > INDEX_BYTES:
            yield group
            group, size = [], 0
        group.append(number)
        size += sizes.get(number, 0)
    if group:
        yield group
