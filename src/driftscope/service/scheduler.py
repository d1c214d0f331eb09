"""The service's scheduler: each project's monitor run (the same code as
``driftscope monitor run``) every few seconds, so windows are computed as they complete.

A run that finds another holding the project's lock (a second ``serve`` on the same store, or
a ``monitor run`` from cron) skips this turn: each window is computed once. A failed run is
logged and tried again next turn; the service keeps serving.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from driftscope.monitor._config_models import MonitorConfig
    from driftscope.monitor.store.base import Store

logger = logging.getLogger("driftscope.service")


async def schedule(configs: Sequence[MonitorConfig], store: Store, every: float) -> None:
    """Run every project's monitor, then wait ``every`` seconds; forever (until cancelled)."""
    while True:
        for config in configs:
            await asyncio.to_thread(run_once, config, store)
        await asyncio.sleep(every)


def run_once(config: MonitorConfig, store: Store) -> int:
    """One monitor run of ``config``'s project; the number of windows it stored (0 when
    another run holds the lock or the run failed, which is logged)."""
    from driftscope.errors import DriftscopeError
    from driftscope.monitor.run import run_monitor
    from driftscope.monitor.store.base import StoreBusy

    try:
        result = run_monitor(config, store=store)
    except StoreBusy:
        logger.info("%s: another run holds the lock; skipped this turn", config.project)
        return 0
    except DriftscopeError as exc:
        logger.warning("%s: monitor run failed: %s", config.project, str(exc).splitlines()[0])
        return 0
    if result.windows:
        logger.info("%s: %d new window(s)", config.project, len(result.windows))
    return len(result.windows)
