"""Slack incoming webhooks (SPEC section 9): ``text`` is the one-line summary, ``blocks`` the
summary, the window, the alert's columns with their values, the window's top drifted columns
and a link to the dashboard when a base URL is known.

The webhook URL is the secret (anyone holding it can post), so it is kept as a
:class:`~pydantic.SecretStr` and never shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import SecretStr

from driftscope.alerts.channels.base import dumps, post_json
from driftscope.alerts.events import AlertEvent, ColumnValue, rfc3339

MAX_LISTED = 20
"""Columns listed in one block; the rest are counted (a section holds at most 3000 chars)."""


def escape(text: str) -> str:
    """``text`` with Slack's mrkdwn control characters escaped (``&``, ``<``, ``>``).

    >>> escape("a<b> & <!channel>")
    'a&lt;b&gt; &amp; &lt;!channel&gt;'
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_message(event: AlertEvent, base_url: str | None = None) -> dict[str, Any]:
    """The JSON body Slack is sent for ``event``.

    >>> from datetime import datetime, UTC
    >>> from driftscope.alerts.events import ColumnValue
    >>> event = AlertEvent(
    ...     action="triggered", event_id="e1", project="credit", rule="feature-psi",
    ...     dedup_key="credit/feature-psi/income", metric="psi", threshold=0.25,
    ...     direction="above", severity="warning", window_start=datetime(2026, 3, 1, tzinfo=UTC),
    ...     window_end=datetime(2026, 3, 2, tzinfo=UTC), columns=(ColumnValue("income", 0.41),))
    >>> message = slack_message(event, "https://drift.example.com")
    >>> message["text"]
    'WARNING credit: feature-psi on income (psi 0.41 above 0.25)'
    >>> message["blocks"][-1]["elements"][0]["text"]
    '<https://drift.example.com/projects/credit|Open credit in the dashboard>'
    """
    summary = escape(event.summary)
    window = f"{rfc3339(event.window_start)} – {rfc3339(event.window_end)}"
    blocks: list[dict[str, Any]] = [
        _section(f"*{summary}*"),
        _section(f"*Window*\n{window}"),
        _section(f"*{escape(event.metric)} by column*\n{_listed(event.columns)}"),
    ]
    if event.top_drifted:
        blocks.append(_section(f"*Top drifted columns*\n{_listed(event.top_drifted)}"))
    link = base_url or event.base_url
    if link:
        href = escape(f"{link.rstrip('/')}/projects/{event.project}").replace("|", "%7C")
        text = f"<{href}|Open {escape(event.project)} in the dashboard>"
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": text}]})
    return {"text": summary, "blocks": blocks}


@dataclass(frozen=True, slots=True)
class SlackChannel:
    """Posts to a Slack incoming webhook.

    ``name`` is the channel's config name, ``url`` the webhook URL, ``timeout`` the seconds
    one request may take, ``base_url`` the dashboard's address (for the link).

    >>> SlackChannel(name="team-slack", url=SecretStr("https://hooks.slack.com/services/T/B/X"))
    SlackChannel(name='team-slack', url=SecretStr('**********'), timeout=10.0, base_url=None)
    """

    name: str
    url: SecretStr
    timeout: float = 10.0
    base_url: str | None = None

    def send(self, event: AlertEvent) -> None:
        """Post ``event``; :class:`~driftscope.alerts.channels.base.DeliveryError` if refused."""
        body = dumps(slack_message(event, self.base_url))
        post_json(self.name, "slack", self.url.get_secret_value(), body, timeout=self.timeout)


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _listed(columns: Sequence[ColumnValue]) -> str:
    lines = [f"• {_name(item.column)}: {_value(item.value)}" for item in columns[:MAX_LISTED]]
    if len(columns) > MAX_LISTED:
        lines.append(f"… and {len(columns) - MAX_LISTED} more")
    return "\n".join(lines)


def _name(column: str) -> str:
    # Column names may be long; 20 of them must still fit a section's 3000 characters.
    return escape(column if len(column) <= 100 else column[:99] + "…")


def _value(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4g}"
