"""``GET .../windows``, ``.../metrics`` and ``.../alerts``: what the store holds, read."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request

from driftscope.alerts.events import finite
from driftscope.monitor.store.base import DATASET_COLUMN
from driftscope.service.api.common import API, ApiError, Service, parse_time, rfc, run

if TYPE_CHECKING:
    from driftscope.monitor.store.base import MetricPoint, WindowRecord


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
        windows, drift = await run(
            lambda: (
                store.windows(config.project, start, end),
                store.points(config.project, "drift", None, start, end),
            )
        )
        drifted = drifted_columns(windows, drift)
        return {
            "windows": [
                {
                    "start": rfc(w.start),
                    "end": rfc(w.end),
                    "rows": w.rows,
                    "severity": w.severity,
                    "status": w.status,
                    "drifted_columns": drifted.get((w.start, w.end), []),
                }
                for w in windows
            ]
        }

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


def drifted_columns(
    windows: Sequence[WindowRecord], drift: Sequence[MetricPoint]
) -> dict[tuple[datetime, datetime], list[str]]:
    """Each window's drifted columns, by (start, end), from its ``drift`` points (1 where a
    column drifted) rather than its report: parsing a report per window made a year of
    windows slow. They come in the order the window's report lists its columns (the
    reference's column order), which the points do not keep; it is read from the newest
    report that names them all, so at most one report is parsed when the windows share a
    reference, and a window's own report only when that one lacks one of its columns."""
    found: dict[tuple[datetime, datetime], list[str]] = {}
    for point in drift:
        if point.value == 1 and point.column != DATASET_COLUMN:
            found.setdefault((point.window_start, point.window_end), []).append(point.column)
    order: dict[str, int] = {}
    for window in reversed(windows):
        names = found.get((window.start, window.end))
        if names is None:
            continue
        if not all(name in order for name in names):
            order = _column_order(window.report) or order
        if all(name in order for name in names):
            names.sort(key=order.__getitem__)
        else:  # not in its own report (cannot be): by name, as the points came
            names.sort()
    return found


def _column_order(report: str) -> dict[str, int]:
    """Each column of a window's JSON report by its position ({} for an unreadable one)."""
    try:
        columns = json.loads(report).get("columns", [])
    except (ValueError, AttributeError):
        return {}
    return {c["name"]: i for i, c in enumerate(columns) if isinstance(c, dict) and "name" in c}
