"""Email over SMTP (SPEC section 9): optionally STARTTLS and login; the subject
``[driftscope] <SEVERITY> <project>: <rule> <column>`` (``RESOLVED`` for a resolve) and a
plain-text and an HTML part, every user string escaped in the HTML.

SMTP's own codes decide what is retried: a 4xx reply (and a lost or refused connection, or a
timeout) is passing, a 5xx reply, a refused login or a missing STARTTLS is final.
"""

from __future__ import annotations

import html
import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from pydantic import SecretStr

from driftscope.alerts.channels.base import DeliveryError
from driftscope.alerts.events import AlertEvent, ColumnValue, rfc3339


def subject(event: AlertEvent) -> str:
    """The subject line of ``event``'s mail (line breaks in names become spaces).

    >>> from datetime import datetime, UTC
    >>> event = AlertEvent(
    ...     action="triggered", event_id="e1", project="credit", rule="feature-psi",
    ...     dedup_key="credit/feature-psi/income", metric="psi", threshold=0.25,
    ...     direction="above", severity="warning", window_start=datetime(2026, 3, 1, tzinfo=UTC),
    ...     window_end=datetime(2026, 3, 2, tzinfo=UTC), columns=(ColumnValue("income", 0.41),))
    >>> subject(event)
    '[driftscope] WARNING credit: feature-psi income'
    """
    level = "RESOLVED" if event.action == "resolved" else event.severity.upper()
    return " ".join(f"[driftscope] {level} {event.project}: {event.rule} {event.column}".split())


def plain_text(event: AlertEvent, base_url: str | None = None) -> str:
    """The text/plain part."""
    lines = [
        event.summary,
        "",
        f"Window: {rfc3339(event.window_start)} - {rfc3339(event.window_end)}",
        f"Rule: {event.rule} ({event.metric} {event.direction} {event.threshold:.4g})",
        "",
        f"{event.metric} by column:",
        *(f"  {item.column}: {_value(item.value)}" for item in event.columns),
    ]
    if event.top_drifted:
        lines += ["", "Top drifted columns:"]
        lines += [f"  {item.column}: {_value(item.value)}" for item in event.top_drifted]
    link = _link(event, base_url)
    if link:
        lines += ["", f"Dashboard: {link}"]
    return "\n".join(lines) + "\n"


def html_text(event: AlertEvent, base_url: str | None = None) -> str:
    """The text/html part; every string that comes from data or config is escaped."""
    e = html.escape
    parts = [
        f"<h2>{e(event.summary)}</h2>",
        f"<p>Window: {e(rfc3339(event.window_start))} &ndash; {e(rfc3339(event.window_end))}<br>",
        f"Rule: {e(event.rule)} ({e(event.metric)} {e(event.direction)} {event.threshold:.4g})</p>",
        _table(f"{event.metric} by column", event.columns),
    ]
    if event.top_drifted:
        parts.append(_table("Top drifted columns", event.top_drifted))
    link = _link(event, base_url)
    if link:
        parts.append(f'<p><a href="{e(link)}">Open {e(event.project)} in the dashboard</a></p>')
    return "<html><body>\n" + "\n".join(parts) + "\n</body></html>\n"


@dataclass(frozen=True, slots=True)
class EmailChannel:
    """Sends a mail per event through the SMTP server at ``host``:``port``.

    >>> EmailChannel(name="mail", host="localhost", sender="a@b.c", to=("x@b.c",),
    ...              password=SecretStr("hunter2"))  # doctest: +NORMALIZE_WHITESPACE
    EmailChannel(name='mail', host='localhost', sender='a@b.c', to=('x@b.c',), port=25,
                 username=None, password=SecretStr('**********'), starttls=False, timeout=10.0,
                 base_url=None)
    """

    name: str
    host: str
    sender: str
    to: tuple[str, ...]
    port: int = 25
    username: str | None = None
    password: SecretStr | None = None
    starttls: bool = False
    timeout: float = 10.0
    base_url: str | None = None

    def message(self, event: AlertEvent) -> EmailMessage:
        """The mail sent for ``event``."""
        mail = EmailMessage()
        mail["Subject"] = subject(event)
        mail["From"] = self.sender
        mail["To"] = ", ".join(self.to)
        mail["Date"] = formatdate(localtime=False, usegmt=True)
        mail["Message-ID"] = make_msgid(domain="driftscope")
        mail.set_content(plain_text(event, self.base_url))
        mail.add_alternative(html_text(event, self.base_url), subtype="html")
        return mail

    def send(self, event: AlertEvent) -> None:
        """Mail ``event``; :class:`~driftscope.alerts.channels.base.DeliveryError` if refused."""
        where = f"channel {self.name!r}: SMTP server {self.host}:{self.port}"
        try:
            mail = self.message(event)
        except ValueError as exc:  # e.g. a line break in an address
            raise DeliveryError(
                f"channel {self.name!r}: cannot write the mail ({exc})", retryable=False
            ) from None
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.username is not None:
                    password = "" if self.password is None else self.password.get_secret_value()
                    smtp.login(self.username, password)
                smtp.send_message(mail, from_addr=self.sender, to_addrs=list(self.to))
        except smtplib.SMTPAuthenticationError as exc:
            raise DeliveryError(
                f"{where} refused the login of {self.username!r} ({exc.smtp_code})",
                retryable=False,
            ) from None
        except smtplib.SMTPNotSupportedError:
            raise DeliveryError(
                f"{where} offers no STARTTLS (or no login); change starttls/username",
                retryable=False,
            ) from None
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            raise DeliveryError(
                f"{where} refused the recipients {sorted(exc.recipients)} ({_codes(codes)})",
                retryable=all(400 <= code < 500 for code in codes),
            ) from None
        except smtplib.SMTPResponseException as exc:
            raise DeliveryError(
                f"{where} answered {exc.smtp_code}", retryable=400 <= exc.smtp_code < 500
            ) from None
        except ssl.SSLCertVerificationError:
            raise DeliveryError(
                f"{where}: its TLS certificate could not be verified", retryable=False
            ) from None
        except TimeoutError:
            raise DeliveryError(
                f"{where} did not answer within {self.timeout:g} s", retryable=True
            ) from None
        except (OSError, smtplib.SMTPException) as exc:
            # Refused or lost connections, and SMTPServerDisconnected; the class names it.
            raise DeliveryError(
                f"{where} could not be reached ({type(exc).__name__})", retryable=True
            ) from None


def _table(title: str, columns: Sequence[ColumnValue]) -> str:
    e = html.escape
    rows = "".join(
        f"<tr><td>{e(item.column)}</td><td>{e(_value(item.value))}</td></tr>" for item in columns
    )
    return f"<h3>{e(title)}</h3>\n<table>{rows}</table>"


def _link(event: AlertEvent, base_url: str | None) -> str | None:
    link = base_url or event.base_url
    return f"{link.rstrip('/')}/projects/{event.project}" if link else None


def _value(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4g}"


def _codes(codes: list[int]) -> str:
    return ", ".join(str(code) for code in sorted(set(codes)))
