"""Failed sign-ins limited per account and per client address, so that passwords cannot be
guessed at the speed of the server: after :data:`MAX_FAILURES` failures of an account within
:data:`PERIOD` (or :data:`ADDRESS_FACTOR` times as many from one address, which people behind
one proxy share), it is refused until the oldest failure ages out.

Kept in the process's memory: a restart forgets it, and each ``serve`` process counts its own
(argon2's cost still bounds the rate across them).

>>> throttle = LoginThrottle(max_failures=2, period=60.0, clock=iter([0, 1, 2, 3, 70]).__next__)
>>> throttle.failed("ada", "10.0.0.1"); throttle.failed("ada", "10.0.0.2")
>>> throttle.wait("ada", "10.0.0.3")  # the account is locked: 58 s until its first failure ages
58.0
>>> throttle.wait("bob", "10.0.0.3"), throttle.wait("ada", "10.0.0.3")
(0.0, 0.0)
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

MAX_FAILURES = 10
"""Failed sign-ins an account, or an address, may have within :data:`PERIOD`."""
ADDRESS_FACTOR = 10
"""How many times :data:`MAX_FAILURES` one client address may fail (all accounts together)."""
PERIOD = 900.0
"""Seconds a failed sign-in counts for (15 minutes)."""
MAX_KEYS = 100_000
"""Accounts and addresses remembered at most: beyond, the stalest are forgotten first."""


class LoginThrottle:
    """Counts failed sign-ins per username (ignoring case) and per address; thread-safe."""

    def __init__(
        self,
        max_failures: int = MAX_FAILURES,
        period: float = PERIOD,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_failures = max_failures
        self.period = period
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def wait(self, username: str, address: str | None) -> float:
        """Seconds before a sign-in of ``username`` from ``address`` may be tried; 0 now."""
        now = self._clock()
        with self._lock:
            longest = 0.0
            for key in self._keys(username, address):
                times = self._fresh(key, now)
                limit = self.max_failures * (ADDRESS_FACTOR if key.startswith("address:") else 1)
                if len(times) >= limit:
                    longest = max(longest, times[-limit] + self.period - now)
            return longest

    def failed(self, username: str, address: str | None) -> None:
        """Count a failed sign-in of ``username`` from ``address``."""
        now = self._clock()
        with self._lock:
            for key in self._keys(username, address):
                self._fresh(key, now).append(now)
                if len(self._failures) > MAX_KEYS:
                    self._failures.pop(next(iter(self._failures)))

    def succeeded(self, username: str) -> None:
        """Forget the account's failures (its address's still count)."""
        with self._lock:
            self._failures.pop(_account(username), None)

    def _fresh(self, key: str, now: float) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        while times and times[0] + self.period <= now:
            times.popleft()
        return times

    @staticmethod
    def _keys(username: str, address: str | None) -> list[str]:
        return [_account(username)] + ([f"address:{address}"] if address else [])


def _account(username: str) -> str:
    return "account:" + username.casefold()
