"""Monitoring projects (SPEC section 7): a ``driftscope.yaml`` read into a checked,
frozen :class:`MonitorConfig`. Windows, runs, the store and alerts build on it.
The store's names (:func:`open_store`, :class:`Store`, ...) load SQLAlchemy on first use,
and the windowing ones (:func:`assign_windows`, ...) pyarrow.
"""

from typing import TYPE_CHECKING

from driftscope.monitor._config_alerts import (
    Alerts,
    Channel,
    EmailChannel,
    LogChannel,
    PagerDutyChannel,
    Rule,
    SlackChannel,
    WebhookChannel,
)
from driftscope.monitor._config_models import Checks, Columns, Logs, MonitorConfig, SqlLogs
from driftscope.monitor.config import load_config, parse_config
from driftscope.monitor.windows import Window, parse_duration

if TYPE_CHECKING:  # the real types for checkers; at run time __getattr__ imports these
    from driftscope.monitor.windowing import (
        Timestamps,
        WindowAssignment,
        assign_windows,
        complete_windows,
        timestamps_from_arrow,
        window_bounds,
    )

_STORE = frozenset(
    {"MemoryStore", "MetricPoint", "Store", "StoreBusy", "WindowRecord", "open_store"}
)
"""Names of :mod:`driftscope.monitor.store` offered here, imported on first use so that
importing the monitor (or the command line) does not import SQLAlchemy."""


_WINDOWING = frozenset(
    {
        "Timestamps",
        "WindowAssignment",
        "assign_windows",
        "complete_windows",
        "timestamps_from_arrow",
        "window_bounds",
    }
)
"""Names of :mod:`driftscope.monitor.windowing`, imported on first use: it loads pyarrow."""


def __getattr__(name: str) -> object:
    if name in _STORE:
        from driftscope.monitor import store

        return getattr(store, name)
    if name in _WINDOWING:
        from driftscope.monitor import windowing

        return getattr(windowing, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Alerts",
    "Channel",
    "Checks",
    "Columns",
    "EmailChannel",
    "LogChannel",
    "Logs",
    "MemoryStore",
    "MetricPoint",
    "MonitorConfig",
    "PagerDutyChannel",
    "Rule",
    "SlackChannel",
    "SqlLogs",
    "Store",
    "StoreBusy",
    "Timestamps",
    "WebhookChannel",
    "Window",
    "WindowAssignment",
    "WindowRecord",
    "assign_windows",
    "complete_windows",
    "load_config",
    "open_store",
    "parse_config",
    "parse_duration",
    "timestamps_from_arrow",
    "window_bounds",
]
