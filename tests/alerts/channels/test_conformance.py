"""The channel contract (:mod:`driftscope.testing.channel`) over every channel, each against
its real receiver; and the checks themselves catch broken channels."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest
from pydantic import SecretStr

from driftscope.alerts import AlertEvent
from driftscope.alerts.channels import (
    Channel,
    EmailChannel,
    LogChannel,
    MemoryChannel,
    PagerDutyChannel,
    SlackChannel,
    WebhookChannel,
)
from driftscope.testing.channel import CHANNEL_CHECKS, check_channel
from tests.alerts._receivers import Reply

Setup = tuple[Callable[[], Channel], Callable[[], Sequence[object]], tuple[str, ...]]
KINDS = ["memory", "slack", "pagerduty", "webhook", "email", "log"]


@pytest.fixture(params=KINDS)
def setup(request, receiver, smtp_server, tmp_path) -> Setup:
    kind = request.param
    if kind == "memory":
        memory = MemoryChannel("memory")
        return (lambda: memory), (lambda: memory.events), ()
    if kind == "slack":
        url = f"{receiver.url}/services/SLACKPATHSECRET"
        return (
            lambda: SlackChannel(name="team-slack", url=SecretStr(url)),
            lambda: receiver.requests,
            (url, "SLACKPATHSECRET"),
        )
    if kind == "pagerduty":
        receiver.default = Reply(202)
        return (
            lambda: PagerDutyChannel(
                name="oncall", routing_key=SecretStr("PDKEYSECRET"), url=receiver.url
            ),
            lambda: receiver.requests,
            ("PDKEYSECRET",),
        )
    if kind == "webhook":
        url = f"{receiver.url}/HOOKPATHSECRET"
        return (
            lambda: WebhookChannel(name="hook", url=SecretStr(url), secret=SecretStr("HMACSECRET")),
            lambda: receiver.requests,
            (url, "HOOKPATHSECRET", "HMACSECRET"),
        )
    if kind == "email":
        return (
            lambda: EmailChannel(
                name="mail",
                host="127.0.0.1",
                port=smtp_server.port,
                sender="a@example.com",
                to=("b@example.com",),
                username="alerts",
                password=SecretStr("pw"),
            ),
            lambda: smtp_server.mails,
            ("'pw'",),
        )
    path = tmp_path / "log" / "alerts.jsonl"
    return (
        lambda: LogChannel(name="audit", path=path),
        lambda: path.read_text(encoding="utf-8").splitlines() if path.exists() else [],
        (),
    )


@pytest.mark.parametrize("check", CHANNEL_CHECKS, ids=lambda check: check.__name__)
def test_every_channel_keeps_the_contract(setup, check):
    make_channel, received, secrets = setup
    check(make_channel, received, secrets)


class _Twice(MemoryChannel):
    __slots__ = ()

    def send(self, event: AlertEvent) -> None:
        super().send(event)
        super().send(event)


class _Leaky(MemoryChannel):
    __slots__ = ()

    def __repr__(self) -> str:
        return "Leaky(url='https://hooks.slack.com/services/T/B/LEAK')"


class _Picky(MemoryChannel):
    __slots__ = ()

    def send(self, event: AlertEvent) -> None:
        if "<" in event.rule:
            raise ValueError("cannot render")
        super().send(event)


@pytest.mark.parametrize(
    ("broken", "secrets", "complaint"),
    [
        (_Twice, (), "one triggered event made 2 notifications"),
        (_Leaky, ("LEAK",), "shows a secret"),
        (_Picky, (), "cannot render"),
    ],
    ids=["sends-twice", "shows-secret", "refuses-markup"],
)
def test_the_checks_catch_a_broken_channel(broken, secrets, complaint):
    channel = broken("broken")

    with pytest.raises((AssertionError, ValueError), match=complaint):
        check_channel(lambda: channel, lambda: channel.events, secrets)
