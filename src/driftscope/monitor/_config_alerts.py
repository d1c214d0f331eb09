"""The ``alerts`` section of a monitoring config: named channels (a union on ``type``) and
threshold rules (SPEC sections 7 and 9). Secrets are :class:`~pydantic.SecretStr`."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, ValidationInfo, field_validator, model_validator

from driftscope.monitor._config_base import (
    ConfigModel,
    Number,
    WholeNumber,
    base_dir_of,
    located,
    resolve_path,
)
from driftscope.monitor.windows import parse_duration

DEFAULT_COOLDOWN = "1h"
PAGERDUTY_EVENTS_URL = "https://events.pagerduty.com/v2/enqueue"
Severity = Literal["info", "warning", "error", "critical"]
SEVERITIES: tuple[str, ...] = ("info", "warning", "error", "critical")


class SlackChannel(ConfigModel):
    """A Slack incoming webhook."""

    type: Literal["slack"]
    url: SecretStr


class PagerDutyChannel(ConfigModel):
    """PagerDuty Events API v2 (``url`` overrides the endpoint, e.g. for a test server)."""

    type: Literal["pagerduty"]
    routing_key: SecretStr
    url: str = PAGERDUTY_EVENTS_URL


class WebhookChannel(ConfigModel):
    """A generic webhook, its body signed with HMAC-SHA256 when a ``secret`` is given."""

    type: Literal["webhook"]
    url: SecretStr
    secret: SecretStr | None = None


class EmailChannel(ConfigModel):
    """Email over SMTP."""

    type: Literal["email"]
    host: str
    port: WholeNumber = Field(default=25, ge=1, le=65535)
    from_: str = Field(alias="from")
    to: tuple[str, ...] = Field(min_length=1)
    username: str | None = None
    password: SecretStr | None = None
    starttls: bool = False


class LogChannel(ConfigModel):
    """JSON lines appended to a file (resolved against the config's folder)."""

    type: Literal["log"]
    path: Path

    @field_validator("path", mode="before")
    @classmethod
    def _resolve(cls, value: Any, info: ValidationInfo) -> Any:
        return resolve_path(base_dir_of(info), value) if isinstance(value, str) else value


Channel = Annotated[
    SlackChannel | PagerDutyChannel | WebhookChannel | EmailChannel | LogChannel,
    Field(discriminator="type"),
]
CHANNEL_TYPES = ("slack", "pagerduty", "webhook", "email", "log")


class Rule(ConfigModel):
    """A threshold rule on a stored metric (SPEC section 9)."""

    name: str = Field(min_length=1)
    metric: str = Field(min_length=1)
    columns: Literal["*"] | tuple[str, ...] = "*"
    above: Number | None = None
    below: Number | None = None
    for_: WholeNumber = Field(default=1, ge=1, alias="for")
    severity: Severity = "warning"
    channels: tuple[str, ...] = ()
    cooldown: timedelta = Field(default=timedelta(seconds=parse_duration(DEFAULT_COOLDOWN)))
    dedup: str | None = None

    @field_validator("cooldown", mode="before")
    @classmethod
    def _duration(cls, value: Any) -> Any:
        if not isinstance(value, str):
            raise ValueError("must be a duration such as 30m, 1h, 6h or 1d")
        return timedelta(seconds=parse_duration(value))

    @model_validator(mode="after")
    def _one_limit(self) -> Rule:
        if (self.above is None) == (self.below is None):
            raise ValueError("give exactly one of 'above' and 'below'")
        return self


class Alerts(ConfigModel):
    """Named channels and the rules that notify them."""

    channels: dict[str, Channel] = Field(default_factory=dict)
    rules: tuple[Rule, ...] = ()

    @model_validator(mode="after")
    def _known_channels(self) -> Alerts:
        seen: set[str] = set()
        for index, rule in enumerate(self.rules):
            if rule.name in seen:
                raise located(f"rule name {rule.name!r} is given twice", "rules", index, "name")
            seen.add(rule.name)
            for position, name in enumerate(rule.channels):
                if name not in self.channels:
                    known = ", ".join(sorted(self.channels)) or "none are defined"
                    raise located(
                        f"channel {name!r} is not among alerts.channels ({known})",
                        "rules", index, "channels", position,
                    )  # fmt: skip
        return self
