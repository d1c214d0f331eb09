"""Alerts (SPEC section 9): rules that turn stored metrics into alerts, the events channels
are told, and the channels themselves (Slack, PagerDuty, webhook, email, log, memory)."""

from driftscope.alerts.events import AlertEvent, ColumnValue, parse_rfc3339, rfc3339

__all__ = ["AlertEvent", "ColumnValue", "parse_rfc3339", "rfc3339"]
