"""What every API route shares: the one-line JSON error, the token check, the project lookup,
the body read with its size limit and RFC 3339 times."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from fastapi import Request

    from driftscope.monitor._config_models import MonitorConfig
    from driftscope.monitor.store.base import Store
    from driftscope.monitor.store.ingest_files import IngestFiles

API = "/api/v1/projects/{project}"
DEFAULT_MAX_BODY = 64 * 2**20
"""The largest request body accepted (bytes): larger is 413."""
T = TypeVar("T")


class ApiError(Exception):
    """An error answered as ``{"error": message}`` with ``status``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Service:
    """What the routes serve: the projects' configs by name, their store, the body limit and
    where large posted bodies are kept (None: in the store)."""

    projects: Mapping[str, MonitorConfig]
    store: Store
    max_body: int = DEFAULT_MAX_BODY
    files: IngestFiles | None = None

    def project(self, name: str) -> MonitorConfig:
        """The config of project ``name``, or 404."""
        config = self.projects.get(name)
        if config is None:
            raise ApiError(404, f"no project {name!r} here")
        return config

    async def allow(self, request: Request, scope: str) -> None:
        """Pass when the request's bearer token is live and its scope covers ``scope``;
        otherwise 401 or 403."""
        from driftscope.auth import Forbidden, Unauthorized, authenticate

        header = request.headers.get("authorization")
        try:
            await run(lambda: authenticate(self.store, header, scope))
        except Unauthorized as exc:
            raise ApiError(401, str(exc)) from None
        except Forbidden as exc:
            raise ApiError(403, str(exc)) from None


async def run(call: Callable[[], T]) -> T:
    """A blocking call (the store's), off the event loop."""
    return await asyncio.to_thread(call)


async def read_body(request: Request, limit: int) -> bytes:
    """The request's body, or 413 as soon as it passes ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise ApiError(413, f"the body is over the limit of {limit:,} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(413, f"the body is over the limit of {limit:,} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def parse_time(text: str | None, name: str) -> datetime | None:
    """``text`` as an aware UTC time (naive is UTC), None for None; 400 naming ``name``."""
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ApiError(
            400, f"{name} must be an RFC 3339 time such as 2026-03-01T00:00:00Z"
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def rfc(moment: datetime) -> str:
    """``moment`` as RFC 3339 in UTC."""
    from driftscope.alerts.events import rfc3339

    return rfc3339(moment)
