"""PagerDuty Events API v2 (SPEC section 9): a ``trigger`` event when an alert opens (or is
re-notified), a ``resolve`` when it resolves, both under the alert's dedup key so PagerDuty
folds them into one incident. PagerDuty answers 202 when it accepts an event.

The routing key is the secret; the endpoint (``url``) is not, but messages leave it out too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import SecretStr

from driftscope.alerts.channels.base import dumps, post_json
from driftscope.alerts.events import AlertEvent, finite, rfc3339
from driftscope.monitor._config_alerts import PAGERDUTY_EVENTS_URL

MAX_SUMMARY = 1024
"""PagerDuty truncates a longer summary; we cut it ourselves so it ends visibly."""


def pagerduty_event(
    event: AlertEvent, routing_key: str, base_url: str | None = None
) -> dict[str, Any]:
    """The Events API v2 body for ``event``.

    >>> from datetime import datetime, UTC
    >>> from driftscope.alerts.events import ColumnValue
    >>> event = AlertEvent(
    ...     action="resolved", event_id="e2", project="credit", rule="feature-psi",
    ...     dedup_key="credit/feature-psi/income", metric="psi", threshold=0.25,
    ...     direction="above", severity="error", window_start=datetime(2026, 3, 1, tzinfo=UTC),
    ...     window_end=datetime(2026, 3, 2, tzinfo=UTC), columns=(ColumnValue("income", 0.1),))
    >>> pagerduty_event(event, "KEY")
    {'routing_key': 'KEY', 'event_action': 'resolve', 'dedup_key': 'credit/feature-psi/income'}
    """
    if event.action == "resolved":
        return {"routing_key": routing_key, "event_action": "resolve", "dedup_key": event.dedup_key}
    summary = event.summary
    if len(summary) > MAX_SUMMARY:
        summary = summary[: MAX_SUMMARY - 1] + "…"
    details: dict[str, Any] = {
        "rule": event.rule,
        "metric": event.metric,
        "value": finite(event.value),
        "threshold": finite(event.threshold),
        "direction": event.direction,
        "window": {"start": rfc3339(event.window_start), "end": rfc3339(event.window_end)},
        "columns": {item.column: finite(item.value) for item in event.columns},
    }
    if event.top_drifted:
        details["top_drifted"] = {item.column: finite(item.value) for item in event.top_drifted}
    body: dict[str, Any] = {
        "routing_key": routing_key,
        "event_action": "trigger",
        "dedup_key": event.dedup_key,
        "payload": {
            "summary": summary,
            "source": f"driftscope/{event.project}",
            "severity": event.severity,
            "timestamp": rfc3339(event.window_end),
            "component": event.column,
            "custom_details": details,
        },
    }
    link = base_url or event.base_url
    if link:
        href = f"{link.rstrip('/')}/projects/{event.project}"
        body["links"] = [{"href": href, "text": f"{event.project} in the driftscope dashboard"}]
    return body


@dataclass(frozen=True, slots=True)
class PagerDutyChannel:
    """Sends Events API v2 events to PagerDuty (or to ``url``, e.g. a test server).

    >>> PagerDutyChannel(name="oncall", routing_key=SecretStr("R0UT1NG"))  # doctest: +ELLIPSIS
    PagerDutyChannel(name='oncall', routing_key=SecretStr('**********'), url='https://...', ...)
    """

    name: str
    routing_key: SecretStr
    url: str = PAGERDUTY_EVENTS_URL
    timeout: float = 10.0
    base_url: str | None = None

    def send(self, event: AlertEvent) -> None:
        """Send ``event``; :class:`~driftscope.alerts.channels.base.DeliveryError` if refused."""
        key = self.routing_key.get_secret_value()
        body = dumps(pagerduty_event(event, key, self.base_url))
        post_json(
            self.name,
            "pagerduty",
            self.url,
            body,
            timeout=self.timeout,
            secrets=(key,),
            secret_url=False,
        )
