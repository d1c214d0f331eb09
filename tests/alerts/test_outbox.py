"""The outbox: due deliveries sent once, passing failures retried (in this call when the wait
is short, else in the next), final ones given up and logged once; in memory and on SQLite."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import FrozenInstanceError, replace
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import SecretStr

from driftscope.alerts.channels import DeliveryError, MemoryChannel, SlackChannel
from driftscope.alerts.outbox import (
    BACKOFF_FIRST,
    BACKOFF_MAX,
    MAX_ATTEMPTS,
    OutboxResult,
    backoff,
    deliver,
)
from driftscope.monitor.store import Delivery, MemoryStore, Store, open_store
from driftscope.testing.channel import sample_event
from tests.alerts._outbox_helpers import T0, Clock, queue
from tests.alerts._receivers import Reply, free_port

FAR = T0 + timedelta(days=30)


@pytest.fixture(params=["memory", "sqlite"])
def store(request, tmp_path) -> Iterator[Store]:
    made: Store = (
        MemoryStore() if request.param == "memory" else open_store(f"sqlite:///{tmp_path / 's.db'}")
    )
    try:
        yield made
    finally:
        made.close()


@pytest.fixture
def clock() -> Clock:
    return Clock()


def passing(retry_after: float | None = None) -> DeliveryError:
    return DeliveryError("channel 'team-slack': slack answered HTTP 429", retryable=True,
                         retry_after=retry_after)  # fmt: skip


def run(store: Store, channels: dict, clock: Clock, **options: object) -> OutboxResult:
    return deliver(store, "fraud", channels, now=clock.now, sleep=clock.sleep, **options)  # type: ignore[arg-type]


def pending(store: Store) -> list[Delivery]:
    return store.due_deliveries(FAR)


def test_a_due_delivery_is_sent_once_and_never_again(store, clock):
    slack = MemoryChannel("team-slack")
    queue(store, sample_event())

    first = run(store, {"team-slack": slack}, clock)
    clock.advance(3600)
    second = run(store, {"team-slack": slack}, clock)

    assert first == OutboxResult(delivered=1)
    assert second == OutboxResult()
    assert slack.events == [sample_event()]
    assert pending(store) == []


def test_a_delivery_not_yet_due_waits(store, clock):
    slack = MemoryChannel("team-slack")
    queue(store, sample_event(), at=T0 + timedelta(minutes=1))

    assert run(store, {"team-slack": slack}, clock) == OutboxResult()
    clock.advance(60)
    assert run(store, {"team-slack": slack}, clock).delivered == 1


def test_only_the_projects_own_deliveries_are_sent(store, clock):
    slack = MemoryChannel("team-slack")
    queue(store, sample_event(project="other"))
    queue(store, sample_event())

    assert run(store, {"team-slack": slack}, clock).delivered == 1
    assert [d.project for d in pending(store)] == ["other"]


def test_a_429_with_retry_after_1_is_retried_within_the_same_call(store, clock):
    slack = MemoryChannel("team-slack")
    slack.fail_next(passing(retry_after=1.0))
    queue(store, sample_event())

    result = run(store, {"team-slack": slack}, clock)

    assert result == OutboxResult(delivered=1)
    assert clock.slept == [1.0]
    assert slack.attempts == 2
    assert pending(store) == []


def test_a_real_429_then_200_is_delivered_in_one_call_after_a_real_wait(store, receiver):
    receiver.script(Reply(429, {"Retry-After": "1"}), Reply(200))
    slack = SlackChannel(name="team-slack", url=SecretStr(f"{receiver.url}/s/1"), timeout=2.0)
    queue(store, sample_event(), at=datetime.now(UTC))

    started = time.monotonic()
    result = deliver(store, "fraud", {"team-slack": slack}, now=lambda: datetime.now(UTC))

    assert result == OutboxResult(delivered=1)
    assert time.monotonic() - started >= 1.0
    assert len(receiver.requests) == 2
    assert receiver.requests[0].body == receiver.requests[1].body


def test_a_500_waits_for_the_next_run_which_delivers_it(store, clock, receiver):
    receiver.script(Reply(500, body=b"Internal Server Error"))
    slack = SlackChannel(name="team-slack", url=SecretStr(receiver.url), timeout=2.0)
    queue(store, sample_event())

    first = run(store, {"team-slack": slack}, clock)

    assert (first.delivered, first.retrying, first.failed) == (0, 1, 0)
    assert first.messages == (
        f"channel 'team-slack': slack answered HTTP 500 (Internal Server Error); "
        f"next attempt in {BACKOFF_FIRST:g} s",
    )
    assert clock.slept == []
    (waiting,) = pending(store)
    assert waiting.next_attempt_at == T0 + timedelta(seconds=BACKOFF_FIRST)
    assert waiting.attempts == 1
    assert (
        waiting.last_error
        == "channel 'team-slack': slack answered HTTP 500 (Internal Server Error)"
    )
    assert run(store, {"team-slack": slack}, clock) == OutboxResult()  # not due yet

    clock.advance(BACKOFF_FIRST)
    assert run(store, {"team-slack": slack}, clock) == OutboxResult(delivered=1)
    assert len(receiver.requests) == 2
    assert pending(store) == []


def test_the_backoff_doubles_with_each_failed_attempt_up_to_an_hour(store, clock):
    slack = MemoryChannel("team-slack")
    queue(store, sample_event())
    waits = []
    for _ in range(8):
        slack.fail_next(passing())
        run(store, {"team-slack": slack}, clock)
        (waiting,) = pending(store)
        waits.append((waiting.next_attempt_at - clock.now()).total_seconds())
        clock.moment = waiting.next_attempt_at

    assert waits == [60, 120, 240, 480, 960, 1920, 3600, 3600]
    assert waits == [backoff(n) for n in range(8)]


def test_a_passing_failure_is_given_up_after_max_attempts(store, clock, caplog):
    slack = MemoryChannel("team-slack")
    queue(store, sample_event())
    results = []
    with caplog.at_level(logging.WARNING, logger="driftscope.alerts"):
        for _ in range(MAX_ATTEMPTS + 3):
            slack.fail_next(passing())
            results.append(run(store, {"team-slack": slack}, clock))
            clock.advance(BACKOFF_MAX + 1)
    assert [r.retrying for r in results[: MAX_ATTEMPTS - 1]] == [1] * (MAX_ATTEMPTS - 1)
    assert results[MAX_ATTEMPTS - 1].failed == 1
    assert all(r == OutboxResult() for r in results[MAX_ATTEMPTS:])  # never sent again
    assert pending(store) == []
    given_up = [r.getMessage() for r in caplog.records if "given up" in r.getMessage()]
    assert given_up == [
        f"channel 'team-slack': slack answered HTTP 429; given up after {MAX_ATTEMPTS} attempts"
    ]


def test_a_retry_after_beyond_the_inline_wait_is_honoured_in_a_later_run(store, clock):
    slack = MemoryChannel("team-slack")
    slack.fail_next(passing(retry_after=120.0))
    queue(store, sample_event())

    result = run(store, {"team-slack": slack}, clock)

    assert result.retrying == 1
    assert clock.slept == []
    assert pending(store)[0].next_attempt_at == T0 + timedelta(seconds=120)


def test_inline_waits_of_one_call_share_one_budget(store, clock):
    slack = MemoryChannel("team-slack")
    slack.fail_next(passing(retry_after=20.0))
    queue(store, sample_event())
    queue(store, replace(sample_event(), event_id="second"))

    first = run(store, {"team-slack": slack}, clock)
    assert first == OutboxResult(delivered=2)
    assert clock.slept == [20.0]

    slack.fail_next(passing(retry_after=20.0), passing(retry_after=20.0))
    queue(store, replace(sample_event(), event_id="third"), at=clock.now())
    queue(store, replace(sample_event(), event_id="fourth"), at=clock.now())
    second = run(store, {"team-slack": slack}, clock, max_inline_wait=30.0)

    # the third waits 20 s and is delivered; the fourth would pass the 30 s budget
    assert (second.delivered, second.retrying) == (1, 1)
    assert clock.slept == [20.0, 20.0]


def test_inline_sends_of_one_delivery_are_bounded(store, clock):
    slack = MemoryChannel("team-slack")
    slack.fail_next(*(passing(retry_after=0.0) for _ in range(5)))
    queue(store, sample_event())

    result = run(store, {"team-slack": slack}, clock)

    assert result.retrying == 1
    assert slack.attempts == 3
    assert pending(store)[0].attempts == 3


def test_a_400_is_given_up_logged_once_and_never_retried(store, clock, receiver, caplog):
    caplog.set_level(logging.INFO, logger="driftscope.alerts")
    receiver.default = Reply(400, body=b"invalid_payload")
    slack = SlackChannel(name="team-slack", url=SecretStr(receiver.url), timeout=2.0)
    queue(store, sample_event())

    first = run(store, {"team-slack": slack}, clock)
    for _ in range(3):
        clock.advance(86400)
        assert run(store, {"team-slack": slack}, clock) == OutboxResult()

    message = "channel 'team-slack': slack answered HTTP 400 (invalid_payload)"
    assert first == OutboxResult(failed=1, messages=(message,))
    assert len(receiver.requests) == 1
    assert [(r.name, r.levelno, r.getMessage()) for r in caplog.records] == [
        ("driftscope.alerts", logging.WARNING, message)
    ]
    assert pending(store) == []


def test_a_final_failure_after_an_inline_retry_is_given_up(store, clock):
    slack = MemoryChannel("team-slack")
    refused = DeliveryError("channel 'team-slack': slack answered HTTP 403", retryable=False)
    slack.fail_next(passing(retry_after=1.0), refused)
    queue(store, sample_event())

    result = run(store, {"team-slack": slack}, clock)

    assert (result.failed, clock.slept) == (1, [1.0])
    assert pending(store) == []


def test_a_hanging_server_times_out_and_is_retried_later(store, clock, receiver):
    receiver.default = Reply(hang=True)
    slack = SlackChannel(name="team-slack", url=SecretStr(receiver.url), timeout=0.3)
    queue(store, sample_event())

    result = run(store, {"team-slack": slack}, clock)

    assert result.retrying == 1
    assert result.messages[0].startswith(
        "channel 'team-slack': slack did not answer within 0.3 s; next attempt in"
    )
    assert len(pending(store)) == 1


def test_an_unreachable_channel_never_fails_the_run(store, clock):
    slack = SlackChannel(name="team-slack", url=SecretStr(f"http://127.0.0.1:{free_port()}/x"))
    queue(store, sample_event())

    result = run(store, {"team-slack": slack}, clock)

    assert result.retrying == 1
    assert "could not reach slack (ConnectError)" in result.messages[0]


def test_a_channel_no_longer_configured_fails_its_deliveries(store, clock, caplog):
    caplog.set_level(logging.INFO, logger="driftscope.alerts")
    queue(store, sample_event(), channel="gone")

    result = run(store, {"team-slack": MemoryChannel("team-slack")}, clock)

    message = "channel 'gone' is not configured any more; notification dropped"
    assert result == OutboxResult(failed=1, messages=(message,))
    assert [r.getMessage() for r in caplog.records] == [message]
    assert pending(store) == []


def test_an_unreadable_payload_is_given_up(store, clock):
    store.enqueue(Delivery("k/1", "fraud", "team-slack", '{"action": "triggered"}', T0))

    result = run(store, {"team-slack": MemoryChannel("team-slack")}, clock)

    assert result.failed == 1
    assert "the stored notification 'k/1' cannot be read" in result.messages[0]


def test_the_result_is_frozen():
    with pytest.raises(FrozenInstanceError):
        OutboxResult().delivered = 1  # type: ignore[misc]


@pytest.mark.parametrize(
    ("retry_after", "wait"),
    [(1e12, 86400.0), (-5.0, 0.0), (float("nan"), BACKOFF_FIRST)],
    ids=["absurd", "negative", "nan"],
)
def test_an_unreasonable_retry_after_is_bounded(store, clock, retry_after, wait):
    slack = MemoryChannel("team-slack")
    slack.fail_next(*(passing(retry_after=retry_after) for _ in range(3)))
    queue(store, sample_event())

    result = run(store, {"team-slack": slack}, clock)

    assert result.retrying == 1
    (waiting,) = pending(store)
    assert waiting.next_attempt_at == clock.now() + timedelta(seconds=wait)
