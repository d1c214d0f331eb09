"""``POST .../logs``: inference logs posted by models, and ``POST .../labels``: their late
labels; both answered 202 once committed."""

from __future__ import annotations

from fastapi import APIRouter, Request

from driftscope.service.api.common import API, Service, read_body, run


def router(service: Service) -> APIRouter:
    """The routes that take posted rows."""
    # Imported here, in the caller's thread, not by the first request's worker thread.
    from driftscope.service import labels as _labels

    routes = APIRouter()

    @routes.post(API + "/logs", status_code=202)
    async def post_logs(project: str, request: Request) -> dict[str, int]:
        await service.allow(request, "ingest")
        config = service.project(project)
        body = await read_body(request, service.max_body)
        from driftscope.service.ingest import store_rows

        accepted = await run(
            lambda: store_rows(
                service.store, config, body, request.headers.get("content-type"), service.files
            )
        )
        return {"accepted": accepted}

    @routes.post(API + "/labels", status_code=202)
    async def post_labels(project: str, request: Request) -> dict[str, int]:
        """Late labels: rows with the project's id and target columns. ``matched`` counts the
        posted ids that belong to rows posted to ``.../logs`` (not rows of log files or SQL
        tables, which the service does not hold)."""
        await service.allow(request, "ingest")
        config = service.project(project)
        _labels.join_columns(config)  # 422 before the body is read
        body = await read_body(request, service.max_body)
        accepted, matched = await run(
            lambda: _labels.store_labels(
                service.store, config, body, request.headers.get("content-type")
            )
        )
        return {"accepted": accepted, "matched": matched}

    return routes
