"""Generic webhooks (SPEC section 9): the alert as JSON, signed when a secret is set.

Receivers check a request by recomputing ``sha256=`` + hex HMAC-SHA256, keyed by the shared
secret, over ``"<X-Driftscope-Timestamp>.<raw body>"`` and comparing it in constant time; the
timestamp lets them refuse old requests replayed. The body signed is the exact bytes sent.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass
from typing import Any

from pydantic import SecretStr

from driftscope.alerts.channels.base import dumps, post_json
from driftscope.alerts.events import AlertEvent, finite, rfc3339

TIMESTAMP_HEADER = "X-Driftscope-Timestamp"
SIGNATURE_HEADER = "X-Driftscope-Signature"


def webhook_body(event: AlertEvent) -> dict[str, Any]:
    """The JSON body a webhook is sent for ``event``.

    >>> from datetime import datetime, UTC
    >>> from driftscope.alerts.events import ColumnValue
    >>> event = AlertEvent(
    ...     action="triggered", event_id="e1", project="credit", rule="feature-psi",
    ...     dedup_key="credit/feature-psi/income", metric="psi", threshold=0.25,
    ...     direction="above", severity="warning", window_start=datetime(2026, 3, 1, tzinfo=UTC),
    ...     window_end=datetime(2026, 3, 2, tzinfo=UTC), columns=(ColumnValue("income", 0.41),))
    >>> body = webhook_body(event)
    >>> body["event"], body["alert"]["column"], body["alert"]["window_end"]
    ('alert.triggered', 'income', '2026-03-02T00:00:00Z')
    """
    return {
        "event": f"alert.{event.action}",
        "event_id": event.event_id,
        "alert": {
            "dedup_key": event.dedup_key,
            "project": event.project,
            "rule": event.rule,
            "column": event.column,
            "metric": event.metric,
            "value": finite(event.value),
            "threshold": finite(event.threshold),
            "direction": event.direction,
            "severity": event.severity,
            "window_start": rfc3339(event.window_start),
            "window_end": rfc3339(event.window_end),
            "columns": [
                {"column": item.column, "value": finite(item.value)} for item in event.columns
            ],
        },
    }


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The ``X-Driftscope-Signature`` value for ``body`` sent at ``timestamp``.

    >>> sign("s3cret", "1772323200", b'{"event":"alert.triggered"}')[:15]
    'sha256=11e9997b'
    """
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


@dataclass(frozen=True, slots=True)
class WebhookChannel:
    """Posts the alert as JSON to ``url``, signed with ``secret`` when one is given.

    >>> WebhookChannel(name="hook", url=SecretStr("https://hooks.example.com/x"))
    WebhookChannel(name='hook', url=SecretStr('**********'), secret=None, timeout=10.0)
    """

    name: str
    url: SecretStr
    secret: SecretStr | None = None
    timeout: float = 10.0

    def send(self, event: AlertEvent) -> None:
        """Post ``event``; :class:`~driftscope.alerts.channels.base.DeliveryError` if refused."""
        body = dumps(webhook_body(event))
        timestamp = str(int(time.time()))
        headers = {TIMESTAMP_HEADER: timestamp}
        secrets: tuple[str, ...] = ()
        if self.secret is not None:
            secret = self.secret.get_secret_value()
            headers[SIGNATURE_HEADER] = sign(secret, timestamp, body)
            secrets = (secret,)
        post_json(
            self.name,
            "the webhook",
            self.url.get_secret_value(),
            body,
            timeout=self.timeout,
            headers=headers,
            secrets=secrets,
        )
