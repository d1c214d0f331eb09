"""A JSON-lines file (SPEC section 9 ``log`` channels): one line per event, its fields and the
channel's name, appended and flushed to disk before :meth:`LogChannel.send` returns, so a line
written is a notification delivered even if the machine stops right after."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from driftscope.alerts.channels.base import DeliveryError
from driftscope.alerts.events import AlertEvent


def log_line(event: AlertEvent, channel: str) -> str:
    """The line written for ``event`` (with its newline).

    >>> from datetime import datetime, UTC
    >>> from driftscope.alerts.events import ColumnValue
    >>> event = AlertEvent(
    ...     action="triggered", event_id="e1", project="credit", rule="feature-psi",
    ...     dedup_key="credit/feature-psi/income", metric="psi", threshold=0.25,
    ...     direction="above", severity="warning", window_start=datetime(2026, 3, 1, tzinfo=UTC),
    ...     window_end=datetime(2026, 3, 2, tzinfo=UTC), columns=(ColumnValue("income", 0.41),))
    >>> line = json.loads(log_line(event, "audit"))
    >>> line["channel"], line["action"], line["columns"]
    ('audit', 'triggered', [['income', 0.41]])
    """
    data = json.loads(event.to_json())
    data["channel"] = channel
    data["summary"] = event.summary
    return json.dumps(data, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n"


@dataclass(frozen=True, slots=True)
class LogChannel:
    """Appends one JSON line per event to ``path``, creating its folders.

    >>> LogChannel(name="audit", path=Path("alerts.jsonl"))
    LogChannel(name='audit', path=PosixPath('alerts.jsonl'))
    """

    name: str
    path: Path

    def send(self, event: AlertEvent) -> None:
        """Append ``event``; a retryable DeliveryError when the file cannot be written."""
        data = log_line(event, self.name).encode()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # One write on an O_APPEND descriptor: lines of concurrent writers do not interleave.
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(fd, data)
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            raise DeliveryError(
                f"channel {self.name!r}: cannot append to {self.path} ({exc.strerror or exc})",
                retryable=True,
            ) from None
