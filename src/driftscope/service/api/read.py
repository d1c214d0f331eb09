"""``GET .../windows``, ``.../metrics`` and ``.../alerts``: what the store holds, read."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from driftscope.alerts.events import finite
from driftscope.service.api.common import API, ApiError, Service, parse_time, rfc, run


def router(service: Service) -> APIRouter:
    """The routes that read a project's windows, metric points and alerts."""
    routes = APIRouter()
    store = service.store

    @routes.get(API + "/windows")
    async def get_windows(
        project: str, request: Request, since: str | None = None, until: str | None = None
    ) -> dict[str, Any]:
        await service.allow(request, "read")
        config = service.project(project)
        start, end = parse_time(since, "since"), parse_time(until, "until")
        # Drifted columns from the store's drift points, not from each window's report:
        # parsing a report per window made a year of windows slow.
        windows, drifted = await run(
            lambda: (
                store.windows(config.project, start, end),
                store.drifted_columns(config.project, start, end),
            )
        )
        from driftscope.cli.monitor import window_dict

        return {"windows": [window_dict(w, drifted) for w in windows]}

    @routes.get(API + "/metrics")
    async def get_metrics(
        project: str,
        request: Request,
        metric: str | None = None,
        column: str | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> dict[str, Any]:
        await service.allow(request, "read")
        config = service.project(project)
        start, end = parse_time(since, "since"), parse_time(until, "until")
        points = await run(lambda: store.points(config.project, metric, column, start, end))
        return {
            "points": [
                {
                    "window_start": rfc(p.window_start),
                    "window_end": rfc(p.window_end),
                    "column": p.column,
                    "metric": p.metric,
                    "value": finite(p.value),
                }
                for p in points
            ]
        }

    @routes.get(API + "/alerts")
    async def get_alerts(project: str, request: Request, state: str = "open") -> dict[str, Any]:
        await service.allow(request, "read")
        config = service.project(project)
        if state not in ("open", "resolved", "all"):
            raise ApiError(400, f"state must be open, resolved or all; got {state!r}")
        from driftscope.cli.monitor import alert_dict

        chosen = None if state == "all" else state
        alerts = await run(lambda: store.alerts(config.project, chosen))  # type: ignore[arg-type]
        return {"alerts": [alert_dict(a) for a in alerts]}

    return routes
