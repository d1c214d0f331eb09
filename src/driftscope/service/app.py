"""The HTTP API of SPEC section 8 as a FastAPI app over a project's store.

Every endpoint but ``GET /healthz`` needs ``Authorization: Bearer TOKEN`` (401 without a live
token, 403 when its scope falls short: ``ingest`` may post logs, ``read`` may read, ``admin``
may do both). Every error is JSON ``{"error": "..."}`` in one line; a rejected request stores
nothing. Posted logs are answered 202 only once the store has committed them (SQLite in WAL
mode syncs each commit; PostgreSQL commits durably), so a crash after the answer loses none.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from driftscope.alerts.events import finite
from driftscope.errors import DriftscopeError, InputError

if TYPE_CHECKING:
    from driftscope.monitor._config_models import MonitorConfig
    from driftscope.monitor.store.base import Store

DEFAULT_MAX_BODY = 64 * 2**20
"""The largest request body accepted (bytes): larger is 413."""
API = "/api/v1/projects/{project}"


class ApiError(Exception):
    """An error answered as ``{"error": message}`` with ``status``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def create_app(
    configs: Sequence[MonitorConfig],
    store: Store,
    *,
    max_body: int = DEFAULT_MAX_BODY,
    every: float | None = None,
) -> FastAPI:
    """The service's app for ``configs`` (their projects) over ``store``; with ``every``
    (seconds) it also runs the monitor of each project that often (the scheduler)."""
    projects = {config.project: config for config in configs}
    _import_everything_used()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        del app
        task = None
        if every is not None:
            from driftscope.service.scheduler import schedule

            task = asyncio.create_task(schedule(list(configs), store, every))
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    app = FastAPI(
        title="driftscope",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=lifespan,
    )

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        del request
        return JSONResponse({"error": exc.message}, status_code=exc.status)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        del request
        return JSONResponse({"error": str(exc.detail)}, status_code=exc.status_code)

    def answer(status: int) -> Callable[[Request, Exception], Awaitable[JSONResponse]]:
        async def handler(request: Request, exc: Exception) -> JSONResponse:
            del request
            return JSONResponse({"error": _one_line(exc)}, status_code=status)

        return handler

    from driftscope.errors import ConfigError
    from driftscope.service.bodies import BadBodyError, BadValuesError, UnsupportedTypeError

    # the most specific class of an error picks its handler
    app.add_exception_handler(BadBodyError, answer(400))
    app.add_exception_handler(UnsupportedTypeError, answer(415))
    app.add_exception_handler(BadValuesError, answer(422))
    app.add_exception_handler(InputError, answer(422))
    app.add_exception_handler(ConfigError, answer(503))  # the store cannot be used
    app.add_exception_handler(DriftscopeError, answer(400))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        del request
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        return JSONResponse({"error": f"{where}: {first.get('msg', 'invalid')}"}, status_code=400)

    def project_of(name: str) -> MonitorConfig:
        config = projects.get(name)
        if config is None:
            raise ApiError(404, f"no project {name!r} here")
        return config

    async def run(call: Callable[[], Any]) -> Any:
        """The store's blocking calls, off the event loop."""
        return await asyncio.to_thread(call)

    async def allow(request: Request, scope: str) -> None:
        from driftscope.auth import Forbidden, Unauthorized, authenticate

        header = request.headers.get("authorization")
        try:
            await run(lambda: authenticate(store, header, scope))
        except Unauthorized as exc:
            raise ApiError(401, str(exc)) from None
        except Forbidden as exc:
            raise ApiError(403, str(exc)) from None

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post(API + "/logs", status_code=202)
    async def post_logs(project: str, request: Request) -> dict[str, int]:
        await allow(request, "ingest")
        config = project_of(project)
        body = await _body(request, max_body)
        from driftscope.service.ingest import store_rows

        accepted = await run(
            lambda: store_rows(store, config, body, request.headers.get("content-type"))
        )
        return {"accepted": accepted}

    @app.get(API + "/windows")
    async def get_windows(
        project: str, request: Request, since: str | None = None, until: str | None = None
    ) -> dict[str, Any]:
        await allow(request, "read")
        config = project_of(project)
        start, end = _time(since, "since"), _time(until, "until")
        from driftscope.cli.monitor import drifted_columns

        windows = await run(lambda: store.windows(config.project, start, end))
        return {
            "windows": [
                {
                    "start": _rfc(w.start),
                    "end": _rfc(w.end),
                    "rows": w.rows,
                    "severity": w.severity,
                    "status": w.status,
                    "drifted_columns": drifted_columns(w.report),
                }
                for w in windows
            ]
        }

    @app.get(API + "/metrics")
    async def get_metrics(
        project: str,
        request: Request,
        metric: str | None = None,
        column: str | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> dict[str, Any]:
        await allow(request, "read")
        config = project_of(project)
        start, end = _time(since, "since"), _time(until, "until")
        points = await run(lambda: store.points(config.project, metric, column, start, end))
        return {
            "points": [
                {
                    "window_start": _rfc(p.window_start),
                    "window_end": _rfc(p.window_end),
                    "column": p.column,
                    "metric": p.metric,
                    "value": finite(p.value),
                }
                for p in points
            ]
        }

    @app.get(API + "/alerts")
    async def get_alerts(project: str, request: Request, state: str = "open") -> dict[str, Any]:
        await allow(request, "read")
        config = project_of(project)
        if state not in ("open", "resolved", "all"):
            raise ApiError(400, f"state must be open, resolved or all; got {state!r}")
        from driftscope.cli.monitor import alert_dict

        chosen = None if state == "all" else state
        alerts = await run(lambda: store.alerts(config.project, chosen))  # type: ignore[arg-type]
        return {"alerts": [alert_dict(a) for a in alerts]}

    return app


def _import_everything_used() -> None:
    """Import, here in the caller's thread, every module the handlers and the scheduler import
    lazily. Requests run on worker threads: two threads importing modules that import each
    other can each see the other's half-initialised module (an ImportError under load)."""
    import importlib

    for name in (
        "driftscope.auth",
        "driftscope.cli.monitor",
        "driftscope.service.ingest",
        "driftscope.service.scheduler",
        "driftscope.monitor.sources",
        "driftscope.monitor.sources.ingest",
        "driftscope.monitor.run",
        "driftscope.monitor.compute",
        "driftscope.monitor.labels",
        "driftscope.engine.compare",
        "driftscope.engine.performance",
        "driftscope.profiling",
        "driftscope.alerts.rules",
        "driftscope.alerts.channels",
        "driftscope.alerts.outbox",
        "driftscope.report.json_format",
    ):
        importlib.import_module(name)


async def _body(request: Request, limit: int) -> bytes:
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


def _time(text: str | None, name: str) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ApiError(
            400, f"{name} must be an RFC 3339 time such as 2026-03-01T00:00:00Z"
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _rfc(moment: datetime) -> str:
    from driftscope.alerts.events import rfc3339

    return rfc3339(moment)


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
