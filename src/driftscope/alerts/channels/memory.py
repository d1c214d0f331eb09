"""The in-memory channel: records what it is sent, and fails on demand, for tests."""

from __future__ import annotations

import threading
from collections import deque

from driftscope.alerts.channels.base import DeliveryError
from driftscope.alerts.events import AlertEvent


class MemoryChannel:
    """Keeps every event sent in :attr:`events`; :meth:`fail_next` makes the next sends fail.

    >>> channel = MemoryChannel("memory")
    >>> channel.fail_next(DeliveryError("channel 'memory': down", retryable=True))
    >>> from datetime import datetime, UTC
    >>> from driftscope.alerts.events import ColumnValue
    >>> event = AlertEvent(
    ...     action="triggered", event_id="e1", project="credit", rule="feature-psi",
    ...     dedup_key="credit/feature-psi/income", metric="psi", threshold=0.25,
    ...     direction="above", severity="warning", window_start=datetime(2026, 3, 1, tzinfo=UTC),
    ...     window_end=datetime(2026, 3, 2, tzinfo=UTC), columns=(ColumnValue("income", 0.41),))
    >>> channel.send(event)
    Traceback (most recent call last):
    ...
    driftscope.alerts.channels.base.DeliveryError: channel 'memory': down
    >>> channel.send(event)
    >>> [e.event_id for e in channel.events], channel.attempts
    (['e1'], 2)
    """

    __slots__ = ("_failures", "_mutex", "attempts", "events", "name")

    def __init__(self, name: str = "memory") -> None:
        self.name = name
        self.events: list[AlertEvent] = []
        self.attempts = 0
        self._failures: deque[DeliveryError] = deque()
        self._mutex = threading.Lock()

    def fail_next(self, *errors: DeliveryError) -> None:
        """Raise these errors, one per send and in order, before recording again."""
        with self._mutex:
            self._failures.extend(errors)

    def send(self, event: AlertEvent) -> None:
        """Record ``event``, or raise the next error :meth:`fail_next` queued."""
        with self._mutex:
            self.attempts += 1
            if self._failures:
                raise self._failures.popleft()
            self.events.append(event)

    def __repr__(self) -> str:
        return f"MemoryChannel({self.name!r}, events={len(self.events)})"
