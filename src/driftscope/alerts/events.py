"""What a channel is told: one :class:`AlertEvent` per rule, window and action.

An event is channel-independent and holds no secret; the outbox keeps it as JSON
(:meth:`AlertEvent.to_json`) and each channel renders it into its own request when it sends
(SPEC section 9). Several columns firing for one rule in one window make one event (one page,
not 25): ``columns`` lists them, the lead (the first) names the alert.

>>> from datetime import datetime, UTC
>>> event = AlertEvent(
...     action="triggered", event_id="e1", project="credit", rule="feature-psi",
...     dedup_key="credit/feature-psi/income", metric="psi", threshold=0.25,
...     direction="above", severity="warning",
...     window_start=datetime(2026, 3, 1, tzinfo=UTC), window_end=datetime(2026, 3, 2, tzinfo=UTC),
...     columns=(ColumnValue("income", 0.41), ColumnValue("age", 0.3)),
... )
>>> event.column, event.value
('income', 0.41)
>>> AlertEvent.from_json(event.to_json()) == event
True
>>> event.summary
'WARNING credit: feature-psi on income (psi 0.41 above 0.25) and 1 more column'
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

Action = Literal["triggered", "resolved"]
Severity = Literal["info", "warning", "error", "critical"]


def rfc3339(moment: datetime) -> str:
    """``moment`` in UTC as RFC 3339 with a ``Z`` (SPEC section 7).

    >>> rfc3339(datetime(2026, 3, 1, 12, 30, tzinfo=UTC))
    '2026-03-01T12:30:00Z'
    """
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_rfc3339(text: str) -> datetime:
    """The UTC datetime of an RFC 3339 text written by :func:`rfc3339`."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


@dataclass(frozen=True, slots=True)
class ColumnValue:
    """One column of an event and its metric's value in the window (None: not measured)."""

    column: str
    value: float | None


@dataclass(frozen=True, slots=True)
class AlertEvent:
    """An alert opening (``triggered``, also for a re-notification after its cooldown) or
    resolving, for one rule in one window.

    ``event_id`` is stable across retries (the outbox key), so receivers can drop repeats.
    ``columns`` is never empty; for a dataset-level rule it holds the column ``*``.
    ``top_drifted`` are the window's most drifted columns with their statistic, for context;
    ``base_url`` links to the dashboard when configured.
    """

    action: Action
    event_id: str
    project: str
    rule: str
    dedup_key: str
    metric: str
    threshold: float
    direction: Literal["above", "below"]
    severity: Severity
    window_start: datetime
    window_end: datetime
    columns: tuple[ColumnValue, ...]
    top_drifted: tuple[ColumnValue, ...] = ()
    base_url: str | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.columns:
            raise ValueError("an alert event names at least one column")

    @property
    def column(self) -> str:
        """The lead column (the alert's name in its dedup key)."""
        return self.columns[0].column

    @property
    def value(self) -> float | None:
        """The lead column's value."""
        return self.columns[0].value

    @property
    def summary(self) -> str:
        """One line: severity, project, rule, column(s), value and threshold."""
        head = f"{self.severity.upper()} {self.project}: {self.rule} on {self.column}"
        if self.action == "resolved":
            head = f"RESOLVED {self.project}: {self.rule} on {self.column}"
        value = "n/a" if self.value is None else _number(self.value)
        text = f"{head} ({self.metric} {value} {self.direction} {_number(self.threshold)})"
        more = len(self.columns) - 1
        if more:
            text += f" and {more} more column{'s' if more > 1 else ''}"
        return text

    def to_json(self) -> str:
        """The event as JSON text (what the outbox keeps)."""
        data = {
            "action": self.action,
            "event_id": self.event_id,
            "project": self.project,
            "rule": self.rule,
            "dedup_key": self.dedup_key,
            "metric": self.metric,
            "threshold": finite(self.threshold),
            "direction": self.direction,
            "severity": self.severity,
            "window_start": rfc3339(self.window_start),
            "window_end": rfc3339(self.window_end),
            "columns": [[item.column, finite(item.value)] for item in self.columns],
            "top_drifted": [[item.column, finite(item.value)] for item in self.top_drifted],
            "base_url": self.base_url,
            "details": self.details,
        }
        return json.dumps(data, sort_keys=True, allow_nan=False)

    @classmethod
    def from_json(cls, text: str) -> AlertEvent:
        """The event :meth:`to_json` wrote."""
        data = json.loads(text)
        return cls(
            action=data["action"],
            event_id=data["event_id"],
            project=data["project"],
            rule=data["rule"],
            dedup_key=data["dedup_key"],
            metric=data["metric"],
            threshold=float(data["threshold"]),
            direction=data["direction"],
            severity=data["severity"],
            window_start=parse_rfc3339(data["window_start"]),
            window_end=parse_rfc3339(data["window_end"]),
            columns=tuple(ColumnValue(name, value) for name, value in data["columns"]),
            top_drifted=tuple(ColumnValue(name, value) for name, value in data["top_drifted"]),
            base_url=data["base_url"],
            details=data["details"],
        )


def finite(value: float | None) -> float | None:
    """JSON has no NaN or infinity: those travel as null."""
    return None if value is None or not math.isfinite(value) else value


def _number(value: float) -> str:
    return f"{value:.4g}"
