"""No secret appears in a log line, an error message, the outbox or a channel's repr
(SPEC section 9), whatever goes wrong: every channel with a secret, every kind of failure,
every logger captured at DEBUG (httpx's request lines included)."""

from __future__ import annotations

import logging
import traceback

import pytest
from pydantic import SecretStr

from driftscope.alerts.channels import (
    Channel,
    DeliveryError,
    EmailChannel,
    PagerDutyChannel,
    SlackChannel,
    WebhookChannel,
)
from driftscope.alerts.outbox import deliver
from driftscope.monitor.store import MemoryStore
from driftscope.testing.channel import sample_event
from tests.alerts._outbox_helpers import Clock, queue
from tests.alerts._receivers import Receiver, Reply, SmtpServer, free_port

SLACK_PATH = "/services/T0SECRETA/B0SECRETB/SLACKPATHSECRET"
PD_KEY = "PDROUTINGKEYSECRET0123456789abcd"
HOOK_PATH = "/in/HOOKPATHSECRET"
HOOK_SECRET = "HMACSIGNINGSECRET"
MAIL_PASSWORD = "MAILPASSWORDSECRET"
SECRETS = {
    "slack": ("T0SECRETA", "B0SECRETB", "SLACKPATHSECRET"),
    "pagerduty": (PD_KEY,),
    "webhook": ("HOOKPATHSECRET", HOOK_SECRET),
    "email": (MAIL_PASSWORD,),
}


def http_failure(failure: str, secrets: tuple[str, ...]) -> Reply:
    """How the server answers: receivers may echo what they got, secrets included."""
    words = " ".join(secrets)
    return {
        "ok": Reply(200),
        "400-echoing-secrets": Reply(400, body=f"invalid {words}".encode()),
        "404-echoing-the-path": Reply(404, body=f"no hook at {SLACK_PATH} {HOOK_PATH}".encode()),
        "429": Reply(429, {"Retry-After": "1"}),
        "500-json-echo": Reply(500, body=f'{{"message": "bad {words}"}}'.encode()),
        "timeout": Reply(hang=True),
        "refused": Reply(),
    }[failure]


HTTP_FAILURES = ["ok", "400-echoing-secrets", "404-echoing-the-path", "429", "500-json-echo",
                 "timeout", "refused"]  # fmt: skip


def http_channel(kind: str, base: str) -> Channel:
    if kind == "slack":
        return SlackChannel(name="team-slack", url=SecretStr(base + SLACK_PATH), timeout=0.3)
    if kind == "pagerduty":
        return PagerDutyChannel(
            name="oncall", routing_key=SecretStr(PD_KEY), url=base + "/v2/enqueue", timeout=0.3
        )
    return WebhookChannel(
        name="hook", url=SecretStr(base + HOOK_PATH), secret=SecretStr(HOOK_SECRET), timeout=0.3
    )


def shown(error: DeliveryError) -> str:
    return " ".join([str(error), repr(error), *traceback.format_exception(error)])


def assert_hidden(text: str, secrets: tuple[str, ...]) -> None:
    for secret in secrets:
        assert secret not in text


def exercise(channel: Channel, caplog: pytest.LogCaptureFixture) -> str:
    """Send directly (keeping the error) and through the outbox; everything they showed."""
    texts = [repr(channel), str(channel)]
    try:
        channel.send(sample_event())
    except DeliveryError as error:
        texts.append(shown(error))
    store, clock = MemoryStore(), Clock()
    queue(store, sample_event(), channel=channel.name)
    result = deliver(store, "fraud", {channel.name: channel}, now=clock.now, sleep=clock.sleep)
    texts += result.messages
    texts += [d.last_error or "" for d in store.due_deliveries(clock.now().replace(year=2100))]
    # aiosmtpd's own debug lines are the test server's, not ours
    texts += [r.getMessage() for r in caplog.records if not r.name.startswith("mail.log")]
    return "\n".join(texts)


@pytest.mark.parametrize("failure", HTTP_FAILURES)
@pytest.mark.parametrize("kind", ["slack", "pagerduty", "webhook"])
def test_http_channels_never_show_their_secrets(kind, failure, caplog):
    caplog.set_level(logging.DEBUG)
    receiver = Receiver()
    try:
        receiver.default = http_failure(failure, SECRETS[kind])
        base = f"http://127.0.0.1:{free_port()}" if failure == "refused" else receiver.url
        text = exercise(http_channel(kind, base), caplog)
    finally:
        receiver.close()

    assert_hidden(text, SECRETS[kind])
    if failure == "ok":
        assert "HTTP Request: POST" in caplog.text  # httpx did log the request, masked
    else:
        assert f"channel '{http_channel(kind, '').name}'" in text


@pytest.mark.parametrize("failure", ["ok", "bad-login", "554", "refused"])
def test_email_never_shows_its_password(failure, caplog):
    caplog.set_level(logging.DEBUG)
    server = SmtpServer(user="alerts", password=MAIL_PASSWORD)
    try:
        if failure == "554":
            server.handler.refusals.extend([f"554 5.6.0 refused {MAIL_PASSWORD}"] * 2)
        channel = EmailChannel(
            name="mail",
            host="127.0.0.1",
            port=free_port() if failure == "refused" else server.port,
            sender="a@example.com",
            to=("b@example.com",),
            username="alerts",
            password=SecretStr("wrong" if failure == "bad-login" else MAIL_PASSWORD),
            timeout=5.0,
        )
        text = exercise(channel, caplog)
    finally:
        server.close()

    assert_hidden(text, SECRETS["email"])
    if failure != "ok":
        assert "channel 'mail'" in text
