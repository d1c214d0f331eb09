"""Real receivers on 127.0.0.1 for the alert channels: an HTTP server that records every
request and answers as scripted, and an SMTP server (aiosmtpd) that records every mail."""

from __future__ import annotations

import json
import socket
import ssl
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True, slots=True)
class Request:
    """One request as the server got it; header names are lower-cased."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True, slots=True)
class Reply:
    """How the server answers one request; ``hang`` keeps it silent until the test ends."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b"ok"
    hang: bool = False


class Receiver:
    """An HTTP server on 127.0.0.1 answering scripted replies in order (then ``default``)."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.replies: deque[Reply] = deque()
        self.default = Reply()
        self.release = threading.Event()
        self._mutex = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    def script(self, *replies: Reply) -> None:
        self.replies.extend(replies)

    def record(self, request: Request) -> Reply:
        with self._mutex:
            self.requests.append(request)
            return self.replies.popleft() if self.replies else self.default

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
        self._thread.join()


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            headers = {name.lower(): value for name, value in self.headers.items()}
            reply = receiver.record(Request("POST", self.path, headers, body))
            if reply.hang:
                receiver.release.wait(10)
                return
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # quiet: the tests read the recorded requests

    return Handler


def free_port() -> int:
    """A port nothing listens on (for a refused connection, or a server to start)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@dataclass(frozen=True, slots=True)
class Mail:
    sender: str
    recipients: tuple[str, ...]
    content: bytes
    tls: bool = False


class MailHandler:
    """aiosmtpd handler: records each mail, or answers the next scripted refusal."""

    def __init__(self) -> None:
        self.mails: list[Mail] = []
        self.refusals: deque[str] = deque()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refusals:
            return self.refusals.popleft()
        self.mails.append(
            Mail(
                envelope.mail_from,
                tuple(envelope.rcpt_tos),
                bytes(envelope.original_content),
                tls=session.ssl is not None,
            )
        )
        return "250 OK"


class SmtpServer:
    """A running aiosmtpd server on 127.0.0.1; logins succeed for ``user``/``password``.
    With ``tls`` (a server-side SSL context) it offers STARTTLS and requires it."""

    def __init__(
        self, *, user: str = "alerts", password: str = "pw", tls: ssl.SSLContext | None = None
    ) -> None:
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult

        def authenticate(
            server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
        ) -> AuthResult:
            ok = auth_data.login == user.encode() and auth_data.password == password.encode()
            return AuthResult(success=ok, handled=False)

        self.handler = MailHandler()
        self.port = free_port()
        self.controller = Controller(
            self.handler,
            hostname="127.0.0.1",
            port=self.port,
            authenticator=authenticate,
            auth_require_tls=tls is not None,
            tls_context=tls,
            require_starttls=tls is not None,
        )
        self.controller.start()

    @property
    def mails(self) -> list[Mail]:
        return self.handler.mails

    def close(self) -> None:
        self.controller.stop()
