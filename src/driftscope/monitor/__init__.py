"""Monitoring projects (SPEC section 7): a ``driftscope.yaml`` read into a checked,
frozen :class:`MonitorConfig`. Windows, runs, the store and alerts build on it.
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

__all__ = [
    "Alerts",
    "Channel",
    "Checks",
    "Columns",
    "EmailChannel",
    "LogChannel",
    "Logs",
    "MonitorConfig",
    "PagerDutyChannel",
    "Rule",
    "SlackChannel",
    "SqlLogs",
    "WebhookChannel",
    "Window",
    "load_config",
    "parse_config",
    "parse_duration",
]
