"""Monitoring projects (SPEC section 7): a ``driftscope.yaml`` read into a checked,
frozen :class:`MonitorConfig`. Windows, runs, the store and alerts build on it.
The store's names (:func:`open_store`, :class:`Store`, ...) load SQLAlchemy on first use.
"""

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

_STORE = frozenset(
    {"MemoryStore", "MetricPoint", "Store", "StoreBusy", "WindowRecord", "open_store"}
)
"""Names of :mod:`driftscope.monitor.store` offered here, imported on first use so that
importing the monitor (or the command line) does not import SQLAlchemy."""


def __getattr__(name: str) -> object:
    if name in _STORE:
        from driftscope.monitor import store

        return getattr(store, name)
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
    "WebhookChannel",
    "Window",
    "WindowRecord",
    "load_config",
    "open_store",
    "parse_config",
    "parse_duration",
]
