"""The API's documentation for people: Swagger UI at ``/api/docs`` over ``/api/openapi.json``,
its script and stylesheet served from the installed fastapi-offline package (no CDN), both
behind a session (a person) or a ``read`` token (a program fetching the schema)."""

from __future__ import annotations

from importlib import resources
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from driftscope.service.api.common import Service
from driftscope.service.dashboard.web import person

ASSETS = "/static/docs"


def install(app: FastAPI, service: Service) -> None:
    """Add the documentation routes and Swagger UI's files to ``app``."""
    folder = resources.files("fastapi_offline") / "static"
    app.mount(ASSETS, StaticFiles(directory=str(folder)), name="docs-assets")
    routes = APIRouter(include_in_schema=False)

    @routes.get("/api/docs")
    async def docs(request: Request) -> Response:
        await person(request, service.store)
        page = get_swagger_ui_html(
            openapi_url="/api/openapi.json",
            title="driftscope API",
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon.png",
        )
        page.headers["X-Frame-Options"] = "DENY"
        page.headers["X-Content-Type-Options"] = "nosniff"
        return page

    @routes.get("/api/openapi.json")
    async def schema(request: Request) -> Response:
        if "authorization" in request.headers:
            await service.allow(request, "read")
        else:
            await person(request, service.store)
        return JSONResponse(with_bearer(app.openapi()))

    app.include_router(routes)


def with_bearer(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with its API paths marked as taking a bearer token, so that Swagger UI
    offers "Authorize" and its "Try it out" calls carry the token (changed in place: FastAPI
    keeps one schema per app).

    >>> with_bearer({"paths": {"/api/v1/x": {"get": {}}, "/healthz": {"get": {}}}})["paths"]
    {'/api/v1/x': {'get': {'security': [{'token': []}]}}, '/healthz': {'get': {}}}
    """
    components = schema.setdefault("components", {})
    components.setdefault("securitySchemes", {})["token"] = {
        "type": "http",
        "scheme": "bearer",
        "description": "a token from `driftscope token create`",
    }
    for path, operations in schema.get("paths", {}).items():
        if path.startswith("/api/v1/"):
            for operation in operations.values():
                operation["security"] = [{"token": []}]
    return schema
