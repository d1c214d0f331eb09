"""Posted inference logs into the store: read, checked against the project's columns, and
committed as one batch (what the monitor's ingest source reads).

Requests that arrive together are committed together (a group commit): a request puts its
batch in its store's queue, and whichever request next holds the store's commit lock keeps
every batch queued by then in one transaction (:meth:`~driftscope.monitor.store.base.Store.
append_log_batches`), then each request answers once its own batch is committed. A commit's
cost is mostly its sync to disk, so four requests in one commit pay it once; and on SQLite,
which lets one writer in at a time, requests no longer sleep in SQLite's busy handler (1, 2,
5, 10 ... up to 100 ms between tries) while the database sits idle: with four posters that
was a quarter of the server's time.

Batches of :data:`GROUP_BELOW` bytes or more are committed on their own, and on PostgreSQL
outside the lock (its commits of large bodies run side by side; grouping them saves nothing).

With a directory of body files (``serve --ingest-dir``), a body of :data:`FILE_FROM` bytes or
more is appended to this process's file and synced first (:mod:`~driftscope.monitor.store.
ingest_files`), and only where it lies is committed, in a group like any small batch: the
database no longer writes the body twice (its log and its table).
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from driftscope.monitor.store.ingest_files import BodyRef
from driftscope.service.bodies import read_body_rows

if TYPE_CHECKING:
    from driftscope.monitor._config_models import MonitorConfig
    from driftscope.monitor.store.base import LogBatchIn, Store
    from driftscope.monitor.store.ingest_files import IngestFiles

GROUP_BELOW = 4 * 2**20
"""Batches smaller than this (body bytes) are committed in groups."""
GROUP_BYTES = 64 * 2**20
"""The most body bytes one group commit keeps (one larger batch alone)."""
FILE_FROM = 2**20
"""With body files, bodies this large or larger go to them; smaller ones, whose second write
costs the database less than a sync of its own, stay in the store."""


def store_rows(
    store: Store,
    config: MonitorConfig,
    body: bytes,
    content_type: str | None,
    files: IngestFiles | None = None,
) -> int:
    """Keep the posted rows as one batch; returns how many once they are committed. A body
    that cannot be read is a BadBodyError (400); rows without the timestamp column an
    InputError (422). With ``files``, a body of :data:`FILE_FROM` bytes or more is kept in
    them."""
    from driftscope.monitor.sources.ingest import encode_batch
    from driftscope.monitor.store.base import check_batch

    table, parquet = read_body_rows(body, content_type)
    encoded, rows, first, last, missing, unparseable = encode_batch(
        table, config.columns.timestamp, body if parquet else None
    )
    # Checked here too, so that a group never fails for another request's batch.
    check_batch(config.project, encoded, rows, first, last, missing, unparseable)
    kept: bytes | BodyRef = encoded
    if files is not None and len(encoded) >= FILE_FROM:
        kept = files.append(encoded)  # synced when it returns
    batch = (config.project, kept, rows, first, last, missing, unparseable, datetime.now(UTC))
    sqlite = config.store.startswith("sqlite")
    if isinstance(kept, bytes) and len(kept) >= GROUP_BELOW and not sqlite:
        store.append_logs(*batch)
    else:
        _queue_of(store).commit(batch)
    return rows


def _size(batch: LogBatchIn) -> int:
    """The bytes ``batch`` adds to a commit (a body in a file adds none)."""
    return len(batch[1]) if isinstance(batch[1], bytes) else 0


@dataclass(slots=True)
class _Waiting:
    batch: LogBatchIn
    done: bool = False
    error: BaseException | None = None


class _Queue:
    """The batches of one store waiting for a commit, and the lock of the request committing."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.committing = threading.Lock()
        self.guard = threading.Lock()
        self.waiting: list[_Waiting] = []

    def commit(self, batch: LogBatchIn) -> None:
        """Return once ``batch`` is committed (by this thread or another)."""
        mine = _Waiting(batch)
        with self.guard:
            self.waiting.append(mine)
        while not mine.done:  # a full group may leave it for the next commit
            with self.committing:
                if not mine.done:
                    self._commit_waiting()
        if mine.error is not None:
            raise mine.error

    def _commit_waiting(self) -> None:
        with self.guard:
            group: list[_Waiting] = []
            size = 0
            for waiting in self.waiting:
                if group and size + _size(waiting.batch) > GROUP_BYTES:
                    break
                group.append(waiting)
                size += _size(waiting.batch)
            del self.waiting[: len(group)]
        try:
            self.store.append_log_batches([w.batch for w in group])
        except BaseException as exc:
            for waiting in group:
                waiting.error = exc
                waiting.done = True
            raise
        for waiting in group:
            waiting.done = True


_QUEUES: weakref.WeakKeyDictionary[Store, _Queue] = weakref.WeakKeyDictionary()
_QUEUES_GUARD = threading.Lock()


def _queue_of(store: Store) -> _Queue:
    with _QUEUES_GUARD:
        queue = _QUEUES.get(store)
        if queue is None:
            queue = _QUEUES[store] = _Queue(store)
        return queue
