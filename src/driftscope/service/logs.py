"""The service's logs: one JSON object per line on stderr (``--log-format json``, the
default) or plain text for a terminal, and one line per HTTP request.

A request's line has its method, path (never its query string or headers, so no token,
password or session reaches a log), status, duration and the client's address. The
scheduler's and the alert outbox's messages go through the same handler.

>>> import logging
>>> record = logging.LogRecord("driftscope.http", logging.INFO, "", 0, "GET /", None, None)
>>> record.status = 200
>>> line = JsonFormatter().format(record)
>>> import json; (json.loads(line)["message"], json.loads(line)["status"])
('GET /', 200)
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Awaitable, Callable, MutableMapping
from datetime import UTC, datetime
from typing import Any, Literal

LogFormat = Literal["json", "text"]
FIELDS = ("method", "path", "status", "ms", "client", "project")
"""The extra fields a line may carry, besides time, level, logger and message."""
http_logger = logging.getLogger("driftscope.http")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class JsonFormatter(logging.Formatter):
    """A log record as one line of JSON: ``time`` (RFC 3339, UTC), ``level``, ``logger``,
    ``message``, the :data:`FIELDS` it has and, for an exception, ``error``."""

    def format(self, record: logging.LogRecord) -> str:
        moment = datetime.fromtimestamp(record.created, UTC)
        line: dict[str, Any] = {
            "time": moment.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in FIELDS:
            if hasattr(record, name):
                line[name] = getattr(record, name)
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def configure(fmt: LogFormat = "json", level: int = logging.INFO) -> None:
    """Send every logger's records (driftscope's, uvicorn's) to stderr in ``fmt``, replacing
    handlers set before (a second call does not double the lines)."""
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("driftscope: %(message)s"))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.WARNING)  # libraries: warnings and worse
    logging.getLogger("driftscope").setLevel(level)
    logging.getLogger("uvicorn.error").setLevel(level)


class RequestLog:
    """ASGI middleware: one ``driftscope.http`` line per HTTP request, once it is answered."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        began = time.perf_counter()
        status = 500  # what the client gets when the app fails before answering

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            client = scope.get("client")
            path = str(scope.get("path", ""))
            http_logger.info(
                "%s %s %d",
                scope.get("method", ""),
                path,
                status,
                extra={
                    "method": scope.get("method", ""),
                    "path": path,
                    "status": status,
                    "ms": round((time.perf_counter() - began) * 1000, 2),
                    "client": client[0] if client else None,
                },
            )
