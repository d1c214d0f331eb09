"""Delivering the outbox (SPEC section 9): send every due notification of a project through
its channel, and record in the store what came of it.

A delivery that arrives is marked delivered and never sent again. A passing failure (HTTP 429
or 5xx, a refused connection, a timeout) waits what the receiver asked for in ``Retry-After``,
or else an exponential backoff; a wait within ``max_inline_wait`` is slept through and the
send retried in this call, a longer one is left to the next run. Any other failure (another
4xx, a channel no longer in the config, an unreadable payload) is final: marked failed and
logged once, as is a passing failure that has lasted :data:`MAX_ATTEMPTS` sends.
:func:`deliver` never raises for a delivery problem, so an outage of Slack never fails a
monitoring run; only the store's own errors pass through.

>>> from datetime import datetime, UTC
>>> from driftscope.alerts import AlertEvent, ColumnValue
>>> from driftscope.alerts.channels import MemoryChannel
>>> from driftscope.monitor.store import Delivery, MemoryStore
>>> store, slack = MemoryStore(), MemoryChannel("team-slack")
>>> t0 = datetime(2026, 3, 2, tzinfo=UTC)
>>> event = AlertEvent(
...     action="triggered", event_id="e1", project="credit", rule="feature-psi",
...     dedup_key="credit/feature-psi/income", metric="psi", threshold=0.25,
...     direction="above", severity="warning", window_start=datetime(2026, 3, 1, tzinfo=UTC),
...     window_end=t0, columns=(ColumnValue("income", 0.41),))
>>> _ = store.enqueue(Delivery("credit/feature-psi/income/e1/team-slack", "credit",
...                            "team-slack", event.to_json(), t0))
>>> deliver(store, "credit", {"team-slack": slack}, now=lambda: t0)
OutboxResult(delivered=1, retrying=0, failed=0, messages=())
>>> deliver(store, "credit", {"team-slack": slack}, now=lambda: t0).delivered
0
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from driftscope.alerts.channels.base import Channel, DeliveryError
from driftscope.alerts.events import AlertEvent
from driftscope.monitor.store.base import Delivery, Store

BACKOFF_FIRST = 60.0
"""Seconds before the first retry of a passing failure that gave no ``Retry-After``; it doubles
with each failed attempt. Longer than the default inline wait, so a 5xx is retried by the next
run rather than holding this one."""
BACKOFF_MAX = 3600.0
"""The longest backoff (seconds), whatever the number of attempts."""
RETRY_AFTER_MAX = 86400.0
"""The longest ``Retry-After`` honoured (seconds): a receiver asking for more is retried after a
day rather than after a date that may not even be representable."""
MAX_ATTEMPTS = 48
"""Failed sends after which a passing failure is given up too (marked failed, logged once):
with the backoff, about two days of retries. A receiver down longer than that would otherwise
be retried every hour for ever, and its backlog sent all at once when it came back."""
MAX_INLINE_SENDS = 3
"""Sends of one delivery within one call (the first and at most two inline retries)."""

logger = logging.getLogger("driftscope.alerts")


@dataclass(frozen=True, slots=True)
class OutboxResult:
    """What one :func:`deliver` call did: deliveries that arrived, that wait for a later run,
    and that were given up; ``messages`` has one line per problem (no secret in any)."""

    delivered: int = 0
    retrying: int = 0
    failed: int = 0
    messages: tuple[str, ...] = ()


def backoff(attempts: int) -> float:
    """Seconds to wait after a passing failure with no ``Retry-After``, ``attempts`` failures
    having come before it.

    >>> [backoff(n) for n in range(8)]
    [60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 3600.0, 3600.0]
    """
    return min(BACKOFF_FIRST * 2.0 ** min(attempts, 32), BACKOFF_MAX)


def deliver(
    store: Store,
    project: str,
    channels: Mapping[str, Channel],
    *,
    now: Callable[[], datetime],
    sleep: Callable[[float], None] = time.sleep,
    max_inline_wait: float = 30.0,
) -> OutboxResult:
    """Send the project's due deliveries (``store.due_deliveries(now())``) through
    ``channels`` (by config name), recording each outcome in ``store``.

    ``now`` is the clock, ``sleep`` how to wait; the waits slept in one call add up to at most
    ``max_inline_wait`` seconds. Returns counts and messages; never raises for delivery
    problems.
    """
    outcome = _Outcome(max_inline_wait)
    for delivery in store.due_deliveries(now()):
        if delivery.project != project:
            continue
        if delivery.id is None:  # the store broke its contract: not a delivery problem
            raise TypeError(f"store: due delivery {delivery.key!r} has no id")
        _deliver_one(store, delivery.id, delivery, channels, now, sleep, outcome)
    return OutboxResult(
        delivered=outcome.delivered,
        retrying=outcome.retrying,
        failed=outcome.failed,
        messages=tuple(outcome.messages),
    )


class _Outcome:
    """The running tally of one :func:`deliver` call, and its budget of inline waiting."""

    __slots__ = ("budget", "delivered", "failed", "messages", "retrying")

    def __init__(self, budget: float) -> None:
        self.budget = budget
        self.delivered = self.retrying = self.failed = 0
        self.messages: list[str] = []


def _deliver_one(
    store: Store,
    delivery_id: int,
    delivery: Delivery,
    channels: Mapping[str, Channel],
    now: Callable[[], datetime],
    sleep: Callable[[float], None],
    outcome: _Outcome,
) -> None:
    channel = channels.get(delivery.channel)
    if channel is None:
        _give_up(
            store,
            delivery_id,
            f"channel {delivery.channel!r} is not configured any more; notification dropped",
            outcome,
        )
        return
    try:
        event = AlertEvent.from_json(delivery.payload)
    except (ValueError, KeyError, TypeError):
        _give_up(
            store,
            delivery_id,
            f"channel {delivery.channel!r}: the stored notification {delivery.key!r} "
            "cannot be read; dropped",
            outcome,
        )
        return
    attempts = delivery.attempts
    for send in range(1, MAX_INLINE_SENDS + 1):
        try:
            channel.send(event)
        except DeliveryError as error:
            if not error.retryable:
                _give_up(store, delivery_id, str(error), outcome)
                return
            wait = _wait(error.retry_after, attempts)
            attempts += 1
            if attempts >= MAX_ATTEMPTS:
                _give_up(store, delivery_id, f"{error}; given up after {attempts} attempts",
                         outcome)  # fmt: skip
                return
            # Recorded before sleeping: a run killed in its sleep leaves the retry planned.
            store.mark_failed(delivery_id, now() + timedelta(seconds=wait), str(error))
            if send < MAX_INLINE_SENDS and wait <= outcome.budget:
                outcome.budget -= wait
                sleep(wait)
                continue
            message = f"{error}; next attempt in {wait:g} s"
            logger.info("%s", message)
            outcome.retrying += 1
            outcome.messages.append(message)
            return
        store.mark_delivered(delivery_id)
        outcome.delivered += 1
        return


def _wait(retry_after: float | None, attempts: int) -> float:
    """What the receiver asked for, within reason, else the backoff."""
    if retry_after is None or math.isnan(retry_after):
        return backoff(attempts)
    return min(max(retry_after, 0.0), RETRY_AFTER_MAX)


def _give_up(store: Store, delivery_id: int, message: str, outcome: _Outcome) -> None:
    # A failed delivery is never due again, so this is the one time it is logged.
    store.mark_failed(delivery_id, None, message)
    logger.warning("%s", message)
    outcome.failed += 1
    outcome.messages.append(message)
