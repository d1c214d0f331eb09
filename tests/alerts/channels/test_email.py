"""Email through a real SMTP server (aiosmtpd on 127.0.0.1), with STARTTLS on a certificate
made for the test (``cryptography``) that the client trusts through ``SSL_CERT_FILE``, as an
operator would point OpenSSL at a private CA."""

from __future__ import annotations

import email
import email.policy
import ipaddress
import ssl
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from pydantic import SecretStr

from driftscope.alerts.channels import DeliveryError, EmailChannel
from driftscope.testing.channel import awkward_event, sample_event
from tests.alerts._receivers import SmtpServer, free_port


def channel_for(port: int, **options: object) -> EmailChannel:
    settings: dict[str, object] = {
        "name": "mail",
        "host": "127.0.0.1",
        "port": port,
        "sender": "driftscope@example.com",
        "to": ("oncall@example.com", "team@example.com"),
        "timeout": 5.0,
        "base_url": "https://drift.example.com",
    } | options
    return EmailChannel(**settings)  # type: ignore[arg-type]


def parsed(content: bytes) -> EmailMessage:
    message = email.message_from_bytes(content, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def parts(message: EmailMessage) -> tuple[str, str]:
    plain = message.get_body(("plain",))
    rich = message.get_body(("html",))
    assert plain is not None
    assert rich is not None
    return plain.get_content(), rich.get_content()


def test_a_mail_has_the_subject_recipients_and_both_parts(smtp_server):
    channel_for(smtp_server.port).send(sample_event())

    (mail,) = smtp_server.mails
    assert mail.sender == "driftscope@example.com"
    assert mail.recipients == ("oncall@example.com", "team@example.com")
    message = parsed(mail.content)
    assert message["Subject"] == "[driftscope] WARNING fraud: feature-psi amount"
    assert message["From"] == "driftscope@example.com"
    assert message["To"] == "oncall@example.com, team@example.com"
    assert message.get_content_type() == "multipart/alternative"
    plain, rich = parts(message)
    assert plain.startswith("WARNING fraud: feature-psi on amount (psi 0.41 above 0.25)")
    assert "Window: 2026-03-01T00:00:00Z - 2026-03-02T00:00:00Z" in plain
    assert "  country: 0.405" in plain
    assert "  device: 0.2" in plain
    assert "Dashboard: https://drift.example.com/projects/fraud" in plain
    assert "<td>country</td><td>0.405</td>" in rich
    assert '<a href="https://drift.example.com/projects/fraud">' in rich


def test_a_resolve_says_resolved_in_the_subject(smtp_server):
    channel_for(smtp_server.port).send(sample_event("resolved"))

    message = parsed(smtp_server.mails[0].content)
    assert message["Subject"] == "[driftscope] RESOLVED fraud: feature-psi amount"


def test_user_strings_are_escaped_in_html_and_kept_on_one_subject_line(smtp_server):
    channel_for(smtp_server.port).send(awkward_event())

    message = parsed(smtp_server.mails[0].content)
    assert message["Subject"] == (
        '[driftscope] CRITICAL fraud: psi <b>&</b> "quoted" second line '
        "col<script>alert(1)</script>"
    )
    plain, rich = parts(message)
    assert "<script>" not in rich
    assert "col&lt;script&gt;alert(1)&lt;/script&gt;" in rich
    assert "psi &lt;b&gt;&amp;&lt;/b&gt; &quot;quoted&quot;" in rich
    assert "größe ✓" in rich
    assert "col<script>alert(1)</script>: n/a" in plain


def test_a_login_is_made_when_a_username_is_given(smtp_server):
    channel_for(smtp_server.port, username="alerts", password=SecretStr("pw")).send(sample_event())

    assert len(smtp_server.mails) == 1


def test_a_refused_login_is_final(smtp_server):
    channel = channel_for(smtp_server.port, username="alerts", password=SecretStr("wrong"))

    with pytest.raises(DeliveryError) as caught:
        channel.send(sample_event())

    assert not caught.value.retryable
    assert "refused the login of 'alerts' (535)" in str(caught.value)
    assert smtp_server.mails == []


@pytest.mark.parametrize(
    ("reply", "retryable"),
    [("451 4.3.0 try again later", True), ("554 5.6.0 message refused", False)],
    ids=["4xx-passing", "5xx-final"],
)
def test_smtp_codes_decide_whether_a_failure_is_retried(smtp_server, reply, retryable):
    smtp_server.handler.refusals.append(reply)

    with pytest.raises(DeliveryError) as caught:
        channel_for(smtp_server.port).send(sample_event())

    assert caught.value.retryable is retryable
    assert str(caught.value) == (
        f"channel 'mail': SMTP server 127.0.0.1:{smtp_server.port} answered {reply[:3]}"
    )


def test_starttls_on_a_server_that_offers_none_is_final(smtp_server):
    with pytest.raises(DeliveryError) as caught:
        channel_for(smtp_server.port, starttls=True).send(sample_event())

    assert not caught.value.retryable
    assert "offers no STARTTLS" in str(caught.value)


def _certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and its key, as PEM files."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[SmtpServer, Path]]:
    pytest.importorskip("cryptography")
    cert, key = _certificate(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    server = SmtpServer(tls=context)
    try:
        yield server, cert
    finally:
        server.close()


def test_starttls_and_login_deliver_over_tls(tls_server, monkeypatch):
    server, cert = tls_server
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the client trusts the test's certificate
    channel = channel_for(server.port, starttls=True, username="alerts", password=SecretStr("pw"))
    channel.send(sample_event())

    (mail,) = server.mails
    assert mail.tls
    assert mail.recipients == ("oncall@example.com", "team@example.com")


def test_a_server_requiring_starttls_refuses_a_plain_mail(tls_server):
    server, _ = tls_server
    with pytest.raises(DeliveryError) as caught:
        channel_for(server.port).send(sample_event())
    assert not caught.value.retryable
    assert server.mails == []


def test_an_untrusted_certificate_is_final_and_sends_nothing(tls_server, monkeypatch):
    server, _ = tls_server
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    with pytest.raises(DeliveryError) as caught:
        channel_for(server.port, starttls=True).send(sample_event())
    assert not caught.value.retryable
    assert "TLS certificate could not be verified" in str(caught.value)
    assert server.mails == []


def test_a_refused_connection_is_retryable():
    with pytest.raises(DeliveryError) as caught:
        channel_for(free_port()).send(sample_event())

    assert caught.value.retryable
    assert "could not be reached (ConnectionRefusedError)" in str(caught.value)
