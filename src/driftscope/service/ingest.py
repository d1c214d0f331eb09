"""Posted inference logs into the store: read, checked against the project's columns, and
committed as one batch (what the monitor's ingest source reads)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from driftscope.service.bodies import read_rows

if TYPE_CHECKING:
    from driftscope.monitor._config_models import MonitorConfig
    from driftscope.monitor.store.base import Store


def store_rows(store: Store, config: MonitorConfig, body: bytes, content_type: str | None) -> int:
    """Keep the posted rows as one batch; returns how many. A body that cannot be read is a
    BadBodyError (400); rows without the timestamp column an InputError (422)."""
    from driftscope.monitor.sources.ingest import encode_batch

    table = read_rows(body, content_type)
    encoded, rows, first, last, missing, unparseable = encode_batch(table, config.columns.timestamp)
    store.append_logs(
        config.project, encoded, rows, first, last, missing, unparseable, datetime.now(UTC)
    )
    return rows
