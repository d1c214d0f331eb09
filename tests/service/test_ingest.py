"""The service's group commit: batches posted together are committed together, each request
answered once its own batch is in the store; a failed commit fails every request of its group
and only those."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import UTC, datetime

import pytest

from driftscope.errors import ConfigError
from driftscope.monitor.store import MemoryStore
from driftscope.service.ingest import _Queue

AT = datetime(2026, 3, 1, tzinfo=UTC)
_Batch = tuple[str, bytes, int, "int | None", "int | None", int, int, datetime]


class _Slow(MemoryStore):
    """A memory store whose group commits take a while (as a disk's sync does) and are
    recorded; ``fail`` makes the next one fail."""

    def __init__(self) -> None:
        super().__init__()
        self.groups: list[int] = []
        self.fail = False

    def append_log_batches(self, batches: Sequence[_Batch]) -> list[int]:
        threading.Event().wait(0.02)
        self.groups.append(len(batches))
        if self.fail:
            self.fail = False
            raise ConfigError("store sqlite:///x.db: cannot use it (disk I/O error)")
        return super().append_log_batches(batches)


def _batch(n: int) -> _Batch:
    return ("fraud", bytes([n % 256]) * 10, 1, 5, 5, 0, 0, AT)


def test_batches_posted_together_are_committed_together_each_once() -> None:
    store = _Slow()
    queue = _Queue(store)
    threads = [threading.Thread(target=queue.commit, args=(_batch(i),)) for i in range(24)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(store.groups) == 24
    assert len(store.groups) < 24  # some requests shared a commit
    kept = store.log_batches("fraud")
    assert len(kept) == 24
    assert len({b.id for b in kept}) == 24


def test_a_failed_commit_fails_the_requests_of_its_group() -> None:
    store = _Slow()
    queue = _Queue(store)
    store.fail = True
    with pytest.raises(ConfigError, match="disk I/O error"):
        queue.commit(_batch(1))
    queue.commit(_batch(2))  # the next commit is a new group
    assert [b.rows for b in store.log_batches("fraud")] == [1]
    assert queue.waiting == []
