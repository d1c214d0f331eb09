"""The dashboard's pages: the projects overview, a project (heat map, metric and performance
charts, windows), a window's report, the alert history and one alert's timeline; and the
"compute now" button. Every page needs a signed-in person (see :mod:`.web`)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from driftscope.monitor.store.base import DATASET_COLUMN
from driftscope.service.api.common import ApiError, Service, parse_time, rfc
from driftscope.service.api.common import run as in_thread
from driftscope.service.dashboard import charts, views
from driftscope.service.dashboard.web import HEADERS, checked_form, person, render

if TYPE_CHECKING:
    from driftscope.monitor._config_alerts import Rule
    from driftscope.monitor._config_models import MonitorConfig
    from driftscope.monitor.store.base import Alert, AlertState


def router(service: Service) -> APIRouter:
    """Every dashboard page over the service's projects and store."""
    routes = APIRouter(include_in_schema=False)
    store = service.store

    @routes.get("/")
    async def overview(request: Request) -> Response:
        session = await person(request, store)

        def build() -> list[views.Health]:
            found = [views.health(config, store) for config in service.projects.values()]
            return sorted(found, key=lambda h: (-h.rank[0], -h.rank[1], h.name))

        projects = await in_thread(build)
        return render("overview.html", session=session, projects=projects)

    @routes.get("/projects/{project}")
    async def project_page(
        request: Request,
        project: str,
        since: str | None = None,
        until: str | None = None,
        column: str | None = None,
        metric: str | None = None,
        ran: int | None = None,
        run: str | None = None,
    ) -> Response:
        session = await person(request, store)
        config = service.project(project)
        start, end = _day(since, "since"), _day(until, "until", end=True)
        context = await in_thread(
            lambda: _project_context(service, config, start, end, column, metric)
        )
        return render(
            "project.html",
            session=session,
            config=config,
            since=since or "",
            until=until or "",
            ran=ran,
            run=run,
            **context,
        )

    @routes.get("/projects/{project}/windows/{start}")
    async def window_page(request: Request, project: str, start: str) -> Response:
        await person(request, store)
        config = service.project(project)
        moment = parse_time(start, "the window's start")
        assert moment is not None
        page = await in_thread(lambda: store.page(config.project, moment))
        if page is None:
            raise ApiError(404, f"no report is kept for {project!r}'s window at {start}")
        from driftscope.monitor.compute import read_page

        text = _with_back_link(read_page(page), views.project_url(config.project), project)
        # the report's own Content-Security-Policy (in its <meta>) governs its inline script
        headers = {k: v for k, v in HEADERS.items() if k != "Content-Security-Policy"}
        return HTMLResponse(text, headers=headers)

    @routes.get("/projects/{project}/alerts")
    async def alerts_page(request: Request, project: str, state: str = "all") -> Response:
        session = await person(request, store)
        config = service.project(project)
        if state not in ("open", "resolved", "all"):
            raise ApiError(400, f"state must be open, resolved or all; got {state!r}")
        chosen = None if state == "all" else cast("AlertState", state)
        found = await in_thread(lambda: store.alerts(config.project, chosen))
        found = sorted(found, key=lambda a: a.opened_at, reverse=True)
        return render("alerts.html", session=session, config=config, alerts=found, state=state)

    @routes.get("/projects/{project}/alerts/{alert_id}")
    async def alert_page(request: Request, project: str, alert_id: int) -> Response:
        session = await person(request, store)
        config = service.project(project)
        context = await in_thread(lambda: _alert_context(service, config, alert_id))
        return render("alert.html", session=session, config=config, **context)

    @routes.post("/projects/{project}/run")
    async def compute_now(request: Request, project: str) -> Response:
        session = await person(request, store)
        config = service.project(project)
        await checked_form(request, session)
        from driftscope.service.scheduler import run_now

        done = await in_thread(lambda: run_now(config, store))
        told = f"ran={done.computed}" if done.state == "done" else f"run={done.state}"
        return RedirectResponse(views.project_url(config.project) + "?" + told, status_code=303)

    return routes


def _day(text: str | None, name: str, *, end: bool = False) -> datetime | None:
    """A date (or time) from a filter; a date ``until`` covers its whole day."""
    if not text:
        return None
    moment = parse_time(text, name)
    assert moment is not None
    if end and len(text) == 10:  # a bare date: up to the end of that day
        moment += timedelta(days=1)
    return moment


MAX_HEAT_WINDOWS = 180
"""The most windows the heat map and charts show (the latest, when a selection has more)."""


def _project_context(
    service: Service,
    config: MonitorConfig,
    since: datetime | None,
    until: datetime | None,
    column: str | None,
    metric: str | None,
) -> dict[str, Any]:
    store, project = service.store, config.project
    windows = views.dataset_windows(store, project, since, until)
    cut = len(windows) > MAX_HEAT_WINDOWS
    if cut:
        keep = slice(-MAX_HEAT_WINDOWS, None)
        windows = views.Windows(windows.starts[keep], windows.ends[keep], windows.figures[keep])
        since = windows.starts[0]
    links = [views.window_url(project, s) for s in windows.starts]
    severity = views.column_matrix(store, project, "severity", windows, since, until)
    features = severity.columns
    chosen = column if column in (*features, DATASET_COLUMN) else None
    heat = charts.heat_map(
        windows.starts,
        views.heat_rows(
            severity,
            views.model_columns(config),
            chosen if chosen != DATASET_COLUMN else None,
        ),
        links,
        f"drift severity of {project}'s columns per window",
    )
    shown = chosen or DATASET_COLUMN
    metrics = views.column_series(store, project, shown, windows, since, until)
    picked = metric if metric in metrics else views.default_metric(shown, metrics)
    from driftscope.alerts.rules import project_rules

    rules = project_rules(config)
    alerts = store.alerts(project)
    events = views.detection_events(config, store, windows, since, until)
    metric_chart = ""
    if picked is not None:
        watching = {r.name for r in rules if picked in _metrics_of(r)}
        thresholds = views.rule_thresholds(rules, picked, shown)
        metric_chart = charts.line_chart(
            windows.starts,
            [charts.Series(picked, metrics[picked], "s0")],
            thresholds=thresholds,
            spans=views.alert_spans(alerts, shown, watching, windows),
            events=events.get(shown, ()),
            links=links,
        )
    together = [
        _together_chart(test, windows, links, rules, alerts)
        for test in views.together_series(windows)
    ]
    performance = views.performance_chart(windows)
    performance_svg = ""
    if performance is not None:
        performance_svg = charts.line_chart(
            windows.starts,
            performance.series,
            band=performance.band,
            events=events.get(views.PERFORMANCE, ()),
            links=links,
        )
    rows = windows.series("rows")
    table = [
        {
            "start": windows.starts[i],
            "end": windows.ends[i],
            "url": links[i],
            "rows": rows[i],
            "severity": views.severity_name(windows.figures[i].get("dataset_severity", math.nan)),
            "drift_share": windows.figures[i].get("drift_share", math.nan),
        }
        for i in reversed(range(len(windows)))
    ]
    return {
        "windows": table,
        "window_count": len(windows),
        "cut": cut,
        "heat": heat,
        "features": features,
        "column": chosen or "",
        "shown": shown,
        "metric": picked or "",
        "metrics": list(metrics),
        "metric_chart": metric_chart,
        "metric_events": bool(metric_chart and events.get(shown)),
        "performance_events": bool(performance_svg and events.get(views.PERFORMANCE)),
        "together": together,
        "performance": performance,
        "performance_svg": performance_svg,
        "performance_legend": ""
        if performance is None
        else charts.legend(performance.series, performance.band),
        "open_alerts": [a for a in alerts if a.state == "open"],
    }


def _together_chart(
    test: views.Together,
    windows: views.Windows,
    links: Sequence[str],
    rules: Sequence[Rule],
    alerts: Sequence[Alert],
) -> dict[str, Any]:
    """A multivariate test's small chart: its statistic per window, the windows where it
    found drift marked, its p-value in each point's title, the thresholds of rules on it."""
    watching = {r.name for r in rules if test.metric in _metrics_of(r)}
    series = charts.Series(
        f"{test.method} {test.statistic}", test.values, "s0", test.notes(), test.drifted
    )
    svg = charts.line_chart(
        windows.starts,
        [series],
        thresholds=views.rule_thresholds(rules, test.metric, DATASET_COLUMN),
        spans=views.alert_spans(alerts, DATASET_COLUMN, watching, windows),
        links=links,
        size=charts.SMALL,
        label=f"{test.method}: {test.statistic} per window",
    )
    last = next((i for i in reversed(range(len(windows))) if math.isfinite(test.values[i])), None)
    return {
        "method": test.method,
        "statistic": test.statistic,
        "metric": test.metric,
        "svg": svg,
        "tested": test.tested,
        "drifted": test.drifted_windows,
        "last": None if last is None else ("drift" if test.drifted[last] else "no drift"),
    }


def _metrics_of(rule: Rule) -> set[str]:
    conditions = rule.all_ if rule.all_ else (rule,)
    return {c.metric for c in conditions if c.metric}


def _alert_context(service: Service, config: MonitorConfig, alert_id: int) -> dict[str, Any]:
    store, project = service.store, config.project
    alert = next((a for a in store.alerts(project) if a.id == alert_id), None)
    if alert is None:
        raise ApiError(404, f"no alert {alert_id} in project {project!r}")
    from driftscope.alerts.rules import project_rules

    rule = next((r for r in project_rules(config) if r.name == alert.rule), None)
    column = alert.columns[0] if alert.columns else DATASET_COLUMN
    metric = None if rule is None else sorted(_metrics_of(rule))[0] if _metrics_of(rule) else None
    # the windows around it: ten before it opened, then up to MAX_HEAT_WINDOWS in all, to as
    # long again after it resolved (an open one: to the latest window)
    until = None
    if alert.resolved_at is not None:
        until = alert.resolved_at + max(alert.resolved_at - alert.opened_at, timedelta(days=1))
    windows = views.dataset_windows(store, project, None, until)
    first = next((i for i, e in enumerate(windows.ends) if e >= alert.opened_at), len(windows))
    keep = slice(max(first - 10, 0), max(first - 10, 0) + MAX_HEAT_WINDOWS)
    windows = views.Windows(windows.starts[keep], windows.ends[keep], windows.figures[keep])
    since = windows.starts[0] if len(windows) else None
    until = windows.ends[-1] if len(windows) else until
    links = [views.window_url(project, s) for s in windows.starts]
    during = views.open_windows(alert, windows)
    spans = (
        [charts.Span("open", windows.starts[during[0]], windows.starts[during[-1]])]
        if during
        else []
    )
    chart = ""
    if metric is not None:
        values = views.column_series(store, project, column, windows, since, until)
        if values.get(metric):
            chart = charts.line_chart(
                windows.starts,
                [charts.Series(f"{metric} of {column}", values[metric], "s0")],
                thresholds=views.rule_thresholds([rule] if rule else [], metric, column),
                spans=spans,
                links=links,
            )
    rows = [
        {
            "start": windows.starts[i],
            "end": windows.ends[i],
            "url": links[i],
            "severity": views.severity_name(windows.figures[i].get("dataset_severity", math.nan)),
        }
        for i in during
    ]
    return {
        "alert": alert,
        "rule": rule,
        "metric": metric or "",
        "column": column,
        "chart": chart,
        "during": rows,
        "opened": rfc(alert.opened_at),
    }


def _with_back_link(page: str, back: str, project: str) -> str:
    """The report page with a link back to its project's dashboard at the top."""
    from driftscope.report.svg import esc

    bar = (
        '<nav style="max-width:1320px;margin:0 auto;padding:12px 20px 0"><a href="'
        + esc(back)
        + '">&larr; '
        + esc(project)
        + " dashboard</a></nav>"
    )
    at = page.find("<body")
    close = page.find(">", at) if at >= 0 else -1
    return page if close < 0 else page[: close + 1] + bar + page[close + 1 :]
