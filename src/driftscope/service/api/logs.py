"""``POST .../logs``: inference logs posted by models, answered 202 once committed."""

from __future__ import annotations

from fastapi import APIRouter, Request

from driftscope.service.api.common import API, Service, read_body, run


def router(service: Service) -> APIRouter:
    """The routes that take posted rows."""
    routes = APIRouter()

    @routes.post(API + "/logs", status_code=202)
    async def post_logs(project: str, request: Request) -> dict[str, int]:
        await service.allow(request, "ingest")
        config = service.project(project)
        body = await read_body(request, service.max_body)
        from driftscope.service.ingest import store_rows

        accepted = await run(
            lambda: store_rows(service.store, config, body, request.headers.get("content-type"))
        )
        return {"accepted": accepted}

    return routes
