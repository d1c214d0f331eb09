"""What an HTTP channel makes of each answer: success, passing and final failures, timeouts
and refused connections, and ``Retry-After`` in both of its forms."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from pydantic import SecretStr

from driftscope.alerts.channels import DeliveryError, SlackChannel, parse_retry_after
from driftscope.errors import DriftscopeError
from driftscope.testing.channel import sample_event
from tests.alerts._receivers import Reply, free_port


def slack(url: str, timeout: float = 2.0) -> SlackChannel:
    return SlackChannel(name="team-slack", url=SecretStr(url), timeout=timeout)


def failure(url: str, timeout: float = 2.0) -> DeliveryError:
    with pytest.raises(DeliveryError) as caught:
        slack(url, timeout).send(sample_event())
    return caught.value


@pytest.mark.parametrize("status", [200, 201, 202, 204])
def test_any_2xx_is_a_delivery(receiver, status):
    receiver.default = Reply(status, body=b"" if status == 204 else b"ok")

    slack(receiver.url).send(sample_event())

    assert len(receiver.requests) == 1


@pytest.mark.parametrize(
    ("status", "headers", "retry_after"),
    [
        (429, {"Retry-After": "1"}, 1.0),
        (429, {}, None),
        (500, {}, None),
        (502, {"Retry-After": "7"}, 7.0),
        (503, {"Retry-After": "soon"}, None),
    ],
    ids=["429-retry-after", "429-bare", "500", "502-retry-after", "503-unreadable-retry-after"],
)
def test_429_and_5xx_are_retryable_with_their_retry_after(receiver, status, headers, retry_after):
    receiver.default = Reply(status, headers)

    error = failure(receiver.url)

    assert isinstance(error, DriftscopeError)
    assert error.retryable
    assert error.retry_after == retry_after
    assert str(error).startswith(f"channel 'team-slack': slack answered HTTP {status}")


@pytest.mark.parametrize("status", [301, 400, 403, 404, 408, 410, 413])
def test_other_answers_are_final(receiver, status):
    receiver.default = Reply(status, {"Retry-After": "1", "Location": "/elsewhere"})

    error = failure(receiver.url)

    assert not error.retryable
    assert error.retry_after is None


def test_slacks_reason_is_quoted_but_an_echoed_path_is_not(receiver):
    receiver.script(Reply(400, body=b"invalid_payload"), Reply(404, body=b"no such hook /hooks/x"))

    assert str(failure(receiver.url)) == (
        "channel 'team-slack': slack answered HTTP 400 (invalid_payload)"
    )
    assert str(failure(receiver.url)) == "channel 'team-slack': slack answered HTTP 404"


def test_a_server_that_does_not_answer_in_time_is_a_retryable_timeout(receiver):
    receiver.default = Reply(hang=True)

    error = failure(receiver.url, timeout=0.3)

    assert error.retryable
    assert error.retry_after is None
    assert str(error) == "channel 'team-slack': slack did not answer within 0.3 s"


def test_a_refused_connection_is_retryable():
    error = failure(f"http://127.0.0.1:{free_port()}/services/x")

    assert error.retryable
    assert str(error) == "channel 'team-slack': could not reach slack (ConnectError)"


def test_retry_after_reads_seconds_and_http_dates():
    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    assert parse_retry_after("120", now) == 120.0
    assert parse_retry_after(" 2 ", now) == 2.0
    assert parse_retry_after(format_datetime(now + timedelta(seconds=90), usegmt=True), now) == 90.0
    assert parse_retry_after("Sun, 01 Mar 2026 11:00:00 GMT", now) == 0.0  # past: now
    assert parse_retry_after(None, now) is None
    assert parse_retry_after("", now) is None
    assert parse_retry_after("-5", now) is None
    assert parse_retry_after("tomorrow", now) is None


def test_an_http_date_retry_after_from_a_server_is_honoured(receiver):
    later = datetime.now(UTC) + timedelta(seconds=120)
    receiver.default = Reply(503, {"Retry-After": format_datetime(later, usegmt=True)})

    error = failure(receiver.url)

    assert error.retry_after is not None
    assert 100 < error.retry_after <= 120


def test_a_delivery_error_message_is_one_line():
    error = DeliveryError("channel 'x':\n  broken\r\nbadly", retryable=False)

    assert str(error) == "channel 'x': broken badly"
