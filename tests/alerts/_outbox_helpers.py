"""What the outbox tests share: a fake clock and a way to queue an event."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from driftscope.alerts import AlertEvent
from driftscope.monitor.store import Delivery, Store

T0 = datetime(2026, 3, 2, 0, 5, tzinfo=UTC)


class Clock:
    """``now`` and ``sleep`` for :func:`deliver`: sleeping moves the clock, at once."""

    def __init__(self, start: datetime = T0) -> None:
        self.moment = start
        self.slept: list[float] = []

    def now(self) -> datetime:
        return self.moment

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.moment += timedelta(seconds=seconds)

    def advance(self, seconds: float) -> None:
        self.moment += timedelta(seconds=seconds)


def queue(
    store: Store, event: AlertEvent, channel: str = "team-slack", at: datetime = T0
) -> Delivery:
    """Put ``event`` in the outbox for ``channel``, due at ``at``."""
    key = f"{event.dedup_key}/{event.action}/{event.event_id}/{channel}"
    return store.enqueue(Delivery(key, event.project, channel, event.to_json(), at))
