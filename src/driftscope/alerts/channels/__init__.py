"""Alert channels (SPEC section 9): where notifications go, behind the :class:`Channel` seam.

:func:`build_channel` turns one entry of a config's ``alerts.channels`` into its channel;
:class:`MemoryChannel` is the in-memory one for tests. Every channel raises
:class:`DeliveryError` (retryable or not, one line, no secret) when a notification does not
arrive; :func:`driftscope.alerts.outbox.deliver` decides what to do about it.

>>> from driftscope.monitor import SlackChannel as SlackConfig
>>> config = SlackConfig(type="slack", url="https://hooks.slack.com/services/T/B/X")
>>> build_channel("team-slack", config, timeout=5.0)
SlackChannel(name='team-slack', url=SecretStr('**********'), timeout=5.0, base_url=None)
"""

from __future__ import annotations

from collections.abc import Mapping

from driftscope.alerts.channels.base import Channel, DeliveryError, parse_retry_after
from driftscope.alerts.channels.email import EmailChannel
from driftscope.alerts.channels.log import LogChannel
from driftscope.alerts.channels.memory import MemoryChannel
from driftscope.alerts.channels.pagerduty import PagerDutyChannel
from driftscope.alerts.channels.slack import SlackChannel
from driftscope.alerts.channels.webhook import WebhookChannel
from driftscope.monitor import _config_alerts as config_module

ChannelConfig = (
    config_module.SlackChannel
    | config_module.PagerDutyChannel
    | config_module.WebhookChannel
    | config_module.EmailChannel
    | config_module.LogChannel
)
"""One entry of ``alerts.channels`` in a monitoring config."""


def build_channel(
    name: str, config: ChannelConfig, *, timeout: float = 10.0, base_url: str | None = None
) -> Channel:
    """The channel that ``config`` describes, called ``name``.

    ``timeout`` bounds each request (seconds); ``base_url`` is the dashboard's address, for
    the links in Slack, PagerDuty and email notifications.
    """
    match config:
        case config_module.SlackChannel():
            return SlackChannel(name=name, url=config.url, timeout=timeout, base_url=base_url)
        case config_module.PagerDutyChannel():
            return PagerDutyChannel(
                name=name,
                routing_key=config.routing_key,
                url=config.url,
                timeout=timeout,
                base_url=base_url,
            )
        case config_module.WebhookChannel():
            return WebhookChannel(name=name, url=config.url, secret=config.secret, timeout=timeout)
        case config_module.EmailChannel():
            return EmailChannel(
                name=name,
                host=config.host,
                port=config.port,
                sender=config.from_,
                to=tuple(config.to),
                username=config.username,
                password=config.password,
                starttls=config.starttls,
                timeout=timeout,
                base_url=base_url,
            )
        case config_module.LogChannel():
            return LogChannel(name=name, path=config.path)
    raise TypeError(f"alerts: channel {name!r} has an unknown type {type(config).__name__}")


def build_channels(
    configs: Mapping[str, ChannelConfig], *, timeout: float = 10.0, base_url: str | None = None
) -> dict[str, Channel]:
    """Every channel of a config's ``alerts.channels``, by name."""
    return {
        name: build_channel(name, item, timeout=timeout, base_url=base_url)
        for name, item in configs.items()
    }


__all__ = [
    "Channel",
    "ChannelConfig",
    "DeliveryError",
    "EmailChannel",
    "LogChannel",
    "MemoryChannel",
    "PagerDutyChannel",
    "SlackChannel",
    "WebhookChannel",
    "build_channel",
    "build_channels",
    "parse_retry_after",
]
