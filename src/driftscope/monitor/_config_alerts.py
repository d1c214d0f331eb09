"""The ``alerts`` section of a monitoring config: named channels (a union on ``type``),
threshold rules, simple or composite (``all``), and the key features the built-in tiers
watch (SPEC sections 7 and 9). Secrets are :class:`~pydantic.SecretStr`."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from string import Formatter
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


Direction = Literal["above", "below"]
DEFAULT_DEDUP = "{project}/{rule}/{column}"
"""A rule's dedup key when it gives no ``dedup`` template (SPEC section 9)."""
DEDUP_FIELDS = ("project", "rule", "column")
_COMPOSITE_ONLY_INSIDE = ("metric", "columns", "above", "below")
"""What a composite rule gives in each of its conditions, never beside ``all``."""


class Condition(ConfigModel):
    """One threshold on a stored metric: ``metric`` above (``>``) or below (``<``) a number
    on ``columns`` (``*``: every column that holds the metric in the window)."""

    metric: str = Field(min_length=1)
    columns: Literal["*"] | tuple[str, ...] = "*"
    above: Number | None = None
    below: Number | None = None

    @model_validator(mode="after")
    def _one_limit(self) -> Condition:
        if (self.above is None) == (self.below is None):
            raise ValueError("give exactly one of 'above' and 'below'")
        return self

    @property
    def limit(self) -> tuple[float, Direction]:
        """The threshold and its direction."""
        if self.above is not None:
            return self.above, "above"
        return (self.below or 0.0), "below"  # one of the two is set, as validated


class Rule(ConfigModel):
    """A threshold rule on stored metrics (SPEC section 9): simple (``metric``, ``columns``
    and ``above`` or ``below``) or composite (``all``: a list of such conditions, every one of
    which must hold on some column)."""

    name: str = Field(min_length=1)
    metric: str | None = Field(default=None, min_length=1)
    columns: Literal["*"] | tuple[str, ...] = "*"
    above: Number | None = None
    below: Number | None = None
    all_: tuple[Condition, ...] | None = Field(default=None, alias="all")
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

    @field_validator("all_")
    @classmethod
    def _some_conditions(cls, value: tuple[Condition, ...] | None) -> Any:
        return _not_empty(value)

    @field_validator("dedup")
    @classmethod
    def _template(cls, value: str | None) -> str | None:
        if value is not None:
            dedup_key(value, project="p", rule="r", column="c")
        return value

    @model_validator(mode="after")
    def _simple_or_composite(self) -> Rule:
        if self.all_ is not None:
            for key in _COMPOSITE_ONLY_INSIDE:
                if key in self.model_fields_set:
                    raise located(
                        f"a composite rule gives {key!r} in each condition of 'all', not beside it",
                        key,
                    )
        elif self.metric is None:
            raise located(
                "is required: a rule gives 'metric' with 'above' or 'below', "
                "or 'all' (a list of such conditions)",
                "metric",
            )
        elif (self.above is None) == (self.below is None):
            raise ValueError("give exactly one of 'above' and 'below'")
        return self

    @property
    def conditions(self) -> tuple[Condition, ...]:
        """The rule's conditions: its own for a simple rule, those of ``all`` otherwise."""
        if self.all_ is not None:
            return self.all_
        return (
            Condition.model_validate(
                {"metric": self.metric, "columns": self.columns}
                | ({"above": self.above} if self.above is not None else {"below": self.below})
            ),
        )

    @property
    def composite(self) -> bool:
        """Whether the rule is a composite (``all``) one."""
        return self.all_ is not None

    @property
    def dedup_template(self) -> str:
        """``dedup``, or :data:`DEFAULT_DEDUP` when none is given."""
        return DEFAULT_DEDUP if self.dedup is None else self.dedup


def _not_empty(value: tuple[Any, ...] | None) -> tuple[Any, ...] | None:
    """``value``, unless it is an empty list. (A field's ``min_length`` would also fail a list
    whose items all fail, and name the list's line instead of the faulty item's.)"""
    if value == ():
        raise ValueError("must not be empty")
    return value


def dedup_key(template: str, *, project: str, rule: str, column: str) -> str:
    """``template`` with ``{project}``, ``{rule}`` and ``{column}`` filled in; a ValueError
    naming what is wrong for any other placeholder, or a brace left open.

    >>> dedup_key(DEFAULT_DEDUP, project="credit", rule="psi", column="income")
    'credit/psi/income'
    """
    accepted = "use {project}, {rule} and {column} (a literal brace is written {{ or }})"
    try:
        parts = list(Formatter().parse(template))
    except ValueError:
        raise ValueError(f"a brace is not closed; {accepted}") from None
    for _, field_name, spec, conversion in parts:
        if field_name is None:
            continue
        if field_name not in DEDUP_FIELDS or spec or conversion:
            raise ValueError(f"unknown placeholder {{{field_name}}}; {accepted}")
    return template.format(project=project, rule=rule, column=column)


class Alerts(ConfigModel):
    """Named channels and the rules that notify them. When ``rules`` is not given the
    built-in tiers apply (:func:`driftscope.alerts.rules.effective_rules`), on
    ``key_features`` when given, else on every column; ``rules: []`` means no rules."""

    channels: dict[str, Channel] = Field(default_factory=dict)
    rules: tuple[Rule, ...] = ()
    key_features: tuple[str, ...] | None = None
    base_url: str | None = None
    """The dashboard's address (``driftscope serve``), for links in notifications."""

    @field_validator("base_url")
    @classmethod
    def _http(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"https?://\S+", value):
            raise ValueError("must be the dashboard's address, http://... or https://...")
        return None if value is None else value.rstrip("/")

    @field_validator("key_features")
    @classmethod
    def _some_features(cls, value: tuple[str, ...] | None) -> Any:
        return _not_empty(value)

    @property
    def rules_given(self) -> bool:
        """Whether the file gives ``rules`` (an empty list too); if not, the defaults apply."""
        return "rules" in self.model_fields_set

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
