"""Failed sign-ins: an account locks after MAX_FAILURES within the period, an address after
ADDRESS_FACTOR times as many over any accounts, a success clears the account, and failures age
out."""

from __future__ import annotations

from driftscope.auth.throttle import ADDRESS_FACTOR, LoginThrottle


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_an_account_locks_then_unlocks_as_failures_age() -> None:
    clock = Clock()
    throttle = LoginThrottle(max_failures=3, period=100.0, clock=clock)
    for n in range(3):
        clock.now = n * 10.0
        assert throttle.wait("Ada", f"10.0.0.{n}") == 0.0
        throttle.failed("Ada", f"10.0.0.{n}")
    assert throttle.wait("ada", "10.9.9.9") == 100.0 - 20.0  # any address, any case
    clock.now = 100.0  # the first failure aged out: one more try
    assert throttle.wait("ada", None) == 0.0
    throttle.failed("ada", None)
    assert throttle.wait("ada", None) == 110.0 - 100.0


def test_a_success_clears_the_account_but_not_the_address() -> None:
    clock = Clock()
    throttle = LoginThrottle(max_failures=2, period=100.0, clock=clock)
    throttle.failed("ada", "10.0.0.1")
    throttle.succeeded("ADA")
    throttle.failed("ada", "10.0.0.1")
    assert throttle.wait("ada", "10.0.0.2") == 0.0  # one failure since the success


def test_one_address_guessing_many_accounts_is_stopped() -> None:
    clock = Clock()
    throttle = LoginThrottle(max_failures=2, period=100.0, clock=clock)
    for n in range(2 * ADDRESS_FACTOR):
        assert throttle.wait(f"user{n}", "10.0.0.1") == 0.0
        throttle.failed(f"user{n}", "10.0.0.1")
    assert throttle.wait("someone-else", "10.0.0.1") == 100.0
    assert throttle.wait("someone-else", "10.0.0.2") == 0.0
