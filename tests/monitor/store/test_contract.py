"""Every store (in memory, SQLite, PostgreSQL) keeps the store contract; the checks catch a
store that breaks it."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pytest

from driftscope.monitor.store import MemoryStore, MetricPoint, Store, WindowRecord
from driftscope.testing.store import (
    STORE_CHECKS,
    check_rewriting_a_window_stores_nothing_twice,
    check_store,
)


@pytest.mark.parametrize("check", STORE_CHECKS, ids=lambda c: c.__name__.removeprefix("check_"))
def test_store_keeps_the_contract(
    store_factory: Callable[[], Store], check: Callable[[Callable[[], Store]], None]
) -> None:
    check(store_factory)


def test_check_store_runs_every_check_on_the_memory_store() -> None:
    check_store(MemoryStore)


class _Forgetful(MemoryStore):
    """Broken on purpose: writes a window again, as a store without a unique key would."""

    def write_window(self, window: WindowRecord, points: Iterable[MetricPoint]) -> bool:
        listed = list(points)
        if not super().write_window(window, listed):
            self._points[window.key] += listed
        return True


def test_checks_catch_a_store_that_stores_a_window_twice() -> None:
    with pytest.raises(AssertionError, match="re-writing a window"):
        check_rewriting_a_window_stores_nothing_twice(_Forgetful)
