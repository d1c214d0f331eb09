"""The service's scheduler: each project's monitor run (the same code as
``driftscope monitor run``) every few seconds, so windows are computed as they complete, and
:func:`run_now`, one run on demand (the dashboard's button).

A run that finds another holding the project's lock (a second ``serve`` on the same store, or
a ``monitor run`` from cron) skips this turn: each window is computed once. A failed run is
logged and tried again next turn; the service keeps serving. Each computed window is logged
on its own line (``driftscope.service`` at INFO, which ``serve`` writes to stderr), so the
logs of several servers on one store say which of them computed what.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from datetime import datetime

    from driftscope.monitor._config_models import MonitorConfig
    from driftscope.monitor.run import ComputedWindow
    from driftscope.monitor.store.base import Store

logger = logging.getLogger("driftscope.service")

RunState = Literal["done", "busy", "failed"]


@dataclass(frozen=True, slots=True)
class RunNow:
    """What one on-demand run did: ``done`` with the windows it computed (none when nothing
    new was complete), ``busy`` when another run held the project's lock (nothing was done;
    try again once it is over), or ``failed`` with the error's first line in ``message``."""

    project: str
    state: RunState
    windows: tuple[ComputedWindow, ...] = ()
    message: str = ""

    @property
    def computed(self) -> int:
        """How many windows the run computed and stored."""
        return len(self.windows)


async def schedule(configs: Sequence[MonitorConfig], store: Store, every: float) -> None:
    """Run every project's monitor and index the ids of its newly posted rows, then wait
    ``every`` seconds; forever (until cancelled)."""
    while True:
        for config in configs:
            await asyncio.to_thread(run_once, config, store)
            await asyncio.to_thread(index_ids, config, store)
        await asyncio.sleep(every)


def index_ids(config: MonitorConfig, store: Store) -> int:
    """Index the row ids of the project's log batches posted since the last indexing (when
    it has an id column), so that a ``POST .../labels`` finds them indexed instead of paying
    for the backlog; the number of batches indexed (0 on a failure, which is logged)."""
    if config.columns.id is None:
        return 0
    from driftscope.service.labels import index_new_batches

    try:
        return index_new_batches(store, config.project, config.columns.id)
    except Exception:
        logger.exception("%s: indexing posted row ids failed", config.project)
        return 0


def run_once(config: MonitorConfig, store: Store) -> int:
    """One monitor run of ``config``'s project; the number of windows it stored (0 when
    another run holds the lock or the run failed, which is logged)."""
    return run_now(config, store).computed


def run_now(config: MonitorConfig, store: Store) -> RunNow:
    """Run ``config``'s monitor now, on ``store``, as the scheduler would: compute every
    complete window not computed yet, evaluate the rules, send the notifications. Never
    waits for another run and never raises: a run holding the project's lock (the
    scheduler's, another server's, a ``monitor run``) makes it ``busy`` at once, and an
    error is ``failed`` (logged with its traceback when it is not the monitor's own).

    >>> RunNow("fraud", "busy").computed
    0
    """
    from driftscope.errors import DriftscopeError
    from driftscope.io._arrow import first_line
    from driftscope.monitor.run import run_monitor
    from driftscope.monitor.store.base import StoreBusy

    project = config.project
    try:
        result = run_monitor(config, store=store, on_window=lambda w: _computed(project, w))
    except StoreBusy:
        logger.info("%s: another run holds the lock; skipped this turn", project)
        return RunNow(project, "busy", message="another run is computing this project")
    except DriftscopeError as exc:
        message = first_line(exc)
        logger.warning("%s: monitor run failed: %s", project, message)
        return RunNow(project, "failed", message=message)
    except Exception as exc:
        # A bug, or a driver's error the store did not translate: the scheduler must go on
        # (an exception here would end its task for good, silently), so it is logged whole.
        logger.exception("%s: monitor run failed", project)
        return RunNow(project, "failed", message=first_line(exc))
    if result.labelled:
        logger.info(
            "%s: %d earlier window(s) computed again with late labels (%s to %s)",
            project,
            len(result.labelled),
            _rfc3339(min(result.labelled)),
            _rfc3339(max(result.labelled)),
        )
    return RunNow(project, "done", result.windows)


def _rfc3339(moment: datetime) -> str:
    from driftscope.alerts.events import rfc3339

    return rfc3339(moment)


def _computed(project: str, window: ComputedWindow) -> None:
    logger.info(
        "%s: window %s to %s computed (%d rows, %s, severity %s)",
        project,
        _rfc3339(window.start),
        _rfc3339(window.end),
        window.rows,
        window.status,
        window.severity,
    )
