"""The service as one FastAPI app: the HTTP API of SPEC section 8 (routes in :mod:`.api`),
its error handlers and, with ``every``, the scheduler.

Every endpoint but ``GET /healthz`` needs ``Authorization: Bearer TOKEN`` (401 without a live
token, 403 when its scope falls short: ``ingest`` may post logs, ``read`` may read, ``admin``
may do both). Every error is JSON ``{"error": "..."}`` in one line; a rejected request stores
nothing. Posted logs are answered 202 only once the store has committed them (SQLite in WAL
mode syncs each commit; PostgreSQL commits durably), and a body kept in a file (``files``)
once the file is synced, before that commit, so a crash after the answer loses none.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from importlib import resources
from typing import TYPE_CHECKING

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from driftscope.errors import DriftscopeError, InputError
from driftscope.io._arrow import first_line
from driftscope.service.api.common import DEFAULT_MAX_BODY, ApiError, Service

if TYPE_CHECKING:
    from driftscope.monitor._config_models import MonitorConfig
    from driftscope.monitor.store.base import Store
    from driftscope.monitor.store.ingest_files import IngestFiles


def create_app(
    configs: Sequence[MonitorConfig],
    store: Store,
    *,
    max_body: int = DEFAULT_MAX_BODY,
    every: float | None = None,
    files: IngestFiles | None = None,
) -> FastAPI:
    """The service's app for ``configs`` (their projects) over ``store``; with ``every``
    (seconds) it also runs the monitor of each project that often (the scheduler); with
    ``files``, posted bodies from :data:`~driftscope.service.ingest.FILE_FROM` bytes are
    kept there, the store keeping where."""
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

    # the docs and the schema are routes of the dashboard's, behind a session (docs.py)
    app = FastAPI(
        title="driftscope", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan
    )
    from driftscope.service.logs import RequestLog

    app.add_middleware(RequestLog)

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> Response:
        return _error(request, exc.status, exc.message)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return _error(request, exc.status_code, str(exc.detail))

    def answer(status: int) -> Callable[[Request, Exception], Awaitable[Response]]:
        async def handler(request: Request, exc: Exception) -> Response:
            return _error(request, status, first_line(exc))

        return handler

    from driftscope.service.dashboard.web import BadFormError, LoginRequiredError, login_redirect

    @app.exception_handler(LoginRequiredError)
    async def _login(request: Request, exc: LoginRequiredError) -> Response:
        del request
        return login_redirect(exc)

    app.add_exception_handler(BadFormError, answer(403))

    from driftscope.errors import ConfigError
    from driftscope.monitor.store.ingest_files import BodyFileError
    from driftscope.service.bodies import BadBodyError, BadValuesError, UnsupportedTypeError

    @app.exception_handler(BodyFileError)
    async def _body_file(request: Request, exc: BodyFileError) -> Response:
        # the server's fault, not the caller's: where its files lie is for its log alone
        logging.getLogger("driftscope.service").error("%s", first_line(exc))
        return _error(request, 500, "a posted log batch cannot be read; see the server's log")

    # the most specific class of an error picks its handler
    app.add_exception_handler(BadBodyError, answer(400))
    app.add_exception_handler(UnsupportedTypeError, answer(415))
    app.add_exception_handler(BadValuesError, answer(422))
    app.add_exception_handler(InputError, answer(422))
    app.add_exception_handler(ConfigError, answer(503))  # the store cannot be used
    app.add_exception_handler(DriftscopeError, answer(400))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        return _error(request, 400, f"{where}: {first.get('msg', 'invalid')}")

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    service = Service(projects, store, max_body, files)
    from driftscope.service.api import logs, read

    app.include_router(logs.router(service))
    app.include_router(read.router(service))
    from fastapi.staticfiles import StaticFiles

    from driftscope.service.dashboard import docs, login, pages

    static = resources.files("driftscope.service.dashboard") / "static"
    app.mount("/static/ui", StaticFiles(directory=str(static)), name="dashboard-assets")
    docs.install(app, service)
    app.include_router(login.router(service))
    app.include_router(pages.router(service))

    return app


def _error(request: Request, status: int, message: str) -> Response:
    """An error as the API answers it (JSON ``{"error": ...}``), or as a page for a person
    (any path outside ``/api/`` and ``/healthz``)."""
    path = request.url.path
    if path.startswith("/api/") or path == "/healthz":
        return JSONResponse({"error": message}, status_code=status)
    from driftscope.service.dashboard.web import render

    return render("error.html", status, status=status, message=message)


def _import_everything_used() -> None:
    """Import, here in the caller's thread, every module the handlers and the scheduler import
    lazily. Requests run on worker threads: two threads importing modules that import each
    other can each see the other's half-initialised module (an ImportError under load)."""
    import importlib

    for name in (
        "driftscope.auth",
        "driftscope.cli.monitor",
        "driftscope.service.ingest",
        "driftscope.service.labels",
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
        "driftscope.report.html",
        "driftscope.auth.sessions",
        "jinja2",
    ):
        importlib.import_module(name)
