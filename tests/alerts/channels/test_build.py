"""From a config's ``alerts.channels`` to channels: every type, and its options passed on."""

from __future__ import annotations

from pathlib import Path

import pytest

from driftscope.alerts.channels import (
    EmailChannel,
    LogChannel,
    PagerDutyChannel,
    SlackChannel,
    WebhookChannel,
    build_channel,
    build_channels,
)
from driftscope.monitor import Alerts
from driftscope.monitor._config_alerts import CHANNEL_TYPES, PAGERDUTY_EVENTS_URL

CONFIG = {
    "team-slack": {"type": "slack", "url": "https://hooks.slack.com/services/T/B/X"},
    "oncall": {"type": "pagerduty", "routing_key": "R0UT1NG"},
    "hook": {"type": "webhook", "url": "https://hooks.example.com/in", "secret": "s"},
    "mail": {
        "type": "email",
        "host": "smtp.example.com",
        "port": 587,
        "from": "a@b.c",
        "to": ["x@b.c"],
        "username": "u",
        "password": "p",
        "starttls": True,
    },
    "audit": {"type": "log", "path": "/tmp/alerts.jsonl"},
}


@pytest.fixture
def channels():
    alerts = Alerts.model_validate({"channels": CONFIG})
    return build_channels(alerts.channels, timeout=3.0, base_url="https://drift.example.com")


def test_every_channel_type_of_the_config_is_built(channels):
    kinds = {name: type(channel) for name, channel in channels.items()}

    assert kinds == {
        "team-slack": SlackChannel,
        "oncall": PagerDutyChannel,
        "hook": WebhookChannel,
        "mail": EmailChannel,
        "audit": LogChannel,
    }
    assert {config["type"] for config in CONFIG.values()} == set(CHANNEL_TYPES)
    assert all(channel.name == name for name, channel in channels.items())


def test_options_reach_the_channels(channels):
    slack, pagerduty, hook, mail = (channels[n] for n in ("team-slack", "oncall", "hook", "mail"))
    assert slack.url.get_secret_value() == CONFIG["team-slack"]["url"]
    assert (slack.timeout, slack.base_url) == (3.0, "https://drift.example.com")
    assert pagerduty.routing_key.get_secret_value() == "R0UT1NG"
    assert pagerduty.url == PAGERDUTY_EVENTS_URL
    assert hook.secret is not None
    assert hook.secret.get_secret_value() == "s"
    assert (mail.host, mail.port, mail.sender, mail.to) == (
        "smtp.example.com",
        587,
        "a@b.c",
        ("x@b.c",),
    )
    assert (mail.username, mail.starttls, mail.timeout) == ("u", True, 3.0)
    assert mail.password is not None
    assert mail.password.get_secret_value() == "p"
    assert channels["audit"].path == Path("/tmp/alerts.jsonl")


def test_a_pagerduty_url_overrides_the_endpoint():
    alerts = Alerts.model_validate(
        {"channels": {"pd": {"type": "pagerduty", "routing_key": "k", "url": "http://x/e"}}}
    )

    assert build_channel("pd", alerts.channels["pd"]).url == "http://x/e"


def test_no_channel_shows_a_secret(channels):
    shown = " ".join(repr(channel) + str(channel) for channel in channels.values())

    for secret in ("hooks.slack.com/services", "R0UT1NG", "hooks.example.com", "'p'"):
        assert secret not in shown
