"""The channel seam: the :class:`Channel` protocol, the :class:`DeliveryError` a channel raises,
and what the HTTP channels share (posting JSON, telling a retryable answer from a final one,
reading ``Retry-After``).

A channel's messages name it by its config name only: never its URL (a Slack webhook URL *is*
its secret), routing key, signing secret or password, so they can be logged as they are.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Protocol, runtime_checkable

import httpx

from driftscope._version import __version__
from driftscope.alerts.events import AlertEvent
from driftscope.errors import DriftscopeError


class DeliveryError(DriftscopeError):
    """A notification did not reach its channel.

    ``retryable`` tells a passing problem (HTTP 429 or 5xx, a refused connection, a timeout)
    from a final one (any other 4xx, a refused login); ``retry_after`` is the wait in seconds
    the receiver asked for, if it did. The message is one line and holds no secret.

    >>> error = DeliveryError("channel 'team-slack': slack answered HTTP 429", retryable=True,
    ...                       retry_after=2.0)
    >>> error.retryable, error.retry_after, str(error)
    (True, 2.0, "channel 'team-slack': slack answered HTTP 429")
    """

    def __init__(self, message: str, *, retryable: bool, retry_after: float | None = None):
        super().__init__(" ".join(message.split()))
        self.retryable = retryable
        self.retry_after = retry_after


@runtime_checkable
class Channel(Protocol):
    """Where notifications go: ``send`` delivers one event or raises :class:`DeliveryError`.

    ``name`` is the channel's name in the config (``team-slack``), the only way messages
    refer to it. ``send`` may be called from any thread; a channel holds no open connection
    between calls, so there is nothing to close.
    """

    @property
    def name(self) -> str:
        """The channel's name in the config."""
        ...

    def send(self, event: AlertEvent) -> None:
        """Deliver ``event``; :class:`DeliveryError` when it did not arrive."""
        ...


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """The wait in seconds a ``Retry-After`` header asks for: delay-seconds or an HTTP date
    (RFC 9110). None when absent or unreadable; never negative.

    >>> parse_retry_after("3")
    3.0
    >>> parse_retry_after("Sun, 01 Mar 2026 00:00:30 GMT", datetime(2026, 3, 1, tzinfo=UTC))
    30.0
    >>> parse_retry_after("soon") is None
    True
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return float(text)
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:  # an HTTP date is GMT by definition
        moment = moment.replace(tzinfo=UTC)
    seconds = (moment - (now or datetime.now(UTC))).total_seconds()
    return max(seconds, 0.0)


def url_secrets(url: str) -> tuple[str, ...]:
    """The parts of a secret URL that must not be shown: the URL as given and as httpx writes
    it, its path and query, and each path segment long enough to be a token.

    >>> for part in url_secrets("https://hooks.slack.com/services/T01/B02/XyZ123abc"):
    ...     print(part)
    https://hooks.slack.com/services/T01/B02/XyZ123abc
    /services/T01/B02/XyZ123abc
    services
    XyZ123abc
    """
    shown = httpx.URL(url)
    path = shown.raw_path.decode("ascii", "replace")
    parts = [url, str(shown), path, *(part for part in path.split("/") if len(part) >= 6)]
    return tuple(dict.fromkeys(part for part in parts if len(part) > 1))


class _HiddenSecrets(logging.Filter):
    """Masks registered secrets in log records: httpx logs every request's URL at INFO, and a
    Slack or webhook URL is a secret."""

    def __init__(self) -> None:
        super().__init__()
        # A tuple swapped whole (longest first), so threads logging meanwhile read a stable one.
        self.secrets: tuple[str, ...] = ()

    def add(self, url: str) -> None:
        new = set(url_secrets(url))
        if not new <= set(self.secrets):
            self.secrets = tuple(sorted(new | set(self.secrets), key=len, reverse=True))

    def filter(self, record: logging.LogRecord) -> bool:
        secrets = self.secrets
        if secrets:
            text = record.getMessage()
            hidden = text
            for secret in secrets:
                hidden = hidden.replace(secret, "***")
            if hidden != text:
                record.msg, record.args = hidden, None
        return True


_HIDDEN = _HiddenSecrets()
logging.getLogger("httpx").addFilter(_HIDDEN)


def post_json(
    channel: str,
    kind: str,
    url: str,
    body: bytes,
    *,
    timeout: float,
    headers: Mapping[str, str] | None = None,
    secrets: tuple[str, ...] = (),
    secret_url: bool = True,
) -> httpx.Response:
    """POST ``body`` (JSON bytes, sent exactly as given) to ``url``; the response when it is a
    2xx, else a :class:`DeliveryError` naming ``channel`` and ``kind`` (``slack``, ...) only.
    ``secrets`` are texts an answer must not be quoted with; a ``secret_url`` is masked in
    httpx's own log lines.

    A client per call: notifications are rare, and nothing is left open between runs.
    """
    if secret_url:
        _HIDDEN.add(url)
    sent = {"Content-Type": "application/json", "User-Agent": _user_agent(), **(headers or {})}
    try:
        with httpx.Client(timeout=timeout, follow_redirects=False) as client:
            response = client.post(url, content=body, headers=sent)
    except httpx.TimeoutException:
        raise DeliveryError(
            f"channel {channel!r}: {kind} did not answer within {timeout:g} s", retryable=True
        ) from None
    except httpx.TransportError as exc:
        # The exception's text may hold the URL; its class name says enough.
        raise DeliveryError(
            f"channel {channel!r}: could not reach {kind} ({type(exc).__name__})", retryable=True
        ) from None
    check_status(channel, kind, response, secrets=(*url_secrets(url), *secrets))
    return response


def check_status(
    channel: str, kind: str, response: httpx.Response, *, secrets: tuple[str, ...] = ()
) -> None:
    """Nothing for a 2xx answer; else the :class:`DeliveryError` it means (SPEC section 9):
    429 and 5xx are retryable (with their ``Retry-After``), every other status is final."""
    status = response.status_code
    if 200 <= status < 300:
        return
    retryable = status == 429 or status >= 500
    retry_after = parse_retry_after(response.headers.get("Retry-After")) if retryable else None
    text = f"channel {channel!r}: {kind} answered HTTP {status}"
    hint = _hint(response, secrets)
    if hint:
        text += f" ({hint})"
    if retry_after is not None:
        text += f"; retry after {retry_after:g} s"
    raise DeliveryError(text, retryable=retryable, retry_after=retry_after)


def dumps(data: Any) -> bytes:
    """Compact JSON bytes (what is sent, and what a signature covers)."""
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


_HINT = re.compile(r"[A-Za-z0-9_ .,:'()-]{1,120}")


def _hint(response: httpx.Response, secrets: tuple[str, ...]) -> str:
    """A short reason from the answer (Slack's ``invalid_payload``, PagerDuty's ``message``),
    only when it is plain words: an error page echoing the request path could hold the URL."""
    try:
        text = response.text.strip()
    except (UnicodeDecodeError, LookupError):
        return ""
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except ValueError:
            return ""
        text = str(data.get("message", "")).strip() if isinstance(data, dict) else ""
    if not _HINT.fullmatch(text) or any(secret and secret in text for secret in secrets):
        return ""
    return text


def _user_agent() -> str:
    return f"driftscope/{__version__}"
